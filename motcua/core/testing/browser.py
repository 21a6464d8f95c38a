"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Loaded for the whole suite as a pytest plugin (`-p motcua.core.testing.browser` in pyproject's
addopts), so any app's tests can ask for these fixtures:

- `browser`: one headless Chromium for the whole session (Debian's /usr/bin/chromium, or $CHROMIUM_PATH).
- `page`: a fresh page in a fresh context (own cookies) for one test, 1280×800, Vietnamese locale.
- `mobile_page`: the same at 360×740, for the "holds up at 360 px" checks.
- `axe`: `axe(page)` runs axe-core on the page and fails on any serious or critical violation.

and import the plain helpers: `assert_accessible(page)`, `assert_no_horizontal_scroll(page)`,
`focus_by_tab(page, predicate_js)`.

Mark browser tests `@pytest.mark.browser` (`pytest -m "not browser"` skips them). Without Chromium
they are skipped with the reason, except in CI (the CI environment variable set): there they fail.
Playwright's own browser downloads are not used and not needed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No sandbox: CI runs as root. No background networking: this machine's closed network refuses
# Chromium's calls home, and each refusal costs time.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
# axe-core impacts that fail a test (WCAG 2.1 AA is the bar; minor and moderate findings are reported only).
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DEFAULT_TIMEOUT_MS = 10_000


def _chromium_executable() -> str | None:
    if os.path.exists(CHROMIUM_PATH):
        return CHROMIUM_PATH
    return shutil.which("chromium")


class _Session:
    """One Playwright and one Chromium for the whole test session, whoever asks first."""

    playwright: Any = None
    browser: Browser | None = None

    @classmethod
    def start(cls) -> Browser:
        if cls.browser is not None:
            return cls.browser
        executable = _chromium_executable()
        if executable is None:
            reason = (
                f"Chromium not found at {CHROMIUM_PATH}: install Debian's package "
                "(apt-get install chromium, which `make test` does as root) or set CHROMIUM_PATH."
            )
            if os.environ.get("CI"):
                pytest.fail(f"Browser tests must run in CI. {reason}", pytrace=False)
            pytest.skip(reason)
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        try:
            cls.browser = cls.playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Exception:
            cls.stop()
            raise
        return cls.browser

    @classmethod
    def stop(cls) -> None:
        if cls.browser is not None:
            cls.browser.close()
            cls.browser = None
        if cls.playwright is not None:
            cls.playwright.stop()
            cls.playwright = None


BROWSER_FIXTURES = {"browser", "page", "mobile_page"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Allow Django's ORM next to Playwright's event loop, for browser tests only.

    Playwright's sync API runs an asyncio loop on the test's thread, so Django would refuse the
    test's own (synchronous) ORM calls as "async unsafe". The variable is set for a browser test
    and restored after it: elsewhere (say `check --deploy` in a subprocess) it must not leak.
    """
    is_browser_test = item.get_closest_marker("browser") or BROWSER_FIXTURES & set(
        getattr(item, "fixturenames", ())
    )
    if not is_browser_test:
        yield
        return
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        # Once Playwright runs, its loop stays on this thread for the rest of the session, so later
        # (non-browser) tests need the same allowance; before that, nothing leaks.
        if _Session.playwright is None:
            if saved is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The session's headless Chromium (started on first use, closed at the end)."""
    yield _Session.start()
    _Session.stop()


def _new_page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page with its own cookies; use `live_server.url` to reach the app."""
    yield from _new_page(browser, DESKTOP)


@pytest.fixture
def mobile_page(browser: Browser) -> Iterator[Page]:
    """A 360 px wide page (a small phone) with its own cookies."""
    yield from _new_page(browser, MOBILE)


def axe_report(violations: list[dict]) -> str:
    """axe-core violations as lines a person can act on: rule, impact, help, where, what to fix."""
    lines = []
    for v in violations:
        lines.append(f"\n[{v['impact']}] {v['id']}: {v['help']}\n    {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node.get('html', '').strip()[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"         {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def axe_violations(page: Page, *, context: str | dict | None = None) -> list[dict]:
    """Run axe-core (shipped by axe-playwright-python) on the page; return every violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": AXE_TAGS}}
    return Axe().run(page, context=context, options=options).response["violations"]


def assert_accessible(page: Page, *, context: str | dict | None = None) -> None:
    """Fail on any serious or critical axe-core violation of the page as it is now."""
    violations = axe_violations(page, context=context)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe-core: {len(blocking)} serious/critical violation(s) on {page.url}{axe_report(blocking)}",
            pytrace=False,
        )


@pytest.fixture
def axe():
    """`axe(page)`: assert the page has no serious or critical accessibility violation."""
    return assert_accessible


def assert_no_horizontal_scroll(page: Page, width: int = MOBILE["width"]) -> None:
    """Fail when the page is wider than `width` CSS pixels (content cut off or a sideways scroll)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """(w) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > w + 1)
                 .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                   + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))""",
            width,
        )
        pytest.fail(f"{page.url} is {scroll_width} px wide at {width} px; widest: {culprits}", pytrace=False)


def focus_by_tab(page: Page, predicate_js: str, *, max_tabs: int = 40) -> int:
    """Press Tab until `predicate_js` (a JS function of the focused element) is true; return the presses.

    Proves an element is reachable with the keyboard alone, in the page's own tab order.
    """
    for presses in range(1, max_tabs + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            return presses
    active = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"Not reached with {max_tabs} Tab presses on {page.url}; focus is on {active}", pytrace=False)
