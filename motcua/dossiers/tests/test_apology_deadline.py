"""Form 04's deadline (docs/design.md §4): the apology and new appointment at least one working day before the
legal due moment, counted in working time; refused after it, or accepted and flagged when configured."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from motcua.core.errors import Conflict
from motcua.dossiers.deadlines import apology_deadline, check_apology_settings
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import HCM
from motcua.org.services import api_token_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=HCM)


def act(clock, dossier, moment, action, actor, **payload):
    clock.set(moment)
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


def at_the_department(world, clock, received: dt.datetime):
    """Received at the commune desk at `received`, forwarded to the Department of Justice at once."""
    clock.set(received)
    dossier = world.receive(at=received)
    return act(clock, dossier, received, "forward", world.officer)


def apologise(clock, dossier, moment, world):
    return act(clock, dossier, moment, "apologise_extend", world.leader, days="2", reason="Cần xác minh")


def last_payload(dossier) -> dict:
    return dossier.events.get(seq=dossier.version).payload


def test_refused_one_minute_too_late(world, clock):
    # Received Monday 2 March 08:00, 3 working days: due Thursday 08:00, Form 04 by Wednesday 08:00.
    d = at_the_department(world, clock, at(3, 2, 8))
    assert d.due_at == at(3, 5, 8) and apology_deadline(d) == at(3, 4, 8)
    with pytest.raises(Conflict) as err:
        apologise(clock, d, at(3, 4, 8, 1), world)
    assert err.value.code == "apology_too_late" and err.value.status == 409
    assert err.value.message == (
        "It is too late for the apology and new appointment (Form 04): it had to be issued by "
        "08:00 04/03/2026, 1 working day before the legal due moment."
    )
    d.refresh_from_db()
    assert not d.apology_issued and d.extended_due_at is None and d.events.count() == d.version == 2


def test_accepted_exactly_at_the_limit(world, clock):
    d = at_the_department(world, clock, at(3, 2, 8))
    d = apologise(clock, d, at(3, 4, 8), world)
    assert d.apology_issued and d.extended_due_at == at(3, 9, 8)
    payload = last_payload(d)
    assert parse_datetime(payload["notice_deadline"]) == at(3, 4, 8) and payload["late_notice"] is False


def test_lenient_policy_accepts_a_late_letter_and_flags_it(world, clock, settings):
    settings.MOTCUA_LATE_APOLOGY_POLICY = "accept"
    d = at_the_department(world, clock, at(3, 2, 8))
    d = apologise(clock, d, at(3, 4, 8, 1), world)
    assert d.apology_issued
    assert last_payload(d)["late_notice"] is True
    # Even after the due moment itself; still at most once.
    other = apologise(clock, at_the_department(world, clock, at(3, 2, 9)), at(3, 6, 9), world)
    assert last_payload(other)["late_notice"] is True
    with pytest.raises(Conflict) as err:
        apologise(clock, other, at(3, 6, 10), world)
    assert err.value.code == "already_extended"


def test_the_notice_is_configurable(world, clock, settings):
    settings.MOTCUA_APOLOGY_NOTICE_WORKING_DAYS = 2
    d = at_the_department(world, clock, at(3, 2, 8))
    assert apology_deadline(d) == at(3, 3, 8)
    with pytest.raises(Conflict) as err:
        apologise(clock, d, at(3, 3, 8, 1), world)
    assert "by 08:00 03/03/2026, 2 working days before" in err.value.message
    assert apologise(clock, d, at(3, 3, 8), world).apology_issued


def test_an_unknown_policy_is_a_configuration_error(world, clock, settings):
    assert check_apology_settings() == []
    settings.MOTCUA_LATE_APOLOGY_POLICY = "maybe"
    assert [e.id for e in check_apology_settings()] == ["motcua.dossiers.E001"]
    with pytest.raises(ImproperlyConfigured):
        at_the_department(world, clock, at(3, 2, 8))


def test_over_a_weekend(world, clock):
    # Received Wednesday 4 March 08:00: due Monday 9 March 08:00, so the letter is due by Friday 08:00 —
    # a working day before, not the Sunday.
    d = at_the_department(world, clock, at(3, 4, 8))
    assert d.due_at == at(3, 9, 8) and apology_deadline(d) == at(3, 6, 8)
    with pytest.raises(Conflict) as err:
        apologise(clock, d, at(3, 7, 10), world)  # Saturday
    assert "by 08:00 06/03/2026" in err.value.message
    with pytest.raises(Conflict):
        apologise(clock, d, at(3, 6, 8, 1), world)
    assert apologise(clock, d, at(3, 6, 8), world).apology_issued


def test_over_public_holidays(world, clock):
    # Received Friday 24 April 2026 08:00. Off: Monday 27 (Hùng Kings' day, observed), Thursday 30 April and
    # Friday 1 May. Due Monday 4 May 08:00; the letter by Wednesday 29 April 08:00.
    d = at_the_department(world, clock, at(4, 24, 8))
    assert d.due_at == at(5, 4, 8) and apology_deadline(d) == at(4, 29, 8)
    with pytest.raises(Conflict) as err:
        apologise(clock, d, at(4, 30, 9), world)  # a holiday, four days before the due moment
    assert "by 08:00 29/04/2026" in err.value.message
    assert apologise(clock, d, at(4, 29, 7, 45), world).apology_issued


def test_a_paused_clock_keeps_the_time_left(world, clock):
    # Asked for a supplement on Tuesday 09:00, with more than a working day left: while the clock stands
    # still the letter may still be given, even after the due moment the dossier had before the pause.
    d = at_the_department(world, clock, at(3, 2, 8))
    d = act(clock, d, at(3, 3, 9), "request_supplement", world.specialist, reason="Bổ sung bản sao")
    assert apologise(clock, d, at(3, 5, 10), world).apology_issued

    # Paused after the deadline: still too late.
    late = at_the_department(world, clock, at(3, 2, 9))
    late = act(clock, late, at(3, 4, 10), "request_supplement", world.specialist, reason="Bổ sung")
    with pytest.raises(Conflict) as err:
        apologise(clock, late, at(3, 4, 11), world)
    assert err.value.code == "apology_too_late"


def test_the_api_answers_409_with_the_code(world, clock, client):
    d = at_the_department(world, clock, at(3, 2, 8))
    clock.set(at(3, 4, 9))
    token = api_token_issue(username=world.leader.username, password="correct horse battery")
    response = client.post(
        f"/api/v1/dossiers/{d.code}/actions/apologise_extend",
        {"version": d.version, "days": 2, "reason": "Cần xác minh"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "apology_too_late" and "08:00 04/03/2026" in body["message"]


# --- the dossier page -------------------------------------------------------------------------------------


def _page(client, user, code) -> str:
    client.force_login(user)
    return client.get(reverse("dossiers:detail", kwargs={"code": code})).content.decode()


def test_the_page_shows_the_deadline_then_hides_the_action(world, clock, client):
    d = at_the_department(world, clock, at(3, 2, 8))
    clock.set(at(3, 3, 10))
    page = _page(client, world.leader, d.code)
    assert "Apology and new appointment (Form 04) by" in page and "08:00 04/03/2026" in page
    assert "1 working day before the legal due moment" in page
    assert 'name="apologise_extend-days"' in page

    clock.set(at(3, 4, 8, 1))
    page = _page(client, world.leader, d.code)
    assert "08:00 04/03/2026" in page and "passed: the letter can no longer be given" in page
    assert 'name="apologise_extend-days"' not in page
    # A hand-made POST is refused with the same message, as a conflict.
    response = client.post(
        reverse("dossiers:action", kwargs={"code": d.code, "action": "apologise_extend"}),
        {"apologise_extend-version": d.version, "apologise_extend-days": "2", "apologise_extend-reason": "x"},
    )
    assert (
        response.status_code == 409 and "it had to be issued by 08:00 04/03/2026" in response.content.decode()
    )


def test_the_page_under_the_lenient_policy_keeps_the_action_and_warns(world, clock, client, settings):
    settings.MOTCUA_LATE_APOLOGY_POLICY = "accept"
    d = at_the_department(world, clock, at(3, 2, 8))
    clock.set(at(3, 4, 9))
    page = _page(client, world.leader, d.code)
    assert "passed: a letter given now is recorded as late" in page
    assert 'name="apologise_extend-days"' in page


def test_the_deadline_is_not_shown_once_the_letter_is_given(world, clock, client):
    d = apologise(clock, at_the_department(world, clock, at(3, 2, 8)), at(3, 3, 9), world)
    page = _page(client, world.leader, d.code)
    assert "Apology and new appointment (Form 04) by" not in page
