"""Writes on payments: an online order, the platform's notification, a cash payment at the desk.

The notification is the only thing that marks an online payment paid. Every notification is kept
(`PaymentNotice`) with its outcome; a forged, repeated, late, double or wrong-amount one changes nothing.
A payment once paid queues its fee for the national portal (`DanhSachLePhi`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.core.sequences import next_in_sequence
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import dossier_for
from motcua.dvcqg.choices import Service, Source
from motcua.dvcqg.outbox import outbox_enqueue
from motcua.org.choices import Role
from motcua.org.models import User
from motcua.org.selectors import user_roles
from motcua.payments.choices import NoticeOutcome, PaymentMethod, PaymentStatus
from motcua.payments.models import Payment, PaymentNotice, PaymentPolicy, ReceiptCounter
from motcua.payments.signing import NOTICE_FIELDS, REQUEST_FIELDS, sign, verify

logger = logging.getLogger("motcua.payments")
P = PaymentStatus


def fees_due(dossier: Dossier) -> Decimal:
    """What the dossier's fees come to: the amount the desk confirmed, else the first fee the catalog
    lists for the dossier's procedure version (a procedure listing several fees usually lists
    alternatives, e.g. per kind of applicant: the desk confirms the right one)."""
    if dossier.fees_amount and dossier.fees_amount > 0:
        return Decimal(dossier.fees_amount)
    fees = sorted((f for f in dossier.procedure_version.fees.all() if f.amount > 0), key=lambda f: f.position)
    return Decimal(fees[0].amount) if fees else Decimal(0)


def _name(user: User) -> str:
    return user.full_name or user.get_username()


def _receipt_number(moment: dt.datetime) -> str:
    year = timezone.localtime(moment).year
    return f"BL{year}-{next_in_sequence(ReceiptCounter, year=year):06d}"


def _mark_paid(payment: Payment, *, at: dt.datetime, transaction_id: str | None) -> None:
    """Inside the caller's transaction: paid, with a receipt, and the fee queued for the national portal."""
    payment.status = P.PAID
    payment.paid_at = at
    payment.transaction_id = transaction_id
    payment.receipt_number = _receipt_number(at)
    payment.updated_at = at
    payment.save()
    outbox_enqueue(
        dossier=payment.dossier,
        source=Source.FEE,
        service=Service.SYNC_DOSSIER,
        extra={
            "DanhSachLePhi": [
                {
                    "TenPhiLePhi": _("Fees"),
                    "Gia": str(int(payment.amount)),
                    "HinhThucThu": "2" if payment.method == PaymentMethod.ONLINE else "1",
                    "MaBienLai": payment.receipt_number,
                }
            ]
        },
    )


def _paid(dossier: Dossier) -> Payment | None:
    return Payment.objects.filter(dossier=dossier, status=P.PAID).first()


def payment_start(*, actor: User, dossier_code: str, return_url: str, notify_url: str) -> tuple[Payment, str]:
    """The applicant starts paying their dossier's fees online: a pending order, and the platform's
    address to send their browser to (signed, so the platform knows the request is ours)."""
    dossier = dossier_for(actor, dossier_code)
    if dossier.applicant_user_id != actor.pk:
        raise PermissionDenied(_("Only the applicant pays a dossier's fees online."), code="not_applicant")
    if dossier.is_closed and dossier.status != "returned":
        raise Conflict(_("This dossier is closed."), code="dossier_closed")
    if _paid(dossier):
        raise Conflict(_("The fees of this dossier are already paid."), code="already_paid")
    amount = fees_due(dossier)
    if amount <= 0:
        raise InvalidInput(_("This dossier has no fees to pay."), code="no_fees")
    now = timezone.now()
    with transaction.atomic():
        number = Payment.objects.filter(dossier=dossier).count() + 1
        payment = Payment.objects.create(
            dossier=dossier,
            order_code=f"{dossier.code}-TT{number}",
            amount=amount,
            method=PaymentMethod.ONLINE,
            payer_name=dossier.applicant_name,
            created_at=now,
            updated_at=now,
        )
    request = {
        "merchant": settings.PAYMENT_MERCHANT,
        "order": payment.order_code,
        "amount": str(int(amount)),
        "description": f"Phí, lệ phí hồ sơ {dossier.code}",
        "return_url": return_url,
        "notify_url": notify_url,
    }
    request["signature"] = sign(request, REQUEST_FIELDS, settings.PAYMENT_SECRET)
    return payment, f"{settings.PAYMENT_URL.rstrip('/')}/pay?{urlencode(request)}"


