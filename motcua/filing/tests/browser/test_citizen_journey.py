"""The citizen's whole path in a real browser (issue 4): register with an e-mail address, verify with the
e-mailed code, file online from the procedure page with two uploads, be received at the desk by a
receiving officer (signed in through the login page in a second browser context, acting on the
dossier page's forms), be asked for a supplement, track the dossier by code and the last 4 phone
digits, read the exact reason, supplement the same dossier, get the result and rate it.

Every page the citizen and the officer see passes axe-core (no serious or critical violation). The
inner processing after the supplement (forward, propose, approve, mark result ready, return) goes
through `dossier_act`, as the brief allows, to keep the test short."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from motcua.core.testing.browser import DEFAULT_TIMEOUT_MS, DESKTOP, assert_accessible
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.filing.tests.conftest import PDF, PNG, make_online_procedure, member
from motcua.filing.tests.helpers import act
from motcua.org.choices import Role
from motcua.org.models import Desk
from motcua.org.tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.browser

CITIZEN_PASSWORD = "Ruong bac thang Mu Cang Chai 2026"
OFFICER_PASSWORD = "Mot cua Son La 2026!"
PHONE = "0912 345 678"
REASON = "Bổ sung bản sao chứng thực Căn cước công dân (mặt trước và mặt sau)."


def _register_and_verify(page, base: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-ky/")
    assert_accessible(page)
    page.locator("#id_full_name").fill("Lường Thị Hoa")
    page.locator("#id_email").fill("hoa@example.vn")
    page.locator("#id_password1").fill(CITIZEN_PASSWORD)
    page.locator("#id_password2").fill(CITIZEN_PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/xac-minh/")
    assert_accessible(page)

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.vn"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    expect(page.locator("#id_identifier")).to_have_value("hoa@example.vn")
    page.locator("#id_code").fill(code)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/")
    assert_accessible(page)


def _officer_page(browser, base: str, username: str):
    """A second browser context (own cookies) where the officer signs in through the login page."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    assert_accessible(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(OFFICER_PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/tai-khoan/dang-nhap/).*$"))
    return context, page


def _open_action(page, action: str):
    """Unfold the panel of `action` on the dossier page, as an officer does by clicking its title."""
    form = page.locator(f"form.action-form[action$='/hanh-dong/{action}/']")
    panel = page.locator("details.action-panel", has=form)
    if not panel.evaluate("panel => panel.open"):
        panel.locator("summary").click()
    expect(form).to_be_visible()
    return form


def _officer_acts(page, action: str) -> None:
    """Submit the action form `action` on the dossier page (htmx swaps the body in place)."""
    _open_action(page, action).locator(f"button[name=do][value={action}]").click()


def _track(page, base: str, code: str) -> None:
    page.goto(f"{base}/tra-cuu/")
    assert_accessible(page)
    page.locator("#id_ma").fill(code)
    page.locator("#id_sdt").fill(PHONE.replace(" ", "")[-4:])
    page.locator("form.track-form button[type=submit]").click()
    page.locator(".track-result").wait_for()
    expect(page.locator(".track-result h2")).to_contain_text(code)
    assert_accessible(page)


