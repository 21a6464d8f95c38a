"""Writes for the control plan and meetings. Owner agency staff update their own tasks; Office
reviewers (phòng Kiểm soát TTHC) update any task and organise meetings."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.control.choices import CLOSED_TASK_STATUSES, TaskStatus
from motcua.control.models import (
    ControlPlan,
    Meeting,
    PlanTask,
    TaskEvidence,
    TaskGroup,
    TaskReport,
    https_url,
)
from motcua.control.selectors import is_office_reviewer, meeting_editable_by, plan_task_editable_by
from motcua.control.workflow import task_guard
from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.core.text import nfc
from motcua.core.uploads import check_upload
from motcua.org.models import Agency, User
from motcua.org.selectors import staff_agency_ids

logger = logging.getLogger(__name__)


def _may_update(actor: User, task: PlanTask) -> None:
    if not plan_task_editable_by(actor, task):
        raise PermissionDenied(
            _("Only the owner agency's staff and the Office reviewers may update this task."),
            code="task_forbidden",
        )


def _progress(value: int) -> int:
    if not 0 <= value <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), code="task_bad_progress")
    return value


@transaction.atomic
def plan_task_update(
    *,
    actor: User,
    task: PlanTask,
    progress: int,
    status: str,
    result_note: str = "",
    today: dt.date | None = None,
) -> PlanTask:
    """Set a task's progress, status and result, along the transition table (`control.workflow`). Done
    means 100%; starting work moves it to in progress; cancelling or reopening is for the Office."""
    _may_update(actor, task)
    if status not in TaskStatus.values:
        raise InvalidInput(_("Unknown status."), code="task_bad_status")
    progress = _progress(progress)
    if status == TaskStatus.DONE:
        progress = 100
    elif status == TaskStatus.NOT_STARTED and progress > 0:
        status = TaskStatus.IN_PROGRESS
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    task_guard(task.status, status, office=is_office_reviewer(actor))
    task.progress, task.status, task.result_note = progress, status, nfc(result_note.strip())
    task.completed_on = (
        (task.completed_on or today or timezone.localdate()) if status == TaskStatus.DONE else None
    )
    task.save(update_fields=["progress", "status", "result_note", "completed_on", "updated_at"])
    logger.info("Plan task %s updated by %s: %s %d%%", task.pk, actor.pk, status, progress)
    return task


@transaction.atomic
def plan_task_report(*, actor: User, task: PlanTask, period: str, text: str, progress: int) -> TaskReport:
    """File a periodic report on a task; the task's progress follows the report's."""
    _may_update(actor, task)
    period, text = nfc(period.strip()), nfc(text.strip())
    if not period or not text:
        raise InvalidInput(_("Give the period and what was done."), code="task_bad_report")
    progress = _progress(progress)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if task.status in CLOSED_TASK_STATUSES:
        raise Conflict(_("The task is closed."), code="task_closed")
    report = TaskReport.objects.create(
        task=task, period=period[:60], text=text, progress=progress, author=actor
    )
    task.progress = progress
    if task.status == TaskStatus.NOT_STARTED and progress > 0:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["progress", "status", "updated_at"])
    return report


@transaction.atomic
def plan_task_evidence_add(
    *, actor: User, task: PlanTask, upload: UploadedFile, description: str = ""
) -> TaskEvidence:
    """Attach a file to a task after checking its size, its type by content and its name."""
    _may_update(actor, task)
    checked = check_upload(upload)
    evidence = TaskEvidence(
        task=task,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        description=nfc(description.strip())[:500],
        uploaded_by=actor,
    )
    evidence.file.save(checked.storage_name, checked.file, save=False)
    evidence.save()
    return evidence


def _check_video_url(url: str) -> str:
    url = url.strip()
    if url:
        try:
            https_url(url)
        except ValidationError as exc:
            raise InvalidInput(
                _("The video room must be an https:// address."), code="meeting_bad_url"
            ) from exc
    return url


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    organiser: Agency,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    agenda: str = "",
    video_url: str = "",
    invited: list[Agency] | None = None,
    decision_ids: list[int] | None = None,
    petition_codes: list[str] | None = None,
    task_ids: list[int] | None = None,
) -> Meeting:
    """Schedule an online meeting; the organiser's staff or an Office reviewer. The subjects of its agenda
    (publication decisions, petitions, control-plan tasks) are linked as in `meeting_subjects_set`."""
    if organiser.pk not in staff_agency_ids(actor) and not is_office_reviewer(actor):
        raise PermissionDenied(
            _("You may only organise meetings for your own agency."), code="meeting_forbidden"
        )
    title = nfc(title.strip())
    if not title:
        raise InvalidInput(_("Give the meeting a title."), code="meeting_no_title")
    if ends_at <= starts_at:
        raise InvalidInput(_("The meeting must end after it starts."), code="meeting_bad_times")
    meeting = Meeting.objects.create(
        title=title[:300],
        organiser=organiser,
        starts_at=starts_at,
        ends_at=ends_at,
        agenda=nfc(agenda.strip()),
        video_url=_check_video_url(video_url),
        created_by=actor,
    )
    meeting.invited_agencies.set(invited or [])
    _set_subjects(actor, meeting, decision_ids or [], petition_codes or [], task_ids or [])
    return meeting


def _set_subjects(
    actor: User, meeting: Meeting, decision_ids: list[int], petition_codes: list[str], task_ids: list[int]
) -> None:
    from motcua.catalog.publication_selectors import publication_decisions_visible_to
    from motcua.control.selectors import control_plans_visible_to
    from motcua.feedback.selectors import petitions_visible_to

    codes = sorted({c.strip().upper() for c in petition_codes if c.strip()})
    petitions = list(petitions_visible_to(actor).filter(code__in=codes))
    unknown = sorted(set(codes) - {p.code for p in petitions})
    if unknown:
        raise InvalidInput(
            _("No petition you may see has the code %(codes)s.") % {"codes": ", ".join(unknown)},
            code="meeting_bad_subject",
        )
    decisions = list(publication_decisions_visible_to(actor).filter(pk__in=decision_ids))
    tasks = list(PlanTask.objects.filter(pk__in=task_ids, group__plan__in=control_plans_visible_to(actor)))
    if len(decisions) != len(set(decision_ids)) or len(tasks) != len(set(task_ids)):
        raise InvalidInput(_("Choose subjects from the lists."), code="meeting_bad_subject")
    meeting.decisions.set(decisions)
    meeting.petitions.set(petitions)
    meeting.plan_tasks.set(tasks)


@transaction.atomic
def meeting_subjects_set(
    *,
    actor: User,
    meeting: Meeting,
    decision_ids: list[int],
    petition_codes: list[str],
    task_ids: list[int],
) -> Meeting:
    """Link the meeting to the subjects of its agenda: publication decisions, petitions (by tracking code)
    and control-plan tasks, each among those the organiser may see. Replaces the earlier links."""
    if not meeting_editable_by(actor, meeting):
        raise PermissionDenied(_("Only the organiser may change the agenda."), code="meeting_forbidden")
    _set_subjects(actor, meeting, decision_ids, petition_codes, task_ids)
    logger.info("Meeting %s subjects set by %s", meeting.pk, actor.pk)
    return meeting


@transaction.atomic
def meeting_minutes_attach(*, actor: User, meeting: Meeting, upload: UploadedFile) -> Meeting:
    """Attach (or replace) the minutes of a meeting; the file is checked like any upload."""
    if not meeting_editable_by(actor, meeting):
        raise PermissionDenied(_("Only the organiser may attach the minutes."), code="meeting_forbidden")
    checked = check_upload(upload)
    meeting.minutes.save(checked.storage_name, checked.file, save=False)
    meeting.minutes_name = checked.name
    meeting.save(update_fields=["minutes", "minutes_name", "updated_at"])
    return meeting


# --- drafting the year's plan (issue 9 item 10) ------------------------------------------------------------


def _office_agency(actor: User) -> Agency:
    """The Office agency in which `actor` reviews: the plan's issuing agency."""
    from motcua.org.choices import Role

    agencies = staff_agency_ids(actor, roles=frozenset({Role.OFFICE_REVIEWER}))
    agency = Agency.objects.filter(pk__in=agencies).order_by("pk").first()
    if agency is None:
        raise PermissionDenied(
            _("Only the Office reviewers (kiểm soát TTHC) draw up the control plan."), code="plan_forbidden"
        )
    return agency


