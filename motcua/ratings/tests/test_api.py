"""The ratings API: bearer-token rating by the applicant, public averages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers.services import dossier_act
from motcua.org.services import api_token_issue

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def returned_dossier(world, clock):
    clock.set(dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM))
    d = world.receive(at=clock.moment)
    for action, actor, payload in [
        ("forward", world.officer, {}),
        ("propose", world.specialist, {}),
        ("forward", world.specialist, {}),
        ("approve", world.leader, {}),
        ("mark_result_ready", world.leader, {}),
        ("return_result", world.officer, {"method": "online"}),
    ]:
        clock.set(clock.moment + dt.timedelta(minutes=10))
        d = dossier_act(dossier_code=d.code, action=action, actor=actor, version=d.version, **payload)
    return d


def bearer(user) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=user.username, password='correct horse battery')}"
    }


def test_rate_then_conflict_then_summary(world, clock, client):
    d = returned_dossier(world, clock)
    url = f"/api/v1/dossiers/{d.code}/rating"
    body = {"stars": 5, "comment": "Cán bộ nhiệt tình", "contacts": 1}
    assert client.post(url, body, content_type="application/json").status_code == 401
    r = client.post(url, body, content_type="application/json", **bearer(world.citizen))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["dossier"] == d.code and data["stars"] == 5
    assert (data["total_time_score"], data["unit_time_score"], data["contacts_score"]) == (2, 2, 2)

    again = client.post(url, body, content_type="application/json", **bearer(world.citizen))
    assert again.status_code == 409 and again.json()["code"] == "already_rated"

    summary = client.get("/api/v1/ratings/summary", {"agency": world.dept.identifier})
    assert summary.status_code == 200
    assert summary.json()["count"] == 1 and summary.json()["stars_average"] == 5.0
    assert client.get("/api/v1/ratings/summary").json()["count"] == 1
    missing = client.get("/api/v1/ratings/summary", {"agency": "nope"})
    assert missing.status_code == 404 and missing.json()["code"] == "agency_not_found"


def test_not_yours_404_not_returned_409_bad_stars_400(world, clock, client):
    d = returned_dossier(world, clock)
    url = f"/api/v1/dossiers/{d.code}/rating"
    ok = {"stars": 4, "contacts": 0}
    r = client.post(url, ok, content_type="application/json", **bearer(world.stranger))
    assert r.status_code == 404 and r.json()["code"] == "dossier_not_found"
    assert client.post(url, ok, content_type="application/json", **bearer(world.officer)).status_code == 404

    open_one = world.receive()
    r = client.post(
        f"/api/v1/dossiers/{open_one.code}/rating",
        ok,
        content_type="application/json",
        **bearer(world.citizen),
    )
    assert r.status_code == 409 and r.json()["code"] == "not_returned"

    for bad in ({"stars": 6, "contacts": 0}, {"stars": 3}, {"stars": 3, "contacts": 0, "extra": 1}):
        r = client.post(url, bad, content_type="application/json", **bearer(world.citizen))
        assert r.status_code == 400 and r.json()["code"] == "invalid_input"
