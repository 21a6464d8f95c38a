"""A citizen registers, verifies with the e-mailed code, signs in, and tracks a dossier — on a 360 px
phone, each page checked by axe-core (no serious or critical violation) and for sideways scrolling; then a
citizen changes her e-mail address with the code sent to the new one."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from motcua.core.testing.browser import assert_accessible, assert_no_horizontal_scroll
from motcua.org.choices import Role
from motcua.org.models import Membership
from motcua.org.tests.factories import UserFactory
from motcua.portal.tests.test_tracking import receive_a_dossier

pytestmark = pytest.mark.browser

PASSWORD = "Nui-rung Tay Bac 2026"


def _check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_register_verify_sign_in_and_track(live_server, mobile_page, transactional_db, settings):
    settings.AUTHENTICATION_BACKENDS = ["motcua.org.backends.EmailOrPhoneBackend"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    dossier = receive_a_dossier()
    page = mobile_page

    page.goto(f"{live_server.url}/")
    page.locator('nav a[href="/tai-khoan/dang-ky/"]').click()
    _check(page)
    page.locator("#id_full_name").fill("Lường Thị Hoa")
    page.locator("#id_email").fill("hoa@example.vn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/xac-minh/")
    _check(page)

    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert page.locator("#id_identifier").input_value() == "hoa@example.vn"
    page.locator("#id_code").fill(code)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/")
    _check(page)

    page.locator("nav form.inline-form button").click()  # sign out
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    _check(page)
    page.locator("#id_username").fill("hoa@example.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/tai-khoan/ho-so-ca-nhan/")
    assert page.locator("#id_email").input_value() == "hoa@example.vn"

    # The receipt's QR code opens the tracking page with the code filled in.
    page.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
    _check(page)
    assert page.locator("#id_ma").input_value() == dossier.code
    page.locator("#id_sdt").fill("5678")
    page.locator("form.track-form button[type=submit]").click()
    page.locator(".track-result").wait_for()
    assert dossier.code in page.locator(".track-result h2").inner_text()
    _check(page)


def test_change_the_email_address_with_the_code_sent_to_it(
    live_server, mobile_page, transactional_db, settings
):
    settings.AUTHENTICATION_BACKENDS = ["motcua.org.backends.EmailOrPhoneBackend"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    user = UserFactory(username="hoa@example.vn", email="hoa@example.vn", password=PASSWORD)
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    page = mobile_page
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next=/tai-khoan/ho-so-ca-nhan/")
    page.locator("#id_username").fill("hoa@example.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/")

    page.locator("#id_email").fill("hoa.moi@example.vn")
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/xac-minh/email/")
    _check(page)
    page.goto(f"{live_server.url}/tai-khoan/ho-so-ca-nhan/")  # the change waits, with its actions
    assert page.locator("#id_email").input_value() == "hoa@example.vn"
    assert "hoa.moi@example.vn" in page.locator(".pending-change").inner_text()
    _check(page)

    page.locator(".pending-change a").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/xac-minh/email/")
    page.locator("#id_code").fill(re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1))
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/")
    assert page.locator("#id_email").input_value() == "hoa.moi@example.vn"
    assert page.locator(".pending-change").count() == 0
    assert mail.outbox[-1].to == ["hoa@example.vn"]  # the notice to the old address
