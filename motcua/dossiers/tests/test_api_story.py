"""One dossier's whole story through the HTTP API, then four records of it that must agree.

Received at the commune desk → the Department of Justice (a provincial department) → the departments of
Health and Finance consulted in parallel → a supplement (the clock paused) → an apology with a new
appointment, given more than one working day before the (paused) deadline → late → result → returned
at the desk → rated by the applicant. Every step goes through `/api/v1/...` with bearer tokens from
`/api/v1/auth/token`; the `clock` fixture moves "now" between steps.

Then the control slip (Form 06 page), the register row (Form 07 page), the public tracking answer and
the events (the API's history and the DossierEvent rows) must tell the same story: the same actions in
the same order, at the same moments, late everywhere, the same new appointment, an intact hash chain.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command

from motcua.dossiers.documents import Timeliness, moment
from motcua.dossiers.management.commands.verify_audit import chain_problem
from motcua.dossiers.models import DeadlineBreach, Dossier, DossierEvent
from motcua.dossiers.services import actor_name
from motcua.dossiers.sweep import sweep_deadlines
from motcua.dossiers.tests.conftest import HCM
from motcua.ratings.models import Rating
from motcua.workdays.selectors import working_minutes_between

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
DESK_NAME = "Bộ phận Một cửa xã Chiềng Mung"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026, Vietnam time (2 March is a Monday; 7–8 March a weekend)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=HCM)


def when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@pytest.fixture
def api(client, settings):
    """`api.post(user, url, body)` / `api.get(user, url, params)` with a bearer token per user, obtained
    once over HTTP from `/api/v1/auth/token`."""
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    cache.clear()
    tokens: dict[str, str] = {}

    class Api:
        def token(self, user) -> str:
            if user.username not in tokens:
                r = client.post(
                    "/api/v1/auth/token",
                    {"username": user.username, "password": PASSWORD},
                    content_type="application/json",
                )
                assert r.status_code == 200, r.content
                tokens[user.username] = r.json()["token"]
            return tokens[user.username]

        def headers(self, user, extra) -> dict:
            if user is not None:
                extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token(user)}"
            return extra

        def get(self, user, url, params=None, **extra):
            return client.get(url, params or {}, **self.headers(user, extra))

        def post(self, user, url, body=None, **extra):
            return client.post(url, body or {}, content_type="application/json", **self.headers(user, extra))

    return Api()


def test_story_through_the_api_and_its_four_records_agree(world, clock, api, client):
    clock.set(at(2, 7, 45))
    people = [
        world.officer,
        world.specialist,
        world.leader,
        world.health_specialist,
        world.finance_specialist,
        world.citizen,
    ]
    for person in people:  # tokens issued before the story starts, valid for 30 days
        api.token(person)

    # --- received at the commune desk (Form 01) ----------------------------------------------------------
    clock.set(at(2, 8))
    body = {
        "procedure": "2.001263",
        "desk": world.desk.pk,
        "applicant": {
            "name": "Nguyễn Văn An",
            "identifier": "014090000001",
            "phone": "0912 345 678",
            "address": "Bản Mòng, Chiềng Mung",
        },
        "fees_amount": "0",
    }
    r = api.post(world.officer, "/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="story-1")
    assert r.status_code == 201, r.content
    received = r.json()
    code, version = received["code"], received["version"]
    assert code == "000.00.31.H48-260302-0001"
    assert (received["receiving_agency"], received["competent_agency"]) == (
        world.commune.identifier,
        world.dept.identifier,
    )
    legal_due = when(received["due_at"])
    assert legal_due == at(5, 8)  # 3 working days
    retry = api.post(world.officer, "/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="story-1")
    assert retry.status_code == 200 and retry.json()["code"] == code

    moments: list[dt.datetime] = [at(2, 8)]

    def act(moment_: dt.datetime, user, action: str, **payload) -> dict:
        nonlocal version
        clock.set(moment_)
        r = api.post(user, f"/api/v1/dossiers/{code}/actions/{action}", {"version": version, **payload})
        assert r.status_code == 200, (action, r.content)
        out = r.json()
        assert out["version"] == version + 1
        version = out["version"]
        moments.append(moment_)
        return out

    def detail(user=world.specialist) -> dict:
        r = api.get(user, f"/api/v1/dossiers/{code}")
        assert r.status_code == 200, r.content
        return r.json()

    # --- to the provincial department, assigned, two agencies consulted in parallel -----------------------
    out = act(at(2, 9), world.officer, "forward")
    assert out["status"] == "in_progress" and out["current_agency"] == world.dept.identifier
    act(at(2, 10), world.leader, "assign", assignee=world.specialist.username)
    act(
        at(2, 10, 30),
        world.specialist,
        "consult",
        agencies=[world.health.identifier, world.finance.identifier],
        days=1,
    )
    # Nobody moves on while a consultation is open.
    clock.set(at(2, 11))
    blocked = api.post(world.specialist, f"/api/v1/dossiers/{code}/actions/forward", {"version": version})
    assert blocked.status_code == 409 and blocked.json()["code"] == "consultation_open"
    # The consulted agencies see it now, and it is in their lists.
    assert code in [i["code"] for i in api.get(world.health_specialist, "/api/v1/dossiers").json()["items"]]
    act(at(2, 14), world.health_specialist, "join", opinion="Đồng ý")
    act(at(3, 9), world.finance_specialist, "join", agency=world.finance.identifier, opinion="Đồng ý")

    # --- supplement: the clock pauses from 10:00 to 14:00 on Tuesday (120 working minutes) -----------------
    out = act(at(3, 10), world.specialist, "request_supplement", reason="Bổ sung bản sao Giấy khai sinh")
    assert out["status"] == "awaiting_supplement" and out["is_overdue"] is False
    track = api.get(None, f"/api/v1/track/{code}", {"phone": "5678"}).json()
    assert track["status"] == "awaiting_supplement" and track["late"] is False
    out = act(at(3, 14), world.citizen, "supplement")  # the applicant supplements online
    assert out["status"] == "in_progress"
    paused_due = when(out["due_at"])
    assert working_minutes_between(legal_due, paused_due) == 120  # 10:00–11:30, 13:30–14:00
    assert paused_due == at(5, 10)

    # --- apology with a new appointment, more than one working day before the (paused) deadline ----------
    apology_at = at(3, 16)
    assert working_minutes_between(apology_at, paused_due) >= 8 * 60
    out = act(apology_at, world.leader, "apologise_extend", days=2, reason="Cần xác minh thêm")
    new_appointment = when(out["appointment_at"])
    assert out["apology_issued"] and when(out["extended_due_at"]) == new_appointment == at(9, 10)
    assert when(out["due_at"]) == paused_due  # the legal due moment does not move

    # --- late: past the legal due moment, still before the new appointment ---------------------------------
    clock.set(at(5, 9, 30))
    assert detail()["is_overdue"] is False
    clock.set(at(5, 14))
    assert detail()["is_overdue"] is True
    late_list = api.get(world.specialist, "/api/v1/dossiers", {"overdue": "true"}).json()
    assert [i["code"] for i in late_list["items"]] == [code]
    sweep_deadlines(now=at(5, 14))
    breach = DeadlineBreach.objects.get(dossier__code=code, step__isnull=True)
    assert breach.due_at == paused_due and breach.agency_id == world.dept.pk

    # --- result, returned at the desk (after the legal due, before the new appointment) --------------------
    act(at(6, 9), world.specialist, "forward")
    act(at(6, 9, 30), world.specialist, "propose")
    act(at(6, 10), world.leader, "approve")
    out = act(at(6, 10, 30), world.leader, "mark_result_ready")
    assert out["status"] == "result_ready" and out["is_overdue"] is False  # the clock stopped
    out = act(at(6, 14), world.officer, "return_result", method="desk")
    assert out["status"] == "returned" and when(out["returned_at"]) == at(6, 14)
    assert paused_due < at(6, 14) < new_appointment

    # --- rated by the applicant ----------------------------------------------------------------------------
    clock.set(at(6, 15))
    r = api.post(
        world.citizen, f"/api/v1/dossiers/{code}/rating", {"stars": 4, "comment": "Tốt", "contacts": 1}
    )
    assert r.status_code == 201, r.content
    rating = r.json()
    assert rating["dossier"] == code and rating["stars"] == 4
    assert when(rating["due_at"]) == paused_due and when(rating["resolved_at"]) == at(6, 10, 30)
    assert rating["total_time_score"] == 0  # late against the legal due moment, apology or not
    assert rating["contacts_score"] == 2
    again = api.post(world.citizen, f"/api/v1/dossiers/{code}/rating", {"stars": 5, "contacts": 0})
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert Rating.objects.filter(dossier__code=code).count() == 1

    # ======================= the four records ================================================================
    expected_actions = [
        ("receive", "", "received"),
        ("forward", "received", "in_progress"),
        ("assign", "in_progress", "in_progress"),
        ("consult", "in_progress", "in_progress"),
        ("join", "in_progress", "in_progress"),
        ("join", "in_progress", "in_progress"),
        ("request_supplement", "in_progress", "awaiting_supplement"),
        ("supplement", "awaiting_supplement", "in_progress"),
        ("apologise_extend", "in_progress", "in_progress"),
        ("forward", "in_progress", "in_progress"),
        ("propose", "in_progress", "in_progress"),
        ("approve", "in_progress", "in_progress"),
        ("mark_result_ready", "in_progress", "result_ready"),
        ("return_result", "result_ready", "returned"),
    ]

    # 1. The events, through the API and as rows.
    final = detail(world.officer)
    events = final["events"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == expected_actions
    assert [e["seq"] for e in events] == list(range(1, len(expected_actions) + 1))
    assert final["version"] == len(events)
    assert [when(e["created_at"]) for e in events] == moments
    assert [e["actor_name"] for e in events][:2] == ["Lò Thị Olga", "Lò Thị Olga"]
    by_action = {e["action"]: e for e in events}  # the last of each
    assert by_action["supplement"]["payload"]["paused_working_minutes"] == 120
    apology = by_action["apologise_extend"]["payload"]
    assert when(apology["extended_due_at"]) == new_appointment and apology["late_notice"] is False
    assert by_action["return_result"]["payload"]["on_time"] is False
    rows = list(DossierEvent.objects.filter(dossier__code=code).order_by("seq"))
    assert [(e.seq, e.action, e.from_status, e.to_status, e.created_at, e.actor_name) for e in rows] == [
        (e["seq"], e["action"], e["from_status"], e["to_status"], when(e["created_at"]), e["actor_name"])
        for e in events
    ]
    assert when(final["received_at"]) == moments[0]
    assert when(final["appointment_at"]) == when(final["extended_due_at"]) == new_appointment
    assert when(final["due_at"]) == paused_due and when(final["returned_at"]) == moments[-1]
    assert when(final["result_ready_at"]) == at(6, 10, 30) and final["is_overdue"] is False

    # The hash chain is intact, by the function and by the command.
    dossier = Dossier.objects.get(code=code)
    assert chain_problem(dossier, rows) is None
    call_command("verify_audit", code=code)

    # 2. The public tracking answer: the same history, the same moments, the new appointment.
    r = api.get(None, f"/api/v1/track/{code}", {"phone": "5678"})
    assert r.status_code == 200
    track = r.json()
    assert [(h["action"], h["status"], when(h["at"])) for h in track["history"]] == [
        (e["action"], e["to_status"], when(e["created_at"])) for e in events
    ]
    assert track["status"] == "returned" and track["late"] is True  # late, as everywhere else
    assert when(track["received_at"]) == moments[0]
    assert when(track["appointment_at"]) == new_appointment
    assert when(track["returned_at"]) == moments[-1]
    text = unicodedata.normalize("NFC", r.content.decode())
    for personal in ("Nguyễn Văn An", "014090000001", "0912", "Bản Mòng", "Lò Thị Olga"):
        assert personal not in text

    # 3. The control slip (Form 06), as the receiving officer reads it.
    client.force_login(world.officer)
    page = client.get(f"/ho-so/{code}/mau/06/")
    assert page.status_code == 200
    slip = page.context["slip"]
    hand_over_actions = {"forward", "consult", "join", "mark_result_ready", "return_result"}
    given = []
    for e in events:
        if e["action"] in hand_over_actions:
            given += [moment(when(e["created_at"]))] * (2 if e["action"] == "consult" else 1)
    assert [row.given_at for row in slip.rows] == given
    hoa, phuc = actor_name(world.health_specialist), actor_name(world.finance_specialist)
    assert [(row.giver, row.receiver, row.given_by) for row in slip.rows] == [
        (DESK_NAME, "Sở Tư pháp", "Lò Thị Olga"),
        ("Sở Tư pháp", "Sở Y tế", "Cầm Văn Sam"),
        ("Sở Tư pháp", "Sở Tài chính", "Cầm Văn Sam"),
        ("Sở Y tế", "Sở Tư pháp", hoa),
        ("Sở Tài chính", "Sở Tư pháp", phuc),
        ("Sở Tư pháp", "Sở Tư pháp", "Cầm Văn Sam"),
        ("Sở Tư pháp", DESK_NAME, "Quàng Thị Linh"),
        (DESK_NAME, "Tổ chức, cá nhân", "Lò Thị Olga"),
    ]
    assert slip.rows[0].received_by == "Quàng Thị Linh"  # the leader's assign acknowledged the hand-over
    last = slip.rows[-1]
    assert last.status == Timeliness.LATE and slip.outcome == Timeliness.LATE
    assert last.due_at == moment(paused_due) == page.context["due_at"]
    assert page.context["appointment_at"] == moment(new_appointment)
    assert page.context["received_at"] == moment(moments[0])
    assert slip.coordinating == ["Sở Tài chính", "Sở Y tế"]
    html = unicodedata.normalize("NFC", page.content.decode())
    for expected in ("Quá hạn", moment(new_appointment), moment(paused_due), *given):
        assert expected in html, expected

    # Form 04 prints the same new appointment.
    client.force_login(world.leader)
    form_04 = client.get(f"/ho-so/{code}/mau/04/")
    assert form_04.status_code == 200
    assert form_04.context["new_appointment_at"] == moment(new_appointment)

    # 4. The register row (Form 07), of the receiving agency for the day of receipt, and the competent
    # agency's view of the same dossier.
    client.force_login(world.officer)
    page = client.get(
        "/ho-so/so-theo-doi/", {"agency": world.commune.identifier, "from": "2026-03-02", "to": "2026-03-02"}
    )
    assert page.status_code == 200
    register_rows = page.context["register"].rows
    assert [row.code for row in register_rows] == [code]
    row = register_rows[0]
    assert row.received_at == moment(moments[0])
    assert row.appointment_at == moment(new_appointment)
    assert row.returned_at == moment(moments[-1])
    assert row.lead_agency == "Sở Tư pháp"
    assert "Quá hạn" in row.note and "Mẫu 04" in row.note
    html = unicodedata.normalize("NFC", page.content.decode())
    for cell in (code, row.received_at, row.appointment_at, row.returned_at, "Quá hạn"):
        assert cell in html, cell
    client.force_login(world.leader)
    own = client.get(f"/ho-so/{code}/mau/07/")
    assert own.status_code == 200
    assert [r.cells()[1:] for r in own.context["register"].rows] == [row.cells()[1:]]

    # The amounts and moments the rating computed from agree with the events.
    stored = Rating.objects.get(dossier__code=code)
    assert stored.resolved_at == when(by_action["mark_result_ready"]["created_at"])
    assert stored.due_at == when(final["due_at"]) and final["fees_amount"] in (0, "0", Decimal(0))