def test_citizen_registers_files_is_received_supplements_tracks_and_rates(
    transactional_db, live_server, page, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUTHENTICATION_BACKENDS = ["motcua.org.backends.EmailOrPhoneBackend"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # rate limits of sign-in, verification and tracking start afresh
    base = live_server.url

    dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    procedure_code = make_online_procedure(dept).procedure.code
    Desk.objects.create(agency=dept, name="Bộ phận Một cửa Sở Tư pháp")
    officer = member(UserFactory(username="olga", full_name="Lò Thị Olga"), dept, Role.RECEIVING_OFFICER)
    officer.set_password(OFFICER_PASSWORD)
    officer.save()
    specialist = member(UserFactory(username="sam", full_name="Cầm Văn Sam"), dept, Role.SPECIALIST)
    leader = member(UserFactory(username="linh", full_name="Quàng Thị Linh"), dept, Role.LEADER)

    # 1. The citizen registers with an e-mail address and verifies it with the e-mailed code.
    _register_and_verify(page, base)

    # 2. From the procedure page, file online: applicant data, two uploads, review, submit.
    page.goto(f"{base}/thu-tuc/{procedure_code}/")
    assert_accessible(page)
    page.locator(f"main a[href='/nop-ho-so/{procedure_code}/']").click()
    page.wait_for_url(f"**/nop-ho-so/{procedure_code}/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/nop-ho-so/nhap/\d+/$"))
    assert_accessible(page)
    expect(page.locator("#id_name")).to_have_value("Lường Thị Hoa")  # from the account
    page.locator("#id_identifier").fill("014190000123")
    page.locator("#id_phone").fill(PHONE)
    page.locator("#id_address").fill("Tổ 3, phường Tô Hiệu, tỉnh Sơn La")
    page.locator("#id_doc-1").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_doc-2").set_input_files(
        files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=review]").click()
    expect(page).to_have_url(re.compile(r"/xem-lai/$"))
    expect(page.get_by_text("to-khai.pdf")).to_be_visible()
    expect(page.get_by_text("cccd.png")).to_be_visible()
    assert_accessible(page)
    page.locator("main form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/da-nop/$"))
    code = page.locator("#dossier-code").inner_text().strip()
    assert_accessible(page)
    dossier = Dossier.objects.get()
    assert dossier.code == code and dossier.status == DossierStatus.SUBMITTED
    assert dossier.online_attachments.count() == 2

    # 3. The receiving officer signs in (second context), finds the dossier in the task list, opens
    #    its page and receives it with the action form, then asks for a supplement with a reason.
    officer_context, desk = _officer_page(browser, base, "olga")
    try:
        desk.goto(f"{base}/ho-so/")
        assert_accessible(desk)
        desk.locator(f"main a[href='/ho-so/{code}/']").first.click()
        desk.wait_for_url(f"**/ho-so/{code}/")
        assert_accessible(desk)
        _officer_acts(desk, "receive")
        _open_action(desk, "request_supplement")
        assert Dossier.objects.get().status == DossierStatus.RECEIVED
        assert_accessible(desk)
        desk.locator("#id_request_supplement-reason").fill(REASON)
        _officer_acts(desk, "request_supplement")
        expect(desk.locator("#dossier-body .history")).to_contain_text(REASON)
        assert Dossier.objects.get().status == DossierStatus.AWAITING_SUPPLEMENT
        assert_accessible(desk)
        desk.reload()  # the full page, as after a plain (non-htmx) POST
        assert_accessible(desk)
    finally:
        officer_context.close()

    # 4. The citizen tracks the dossier (code + last 4 phone digits) and sees it awaits a supplement.
    _track(page, base, code)
    expect(page.locator(".track-status")).to_contain_text("chờ bổ sung", ignore_case=True)

    # 5. "My dossiers" → the dossier: the exact reason, and the supplement on the same code.
    page.goto(f"{base}/nop-ho-so/cua-toi/")
    assert_accessible(page)
    page.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/nop-ho-so/ho-so/{code}/")
    expect(page.locator("#asked-reason")).to_have_text(REASON)
    assert_accessible(page)
    page.locator("#id_sup-2").set_input_files(
        files=[{"name": "cccd-chung-thuc.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_note").fill("Đã bổ sung bản sao chứng thực")
    page.locator("section.supplement button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/nop-ho-so/ho-so/{re.escape(code)}/$"))
    expect(page.locator("#asked-reason")).to_have_count(0)
    expect(page.get_by_text("cccd-chung-thuc.pdf")).to_be_visible()
    assert_accessible(page)
    dossier = Dossier.objects.get()
    assert dossier.code == code and dossier.status == DossierStatus.RECEIVED  # back where it was paused
    assert dossier.online_attachments.count() == 3

    # 6. The rest of the processing through the services.
    act(code, "forward", officer)
    act(code, "propose", specialist)
    act(code, "forward", specialist)
    act(code, "approve", leader)
    act(code, "mark_result_ready", leader)
    act(code, "return_result", officer, method="online")

    # 7. The citizen tracks it again, sees "đã trả kết quả" on the dossier page, and rates it.
    _track(page, base, code)
    expect(page.locator(".track-status")).to_contain_text("đã trả kết quả", ignore_case=True)
    page.goto(f"{base}/nop-ho-so/ho-so/{code}/")
    expect(page.locator("#dossier-status")).to_contain_text("đã trả kết quả", ignore_case=True)
    assert_accessible(page)
    page.locator("fieldset.stars input[value='5']").check()
    page.locator("#id_contacts").fill("1")
    page.locator("form[action$='/danh-gia/'] button[type=submit]").click()
    expect(page.get_by_text("5 sao")).to_be_visible()
    assert_accessible(page)
    assert Dossier.objects.get().rating.stars == 5
