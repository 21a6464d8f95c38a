"""The platform's signed notification is the only proof of payment; every hostile one changes nothing
and is logged."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dvcqg.models import OutboxMessage
from motcua.payments.choices import NoticeOutcome, PaymentStatus
from motcua.payments.models import Payment, PaymentNotice
from motcua.payments.services import notice_receive, payment_start
from motcua.payments.signing import NOTICE_FIELDS, sign

pytestmark = pytest.mark.django_db


def start(world, dossier):
    payment, url = payment_start(
        actor=world.citizen,
        dossier_code=dossier.code,
        return_url="http://x/back",
        notify_url="http://x/notify",
    )
    return payment


def notice(settings, payment, *, status="paid", amount=None, transaction="GD1", sent_at=None, secret=None):
    body = {
        "merchant": settings.PAYMENT_MERCHANT,
        "order": payment.order_code,
        "transaction": transaction,
        "amount": str(int(payment.amount if amount is None else amount)),
        "status": status,
        "sent_at": (sent_at or dt.datetime.now(dt.UTC)).strftime("%Y%m%d%H%M%S"),
    }
    body["signature"] = sign(body, NOTICE_FIELDS, secret or settings.PAYMENT_SECRET)
    return body


def fee_messages(dossier):
    return OutboxMessage.objects.filter(dossier_id=dossier.pk, source="fee").count()


def test_a_genuine_notification_pays_gives_a_receipt_and_tells_the_portal(world, submitted, settings):
    payment = start(world, submitted)
    assert payment.status == PaymentStatus.PENDING and payment.amount == 50000
    result = notice_receive(body=notice(settings, payment))
    payment.refresh_from_db()
    assert result.outcome == NoticeOutcome.ACCEPTED
    assert payment.status == PaymentStatus.PAID and payment.receipt_number.startswith("BL")
    assert fee_messages(submitted) == 1


def test_a_forged_notification_changes_nothing(world, submitted, settings):
    payment = start(world, submitted)
    result = notice_receive(body=notice(settings, payment, secret="not-the-platform"))
    payment.refresh_from_db()
    assert result.outcome == NoticeOutcome.FORGED and not result.signature_valid
    assert payment.status == PaymentStatus.PENDING and fee_messages(submitted) == 0


def test_a_tampered_amount_breaks_the_signature(world, submitted, settings):
    payment = start(world, submitted)
    body = notice(settings, payment)
    body["amount"] = "1"
    assert notice_receive(body=body).outcome == NoticeOutcome.FORGED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_repeated_notification_changes_nothing(world, submitted, settings):
    payment = start(world, submitted)
    body = notice(settings, payment)
    notice_receive(body=body)
    payment.refresh_from_db()
    receipt = payment.receipt_number
    again = notice_receive(body=body)
    payment.refresh_from_db()
    assert again.outcome == NoticeOutcome.REPEATED
    assert payment.receipt_number == receipt and fee_messages(submitted) == 1
    assert PaymentNotice.objects.count() == 2  # both logged


def test_a_late_notification_changes_nothing(world, submitted, settings):
    payment = start(world, submitted)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=settings.PAYMENT_NOTIFY_LATE_MINUTES + 5)
    result = notice_receive(body=notice(settings, payment, sent_at=old))
    payment.refresh_from_db()
    assert result.outcome == NoticeOutcome.LATE and payment.status == PaymentStatus.PENDING


def test_a_payment_for_a_cancelled_order_is_late_and_changes_nothing(world, submitted, settings):
    payment = start(world, submitted)
    notice_receive(body=notice(settings, payment, status="cancelled", transaction="GD-C"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    result = notice_receive(body=notice(settings, payment, transaction="GD-LATE"))
    payment.refresh_from_db()
    assert result.outcome == NoticeOutcome.LATE and payment.status == PaymentStatus.CANCELLED


def test_a_second_payment_of_a_paid_dossier_is_logged_not_recorded(world, submitted, settings):
    payment = start(world, submitted)
    notice_receive(body=notice(settings, payment, transaction="GD-1"))
    result = notice_receive(body=notice(settings, payment, transaction="GD-2"))
    assert result.outcome == NoticeOutcome.PAID_TWICE
    assert (
        Payment.objects.filter(dossier=submitted, status="paid").count() == 1 and fee_messages(submitted) == 1
    )


def test_a_wrong_amount_is_refused(world, submitted, settings):
    payment = start(world, submitted)
    result = notice_receive(body=notice(settings, payment, amount=1000))
    payment.refresh_from_db()
    assert result.outcome == NoticeOutcome.AMOUNT_MISMATCH and payment.status == PaymentStatus.PENDING


def test_an_unknown_order_and_garbage_are_logged(world, submitted, settings):
    payment = start(world, submitted)
    payment.order_code = "NO-SUCH-ORDER"
    assert notice_receive(body=notice(settings, payment)).outcome == NoticeOutcome.UNKNOWN_ORDER
    assert notice_receive(body=["not", "an", "object"]).outcome == NoticeOutcome.MALFORMED
