"""The catalog of administrative procedures (thủ tục hành chính) and their versions.

A `Procedure` is the stable identity (its national code). Its content lives in `ProcedureVersion`
rows with validity dates; exactly one version is current (in force today). A dossier keeps the
version it was received under, so changing the catalog never rewrites an open dossier's rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog import validation
from motcua.catalog.choices import (
    DocumentForm,
    OnlineService,
    SupplementPolicy,
    TimeLimitUnit,
    working_time_label,
)
from motcua.core.models import TimeStampedModel
from motcua.org.choices import Role
from motcua.org.models import Agency, UnitLevel

PROCEDURE_CODE_RE = r"^\d\.\d{6}(\.[0-9A-Z]{2,3})*$"


class Field(TimeStampedModel):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Hoạt động xây dựng."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=40, blank=True)
    search_text = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """An administrative procedure, identified by its code in the national database."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                PROCEDURE_CODE_RE, _("A procedure code looks like 1.000894 or 2.001218.000.00.00.H38.")
            )
        ],
        help_text=_("Mã TTHC in the national database (CSDL quốc gia về TTHC)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(TimeStampedModel):
    """The content of a procedure as published for a period (valid_from ≤ day < valid_to)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(
        _("effective from"), help_text=_("Ngày có hiệu lực of the publishing decision.")
    )
    valid_to = models.DateField(
        _("effective until"), null=True, blank=True, help_text=_("Empty while in force.")
    )
    is_current = models.BooleanField(_("current"), default=False, editable=False)

    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field")
    )
    levels = models.ManyToManyField(
        UnitLevel,
        related_name="procedure_versions",
        verbose_name=_("levels"),
        help_text=_("Cấp thực hiện: the tiers of government that carry out the procedure."),
    )
    competent_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_versions",
        verbose_name=_("competent agency"),
        help_text=_(
            "Cơ quan có thẩm quyền. Empty when each commune's People's Committee decides in its own area."
        ),
    )
    time_limit_value = models.DecimalField(
        _("time limit"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_("Thời hạn giải quyết, counted in working time from the receipt moment."),
    )
    time_limit_unit = models.CharField(
        _("time limit unit"), max_length=20, choices=TimeLimitUnit.choices, default=TimeLimitUnit.WORKING_DAYS
    )
    time_limit_text = models.CharField(
        _("time limit as published"),
        max_length=500,
        blank=True,
        help_text=_("The wording of the published record, which may add conditions."),
    )
    applicants = models.CharField(
        _("applicants"), max_length=500, blank=True, help_text=_("Đối tượng thực hiện.")
    )
    requirements = models.TextField(
        _("requirements and conditions"), blank=True, help_text=_("Yêu cầu, điều kiện.")
    )
    result = models.CharField(_("result"), max_length=500, blank=True, help_text=_("Kết quả thực hiện."))
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("Căn cứ pháp lý, one document a line.")
    )
    online_service = models.CharField(
        _("online service"), max_length=10, choices=OnlineService.choices, default=OnlineService.NONE
    )
    accepts_desk = models.BooleanField(_("filed at a desk"), default=True)
    accepts_post = models.BooleanField(_("filed by post"), default=True)
    boundary_free = models.BooleanField(
        _("boundary-free"),
        default=True,
        help_text=_("Không phụ thuộc địa giới hành chính: any desk in the province may receive it."),
    )
    supplement_policy = models.CharField(
        _("clock on supplement"),
        max_length=10,
        choices=SupplementPolicy.choices,
        default=SupplementPolicy.PAUSE,
    )
    search_text = models.TextField(
        editable=False, default="", help_text="Folded code, name and field for search."
    )

    class Meta:
        ordering = ["procedure__code", "number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique_number"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(is_current=True), name="procedure_one_current_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="procedure_version_valid_range",
            ),
            models.CheckConstraint(condition=Q(time_limit_value__gt=0), name="procedure_time_limit_positive"),
        ]
        indexes = [models.Index(fields=["is_current", "name"], name="procedure_current_name")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.name}"

    @property
    def code(self) -> str:
        return self.procedure.code

    @property
    def time_limit_label(self) -> str:
        """The time limit as people read it: "1 ngày làm việc", "1 working day", "8 working hours"."""
        return working_time_label(self.time_limit_value, self.time_limit_unit)

    @property
    def time_limit_hours(self) -> Decimal:
        """The limit in working hours (a working day is 8 hours: "30 ngày | 240 giờ")."""
        from django.conf import settings

        if self.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
            return self.time_limit_value
        return self.time_limit_value * settings.MOTCUA_WORKDAY_HOURS

    @property
    def time_limit_days(self) -> Decimal:
        from django.conf import settings

        return self.time_limit_hours / settings.MOTCUA_WORKDAY_HOURS

    def clean(self) -> None:
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity must come after its start.")})
        # The record's rules, shared with the spreadsheet and the publication decisions (catalog.validation).
        _raise_problems(time_limit_value=(validation.time_limit_problem, self.time_limit_value))


class RequiredDocument(TimeStampedModel):
    """One document of the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)
    form = models.CharField(
        _("form"), max_length=20, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL
    )
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    is_optional = models.BooleanField(_("optional"), default=False, help_text=_("Only in some cases."))
    template = models.FileField(_("form template"), upload_to="catalog/templates/", blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="document_unique_position")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _raise_problems(count=(validation.document_count_problem, self.count))


