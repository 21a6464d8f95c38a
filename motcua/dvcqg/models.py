"""The outbox to the National Public Service Portal (DVCQG), its delivery attempts, the code mappings and
the dossiers filed on the portal (docs/design.md §8).

An `OutboxMessage` is written in the transaction of the dossier event (or fee payment) it reports, so it
exists exactly when the change does. The worker (`manage.py dvcqg_worker`) delivers the messages of one
dossier in `id` order: the dossier row lock serialises a dossier's events, so their ids grow in the
order the changes happened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dvcqg.choices import AttemptOutcome, FilingStatus, MessageStatus, Service, Source


class OutboxMessage(models.Model):
    """One message for the portal. The JSON is built when it is sent, from the event (immutable) and the
    dossier, so writing the row costs the dossier's transaction one small INSERT."""

    # CASCADE: a message has no meaning without its dossier (and must not stand in the way of removing one).
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    event_seq = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The dossier event reported; empty for fees and repairs.")
    )
    action = models.CharField(_("action"), max_length=30, blank=True)
    service = models.CharField(_("service"), max_length=30, choices=Service.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.EVENT)
    extra = models.JSONField(_("extra data"), default=dict, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=64,
        unique=True,
        help_text=_("Sent with every attempt: the portal keeps the first delivery and ignores repeats."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A worker's claim; an expired claim (a killed worker) is taken again.",
    )
    locked_by = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    parked_reason = models.TextField(_("reason parked"), blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replayed_at = models.DateTimeField(_("replayed at"), null=True, blank=True)
    replayed_by_name = models.CharField(_("replayed by"), max_length=200, blank=True)

    class Meta:
        ordering = ["dossier", "id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "event_seq"], condition=Q(source=Source.EVENT), name="dvcqg_once_per_event"
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.DELIVERED) | Q(delivered_at__isnull=False),
                name="dvcqg_delivered_has_moment",
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.PARKED) | ~Q(parked_reason=""),
                name="dvcqg_parked_has_reason",
            ),
        ]
        indexes = [
            # The worker's scan: pending messages due now, and each dossier's undelivered head.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="dvcqg_pending_due",
                condition=Q(status=MessageStatus.PENDING),
            ),
            models.Index(
                fields=["dossier", "id"],
                name="dvcqg_undelivered",
                condition=~Q(status=MessageStatus.DELIVERED),
            ),
            models.Index(fields=["status", "-id"], name="dvcqg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.dossier_id}#{self.id} {self.status}"


class DeliveryAttempt(models.Model):
    """One try at delivering a message: what came back and how long it took."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempt_rows")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["message", "at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome} {self.at:%H:%M:%S}"


class StatusMapping(models.Model):
    """Local dossier state → the portal's TrangThaiHoSo code (1 … 10, docs/dvcqg.md)."""

    status = models.CharField(_("local status"), max_length=30, choices=DossierStatus.choices, unique=True)
    national_code = models.CharField(_("national code"), max_length=10)
    national_name = models.CharField(_("national name"), max_length=200, blank=True)

    class Meta:
        ordering = ["status"]
        verbose_name = _("status mapping")
        verbose_name_plural = _("status mappings")

    def __str__(self) -> str:
        return f"{self.status} → {self.national_code}"


class ProcedureMapping(models.Model):
    """Local procedure code → the procedure's code on the portal (MaTTHC)."""

    procedure_code = models.CharField(_("local procedure code"), max_length=40, unique=True)
    national_code = models.CharField(_("national procedure code"), max_length=60)

    class Meta:
        ordering = ["procedure_code"]
        verbose_name = _("procedure mapping")
        verbose_name_plural = _("procedure mappings")

    def __str__(self) -> str:
        return f"{self.procedure_code} → {self.national_code}"


class AgencyMapping(models.Model):
    """Local agency identifier → the agency's code on the portal (MaDonVi)."""

    agency_identifier = models.CharField(_("local agency identifier"), max_length=40, unique=True)
    national_code = models.CharField(_("national agency code"), max_length=60)

    class Meta:
        ordering = ["agency_identifier"]
        verbose_name = _("agency mapping")
        verbose_name_plural = _("agency mappings")

    def __str__(self) -> str:
        return f"{self.agency_identifier} → {self.national_code}"


class NationalFiling(models.Model):
    """A dossier a citizen filed on the national portal, taken in here as an online dossier."""

    national_code = models.CharField(_("national dossier code"), max_length=60, unique=True)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="national_filing"
    )
    status = models.CharField(_("status"), max_length=10, choices=FilingStatus.choices)
    problem = models.TextField(_("problem"), blank=True)
    body = models.JSONField(_("as received"))
    received_at = models.DateTimeField(_("taken in at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("national filing")
        verbose_name_plural = _("national filings")

    def __str__(self) -> str:
        return self.national_code
