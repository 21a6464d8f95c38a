"""Over real HTTP: the browser's round trip through the platform simulator, the notification reaching our
endpoint; payment before reception; cash at the desk; reconciliation; the Decision 766 figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import Conflict, PermissionDenied
from motcua.dossiers.services import dossier_act
from motcua.payments.choices import NoticeOutcome, PaymentStatus
from motcua.payments.models import Payment, PaymentNotice, PaymentPolicy
from motcua.payments.selectors import online_payment_figures, payment_mismatches
from motcua.payments.services import cash_record

pytestmark = pytest.mark.django_db(transaction=True)


def pay_through_platform(live_server, world, dossier, choice: str) -> requests.Response:
    """The citizen's browser: our start button → the platform's page → its button → back to us."""
    client = Client()
    client.force_login(world.citizen)
    start = client.post(
        reverse("payments:start", args=[dossier.code]), HTTP_HOST=live_server.url.split("//")[1]
    )
    assert start.status_code == 302
    page = requests.get(start["Location"], timeout=5)
    assert page.status_code == 200 and "50.000 đồng" in page.text
    from urllib.parse import parse_qs, urlsplit

    form = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    return requests.post(
        start["Location"].split("?")[0], data={**form, "choice": choice}, allow_redirects=False, timeout=10
    )


def test_pay_cancel_fail_and_pay_twice_through_the_simulator(live_server, world, submitted, platform):
    back = pay_through_platform(live_server, world, submitted, "cancel")
    assert back.status_code == 303 and "/thanh-toan/ket-qua/" in back.headers["Location"]
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    pay_through_platform(live_server, world, submitted, "fail")
    assert Payment.objects.order_by("-id").first().status == PaymentStatus.FAILED
    pay_through_platform(live_server, world, submitted, "pay_twice")
    paid = Payment.objects.get(status=PaymentStatus.PAID)
    assert paid.receipt_number
    assert PaymentNotice.objects.filter(outcome=NoticeOutcome.PAID_TWICE).count() == 1
    # The reconciliation lists the double charge (to refund), nothing else.
    assert [(m.order, m.kind) for m in payment_mismatches()] == [(paid.order_code, "paid_twice")]


def test_payment_before_reception(live_server, world, submitted, platform):
    PaymentPolicy.objects.create(procedure_code=world.version.procedure.code, pay_before_reception=True)
    with pytest.raises(Conflict) as refused:
        dossier_act(
            dossier_code=submitted.code, action="receive", actor=world.officer, version=submitted.version
        )
    assert refused.value.code == "payment_required"
    pay_through_platform(live_server, world, submitted, "pay")
    dossier = dossier_act(
        dossier_code=submitted.code, action="receive", actor=world.officer, version=submitted.version
    )
    assert dossier.status == "received"


def test_cash_at_the_desk_and_the_desk_list(world, submitted):
    with pytest.raises(PermissionDenied):
        cash_record(actor=world.specialist, dossier_code=submitted.code)
    client = Client()
    client.force_login(world.officer)
    listing = client.get(reverse("payments:desk"))
    assert [d.code for d, _due in listing.context["rows"]] == [submitted.code]
    assert "Chưa nộp" in listing.content.decode()
    response = client.post(
        reverse("payments:cash", args=[submitted.code]), {"amount": "50000", "next": "/thanh-toan/quay/"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get(status="paid")
    assert payment.method == "cash" and payment.recorded_by_name == "Lò Thị Olga"
    assert "Đã nộp" in client.get(reverse("payments:desk")).content.decode()
    with pytest.raises(Conflict):
        cash_record(actor=world.officer, dossier_code=submitted.code)
    # The receipt: shown to the applicant and downloadable as a PDF.
    citizen = Client()
    citizen.force_login(world.citizen)
    page = citizen.get(reverse("payments:receipt", args=[payment.receipt_number]))
    assert "BIÊN LAI" in page.content.decode() and "50.000 đồng" in page.content.decode()
    pdf = citizen.get(reverse("payments:receipt_pdf", args=[payment.receipt_number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Someone else's receipt does not exist for them.
    stranger = Client()
    stranger.force_login(world.stranger)
    assert stranger.get(reverse("payments:receipt", args=[payment.receipt_number])).status_code == 404


def test_decision_766_online_payment_figures(live_server, world, submitted, platform):
    from motcua.dossiers.models import Dossier

    start = timezone.now() - timezone.timedelta(days=1)
    end = timezone.now() + timezone.timedelta(days=1)
    other = world.receive()  # received at the desk, fees from the catalog, paid in cash
    cash_record(actor=world.officer, dossier_code=other.code, amount=Decimal(50000))
    pay_through_platform(live_server, world, submitted, "pay")
    dossier_act(dossier_code=submitted.code, action="receive", actor=world.officer, version=submitted.version)
    figures = online_payment_figures(Dossier.objects.all(), start=start, end=end)
    assert figures == {
        "dossiers_with_fees": 2,
        "dossiers_paid_online": 1,
        "procedures_with_fees": 1,
        "procedures_paid_online": 1,
    }
