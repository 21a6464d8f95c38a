"""A PAKN in a real browser: a citizen submits it (with a PDF), an Office reviewer classifies and
routes it, a specialist of the agency answers, the reviewer publishes, and the public list finds it
by words typed without diacritics. Every page visited passes axe-core (no serious or critical
violation); the public form and list hold up at 360 px."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible, assert_no_horizontal_scroll
from motcua.feedback.choices import PetitionStatus
from motcua.feedback.models import Petition, PetitionCategory
from motcua.feedback.tests.helpers import PDF
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "Cao nguyen Moc Chau 2026"
BASE = "/phan-anh-kien-nghi"
SUBJECT = "Xã đòi bản sao sổ hộ khẩu khi đăng ký kết hôn"


def sign_in(browser, live_server, username: str):
    """A fresh browser context signed in through the sign-in page; returns its page."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    assert_accessible(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form.stacked-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def act(page, action: str) -> None:
    """Submit the staff detail page's form for `action` and land back on the detail page."""
    url = page.url
    page.locator(f"form[action$='/{action}/'] button[type=submit]").click()
    page.wait_for_url(url)
    expect(page.locator("main [role=status]").first).to_be_visible()
    assert_accessible(page)


def test_pakn_submitted_routed_answered_published(
    transactional_db, live_server, browser, page, mobile_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # sign-in rate limits
    # Committed rows for the live server (a transactional test may have flushed the migration's data).
    category, _ = PetitionCategory.objects.get_or_create(
        code="quy-dinh-hanh-chinh",
        defaults={"name": "Phản ánh, kiến nghị về quy định hành chính", "kind": "regulation", "position": 1},
    )
    office = AgencyFactory(
        identifier="000.00.01.H48", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    department = AgencyFactory(identifier="000.00.12.H48", name="Sở Tư pháp")
    reviewer = UserFactory(username="alice", full_name="Nguyễn Thị An", password=PASSWORD)
    MembershipFactory(user=reviewer, agency=office, role=Role.OFFICE_REVIEWER)
    specialist = UserFactory(username="bob", full_name="Trần Văn Bình", password=PASSWORD)
    MembershipFactory(user=specialist, agency=department, role=Role.SPECIALIST)

    # --- The citizen (anonymous) submits through the public form. ---
    page.goto(f"{live_server.url}{BASE}/gui/")
    assert_accessible(page)
    mobile_page.goto(page.url)
    assert_no_horizontal_scroll(mobile_page, 360)
    assert_accessible(mobile_page)

    page.locator("#id_category").select_option(category.code)
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_content").fill(
        "Khi đăng ký kết hôn, xã vẫn yêu cầu bản sao sổ hộ khẩu dù sổ hộ khẩu giấy đã bị bãi bỏ."
    )
    page.locator("#id_attachment").set_input_files(
        files=[{"name": "don-phan-anh.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_submitter_name").fill("Phạm Thị Dung")
    page.locator("#id_submitter_phone").fill("0912345678")
    page.locator("#id_submitter_email").fill("dung@example.vn")
    page.locator("#id_is_public").check()
    page.locator("main form.stacked-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{BASE}/da-gui/[^/]+/$"))
    assert_accessible(page)

    code = page.locator(".tracking-code").inner_text().strip()
    petition = Petition.objects.get(code=code)
    assert petition.status == PetitionStatus.RECEIVED
    assert petition.is_public
    assert petition.attachment

    # The citizen looks it up by code.
    page.locator(f"main a[href*='{BASE}/tra-cuu/']").last.click()
    page.wait_for_url(re.compile(r"/tra-cuu/\?code="))
    expect(page.locator("main h2")).to_have_text(code)
    assert_accessible(page)

    # --- The Office reviewer classifies and routes it to the department. ---
    review = sign_in(browser, live_server, "alice")
    review.goto(f"{live_server.url}{BASE}/xu-ly/")
    assert_accessible(review)
    review.locator(f"main table a[href='{BASE}/xu-ly/{code}/']").click()
    review.wait_for_url(f"{live_server.url}{BASE}/xu-ly/{code}/")
    assert_accessible(review)
    expect(review.locator("main dl.facts")).to_contain_text("don-phan-anh.pdf")

    review.locator("#id_classify-category").select_option(category.code)
    review.locator("#id_classify-note").fill("Đúng phạm vi quy định hành chính")
    act(review, "classify")
    review.locator("#id_assign-agency").select_option(str(department.pk))
    act(review, "assign")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED
    assert petition.agency_id == department.pk
    # The reviewer no longer has the answer form: only the assigned agency answers.
    expect(review.locator("#id_answer-answer")).to_have_count(0)

    # --- A specialist of the department answers. ---
    answer = sign_in(browser, live_server, "bob")
    answer.goto(f"{live_server.url}{BASE}/xu-ly/")
    assert_accessible(answer)
    answer.locator(f"main table a[href='{BASE}/xu-ly/{code}/']").click()
    answer.wait_for_url(f"{live_server.url}{BASE}/xu-ly/{code}/")
    assert_accessible(answer)
    answer.locator("#id_answer-answer").fill(
        "Sở Tư pháp đã chỉ đạo UBND xã không yêu cầu sổ hộ khẩu; thông tin cư trú được khai thác từ "
        "Cơ sở dữ liệu quốc gia về dân cư."
    )
    act(answer, "answer")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    answer.context.close()

    # --- The reviewer publishes the answer. ---
    review.reload()
    act(review, "publish")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.PUBLISHED
    review.context.close()

    # --- The public list finds it by words without diacritics. ---
    page.goto(f"{live_server.url}{BASE}/")
    assert_accessible(page)
    page.locator("#id_q").fill("so ho khau ket hon")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?q=so"))
    link = page.locator(f"main table a[href='{BASE}/{code}/']")
    expect(link).to_have_text(SUBJECT)
    assert_accessible(page)

    mobile_page.goto(page.url)
    expect(mobile_page.locator(f"main table a[href='{BASE}/{code}/']")).to_be_visible()
    assert_no_horizontal_scroll(mobile_page, 360)
    assert_accessible(mobile_page)

    link.click()
    page.wait_for_url(f"{live_server.url}{BASE}/{code}/")
    expect(page.locator("main h1")).to_have_text(SUBJECT)
    expect(page.locator("main")).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    assert_accessible(page)
