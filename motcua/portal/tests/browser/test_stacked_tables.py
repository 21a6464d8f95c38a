"""At 360 px the tables of the transparency page and of "my dossiers" stack their rows, and every value still
says which column it belongs to; the transparency page is reached from the home page and from the footer."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from motcua.core.testing.browser import assert_no_horizontal_scroll
from motcua.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# For every data cell of a stacked table: its label as drawn on the screen (the ::before box), or why not.
CELL_LABELS_JS = """
(selector) => [...document.querySelectorAll(selector + ' tbody td')].map(td => {
  const before = getComputedStyle(td, '::before');
  const label = before.content && before.content !== 'none' ? before.content.replace(/^"|"$/g, '') : '';
  const th = td.closest('table').querySelectorAll('thead th')[td.cellIndex];
  return {label, visible: before.display !== 'none' && td.getBoundingClientRect().width > 0,
          column: th ? th.textContent.trim() : null};
})
"""


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "10")
    call_command("load_demo", verbosity=0)


def _assert_cells_labelled(page, selector: str) -> int:
    cells = page.evaluate(CELL_LABELS_JS, selector)
    assert cells, f"no cell in {selector}"
    unlabelled = [c for c in cells if not c["label"] or not c["visible"]]
    assert not unlabelled, f"cells without their column's name at 360 px: {unlabelled[:3]}"
    wrong = [c for c in cells if c["column"] and c["label"] != c["column"]]
    assert not wrong, f"cells labelled with another column: {wrong[:3]}"
    assert page.locator(f"{selector} thead").first.is_hidden(), "the header row should give way to the labels"
    return len(cells)


def test_transparency_tables_and_my_dossiers_keep_their_labels_at_360px(live_server, mobile_page, demo):
    page = mobile_page
    page.goto(live_server.url + "/")
    page.locator("main a[href='/thong-ke/']").first.click()
    page.wait_for_url("**/thong-ke/")
    assert page.locator("footer a[href='/thong-ke/']").count() == 1, "the footer links the transparency page"
    _assert_cells_labelled(page, "table.stats-table")
    assert_no_horizontal_scroll(page)

    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill("congdan")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.goto(live_server.url + "/nop-ho-so/cua-toi/")
    _assert_cells_labelled(page, "main table")
    assert_no_horizontal_scroll(page)
