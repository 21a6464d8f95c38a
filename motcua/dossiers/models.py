"""Dossiers (hồ sơ), their process steps, hand-overs and the hash-chained event log (docs/design.md §4).

Only `motcua.dossiers.services` writes these rows; nothing else saves a status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.core.models import TimeStampedModel
from motcua.core.storage import PrivateStorage
from motcua.dossiers.choices import (
    TERMINAL_STATUSES,
    Channel,
    DossierAction,
    DossierStatus,
    ReturnMethod,
    StepKind,
)
from motcua.org.choices import Role
from motcua.org.models import Agency, Desk

S = DossierStatus
# States only a received dossier can be in (a withdrawn one may have been received or not).
AFTER_RECEIPT = [
    S.RECEIVED,
    S.IN_PROGRESS,
    S.AWAITING_SUPPLEMENT,
    S.SUSPENDED,
    S.RESULT_READY,
    S.RETURNED,
    S.STOPPED,
]


class Dossier(TimeStampedModel):
    """A citizen's or business's dossier for one procedure, from filing to the returned result."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_(
            "Mã hồ sơ <agency identifier>-<YYMMDD>-<NNNN> (Circular 03/2025 Art. 13); never changes."
        ),
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
        help_text=_("The version in force when the dossier was filed; catalog changes never rewrite it."),
    )
    status = models.CharField(_("status"), max_length=30, choices=DossierStatus.choices)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Bumped by every action: optimistic concurrency, and the event count."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="<user id>:<Idempotency-Key header> of the request that created the dossier.",
    )

    # Where filed and where decided (docs/design.md §4: any desk receives, the competent agency decides).
    receiving_desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("receiving desk"),
        help_text=_("Bộ phận Một cửa that received it; empty when filed online."),
    )
    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving agency"),
        help_text=_("The agency whose one-stop desk checks, receives and returns the dossier."),
    )
    competent_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        verbose_name=_("competent agency"),
        help_text=_("Cơ quan có thẩm quyền giải quyết."),
    )
    current_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_dossiers",
        verbose_name=_("current agency"),
        help_text=_("The agency of the current process step."),
    )
    current_step_position = models.PositiveSmallIntegerField(_("current step"), null=True, blank=True)
    current_step_due_at = models.DateTimeField(_("current step due"), null=True, blank=True)
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
        verbose_name=_("assignee"),
    )

    # Applicant (Form 01 records the identifier and an authorised person if any).
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
        verbose_name=_("applicant account"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_identifier = models.CharField(
        _("personal identifier"),
        max_length=20,
        blank=True,
        help_text=_("Số định danh cá nhân, or the enterprise code of a business."),
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    authorised_person = models.CharField(
        _("authorised person"), max_length=200, blank=True, help_text=_("Người được ủy quyền, if any.")
    )

    # Moments and the legal clock (docs/design.md §4-5).
    # due_at = clock_started_at + (budget + paused + extension) in working time; it is stored and indexed
    # so the overdue board and the sweep are plain index scans.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("clock started at"),
        null=True,
        blank=True,
        help_text=_("The receipt moment, or the supplement moment under the 'restart' policy."),
    )
    budget_minutes = models.PositiveIntegerField(_("time limit (working minutes)"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(
        _("paused working minutes"),
        default=0,
        help_text=_("Working time spent waiting for supplements or suspended."),
    )
    status_before_pause = models.CharField(max_length=30, blank=True, choices=DossierStatus.choices)
    due_at = models.DateTimeField(
        _("legal due moment"),
        null=True,
        blank=True,
        help_text=_("Receipt + the legal time limit in working time, moved by pauses; not by the extension."),
    )
    appointment_at = models.DateTimeField(
        _("appointment"),
        null=True,
        blank=True,
        help_text=_("Ngày hẹn trả kết quả, as told to the applicant."),
    )
    apology_issued = models.BooleanField(
        _("apology issued"),
        default=False,
        help_text=_("Form 04, at most once; statistics still count it late."),
    )
    extension_minutes = models.PositiveIntegerField(_("extension (working minutes)"), default=0)
    extended_due_at = models.DateTimeField(_("extended appointment"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decision_issued_at = models.DateTimeField(
        _("decision issued at"),
        null=True,
        blank=True,
        help_text=_("Once set, the dossier can no longer be stopped or withdrawn (Decree 118 Art. 21)."),
    )
    result_ready_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("return method"), max_length=10, blank=True, choices=ReturnMethod.choices
    )
    result_code = models.CharField(
        _("e-result code"),
        max_length=50,
        blank=True,
        help_text=_("<dossier code>-KQ<n> for an electronic result."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Refusal (Form 03) or stop (Form 05).")
    )

    fees_amount = models.DecimalField(_("fees collected (VND)"), max_digits=14, decimal_places=0, default=0)
    fees_note = models.CharField(_("fees note"), max_length=300, blank=True)
    register_volume = models.PositiveSmallIntegerField(_("register volume"), null=True, blank=True)
    register_sequence = models.PositiveIntegerField(_("register sequence"), null=True, blank=True)

    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)
    search_text = models.CharField(
        max_length=500,
        blank=True,
        default="",
        editable=False,
        help_text="Folded code, applicant and authorised person names, identifier and phone digits: the "
        "back-office search matches every typed word inside it (a trigram index on PostgreSQL).",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DossierStatus.values), name="dossier_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="dossier_version_positive"),
            models.CheckConstraint(condition=Q(fees_amount__gte=0), name="dossier_fees_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=AFTER_RECEIPT) | Q(received_at__isnull=False, due_at__isnull=False),
                name="dossier_received_has_due",
            ),
            models.CheckConstraint(
                condition=Q(apology_issued=False) | Q(extended_due_at__isnull=False),
                name="dossier_apology_has_new_appointment",
            ),
            models.CheckConstraint(
                condition=~Q(status=S.RETURNED) | Q(returned_at__isnull=False),
                name="dossier_returned_has_moment",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[S.AWAITING_SUPPLEMENT, S.SUSPENDED]) | Q(paused_at__isnull=False),
                name="dossier_paused_has_moment",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["competent_agency", "status", "due_at"], name="dossier_competent_status"),
            models.Index(
                fields=["current_agency", "status", "current_step_due_at"], name="dossier_current_status"
            ),
            models.Index(fields=["receiving_agency", "status", "due_at"], name="dossier_receiving_status"),
            models.Index(fields=["current_assignee", "current_step_due_at"], name="dossier_assignee_due"),
            models.Index(fields=["applicant_user", "-received_at"], name="dossier_applicant"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in TERMINAL_STATUSES


class DossierStep(TimeStampedModel):
    """A step of the dossier's internal process, or one consultation of another agency within a step."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=20, choices=StepKind.choices, default=StepKind.PROCESS)
    position = models.PositiveSmallIntegerField(
        _("position"),
        help_text=_("The process step; a consultation carries the position of the step it belongs to."),
    )
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossier_steps")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossier_steps",
    )
    share_minutes = models.PositiveIntegerField(_("share (working minutes)"))
    planned_due_at = models.DateTimeField(
        _("planned due"), null=True, blank=True, help_text=_("Due moment planned at receipt from the shares.")
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    parallel_group = models.PositiveIntegerField(
        _("parallel group"), null=True, blank=True, help_text=_("Consultations sent together share a group.")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["dossier", "position", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"],
                condition=Q(kind=StepKind.PROCESS),
                name="dossier_step_unique_position",
            ),
            models.UniqueConstraint(
                fields=["dossier", "agency"],
                condition=Q(kind=StepKind.CONSULTATION, finished_at__isnull=True),
                name="dossier_one_open_consultation_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(started_at__isnull=False),
                name="dossier_step_started",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "finished_at"], name="dossier_step_agency_open"),
            models.Index(fields=["assignee", "finished_at", "due_at"], name="dossier_step_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.position} {self.name}"


class HandOver(models.Model):
    """One hand-over between agencies or steps: who gave, who received and when (control slip, Form 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="hand_overs")
    step = models.ForeignKey(
        DossierStep,
        on_delete=models.CASCADE,
        related_name="hand_overs",
        help_text=_("The step handed over to."),
    )
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_by_name = models.CharField(max_length=200)
    given_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_by_name = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    event_seq = models.PositiveIntegerField(help_text="The event that recorded the hand-over.")

    class Meta:
        ordering = ["dossier", "given_at", "id"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        constraints = [
            # A retried hand-over never doubles: one per (dossier, event, target step).
            models.UniqueConstraint(fields=["dossier", "event_seq", "step"], name="handover_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_agency_id} -> {self.to_agency_id} at {self.given_at:%H:%M %d/%m/%Y}"


class DossierEvent(models.Model):
    """An append-only, keyed, hash-chained record of one action (docs/design.md §4 Audit;
    `motcua.dossiers.audit`).

    hash = HMAC-SHA256 under the audit key `key_id` of the canonical JSON of the event's fields, the
    previous event's hash and `state` (the dossier's audited columns after the action); a dossier's
    `version` equals its last `seq` and its row equals its last event's state, so a deleted tail or an
    edited row is detected as well, and the hourly checkpoints catch what the key alone cannot.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=30, choices=DossierAction.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    # PROTECT: the actor's id is part of the hash; people who acted are deactivated, never deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200, help_text=_("The actor's name as it was."))
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True, help_text="The audit key the hash is keyed with.")
    state = models.JSONField(
        default=dict, blank=True, help_text="The dossier's audited columns as this event left them."
    )

    class Meta:
        ordering = ["dossier", "seq"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_unique_seq")]
        indexes = [models.Index(fields=["created_at"], name="dossier_event_created")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    @property
    def from_status_label(self) -> str:
        """The status before the action, in the reader's language ("" for a new dossier)."""
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


class AuditCheckpoint(models.Model):
    """One entry of the province's append-only audit ledger: an hour's chain heads summed up in a Merkle root,
    with running counts, keyed and chained to the entry before (`motcua.dossiers.audit`, `audit_checkpoint`).

    The public ledger page publishes every field but `heads`, so that copies kept outside the database
    (by the Office, an inspector, anyone) prove later what the log held. `heads` ({code: [seq, digest]}, the
    leaves) stays private: it names dossiers, and lets `verify_audit` say which one no longer matches.
    """

    number = models.PositiveIntegerField(unique=True)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField(unique=True)
    events = models.PositiveIntegerField(help_text="Events recorded in the period.")
    dossiers = models.PositiveIntegerField(help_text="Dossiers that changed in the period.")
    total_events = models.PositiveBigIntegerField(help_text="Events recorded up to the end of the period.")
    total_dossiers = models.PositiveBigIntegerField(help_text="Dossiers created up to the end of the period.")
    root = models.CharField(max_length=64)
    heads = models.JSONField(default=dict)
    prev_mac = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.number} {self.period_start:%Y-%m-%d %H:%M}"


class DailySequence(models.Model):
    """The last dossier number an agency gave on a day: codes are allocated by an atomic upsert on it."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="daily_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class DeadlineBreach(models.Model):
    """A due moment found passed by the deadline sweep: of a whole dossier (legal due) or of one step.

    Recorded once per dossier and once per step (partial unique constraints), so a sweep run
    repeatedly or concurrently never records or notifies a breach twice. Written only by
    `motcua.dossiers.sweep`; the overdue board and the statistics read it.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="breaches")
    step = models.ForeignKey(
        DossierStep,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="breaches",
        help_text=_("Empty when the whole dossier passed its legal due moment."),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="deadline_breaches",
        help_text=_("The agency answerable: the step's, or the competent agency for the whole dossier."),
    )
    due_at = models.DateTimeField(
        _("due at"), help_text=_("The due moment as it stood when the breach was found.")
    )
    detected_at = models.DateTimeField(_("detected at"))
    notified_at = models.DateTimeField(
        _("leaders notified at"),
        null=True,
        blank=True,
        help_text=_("Set when the sweep claims the breach for the leaders' e-mail; claimed once."),
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("Set when the breach no longer holds: a calendar change moved the due moment past now."),
    )
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["-detected_at", "id"]
        verbose_name = _("deadline breach")
        verbose_name_plural = _("deadline breaches")
        constraints = [
            # Once per dossier and step among the breaches that hold; a withdrawn one may be found again.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(step__isnull=True, withdrawn_at__isnull=True),
                name="breach_once_per_dossier",
            ),
            models.UniqueConstraint(
                fields=["dossier", "step"],
                condition=Q(step__isnull=False, withdrawn_at__isnull=True),
                name="breach_once_per_step",
            ),
            models.CheckConstraint(condition=Q(detected_at__gte=models.F("due_at")), name="breach_after_due"),
        ]
        indexes = [
            models.Index(fields=["agency", "-detected_at"], name="breach_agency_detected"),
            models.Index(
                fields=["notified_at"], name="breach_unnotified", condition=Q(notified_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        scope = f"step {self.step_id}" if self.step_id else "dossier"
        return f"{self.dossier_id} {scope} due {self.due_at:%H:%M %d/%m/%Y}"


class DossierAgency(models.Model):
    """An agency taking part in a dossier: it received it, decides it, holds it now, or has a step or a
    consultation in it. Staff see exactly the dossiers of their agencies' rows (docs/design.md §7).

    Derived from the dossier and its steps, and kept in step by the workflow service in the same
    transaction. It exists for speed: the staff list reads one index, (agency, due_at, dossier), in the
    order it shows, instead of testing five conditions on every dossier of the province. `due_at` is a
    copy of the dossier's, refreshed whenever the dossier's changes.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participating agency")
        verbose_name_plural = _("participating agencies")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "agency"], name="dossier_agency_unique"),
        ]
        indexes = [models.Index(fields=["agency", "due_at", "dossier"], name="dossier_agency_list")]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.agency_id}"


class ResultFile(models.Model):
    """The electronic result (kết quả điện tử) of a dossier: the PDF its agency attached when marking the
    result ready, or afterwards before returning it online. The latest row is the result; an earlier one
    was replaced and stays for the record.

    Written by the workflow service with the event numbered `event_seq`, whose payload carries the file's
    name, size and SHA-256: the hash chain covers the file, and `verify_audit` re-hashes it. Stored in the
    private storage (no URL); only `selectors.result_file_for` hands it out.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="result_files")
    event_seq = models.PositiveIntegerField(help_text="The event that attached the file.")
    file = models.FileField(_("file"), storage=PrivateStorage(), upload_to="results/%Y/%m/", max_length=200)
    name = models.CharField(
        _("file name"), max_length=120, help_text=_("The sender's file name, for display.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Detected from the content.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_name = models.CharField(max_length=200, help_text=_("The officer's name as it was."))
    uploaded_at = models.DateTimeField(_("attached at"))

    class Meta:
        ordering = ["dossier", "-event_seq"]
        verbose_name = _("electronic result")
        verbose_name_plural = _("electronic results")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "event_seq"], name="result_file_once_per_event"),
            models.CheckConstraint(condition=Q(size__gt=0), name="result_file_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.event_seq} {self.name}"


def _status_label(value: str) -> str:
    return DossierStatus(value).label if value in DossierStatus.values else value
