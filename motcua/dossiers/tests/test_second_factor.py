"""Officials' second factor (issue 12, item 5 and the TOTP part of item 6): the roles that need it cannot
approve, sign, return results or publish without it, through pages or the API; a wrong code, a code used
twice within its window and a flood of codes are refused, and change nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.ratelimit import RateLimited
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.org import second_factor
from motcua.org.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]
PASSWORD = "correct horse battery"


def code_now(device: TOTPDevice, *, offset: int = 0) -> str:
    """What the authenticator app shows now (`offset` steps later: 1 is the next 30-second code)."""
    totp = TOTP(device.bin_key, device.step, device.t0 - offset * device.step, device.digits)
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = second_factor.enrol_start(user=user)
    codes = second_factor.enrol_confirm(user=user, code=code_now(device))
    device.refresh_from_db()
    # The code that confirmed the device is spent: the tests below start at the next step.
    return device, codes


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()


def approvable(world):
    d = world.receive()
    for action, actor in [("forward", world.officer), ("propose", world.specialist)]:
        d = dossier_act(dossier_code=d.code, action=action, actor=actor, version=d.version)
    return d


def test_a_leader_without_the_second_factor_cannot_approve(world):
    d = approvable(world)
    leader = world.leader
    leader.second_factor_verified = False  # as the session or token layer marks it
    with pytest.raises(PermissionDenied) as refused:
        dossier_act(dossier_code=d.code, action="approve", actor=leader, version=d.version)
    assert refused.value.code == "second_factor_required"
    assert Dossier.objects.get(pk=d.pk).version == d.version  # nothing changed
    leader.second_factor_verified = True
    assert (
        dossier_act(dossier_code=d.code, action="approve", actor=leader, version=d.version).version
        == d.version + 1
    )


def test_roles_that_need_no_second_factor_are_not_asked(world):
    d = world.receive()
    officer = world.officer
    officer.second_factor_verified = False
    assert dossier_act(dossier_code=d.code, action="forward", actor=officer, version=d.version)


def test_a_wrong_code_is_refused(world):
    device, _codes = enrolled(world.leader)
    with pytest.raises(InvalidInput):
        second_factor.verify(user=world.leader, code="000000" if code_now(device) != "000000" else "111111")


def test_a_code_used_twice_within_its_window_is_refused(world):
    device, _codes = enrolled(world.leader)
    assert second_factor.verify(user=world.leader, code=code_now(device, offset=1))
    # django-otp refuses any step at or before the last one used, within the window.
    with pytest.raises(InvalidInput):
        second_factor.verify(user=world.leader, code=code_now(device, offset=1))
    with pytest.raises(InvalidInput):
        second_factor.verify(user=world.leader, code=code_now(device))


def test_a_recovery_code_works_once(world):
    _device, codes = enrolled(world.leader)
    assert second_factor.verify(user=world.leader, code=codes[0])
    with pytest.raises(InvalidInput):
        second_factor.verify(user=world.leader, code=codes[0])
    assert StaticToken.objects.filter(device__user=world.leader).count() == len(codes) - 1


def test_brute_force_is_cut_off_even_for_the_right_code(world):
    device, _codes = enrolled(world.leader)
    for _ in range(5):
        with pytest.raises(InvalidInput):
            second_factor.verify(user=world.leader, code="999999x")
    with pytest.raises(RateLimited):
        second_factor.verify(user=world.leader, code=code_now(device, offset=1))


def _token(client, username, otp=None):
    body = {"username": username, "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_the_api_approves_only_with_a_token_issued_after_the_second_factor(world, client, settings):
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    d = approvable(world)
    plain = _token(client, "linh").json()["token"]
    url = f"/api/v1/dossiers/{d.code}/actions/approve"
    refused = client.post(
        url, {"version": d.version}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert Dossier.objects.get(pk=d.pk).version == d.version

    device, _codes = enrolled(world.leader)
    wrong = _token(client, "linh", otp="12345x")
    assert wrong.status_code == 400
    checked = _token(client, "linh", otp=code_now(device, offset=1)).json()["token"]
    done = client.post(
        url, {"version": d.version}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {checked}"
    )
    assert done.status_code == 200, done.content


def test_the_admin_needs_the_second_factor(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/tai-khoan/xac-thuc-hai-buoc/" in response["Location"]


def test_an_administrator_resets_a_lost_device_and_the_admin_history_says_so(world, client):
    enrolled(world.leader)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    enrolled(admin)
    client.force_login(admin)
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert page.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert (
        client.post("/tai-khoan/xac-thuc-hai-buoc/", {"code": codes[0], "next": "/admin/"}).status_code == 302
    )
    response = client.post(
        "/admin/org/user/",
        {"action": "reset_second_factor", "_selected_action": [world.leader.pk]},
    )
    assert response.status_code == 302
    assert not second_factor.has_device(world.leader)
    assert LogEntry.objects.filter(
        object_id=str(world.leader.pk), change_message__contains="second factor"
    ).exists()
