"""The browser helpers themselves: they must catch what they claim to catch."""

import pytest

from motcua.core.testing.browser import assert_accessible, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html><head><title>t</title></head><body><main>
<p style="color:#bbb;background:#fff">Faint text</p>
<input type="text" name="unlabelled"><img src="data:," >
<div style="width:900px">wide</div></main></body></html>"""


def test_axe_fails_with_a_readable_report(mobile_page):
    mobile_page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(mobile_page)
    report = str(failure.value)
    for rule in ("color-contrast", "label", "image-alt", "html-has-lang"):
        assert rule in report, report
    assert "[serious]" in report and "[critical]" in report


def test_horizontal_scroll_is_caught(mobile_page):
    mobile_page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception, match=r"9\d\d px wide at 360 px"):
        assert_no_horizontal_scroll(mobile_page, 360)
