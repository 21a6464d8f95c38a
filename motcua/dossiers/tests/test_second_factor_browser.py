"""A leader enrols an authenticator app (TOTP) and cannot approve before entering it (issue 12), in Chromium."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act

pytestmark = [pytest.mark.browser, pytest.mark.second_factor]
PASSWORD = "Lanh dao So Tu phap 2026"


def _app_code(secret: str) -> str:
    """What the leader's authenticator app shows for `secret`."""
    return f"{TOTP(base64.b32decode(secret)).token():06d}"


def _approve(page):
    form = page.locator("form.action-form[action$='/hanh-dong/approve/']")
    panel = page.locator("details.action-panel", has=form)
    if not panel.evaluate("panel => panel.open"):
        panel.locator("summary").click()
    form.locator("button[name=do][value=approve]").click()


def test_a_leader_enrols_totp_and_cannot_approve_without_it(
    world, transactional_db, live_server, page, settings
):
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    cache.clear()
    base = live_server.url
    d = world.receive()
    for action, actor in [("forward", world.officer), ("propose", world.specialist)]:
        d = dossier_act(dossier_code=d.code, action=action, actor=actor, version=d.version)
    leader = world.leader
    leader.set_password(PASSWORD)
    leader.save()

    page.goto(f"{base}/tai-khoan/dang-nhap/?next=/ho-so/{d.code}/")
    page.locator("#id_username").fill("linh")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(f"**/ho-so/{d.code}/")
    expect(page.locator("p.notice a[href*='/tai-khoan/xac-thuc-hai-buoc/']")).to_be_visible()

    # Without the second factor the approval is refused and the dossier does not move.
    _approve(page)
    expect(page.locator("body")).to_contain_text("xác thực")
    assert Dossier.objects.get(pk=d.pk).version == d.version

    # Enrol: the QR code and its key, a code from the app, the recovery codes shown once.
    page.goto(f"{base}/ho-so/{d.code}/")
    page.locator("p.notice a").click()
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/dang-ky/**")
    expect(page.locator("figure.totp-qr svg")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#id_code").fill(_app_code(secret))
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.locator("main a.button-link").click()
    page.wait_for_url(f"**/ho-so/{d.code}/")
    expect(page.locator("p.notice")).to_have_count(0)

    # With it, the same approval goes through.
    _approve(page)
    expect(page.locator("#dossier-body .history")).to_contain_text(re.compile("phê duyệt|approve", re.I))
    assert Dossier.objects.get(pk=d.pk).version == d.version + 1
