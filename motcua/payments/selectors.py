"""Reads on payments, scoped by the dossiers the user may see (dossiers' selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import requests
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible_to
from motcua.org.choices import Role
from motcua.org.selectors import user_roles
from motcua.payments.choices import NoticeOutcome, PaymentMethod, PaymentStatus
from motcua.payments.models import Payment, PaymentNotice, PaymentPolicy
from motcua.payments.services import fees_due

P = PaymentStatus


@dataclass
class PaymentState:
    dossier: Dossier
    due: Decimal
    paid: Payment | None
    pending: Payment | None
    pay_before_reception: bool

    @property
    def unpaid(self) -> bool:
        return self.due > 0 and self.paid is None


def payment_state(dossier: Dossier) -> PaymentState:
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at"))
    return PaymentState(
        dossier=dossier,
        due=fees_due(dossier),
        paid=next((p for p in payments if p.status == P.PAID), None),
        pending=next((p for p in payments if p.status == P.PENDING), None),
        pay_before_reception=PaymentPolicy.objects.filter(
            procedure_code=dossier.procedure_version.procedure.code, pay_before_reception=True
        ).exists(),
    )


def is_desk_officer(user, dossier: Dossier) -> bool:
    return any(r == Role.RECEIVING_OFFICER and a == dossier.receiving_agency_id for r, a in user_roles(user))


def payment_for(user, order_code: str) -> Payment:
    """A payment of a dossier `user` may see; NotFound otherwise."""
    payment = (
        Payment.objects.select_related("dossier__procedure_version", "dossier__receiving_agency")
        .filter(order_code=order_code, dossier__in=dossiers_visible_to(user))
        .first()
    )
    if payment is None:
        raise NotFound("Payment not found.", code="payment_not_found")
    return payment


def receipt_for(user, receipt_number: str) -> Payment:
    payment = (
        Payment.objects.select_related("dossier__procedure_version", "dossier__receiving_agency")
        .filter(receipt_number=receipt_number, status=P.PAID, dossier__in=dossiers_visible_to(user))
        .first()
    )
    if payment is None:
        raise NotFound("Receipt not found.", code="receipt_not_found")
    return payment


def dossiers_with_fees(user, *, unpaid_only: bool = False) -> QuerySet[Dossier]:
    """The open or recent dossiers of the agencies where `user` is a receiving officer that carry fees,
    each annotated `is_paid`, newest first."""
    agencies = [a for r, a in user_roles(user) if r == Role.RECEIVING_OFFICER and a is not None]
    paid = Payment.objects.filter(dossier=OuterRef("pk"), status=P.PAID)
    qs = (
        dossiers_visible_to(user)
        .filter(receiving_agency_id__in=agencies)
        .filter(Q(fees_amount__gt=0) | Q(procedure_version__fees__amount__gt=0))
        .annotate(is_paid=Exists(paid))
        .select_related("procedure_version")
        .distinct()
        .order_by("-submitted_at", "-received_at", "-id")
    )
    if unpaid_only:
        qs = qs.filter(is_paid=False)
    return qs


def notices(limit: int = 100) -> QuerySet[PaymentNotice]:
    return PaymentNotice.objects.select_related("payment").order_by("-received_at", "-id")[:limit]


@dataclass
class Mismatch:
    order: str
    kind: str  # platform_paid_not_here | paid_here_not_on_platform | paid_twice | amount
    detail: str = ""


def platform_transactions() -> list[dict]:
    response = requests.get(f"{settings.PAYMENT_URL.rstrip('/')}/_sim/transactions", timeout=10)
    response.raise_for_status()
    return response.json()


def payment_mismatches(transactions: list[dict] | None = None) -> list[Mismatch]:
    """Our online payments against what the platform charged."""
    transactions = platform_transactions() if transactions is None else transactions
    by_order: dict[str, list[dict]] = {}
    for t in transactions:
        if t.get("status") == "paid":
            by_order.setdefault(t["order"], []).append(t)
    ours = {p.order_code: p for p in Payment.objects.filter(method=PaymentMethod.ONLINE)}
    found: list[Mismatch] = []
    for order, charged in sorted(by_order.items()):
        payment = ours.get(order)
        if payment is None or payment.status != P.PAID:
            found.append(
                Mismatch(order, "platform_paid_not_here", ", ".join(t["transaction"] for t in charged))
            )
            continue
        if len(charged) > 1:
            found.append(Mismatch(order, "paid_twice", ", ".join(t["transaction"] for t in charged)))
        if any(Decimal(str(t["amount"])) != payment.amount for t in charged):
            found.append(Mismatch(order, "amount", f"{[t['amount'] for t in charged]} ≠ {payment.amount}"))
    for order, payment in sorted(ours.items()):
        if payment.status == P.PAID and order not in by_order:
            found.append(Mismatch(order, "paid_here_not_on_platform", payment.transaction_id or ""))
    return found


def hostile_notices_count() -> int:
    return PaymentNotice.objects.exclude(
        outcome__in=[NoticeOutcome.ACCEPTED, NoticeOutcome.CANCELLED, NoticeOutcome.FAILED]
    ).count()


def online_payment_figures(
    dossiers: QuerySet[Dossier], *, start: dt.datetime, end: dt.datetime
) -> dict[str, int]:
    """Decision 766 group 4 over dossiers received in [start, end): dossiers with fees and those paid
    online; procedures with fees and those with at least one online payment."""
    with_fees = (
        dossiers.filter(received_at__gte=start, received_at__lt=end)
        .filter(Q(fees_amount__gt=0) | Q(procedure_version__fees__amount__gt=0))
        .distinct()
    )
    online = Payment.objects.filter(dossier=OuterRef("pk"), status=P.PAID, method=PaymentMethod.ONLINE)
    paid_online = with_fees.filter(Exists(online))
    return {
        "dossiers_with_fees": with_fees.count(),
        "dossiers_paid_online": paid_online.count(),
        "procedures_with_fees": with_fees.values("procedure_version__procedure").distinct().count(),
        "procedures_paid_online": paid_online.values("procedure_version__procedure").distinct().count(),
    }
