"""The yearly control plan (kế hoạch kiểm soát thủ tục hành chính) and the Office's online meetings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.control.choices import TaskStatus
from motcua.core.models import TimeStampedModel
from motcua.org.models import Agency, User

https_url = URLValidator(schemes=["https"], message=_("Give an https:// address."))


class ControlPlan(TimeStampedModel):
    """A yearly plan, e.g. Quyết định 91/QĐ-UBND ngày 19/01/2021 ban hành Kế hoạch kiểm soát TTHC năm 2021."""

    issuing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="control_plans",
        verbose_name=_("issuing agency"),
        help_text=_("The agency that runs the plan (usually the People's Committee Office)."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=500)
    decision_number = models.CharField(
        _("decision number"),
        max_length=60,
        blank=True,
        help_text=_("Số quyết định ban hành kế hoạch, e.g. 91/QĐ-UBND."),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "issuing_agency__name"]
        verbose_name = _("control plan")
        verbose_name_plural = _("control plans")
        constraints = [
            models.UniqueConstraint(fields=["issuing_agency", "year"], name="control_plan_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="control_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskGroup(TimeStampedModel):
    """A group of tasks (nhóm công việc) of a plan."""

    plan = models.ForeignKey(
        ControlPlan, on_delete=models.CASCADE, related_name="groups", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="task_group_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class PlanTask(TimeStampedModel):
    """A task (nhiệm vụ) with its owner agency, deadline and progress."""

    group = models.ForeignKey(
        TaskGroup, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("group")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)
    owner_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="plan_tasks",
        verbose_name=_("owner agency"),
        help_text=_("Cơ quan chủ trì: its staff report on the task."),
    )
    deadline = models.DateField(_("deadline"), help_text=_("Thời hạn hoàn thành."))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    result_note = models.TextField(_("result"), blank=True, help_text=_("Kết quả thực hiện."))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["group__plan", "group__position", "position"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        constraints = [
            models.UniqueConstraint(fields=["group", "position"], name="plan_task_unique_position"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="plan_task_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | (Q(progress=100) & Q(completed_on__isnull=False)),
                name="plan_task_done_is_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="plan_task_open_deadline")]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today) -> bool:
        """Deadline passed and the task neither done nor cancelled."""
        return self.deadline < today and self.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)

    def clean(self) -> None:
        if self.status == TaskStatus.DONE and self.progress != 100:
            raise ValidationError({"progress": _("A task done is 100% complete.")})


class TaskEvidence(TimeStampedModel):
    """A file proving what was done (a report, a decision, minutes, photos)."""

    task = models.ForeignKey(
        PlanTask, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("task")
    )
    file = models.FileField(_("file"), upload_to="control/evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(
        _("type"), max_length=100, help_text=_("As found in the content, not as claimed.")
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        ordering = ["task", "created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class TaskReport(TimeStampedModel):
    """A periodic report on a task (báo cáo định kỳ): what was done in the period and the progress reached."""

    task = models.ForeignKey(
        PlanTask, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task")
    )
    period = models.CharField(
        _("period"), max_length=60, help_text=_("e.g. Quý II/2021, 6 tháng đầu năm 2021.")
    )
    text = models.TextField(_("report"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))

    class Meta:
        ordering = ["task", "-created_at"]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_report_progress_max_100")
        ]

    def __str__(self) -> str:
        return f"{self.task} — {self.period}"


class Meeting(TimeStampedModel):
    """An online meeting (cuộc họp trực tuyến) organised by an agency, in an external video room."""

    title = models.CharField(_("title"), max_length=300)
    organiser = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="organised_meetings", verbose_name=_("organiser")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    agenda = models.TextField(_("agenda"), blank=True)
    invited_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="meeting_invitations", verbose_name=_("invited agencies")
    )
    video_url = models.URLField(
        _("video room"),
        max_length=500,
        blank=True,
        validators=[https_url],
        help_text=_("Link to the external video room (https only)."),
    )
    minutes = models.FileField(_("minutes"), upload_to="control/minutes/%Y/", blank=True)
    minutes_name = models.CharField(_("minutes file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    # What the agenda is about (issue 9 item 11): the meeting page links to each subject.
    decisions = models.ManyToManyField(
        "catalog.PublicationDecision",
        blank=True,
        related_name="meetings",
        verbose_name=_("publication decisions discussed"),
    )
    petitions = models.ManyToManyField(
        "feedback.Petition", blank=True, related_name="meetings", verbose_name=_("petitions discussed")
    )
    plan_tasks = models.ManyToManyField(
        PlanTask, blank=True, related_name="meetings", verbose_name=_("control-plan tasks discussed")
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
