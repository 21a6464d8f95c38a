"""Issue 9 item 12 in a real browser: the demo citizen (congdan) sends a petition while signed in, hears
of its receipt by e-mail, and once the Department answers (privately: not for publication) reads the
answer on "my petitions" and gets it by e-mail; the public list of the demo is not empty."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.demo.loader import DEMO_PASSWORD
from motcua.feedback import services
from motcua.feedback.models import Petition, PetitionCategory
from motcua.org.models import User

pytestmark = pytest.mark.browser

ANSWER = "Sở Tư pháp đã niêm yết lệ phí chứng thực tại quầy số 3 của Trung tâm PVHCC tỉnh."


@pytest.fixture
def demo(transactional_db, monkeypatch, settings):
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "3")
    settings.MOTCUA_SMS_QUIET_HOURS = ""
    # A transactional test flushed the categories the migration made; the demo petitions need them.
    PetitionCategory.objects.get_or_create(
        code="quy-dinh-hanh-chinh",
        defaults={"name": "Phản ánh, kiến nghị về quy định hành chính", "kind": "regulation", "position": 1},
    )
    call_command("load_demo", verbosity=0)
    cache.clear()
    mail.outbox.clear()


def test_the_citizen_receives_the_answer(demo, live_server, page):
    base = live_server.url
    citizen = User.objects.get(username="congdan")
    # The demo's petitions of every state: the public list shows the published ones.
    page.goto(f"{base}/phan-anh-kien-nghi/")
    expect(page.locator("main a[href^='/phan-anh-kien-nghi/PAKN-']").first).to_be_visible()

    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill("congdan")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")

    page.goto(f"{base}/phan-anh-kien-nghi/gui/")
    page.locator("#id_category").select_option("quy-dinh-hanh-chinh")
    page.locator("#id_subject").fill("Chưa niêm yết lệ phí chứng thực")
    page.locator("#id_content").fill("Bộ phận Một cửa chưa niêm yết mức lệ phí chứng thực bản sao.")
    page.locator("#id_submitter_name").fill(citizen.full_name)
    page.locator("#id_submitter_phone").fill("0912345678")
    page.locator("#id_submitter_email").fill(citizen.email)
    if page.locator("#id_is_public").is_checked():
        page.locator("#id_is_public").uncheck()
    page.locator("main form.stacked-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/phan-anh-kien-nghi/da-gui/[^/]+/$"))
    code = page.locator(".tracking-code").inner_text().strip()
    petition = Petition.objects.get(code=code)
    assert petition.submitter == citizen and not petition.is_public
    receipts = [m for m in mail.outbox if code in m.subject]
    assert receipts and receipts[0].to == [citizen.email]  # heard on submission

    # The Office routes it, the Department answers (the staff side has its own browser test).
    reviewer = User.objects.get(username="vanphong")
    specialist = User.objects.get(username="chuyenvien")
    agency = specialist.memberships.exclude(agency=None).first().agency
    services.petition_classify(actor=reviewer, code=code, category=petition.category)
    services.petition_assign(actor=reviewer, code=code, agency=agency)
    services.petition_answer(actor=specialist, code=code, answer=ANSWER)
    answers = [m for m in mail.outbox if code in m.subject and ANSWER in m.body]
    assert answers and answers[0].to == [citizen.email]  # the answer itself, by e-mail

    # On "my petitions": the private answer, which the public page never shows.
    page.goto(f"{base}/phan-anh-kien-nghi/")
    page.get_by_role("link", name="Phản ánh, kiến nghị của tôi").click()
    page.locator(f"main a[href='/phan-anh-kien-nghi/cua-toi/{code}/']").first.click()
    expect(page.locator("[data-answer]")).to_have_text(ANSWER)
    assert_accessible(page)
    assert page.context.request.get(f"{base}/phan-anh-kien-nghi/{code}/").status == 404
