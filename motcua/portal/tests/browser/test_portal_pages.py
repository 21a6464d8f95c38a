"""The public pages in a real browser: accessible (axe-core), usable by keyboard, fine at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible, assert_no_horizontal_scroll, focus_by_tab

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "catalog search": "/thu-tuc/?q=dang+ky+ket+hon",
    "catalog, every procedure": "/thu-tuc/",
    "procedure": "/thu-tuc/2.001263/",
    "announcements": "/tin-tuc/",
    "announcements search, bad date": "/tin-tuc/?q=ke+hoach&date_from=31%2F02%2F2021&date_to=2021-12-31",
    "announcement": "/tin-tuc/ke-hoach-kiem-soat-tthc-nam-2021/",
    "glossary": "/thuat-ngu/",
    "sign in": "/tai-khoan/dang-nhap/",
    "admin sign in": "/admin/login/",
}


def test_every_page_is_accessible_and_fits_a_small_phone(portal_data, live_server, page, mobile_page):
    # One test walks every page: each browser test pays a database flush, which PostgreSQL makes slow.
    # Every page is checked and every problem reported, not only the first.
    problems = []
    for name, path in PAGES.items():
        try:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: HTTP {response.status}"
            assert_accessible(page)
            mobile_page.goto(live_server.url + path)
            assert_no_horizontal_scroll(mobile_page, 360)
            assert_accessible(mobile_page)
        except (AssertionError, pytest.fail.Exception) as exc:
            problems.append(f"--- {name} ({path})\n{exc}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_catalog_search_folds_diacritics(portal_data, live_server, page):
    page.goto(live_server.url + "/")
    # Selectors by id and value, not by label: the labels are translated.
    page.locator("#home-q").fill("dang ky ket hon")
    page.locator(".search-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=dang"))
    expect(page.get_by_role("link", name="Đăng ký kết hôn")).to_be_visible()
    expect(page.get_by_text("Cấp Phiếu lý lịch tư pháp")).to_have_count(0)


def test_keyboard_only_from_home_to_a_procedure(portal_data, live_server, page):
    page.goto(live_server.url + "/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("href", "#main")
    # Focus is visible on the header's buttons too.
    focus_by_tab(page, "e => e.getAttribute('value') === 'large'")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") not in ("", "none")
    page.goto(live_server.url + "/")
    focus_by_tab(page, "e => e.id === 'home-q'")
    page.keyboard.type("dang ky ket hon")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/thu-tuc/\?q="))
    focus_by_tab(page, "e => e.tagName === 'A' && e.textContent.trim() === 'Đăng ký kết hôn'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/thu-tuc/1\.000894/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký kết hôn")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_font_size_persists_across_pages(portal_data, live_server, browser, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        html = page.locator("html")
        larger = page.locator("button[name=size][value=large]")
        expect(larger).to_have_attribute("aria-pressed", "false")
        larger.click()
        expect(html).to_have_class("font-large")
        expect(larger).to_have_attribute("aria-pressed", "true")
        # Another page, drawn by the server: the size comes with the first byte, no flash.
        page.goto(live_server.url + "/tin-tuc/")
        expect(html).to_have_class("font-large")
        expect(larger).to_have_attribute("aria-pressed", "true")
        assert_no_horizontal_scroll(page, 360)
        page.locator("button[name=size][value=small]").click()
        expect(html).to_have_class("font-small")
        page.goto(live_server.url + "/thuat-ngu/")
        expect(html).to_have_class("font-small")
        page.locator("button[name=size][value=normal]").click()
        page.goto(live_server.url + "/")
        expect(html).not_to_have_class(re.compile("font-(small|large)"))
    finally:
        context.close()


def test_language_switch(portal_data, live_server, page):
    page.goto(live_server.url + "/thuat-ngu/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("#lang-select").select_option("en")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/thuat-ngu/$"))
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an administrative procedure")
    assert_accessible(page)
    page.locator("#lang-select").select_option("vi")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_announcements_search_by_words_and_dates_then_read_one(portal_data, live_server, page):
    page.goto(live_server.url + "/tin-tuc/")
    form = page.get_by_role("search")
    form.locator("#id_q").fill("PVHCC")
    form.locator("#id_date_from").fill("01/01/2021")
    form.locator("#id_date_to").fill("31/12/2021")
    form.get_by_role("button").click()
    results = page.locator(".news-list h2")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Trung tâm PVHCC tỉnh")
    # A date range that excludes it finds nothing; a bad date gets a message next to the field.
    page.goto(live_server.url + "/tin-tuc/?q=PVHCC&date_from=2022-01-01")
    expect(page.locator(".news-list")).to_have_count(0)
    page.goto(live_server.url + "/tin-tuc/?date_to=31/13/2021")
    expect(page.locator("#id_date_to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_date_to-error")).to_be_visible()
    expect(page.locator(".news-list h2")).to_have_count(4)
    # Open an announcement: its abbreviations are explained in place.
    page.goto(live_server.url + "/tin-tuc/")
    page.get_by_role("link", name=re.compile("Kế hoạch kiểm soát")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kế hoạch kiểm soát")
    tthc = page.locator("h1 abbr").first
    expect(tthc).to_have_text("TTHC")
    expect(tthc).to_have_attribute("title", re.compile("^thủ tục hành chính"))
    assert page.locator("article abbr", has_text="VP UBND").count() >= 1


def test_glossary_page_lists_terms_and_procedures_explain_them(portal_data, live_server, page):
    page.goto(live_server.url + "/thuat-ngu/")
    for abbreviation in (
        "TTHC",
        "UBND",
        "HĐND",
        "VP UBND",
        "PVHCC",
        "PAKN",
        "DVCQG",
        "CCHC",
        "Bộ phận Một cửa",
    ):
        expect(page.locator("dl.glossary dt", has_text=abbreviation).first).to_be_visible()
    page.goto(live_server.url + "/thu-tuc/2.000815/")
    abbr = page.locator("abbr", has_text="UBND").first
    expect(abbr).to_have_attribute("title", re.compile("Ủy ban nhân dân"))
