"""Issue 9 items 8 and 10 in a real browser: the Office reviewer's day (vanphong): the overdue board shows
other agencies' dossiers, the Decision 766 index is one click from the report, and this year's control
plan is drawn up as a copy of the last one, then a task is added."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from motcua.control.models import ControlPlan, PlanTask
from motcua.core.testing.browser import assert_accessible
from motcua.demo.loader import DEMO_PASSWORD
from motcua.dossiers.choices import RUNNING_STATUSES
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "10")
    call_command("load_demo", verbosity=0)
    cache.clear()


def test_the_office_reviewers_day(demo, live_server, page):
    base = live_server.url
    now = timezone.now()
    late = Dossier.objects.filter(status__in=RUNNING_STATUSES, due_at__lt=now).select_related(
        "current_agency"
    )
    assert late.exists(), "the demo keeps a dossier past its due moment"
    elsewhere = late.exclude(current_agency__identifier="000.00.01.H52").first()

    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill("vanphong")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")

    # The overdue board: every agency's overdue dossiers, not only the Office's own.
    page.goto(f"{base}/ho-so/qua-han/")
    expect(page.locator(f"main a[href='/ho-so/{elsewhere.code}/']")).to_be_visible()
    expect(page.locator("main h2", has_text=elsewhere.current_agency.name)).to_be_visible()
    assert_accessible(page)

    # The Decision 766 index from the statistics report, with its formulas.
    page.goto(f"{base}/thong-ke/bao-cao/")
    options = page.locator("select[name=group_by] option").all_inner_texts()
    assert "Theo cơ quan và tháng" in options and "agency,month" not in options
    page.get_by_role("link", name="Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)").click()
    row = page.locator("tr[data-indicator='2.1']")
    expect(row).to_contain_text("(resolved_early + resolved_on_time) / resolved_total")
    expect(page.locator("[data-index-score]")).to_be_visible()
    assert_accessible(page)

    # This year's control plan, copied from the last one.
    year = timezone.localdate().year
    last = ControlPlan.objects.order_by("-year").first()
    page.goto(f"{base}/van-phong/ke-hoach/")
    page.locator("#plan-year").fill(str(year))
    page.locator("#plan-copy").select_option(str(last.pk))
    page.get_by_role("button", name="Tạo kế hoạch").click()
    page.wait_for_url(f"**/van-phong/ke-hoach/{year}/**")
    plan = ControlPlan.objects.get(year=year)
    assert (
        PlanTask.objects.filter(group__plan=plan).count() == PlanTask.objects.filter(group__plan=last).count()
    )
    expect(page.locator("main h2").first).to_be_visible()
    assert_accessible(page)

    # And one more task, with its owner and deadline.
    page.locator("#task-name").fill("Rà soát thủ tục lĩnh vực hộ tịch theo Nghị định mới")
    page.locator("#task-owner").select_option(index=1)
    page.locator("#task-deadline").fill(f"{year}-12-15")
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(
        page.get_by_role("link", name="Rà soát thủ tục lĩnh vực hộ tịch theo Nghị định mới")
    ).to_be_visible()
    assert PlanTask.objects.filter(
        group__plan=plan, name__startswith="Rà soát thủ tục lĩnh vực hộ tịch"
    ).exists()
