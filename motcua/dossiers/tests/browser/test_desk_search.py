"""Issue 9 item 7 in a real browser: the desk officer of the demo (motcua) searches for a dossier by the
applicant's name typed without diacritics, narrows by status, and opens it; my tasks shows its summary."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.core.text import fold
from motcua.demo.loader import DEMO_PASSWORD
from motcua.dossiers.selectors import dossier_list
from motcua.org.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "10")
    call_command("load_demo", verbosity=0)
    cache.clear()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")


def test_the_desk_searches_for_a_dossier(demo, live_server, page):
    officer = User.objects.get(username="motcua")
    wanted = dossier_list(officer).exclude(applicant_name="").first()
    assert wanted is not None, "the demo desk has dossiers"
    sign_in(page, live_server.url, "motcua")

    page.goto(f"{live_server.url}/ho-so/")
    summary = page.locator("[data-summary]")
    expect(summary).to_have_count(3)  # overdue · due today · at risk
    page.get_by_role("link", name="Tìm kiếm hồ sơ").click()
    assert_accessible(page)

    # The name as people type it: no diacritics, lower case.
    page.locator("#id_q").fill(fold(wanted.applicant_name))
    page.locator("#id_status").select_option(wanted.status)
    page.locator("main form[role=search] button[type=submit]").click()
    row = page.locator(f"main table a[data-code][href='/ho-so/{wanted.code}/']")
    expect(row).to_be_visible()
    assert_accessible(page)
    # Every result matches what was typed.
    for name in page.locator("main table tbody tr td:nth-child(3)").all_inner_texts():
        assert all(word in fold(name) for word in fold(wanted.applicant_name).split())

    # By the code's daily number alone, then open it.
    page.locator("#id_q").fill(wanted.code)
    page.locator("#id_status").select_option("")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "1")
    page.locator(f"main table a[href='/ho-so/{wanted.code}/']").click()
    expect(page.locator("h1")).to_contain_text(wanted.code)
