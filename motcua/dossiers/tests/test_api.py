"""The dossier API: error shapes, stale versions, scope, idempotency, list query count, tracking."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client):
    def _call(method, url, user=None, data=None, **headers):
        if user is not None:
            token = api_token_issue(username=user.username, password="correct horse battery")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "get":
            return client.get(url, data or {}, **headers)
        return client.post(url, data or {}, content_type="application/json", **headers)

    return _call


def receive_body(world, **extra):
    body = {
        "procedure": "2.001263",
        "desk": world.desk.pk,
        "applicant": {"name": "Nguyễn Văn An", "identifier": "014090000001", "phone": "0912345678"},
    }
    body.update(extra)
    return body


def test_receive_then_act_with_versions(world, call):
    r = call("post", "/api/v1/dossiers", world.officer, receive_body(world), HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    again = call("post", "/api/v1/dossiers", world.officer, receive_body(world), HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200 and again.json()["code"] == code

    r = call("post", f"/api/v1/dossiers/{code}/actions/forward", world.officer, {"version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["status"] == "in_progress"
    stale = call("post", f"/api/v1/dossiers/{code}/actions/forward", world.specialist, {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version" and stale.json()["message"]
    not_now = call("post", f"/api/v1/dossiers/{code}/actions/return_result", world.officer, {"version": 2})
    assert not_now.status_code == 409 and not_now.json()["code"] == "transition_not_allowed"
    hidden = call(
        "post", f"/api/v1/dossiers/{code}/actions/stop", world.outsider, {"version": 2, "reason": "x"}
    )
    assert hidden.status_code == 404 and hidden.json()["code"] == "dossier_not_found"
    detail = call("get", f"/api/v1/dossiers/{code}", world.specialist).json()
    assert [e["action"] for e in detail["events"]] == ["receive", "forward"] and len(detail["steps"]) == 3


def test_an_idempotency_key_reused_with_another_body_is_refused_with_422(world, call):
    first = call("post", "/api/v1/dossiers", world.officer, receive_body(world), HTTP_IDEMPOTENCY_KEY="k7")
    assert first.status_code == 201
    other = receive_body(world, applicant={"name": "Lò Thị Bình", "identifier": "014090000002"})
    reused = call("post", "/api/v1/dossiers", world.officer, other, HTTP_IDEMPOTENCY_KEY="k7")
    assert reused.status_code == 422, reused.content
    assert reused.json()["code"] == "idempotency_key_reused" and "Idempotency-Key" in reused.json()["message"]
    # The same body again is still the retry it always was; another key is another dossier.
    again = call("post", "/api/v1/dossiers", world.officer, receive_body(world), HTTP_IDEMPOTENCY_KEY="k7")
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    new = call("post", "/api/v1/dossiers", world.officer, other, HTTP_IDEMPOTENCY_KEY="k8")
    assert new.status_code == 201 and new.json()["code"] != first.json()["code"]


def test_scope_on_reads(world, call):
    mine = call("post", "/api/v1/dossiers", world.officer, receive_body(world)).json()["code"]
    theirs = call(
        "post",
        "/api/v1/dossiers",
        world.outsider,
        receive_body(world, desk=world.other_desk.pk, applicant={"name": "Lê Văn C"}),
    ).json()["code"]
    assert call("get", f"/api/v1/dossiers/{mine}", world.outsider).status_code == 404
    assert call("get", f"/api/v1/dossiers/{theirs}", world.officer).status_code == 404
    assert [i["code"] for i in call("get", "/api/v1/dossiers", world.citizen).json()["items"]] == [mine]
    assert call("get", "/api/v1/dossiers", world.stranger).json() == {
        "count": 0,
        "count_exact": True,
        "items": [],
    }
    assert call("get", f"/api/v1/dossiers/{mine}", world.stranger).status_code == 404
    # Both are decided by the Department of Justice: its specialist sees both; a consulted-never agency none.
    assert {i["code"] for i in call("get", "/api/v1/dossiers", world.specialist).json()["items"]} == {
        mine,
        theirs,
    }
    assert call("get", "/api/v1/dossiers", world.health_specialist).json()["count"] == 0
    assert call("get", "/api/v1/dossiers").status_code == 401


def test_list_query_count_does_not_grow_with_the_page(world, call):
    for _ in range(6):
        world.receive()
    token = api_token_issue(username="sam", password="correct horse battery")
    counts = []
    call(
        "get", "/api/v1/dossiers", None, HTTP_AUTHORIZATION=f"Bearer {token}"
    )  # records the token's first use
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as ctx:
            r = call(
                "get",
                "/api/v1/dossiers",
                None,
                {"limit": limit, "overdue": "false"},
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
        assert r.status_code == 200 and len(r.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_filters(world, call):
    d = world.receive()
    assert call("get", "/api/v1/dossiers", world.officer, {"status": "received"}).json()["count"] == 1
    assert call("get", "/api/v1/dossiers", world.officer, {"status": "returned"}).json()["count"] == 0
    assert call("get", "/api/v1/dossiers", world.officer, {"agency": "000.00.53.H48"}).json()["count"] == 1
    assert call("get", "/api/v1/dossiers", world.officer, {"overdue": "true"}).json()["count"] == 0
    assert d.code


def test_public_tracking(world, call):
    d = world.receive()
    r = call("get", f"/api/v1/track/{d.code}", None, {"phone": "5678"})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "received" and body["history"][0]["action"] == "receive"
    assert "applicant" not in body and "Nguyễn" not in r.content.decode()
    for params in ({"phone": "0000"}, {"phone": "56a8"}):
        wrong = call("get", f"/api/v1/track/{d.code}", None, params)
        assert wrong.status_code in (400, 404) and set(wrong.json()) >= {"code", "message"}
    assert call("get", "/api/v1/track/nope", None, {"phone": "5678"}).status_code == 404


@pytest.mark.parametrize(
    "url,body,status,code",
    [
        (
            "/api/v1/dossiers",
            {"procedure": "9.999999", "desk": 1, "applicant": {"name": "A"}},
            404,
            "procedure_not_found",
        ),
        (
            "/api/v1/dossiers",
            {"procedure": "2.001263", "desk": 999999, "applicant": {"name": "A"}},
            404,
            "desk_not_found",
        ),
        ("/api/v1/dossiers", {"procedure": "2.001263", "applicant": {"name": ""}}, 400, "invalid_input"),
        (
            "/api/v1/dossiers",
            {"procedure": "2.001263", "desk": 1, "applicant": {"name": "A"}, "x": 1},
            400,
            "invalid_input",
        ),
        ("/api/v1/dossiers/X/actions/fly", {"version": 1}, 400, "invalid_input"),
        ("/api/v1/dossiers/X/actions/forward", {"version": 0}, 400, "invalid_input"),
        ("/api/v1/dossiers/X/actions/forward", {"version": 1}, 404, "dossier_not_found"),
    ],
)
def test_errors_are_code_and_message_never_500(world, call, url, body, status, code):
    r = call("post", url, world.officer, body)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code and r.json()["message"]


def test_malformed_json_and_bad_payload_types(world, call, client):
    d = world.receive()
    token = api_token_issue(username="olga", password="correct horse battery")
    r = client.post(
        f"/api/v1/dossiers/{d.code}/actions/forward",
        "{",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = call(
        "post",
        f"/api/v1/dossiers/{d.code}/actions/consult",
        world.officer,
        {"version": 1, "agencies": [{"a": 1}]},
    )
    assert r.status_code == 400