class Fee(TimeStampedModel):
    """A fee or charge (phí, lệ phí) in VND."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=500)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="fee_unique_position"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        _raise_problems(amount=(validation.fee_amount_problem, self.amount))


class ProcessStep(TimeStampedModel):
    """A step of the internal process (quy trình nội bộ) with its share of the time limit."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
        verbose_name=_("agency"),
        help_text=_("Empty: the competent agency of the dossier."),
    )
    duration_days = models.DecimalField(
        _("share (working days)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("Fraction of a working day: ¼ day = 2 working hours."),
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="step_unique_position"),
            models.CheckConstraint(condition=Q(duration_days__gt=0), name="step_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration_label(self) -> str:
        """The step's share as people read it: "0,25 ngày làm việc", "1 working day"."""
        return working_time_label(self.duration_days)

    def clean(self) -> None:
        _raise_problems(
            role=(validation.step_role_problem, self.role),
            duration_days=(validation.step_days_problem, self.duration_days),
        )


def _raise_problems(**checks) -> None:
    """ValidationError naming each field whose value `validation` refuses (None values are left to the
    field's own required check)."""
    errors = {
        name: problem
        for name, (problem_of, value) in checks.items()
        if value is not None and (problem := problem_of(value))
    }
    if errors:
        raise ValidationError(errors)


# --- Publication decisions (quyết định công bố) ----------------------------------------------------------------
# A department drafts a decision listing procedures that are new, amended, replaced or abolished; the
# Office reviews it, the Chairman signs it, and on its effective date the catalog changes
# (`publication_services.publication_apply_due`). The transition table is `publication_workflow`.


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    UNDER_REVIEW = "under_review", _("under review")  # thẩm tra by the Office
    RETURNED = "returned", _("returned for revision")
    ACCEPTED = "accepted", _("accepted by the Office")
    SUBMITTED = "submitted", _("submitted to the Chairman")  # trình Chủ tịch
    SIGNED = "signed", _("signed, awaiting its effective date")
    EFFECTIVE = "effective", _("in effect")


PUBLIC_PUBLICATION_STATUSES = frozenset({PublicationStatus.SIGNED, PublicationStatus.EFFECTIVE})
EDITABLE_PUBLICATION_STATUSES = frozenset({PublicationStatus.DRAFT, PublicationStatus.RETURNED})


class ChangeKind(models.TextChoices):
    NEW = "new", _("new")  # công bố mới
    AMENDED = "amended", _("amended")  # sửa đổi, bổ sung
    REPLACED = "replaced", _("replaced")  # thay thế
    ABOLISHED = "abolished", _("abolished")  # bãi bỏ


class PublicationDecision(TimeStampedModel):
    """A decision publishing changes to the catalog (quyết định công bố danh mục TTHC)."""

    drafting_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="publication_decisions",
        verbose_name=_("drafting agency"),
        help_text=_("Cơ quan chủ trì soạn thảo: the department whose procedures the decision publishes."),
    )
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised on every change; a stale form cannot overwrite a newer one."),
    )
    number = models.CharField(
        _("number"), max_length=60, blank=True, help_text=_("Số quyết định, e.g. 91/QĐ-UBND.")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_on = models.DateField(
        _("effective on"),
        null=True,
        blank=True,
        help_text=_("Ngày có hiệu lực: the catalog changes on this day."),
    )
    signer = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    applied_on = models.DateField(
        _("applied on"),
        null=True,
        blank=True,
        help_text=_("The day the catalog was changed by this decision."),
    )
    signed_file = models.FileField(
        _("signed document"),
        upload_to="publication/",
        blank=True,
        help_text=_("The signed decision (PDF) as issued; public once signed."),
    )
    signed_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="publication_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PublicationStatus.SIGNED, PublicationStatus.EFFECTIVE])
                | (Q(signed_on__isnull=False) & Q(effective_on__isnull=False) & ~Q(number="")),
                name="publication_signed_has_number_and_dates",
            ),
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(effective_on__gte=models.F("signed_on")),
                name="publication_effective_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(status=PublicationStatus.EFFECTIVE, applied_on__isnull=False)
                | (~Q(status=PublicationStatus.EFFECTIVE) & Q(applied_on__isnull=True)),
                name="publication_applied_iff_effective",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_on"], name="publication_due")]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}" if self.number else self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_PUBLICATION_STATUSES