def _sent_at(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def notice_receive(*, body: object) -> PaymentNotice:
    """Record one notification from the payment platform and apply it if, and only if, it is genuine,
    new, on time, for a known open order and for the order's amount."""
    now = timezone.now()
    if not isinstance(body, dict):
        return PaymentNotice.objects.create(
            received_at=now,
            body={"raw": str(body)[:2000]},
            signature_valid=False,
            outcome=NoticeOutcome.MALFORMED,
        )
    body = {
        k: (v if isinstance(v, str | int | float | bool) or v is None else str(v)) for k, v in body.items()
    }
    valid = verify(body, NOTICE_FIELDS, settings.PAYMENT_SECRET)

    def log(outcome: str, payment: Payment | None = None, note: str = "") -> PaymentNotice:
        if outcome not in (NoticeOutcome.ACCEPTED, NoticeOutcome.CANCELLED, NoticeOutcome.FAILED):
            logger.warning("Payment notification %s: %s %s", outcome, body.get("order"), note)
        return PaymentNotice.objects.create(
            received_at=now,
            body=body,
            signature_valid=valid,
            outcome=outcome,
            payment=payment,
            note=note[:300],
        )

    if not valid:
        return log(NoticeOutcome.FORGED)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(order_code=body.get("order"))
            .first()
        )
        if payment is None:
            return log(NoticeOutcome.UNKNOWN_ORDER)
        transaction_id = str(body.get("transaction") or "")
        if transaction_id and Payment.objects.filter(transaction_id=transaction_id).exists():
            return log(NoticeOutcome.REPEATED, payment)
        if (
            PaymentNotice.objects.filter(
                payment=payment, body__transaction=transaction_id, signature_valid=True
            )
            .exclude(outcome__in=[NoticeOutcome.FORGED])
            .exists()
        ):
            return log(NoticeOutcome.REPEATED, payment)
        sent = _sent_at(str(body.get("sent_at") or ""))
        if sent is None or now - sent > dt.timedelta(minutes=settings.PAYMENT_NOTIFY_LATE_MINUTES):
            return log(NoticeOutcome.LATE, payment, _("Sent at %(at)s.") % {"at": body.get("sent_at")})
        status = body.get("status")
        if status == "paid":
            try:
                amount = Decimal(str(body.get("amount")))
            except InvalidOperation:
                amount = Decimal(-1)
            if amount != payment.amount:
                return log(NoticeOutcome.AMOUNT_MISMATCH, payment, f"{body.get('amount')} ≠ {payment.amount}")
            if payment.status == P.PAID or _paid(payment.dossier):
                return log(NoticeOutcome.PAID_TWICE, payment, transaction_id)
            if payment.status != P.PENDING:
                return log(
                    NoticeOutcome.LATE, payment, _("The order was %(status)s.") % {"status": payment.status}
                )
            try:
                with transaction.atomic():
                    _mark_paid(payment, at=now, transaction_id=transaction_id)
            except IntegrityError:
                return log(NoticeOutcome.PAID_TWICE, payment, transaction_id)
            return log(NoticeOutcome.ACCEPTED, payment)
        if status in ("cancelled", "failed") and payment.status == P.PENDING:
            payment.status = P.CANCELLED if status == "cancelled" else P.FAILED
            payment.updated_at = now
            payment.save(update_fields=["status", "updated_at"])
            return log(NoticeOutcome.CANCELLED if status == "cancelled" else NoticeOutcome.FAILED, payment)
        if status in ("cancelled", "failed"):
            return log(
                NoticeOutcome.LATE, payment, _("The order was %(status)s.") % {"status": payment.status}
            )
        return log(NoticeOutcome.MALFORMED, payment, str(status))


def cash_record(*, actor: User, dossier_code: str, amount: Decimal | str | None = None) -> Payment:
    """A receiving officer of the dossier's receiving agency records the fees paid in cash at the counter."""
    dossier = dossier_for(actor, dossier_code)
    roles = {role for role, agency in user_roles(actor) if agency == dossier.receiving_agency_id}
    if Role.RECEIVING_OFFICER not in roles:
        raise PermissionDenied(_("Only the receiving desk records cash payments."), code="role_not_allowed")
    try:
        value = Decimal(str(amount)) if amount not in (None, "") else fees_due(dossier)
    except InvalidOperation:
        value = Decimal(-1)
    if value <= 0 or value != value.to_integral_value():
        raise InvalidInput(_("Fees are a whole, positive amount in VND."), code="invalid_fees")
    now = timezone.now()
    try:
        with transaction.atomic():
            Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()
            if _paid(dossier):
                raise Conflict(_("The fees of this dossier are already paid."), code="already_paid")
            number = Payment.objects.filter(dossier=dossier).count() + 1
            payment = Payment.objects.create(
                dossier=dossier,
                order_code=f"{dossier.code}-TM{number}",
                amount=value,
                method=PaymentMethod.CASH,
                payer_name=dossier.applicant_name,
                recorded_by=actor,
                recorded_by_name=_name(actor),
                created_at=now,
                updated_at=now,
            )
            _mark_paid(payment, at=now, transaction_id=None)
    except IntegrityError as exc:
        raise Conflict(_("The fees of this dossier are already paid."), code="already_paid") from exc
    return payment


def on_dossier_event(event: DossierEvent) -> None:
    """Event hook, inside the action's transaction: the desk cannot receive an online dossier of a
    procedure that requires payment before reception until its fees are paid (the action rolls back)."""
    if event.action != "receive" or event.from_status not in ("submitted", "needs_completion"):
        return
    dossier = event.dossier
    code = dossier.procedure_version.procedure.code
    if not PaymentPolicy.objects.filter(procedure_code=code, pay_before_reception=True).exists():
        return
    if fees_due(dossier) > 0 and not _paid(dossier):
        raise Conflict(
            _("The fees of this procedure must be paid before the dossier is received."),
            code="payment_required",
        )


__all__ = ["NotFound"]
