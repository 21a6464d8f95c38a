"""Issue 15 in a real browser: the administrator previews and declares a day off on the calendar page; the
citizen's tracking page then shows the new appointment and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.org.tests.factories import UserFactory
from motcua.workdays.selectors import build_calendar

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"


def test_admin_previews_and_declares_a_day_off_and_the_citizen_sees_the_new_appointment(
    transactional_db, world, live_server, page
):
    dossier = world.receive(applicant=world.applicant(phone="0912 345 678"))
    calendar = build_calendar()
    day = timezone.localdate() + dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    old_appointment = timezone.localtime(dossier.appointment_at)
    UserFactory(username="quantri", full_name="Quản trị viên", is_staff=True, is_superuser=True)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/workdays/lich-lam-viec/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("correct horse battery")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_kind").select_option("day_off")
    page.locator("#id_reason").fill("Thông báo 15/TB-UBND: nghỉ do bão")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("#calendar-preview")
    expect(preview).to_contain_text("1 hồ sơ đang giải quyết")
    expect(preview).to_contain_text(world.dept.name)
    expect(preview).to_contain_text("+1 × 1")
    # (No axe check here: the page is in Django's admin theme, whose breadcrumbs axe already flags.)
    page.screenshot(path=str(SHOTS / "calendar-preview.png"), full_page=True)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messagelist")).to_contain_text("1 hồ sơ")
    page.screenshot(path=str(SHOTS / "calendar-saved.png"), full_page=True)

    dossier.refresh_from_db()
    new_appointment = timezone.localtime(dossier.appointment_at)
    assert new_appointment > old_appointment

    citizen = page.context.browser.new_page(locale="vi-VN")
    citizen.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
    citizen.locator("#id_sdt").fill("5678")
    citizen.get_by_role("button", name="Tra cứu").click()
    history = citizen.locator(".track-history")
    expect(history).to_contain_text(f"{new_appointment:%H:%M %d/%m/%Y}")
    expect(history).to_contain_text(f"{old_appointment:%H:%M %d/%m/%Y}")
    expect(history).to_contain_text("nghỉ do bão")
    expect(citizen.locator(".track-result")).to_contain_text(f"{new_appointment:%H:%M %d/%m/%Y}")
    assert_accessible(citizen)
    citizen.screenshot(path=str(SHOTS / "tracking-moved.png"), full_page=True)
    citizen.close()
