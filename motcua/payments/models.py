"""Fees paid for a dossier: online through the payment platform, or in cash at the desk (DESIGN §8).

A `Payment` is an order for the dossier's fees. An online one becomes paid only through a notification of
the platform whose signature checks (`PaymentNotice`, kept for every notification, good or hostile); the
browser coming back from the platform proves nothing. A cash one is recorded by the receiving officer.
A paid payment gets a receipt number (biên lai).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.payments.choices import NoticeOutcome, PaymentMethod, PaymentStatus


class PaymentPolicy(models.Model):
    """Per procedure: whether the fees must be paid before the desk may receive an online dossier."""

    procedure_code = models.CharField(_("procedure code"), max_length=40, unique=True)
    pay_before_reception = models.BooleanField(
        _("payment before reception"),
        default=False,
        help_text=_("An online dossier of this procedure is received only once its fees are paid."),
    )

    class Meta:
        ordering = ["procedure_code"]
        verbose_name = _("payment policy")
        verbose_name_plural = _("payment policies")

    def __str__(self) -> str:
        return self.procedure_code


class Payment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    order_code = models.CharField(_("order code"), max_length=60, unique=True)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    transaction_id = models.CharField(
        _("platform transaction"), max_length=80, null=True, blank=True, unique=True
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, null=True, blank=True, unique=True)
    payer_name = models.CharField(_("payer"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            # Fees are paid once: a second payment of the same dossier is a mismatch to refund, not a record.
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(status=PaymentStatus.PAID), name="payment_paid_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.PAID)
                | Q(paid_at__isnull=False, receipt_number__isnull=False),
                name="payment_paid_has_receipt",
            ),
        ]
        indexes = [models.Index(fields=["dossier", "status"], name="payment_dossier_status")]

    def __str__(self) -> str:
        return self.order_code


class ReceiptCounter(models.Model):
    """The year's last receipt number (motcua.core.sequences)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class PaymentNotice(models.Model):
    """Every notification the platform (or anyone) sent to our endpoint, with what it did."""

    received_at = models.DateTimeField(_("received at"))
    body = models.JSONField(_("body"))
    signature_valid = models.BooleanField(_("signature valid"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=NoticeOutcome.choices)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")

    def __str__(self) -> str:
        return f"{self.received_at:%H:%M:%S %d/%m/%Y} {self.outcome}"