class PublicationItem(TimeStampedModel):
    """One procedure the decision publishes, with its full record (for new, amended and replaced ones)."""

    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="items", verbose_name=_("decision")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    change = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    procedure_code = models.CharField(
        _("procedure code"),
        max_length=40,
        validators=[
            RegexValidator(
                PROCEDURE_CODE_RE, _("A procedure code looks like 1.000894 or 2.001218.000.00.00.H38.")
            )
        ],
        help_text=_("For a replacement, the code of the new procedure."),
    )
    replaces_code = models.CharField(
        _("replaces code"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                PROCEDURE_CODE_RE, _("A procedure code looks like 1.000894 or 2.001218.000.00.00.H38.")
            )
        ],
        help_text=_("Only for a replacement: the code of the procedure it abolishes."),
    )
    name = models.CharField(_("name"), max_length=500)
    record = models.JSONField(
        _("record"),
        default=dict,
        blank=True,
        help_text=_("The full published record (the fields of ProcedureData); empty for an abolition."),
    )
    previous_version = models.ForeignKey(
        ProcedureVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("version before"),
        help_text=_("Set when the decision is applied."),
    )
    applied_version = models.ForeignKey(
        ProcedureVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("version published"),
        help_text=_("Set when the decision is applied."),
    )

    class Meta:
        ordering = ["decision", "position"]
        verbose_name = _("publication item")
        verbose_name_plural = _("publication items")
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="publication_item_unique_position"),
            models.UniqueConstraint(
                fields=["decision", "procedure_code"], name="publication_item_unique_code"
            ),
            models.CheckConstraint(
                condition=(Q(change=ChangeKind.REPLACED) & ~Q(replaces_code=""))
                | (~Q(change=ChangeKind.REPLACED) & Q(replaces_code="")),
                name="publication_item_replaces_iff_replaced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.procedure_code} {self.name}"


class ReviewComment(TimeStampedModel):
    """A remark of the Office reviewer on one item or on the whole decision (ý kiến thẩm tra)."""

    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="comments", verbose_name=_("decision")
    )
    item = models.ForeignKey(
        PublicationItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("item"),
        help_text=_("Empty: the comment is about the whole decision."),
    )
    author = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("text"))
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.text[:80]


class PublicationEvent(models.Model):
    """What happened to a decision, who did it and when: one row per transition, same transaction."""

    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="events", verbose_name=_("decision")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for the scheduled task."),
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language."""
        from motcua.catalog.publication_workflow import PublicationAction  # it imports this module

        if self.action == "create":
            return gettext("created")
        return (
            PublicationAction(self.action).label if self.action in PublicationAction.values else self.action
        )

    @property
    def from_status_label(self) -> str:
        return (
            PublicationStatus(self.from_status).label if self.from_status in PublicationStatus.values else ""
        )

    @property
    def to_status_label(self) -> str:
        return (
            PublicationStatus(self.to_status).label
            if self.to_status in PublicationStatus.values
            else self.to_status
        )