def _year(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise InvalidInput(_("Give a year between 2000 and 2100."), code="plan_bad_year")
    return value


def _name(value: str, label: str) -> str:
    text = nfc((value or "").strip())
    if not text:
        raise InvalidInput(_("%(field)s is required.") % {"field": label}, code="required")
    if len(text) > 500:
        raise InvalidInput(_("%(field)s is too long.") % {"field": label}, code="too_long")
    return text


@transaction.atomic
def control_plan_create(
    *,
    actor: User,
    year: int,
    title: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
) -> ControlPlan:
    """The Office draws up the plan of `year` (one per issuing agency and year); groups and tasks follow."""
    agency = _office_agency(actor)
    year = _year(year)
    if ControlPlan.objects.filter(issuing_agency=agency, year=year).exists():
        raise Conflict(
            _("%(agency)s already has a control plan for %(year)d.") % {"agency": agency.name, "year": year},
            code="plan_exists",
        )
    plan = ControlPlan.objects.create(
        issuing_agency=agency,
        year=year,
        title=_name(title, _("Title"))
        if title.strip()
        else _("Plan for the control of administrative procedures %(year)d") % {"year": year},
        decision_number=nfc(decision_number.strip())[:60],
        decision_date=decision_date,
    )
    logger.info("Control plan %s (%s) created by %s", plan.pk, year, actor.pk)
    return plan


def _same_day_in(day: dt.date, year: int) -> dt.date:
    """`day` moved to `year` (29 February becomes 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@transaction.atomic
def control_plan_copy(*, actor: User, source: ControlPlan, year: int, title: str = "") -> ControlPlan:
    """This year's plan as a copy of `source`: its groups and tasks with the same owners, deadlines moved to
    `year`, progress reset. The copy is a draft to adjust: add, rename or drop tasks afterwards."""
    plan = control_plan_create(
        actor=actor,
        year=year,
        title=title or source.title.replace(str(source.year), str(year)),
    )
    shift = year - source.year
    for group in source.groups.order_by("position").prefetch_related("tasks"):
        copy = TaskGroup.objects.create(plan=plan, position=group.position, name=group.name)
        PlanTask.objects.bulk_create(
            PlanTask(
                group=copy,
                position=task.position,
                name=task.name,
                owner_agency_id=task.owner_agency_id,
                deadline=_same_day_in(task.deadline, task.deadline.year + shift),
            )
            for task in sorted(group.tasks.all(), key=lambda t: t.position)
        )
    logger.info("Control plan %s copied from %s by %s", plan.pk, source.pk, actor.pk)
    return plan


@transaction.atomic
def task_group_add(*, actor: User, plan: ControlPlan, name: str) -> TaskGroup:
    """Add a group of tasks at the end of the plan."""
    _office_agency(actor)
    plan = ControlPlan.objects.select_for_update().get(pk=plan.pk)
    position = (plan.groups.aggregate(n=Max("position"))["n"] or 0) + 1
    return TaskGroup.objects.create(plan=plan, position=position, name=_name(name, _("Group")))


@transaction.atomic
def plan_task_add(
    *, actor: User, group: TaskGroup, name: str, owner_agency: Agency | None, deadline: dt.date | None
) -> PlanTask:
    """Add a task to a group: what, which agency leads it, by when (within the plan's year or later)."""
    _office_agency(actor)
    if owner_agency is None or not owner_agency.is_active:
        raise InvalidInput(_("Choose the agency that leads the task."), code="task_bad_owner")
    if deadline is None:
        raise InvalidInput(_("Give the task's deadline."), code="task_bad_deadline")
    group = TaskGroup.objects.select_for_update().select_related("plan").get(pk=group.pk)
    if deadline.year < group.plan.year:
        raise InvalidInput(
            _("The deadline falls before the plan's year %(year)d.") % {"year": group.plan.year},
            code="task_bad_deadline",
        )
    position = (group.tasks.aggregate(n=Max("position"))["n"] or 0) + 1
    return PlanTask.objects.create(
        group=group,
        position=position,
        name=_name(name, _("Task")),
        owner_agency=owner_agency,
        deadline=deadline,
    )
