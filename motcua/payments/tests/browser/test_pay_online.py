"""A citizen pays a dossier's fees in a real browser through the payment platform simulator and sees the
receipt; the desk then sees the dossier paid."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_citizen_pays_online_and_gets_the_receipt(live_server, page, world, submitted, platform):
    sign_in(page, live_server, world.citizen)
    page.goto(f"{live_server.url}/nop-ho-so/ho-so/{submitted.code}/")
    expect(page.locator("#fees-status")).to_contain_text("Chưa nộp")
    expect(page.locator("#fees-status")).to_contain_text("50.000 đồng")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()

    # On the payment platform (another origin): the order and the amount, and its four buttons.
    expect(page).to_have_url(re.compile(re.escape(platform.url) + r"/pay\?"))
    expect(page.locator("#amount")).to_have_text("50.000 đồng")
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    # Back with us: paid, because the platform's signed notification said so.
    expect(page).to_have_url(re.compile(r"/thanh-toan/ket-qua/"))
    expect(page.locator("#payment-status")).to_contain_text("Đã thanh toán")
    number = Payment.objects.get(status="paid").receipt_number
    expect(page.locator("#receipt-number")).to_have_text(number)
    assert_accessible(page)
    page.get_by_role("link", name="xem").click()
    expect(page.get_by_role("heading", name="BIÊN LAI THU PHÍ, LỆ PHÍ")).to_be_visible()
    expect(page.locator("#receipt-amount")).to_have_text("50.000 đồng")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về PDF").click()
    assert download.value.suggested_filename == f"bien-lai-{number}.pdf"

    # The dossier page now says paid, with the receipt.
    page.goto(f"{live_server.url}/nop-ho-so/ho-so/{submitted.code}/")
    expect(page.locator("#fees-status")).to_contain_text("Đã nộp")
