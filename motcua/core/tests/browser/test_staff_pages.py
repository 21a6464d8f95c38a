"""The staff pages in a real browser, signed in as each demo user: every page answers, has no serious
or critical axe-core violation, and the pages an officer opens on a phone (my tasks, a dossier) fit
360 px. One test per user: each live-server test pays a database flush (slow on PostgreSQL), so a
test walks all of its user's pages, collects every problem and fails once with all of them."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from motcua.core.testing.browser import (
    DESKTOP,
    MOBILE,
    assert_accessible,
    assert_no_horizontal_scroll,
    focus_by_tab,
)
from motcua.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# The task list links each dossier as /ho-so/<code>/; these are its sibling pages, not dossiers.
NOT_A_DOSSIER = {"tiep-nhan", "qua-han", "so-theo-doi"}
DOSSIER_LINK = re.compile(r"^/ho-so/([^/]+)/$")


@pytest.fixture
def demo(transactional_db, monkeypatch):
    """The demo province with ten days of dossiers (a few dozen): enough for every page, fast to load."""
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "10")
    call_command("load_demo", verbosity=0)


class Walk:
    """Visits pages as one signed-in user and collects every problem instead of stopping at the first."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base = base_url
        self.problems: list[str] = []

    def sign_in(self, username: str) -> None:
        self.page.goto(f"{self.base}/tai-khoan/dang-nhap/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.locator("#id_password").press("Enter")
        assert "/tai-khoan/dang-nhap/" not in self.page.url, f"{username} could not sign in"

    def check(self, name: str, path: str | None = None, *, phone: bool = False) -> None:
        """Open `path` (or check the page as it is), then axe it; with `phone`, again at 360 px."""
        try:
            if path is not None:
                response = self.page.goto(self.base + path)
                assert response is not None and response.status < 400, f"HTTP {response and response.status}"
            assert_accessible(self.page)
            if phone:
                self.page.set_viewport_size(MOBILE)
                try:
                    assert_no_horizontal_scroll(self.page, MOBILE["width"])
                    assert_accessible(self.page)
                finally:
                    self.page.set_viewport_size(DESKTOP)
        except (AssertionError, pytest.fail.Exception) as exc:
            self.problems.append(f"--- {name} ({path or self.page.url})\n{exc}")

    def first_dossier_code(self) -> str | None:
        """The first dossier the task list (already open) shows this user."""
        for href in self.page.locator("main table a[href^='/ho-so/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ):
            match = DOSSIER_LINK.match(href)
            if match and match.group(1) not in NOT_A_DOSSIER:
                return match.group(1)
        return None

    def dossier_pages(self, *, forms: bool = True) -> None:
        """My tasks (phone too), then the first dossier in it (phone too) and its printable forms."""
        self.check("my tasks", "/ho-so/", phone=True)
        code = self.first_dossier_code()
        if code is None:
            self.problems.append("--- my tasks (/ho-so/)\nno dossier to open")
            return
        self.check("dossier", f"/ho-so/{code}/", phone=True)
        if forms:
            self.check("dossier forms", f"/ho-so/{code}/mau/")
            self.check("form 01", f"/ho-so/{code}/mau/01/")

    def finish(self) -> None:
        if self.problems:
            pytest.fail("\n\n".join(self.problems), pytrace=False)


def _keyboard_only_opens_first_dossier(page, base_url: str, walk: Walk) -> None:
    """On my tasks, Tab (after the skip link) reaches the first dossier and Enter opens it."""
    page.goto(f"{base_url}/ho-so/")
    code = walk.first_dossier_code()
    assert code, "no dossier in my tasks"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    focus_by_tab(page, f"el => el.getAttribute('href') === '/ho-so/{code}/'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ho-so/{code}/")
    expect(page.locator("main h1")).to_contain_text(code)


def _walk(page, live_server, username: str) -> Walk:
    walk = Walk(page, live_server.url)
    walk.sign_in(username)
    return walk


def test_receiving_officer(demo, live_server, page):
    walk = _walk(page, live_server, "motcua")
    try:
        _keyboard_only_opens_first_dossier(page, live_server.url, walk)
    except (AssertionError, pytest.fail.Exception, PlaywrightError) as exc:
        walk.problems.append(f"--- keyboard only: my tasks → first dossier\n{exc}")
    walk.dossier_pages()
    # The desk: choose a procedure, then the reception form for it.
    walk.check("desk: choose a procedure", "/ho-so/tiep-nhan/")
    try:
        page.locator("main table a[href^='?procedure=']").first.click()
        page.wait_for_url(re.compile(r"\?procedure="))
    except PlaywrightError as exc:
        walk.problems.append(f"--- desk: no procedure to receive\n{exc}")
    else:
        walk.check("desk: reception form")
    walk.check("overdue board", "/ho-so/qua-han/")
    walk.check("register", "/ho-so/so-theo-doi/")
    walk.check("statistics report", "/thong-ke/bao-cao/")
    walk.finish()


def test_specialist(demo, live_server, page):
    walk = _walk(page, live_server, "chuyenvien")
    walk.dossier_pages()
    walk.check("overdue board", "/ho-so/qua-han/")
    walk.check("feedback queue", "/phan-anh-kien-nghi/xu-ly/")
    walk.finish()


def test_leader(demo, live_server, page):
    walk = _walk(page, live_server, "lanhdao")
    walk.dossier_pages(forms=False)
    walk.check("register", "/ho-so/so-theo-doi/")
    walk.check("statistics report", "/thong-ke/bao-cao/")
    walk.check("feedback queue", "/phan-anh-kien-nghi/xu-ly/")
    walk.finish()


def test_office_reviewer(demo, live_server, page):
    walk = _walk(page, live_server, "vanphong")
    walk.check("my tasks", "/ho-so/", phone=True)
    walk.check("overdue board", "/ho-so/qua-han/")
    walk.check("publication queue", "/van-phong/quyet-dinh/xu-ly/")
    walk.check("control plans", "/van-phong/ke-hoach/")
    walk.check("control plan 2021", "/van-phong/ke-hoach/2021/")
    walk.check("meetings", "/van-phong/hop/")
    walk.check("feedback queue", "/phan-anh-kien-nghi/xu-ly/")
    walk.check("statistics report", "/thong-ke/bao-cao/")
    walk.finish()


def test_chairman(demo, live_server, page):
    walk = _walk(page, live_server, "chutich")
    walk.check("my tasks", "/ho-so/", phone=True)
    walk.check("publication queue", "/van-phong/quyet-dinh/xu-ly/")
    walk.check("control plan 2021", "/van-phong/ke-hoach/2021/")
    walk.check("meetings", "/van-phong/hop/")
    walk.check("statistics report", "/thong-ke/bao-cao/")
    walk.finish()


def test_citizen(demo, live_server, page):
    walk = _walk(page, live_server, "congdan")
    walk.check("public statistics", "/thong-ke/", phone=True)
    walk.check("published decisions", "/van-phong/quyet-dinh/", phone=True)
    walk.check("my dossiers", "/nop-ho-so/cua-toi/", phone=True)
    walk.finish()
