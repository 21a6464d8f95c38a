"""Issue 9 item 7: the back-office search, the staff notice when a task arrives, the summary on my tasks."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import HCM
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Membership
from motcua.org.services import api_token_issue
from motcua.org.tests.factories import AgencyFactory, UserFactory

S = DossierStatus
pytestmark = pytest.mark.usefixtures("english")


def _codes(html: str) -> list[str]:
    return re.findall(r'<a data-code href="/ho-so/([^/]+)/">', html)


def _search(client, **params) -> list[str]:
    response = client.get(reverse("dossiers:search"), params)
    assert response.status_code == 200, response.content[:500]
    return _codes(response.content.decode())


@pytest.fixture
def three(world):
    an = world.receive()
    binh = world.receive(
        applicant=world.applicant(name="Đặng Thị Bình", identifier="014090000077", phone="0987.654.321")
    )
    forwarded = world.receive(applicant=world.applicant(name="Lò Văn Cường", phone="0911222333"))
    forwarded = dossier_act(dossier_code=forwarded.code, action="forward", actor=world.officer, version=1)
    return an, binh, forwarded


def test_search_by_code_name_without_diacritics_identifier_and_phone(client, world, three):
    an, binh, cuong = three
    client.force_login(world.officer)
    assert _search(client, q=binh.code) == [binh.code]
    assert _search(client, q=binh.code.split("-")[-1]) == [binh.code]  # the daily number alone
    assert _search(client, q=binh.code.lower()) == [binh.code]
    assert _search(client, q="dang thi binh") == [binh.code]
    assert _search(client, q="ĐẶNG BÌNH") == [binh.code]
    assert _search(client, q=unicodedata.normalize("NFD", "Đặng Thị Bình")) == [binh.code]
    assert _search(client, q="014090000077") == [binh.code]
    assert _search(client, q="0987 654 321") == [binh.code]
    assert _search(client, q="+84987654321") == [binh.code]
    assert _search(client, q="cuong") == [cuong.code]
    assert _search(client, q="nobody at all") == []


def test_search_filters(client, world, clock, three):
    an, binh, cuong = three
    client.force_login(world.officer)
    assert set(_search(client, status=S.IN_PROGRESS)) == {cuong.code}
    assert set(_search(client, procedure=world.version.procedure.code)) == {an.code, binh.code, cuong.code}
    # An unknown procedure is not a choice: a clear message, not an empty list pretending to be an answer.
    unknown = client.get(reverse("dossiers:search"), {"procedure": "9.999999"})
    assert unknown.status_code == 400 and b'role="alert"' in unknown.content
    assert set(_search(client, agency=world.commune.identifier)) == {an.code, binh.code, cuong.code}
    due_day = dt.date(2026, 3, 5)  # received Monday 2 March 08:00 with 3 working days
    assert set(_search(client, due_from=due_day.isoformat(), due_to=due_day.isoformat())) == {
        an.code,
        binh.code,
        cuong.code,
    }
    assert _search(client, due_to="2026-03-03") == []
    assert _search(client, overdue="on") == []
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HCM))
    client.force_login(world.officer)
    assert set(_search(client, overdue="on", q="binh")) == {binh.code}
    bad = client.get(reverse("dossiers:search"), {"due_from": "2026-03-10", "due_to": "2026-03-01"})
    assert bad.status_code == 400 and b'role="alert"' in bad.content


def test_search_is_scoped_as_the_staff_list(client, world, three):
    an, binh, cuong = three
    client.force_login(world.outsider)
    assert _search(client, q="binh") == []
    client.force_login(world.specialist)  # the deciding Department sees its dossiers
    assert _search(client, q="binh") == [binh.code]
    client.force_login(world.health_specialist)  # another Department, never consulted: nothing
    assert _search(client, q="binh") == [] and _search(client, q="cuong") == []
    office = AgencyFactory(identifier="000.00.01.H52", kind=AgencyKind.COMMITTEE_OFFICE)
    reviewer = UserFactory(username="vera")
    Membership.objects.create(user=reviewer, agency=office, role=Role.OFFICE_REVIEWER)
    client.force_login(reviewer)
    assert _search(client, q="binh") == [binh.code]
    client.force_login(world.citizen)
    assert client.get(reverse("dossiers:search"), {"q": "binh"}).status_code == 403


def test_search_reads_a_fixed_number_of_queries(client, world):
    client.force_login(world.officer)
    world.receive(applicant=world.applicant(name="Hà Văn Một"))
    _search(client, q="warm up")  # the session and the per-process caches fill on the first request
    with CaptureQueriesContext(connection) as one:
        assert len(_search(client, q="ha van")) == 1
    for n in range(6):
        world.receive(applicant=world.applicant(name=f"Hà Văn {n}"))
    with CaptureQueriesContext(connection) as seven:
        assert len(_search(client, q="ha van")) == 7
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_api_list_takes_the_same_search(client, world, three):
    an, binh, cuong = three
    world.officer.set_password("correct horse battery")
    world.officer.save()
    token = api_token_issue(username=world.officer.username, password="correct horse battery")
    response = client.get("/api/v1/dossiers", {"q": "dang binh"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert [d["code"] for d in response.json()["items"]] == [binh.code]
    response = client.get(
        "/api/v1/dossiers",
        {"procedure": world.version.procedure.code, "status": S.IN_PROGRESS},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert [d["code"] for d in response.json()["items"]] == [cuong.code]


def test_pages_link_to_the_search(client, world):
    client.force_login(world.officer)
    assert reverse("dossiers:search") in client.get(reverse("dossiers:task_list")).content.decode()


# --- the notice when a task arrives -------------------------------------------------------------------------


def test_staff_get_a_notice_when_a_task_arrives(world, django_capture_on_commit_callbacks):
    for user, address in (
        (world.specialist, "sam@so.vn"),
        (world.leader, "linh@so.vn"),
        (world.officer, "olga@x.vn"),
    ):
        user.email = address
        user.save()
    dossier = world.receive()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_act(dossier_code=dossier.code, action="forward", actor=world.officer, version=1)
    staff_mail = [m for m in mail.outbox if m.to != ["an@example.vn"]]
    # The next step of the Department is a specialist's (or a leader's): its holders hear, the actor does not.
    step_role = dossier.steps.get(position=dossier.current_step_position, kind="process").role
    expected = {"sam@so.vn"} if step_role == Role.SPECIALIST else {"linh@so.vn"}
    assert {m.to[0] for m in staff_mail} == expected
    assert dossier.code in staff_mail[0].subject and f"/ho-so/{dossier.code}/" in staff_mail[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_act(
            dossier_code=dossier.code,
            action="assign",
            actor=world.leader,
            version=dossier.version,
            assignee=world.specialist.username,
        ) if step_role == Role.LEADER else None
    if step_role == Role.LEADER:
        assert [m.to for m in mail.outbox if m.to != ["an@example.vn"]] == [["sam@so.vn"]]


# --- the summary on my tasks ----------------------------------------------------------------------------------


def _summary(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-summary="(\w+)"><a [^>]*><strong>(\d+)</strong>', html)}


def test_my_tasks_summary_due_today_overdue_at_risk(client, world, clock):
    monday = world.receive()  # Monday 2 March 08:00, 3 working days: due Thursday 5 March
    clock.set(dt.datetime(2026, 3, 3, 8, 0, tzinfo=HCM))
    tuesday = world.receive()  # due Friday 6 March
    clock.set(dt.datetime(2026, 3, 4, 8, 0, tzinfo=HCM))
    wednesday = world.receive()  # due Monday 9 March
    clock.set(dt.datetime(2026, 3, 5, 9, 0, tzinfo=HCM))
    client.force_login(world.officer)
    html = client.get(reverse("dossiers:task_list")).content.decode()
    summary = _summary(html)
    assert set(summary) == {"overdue", "due_today", "at_risk"}
    # Each desk step (a quarter day) is long past: every task is overdue at its step.
    assert summary["overdue"] == 3
    overdue_page = client.get(reverse("dossiers:task_list"), {"due": "overdue"}).content.decode()
    assert all(d.code in overdue_page for d in (monday, tuesday, wednesday))
    assert monday.code not in client.get(reverse("dossiers:task_list"), {"due": "at_risk"}).content.decode()


def test_summary_buckets_on_legal_due_moments(world, clock):
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import my_tasks, task_summary

    dossiers = [world.receive() for _ in range(3)]
    # Clear the step due moments so the legal one counts, and place the legal ones around "now".
    now = dt.datetime(2026, 3, 5, 9, 0, tzinfo=HCM)  # Thursday
    Dossier.objects.filter(pk=dossiers[0].pk).update(
        current_step_due_at=None, due_at=now - dt.timedelta(hours=1)
    )
    Dossier.objects.filter(pk=dossiers[1].pk).update(
        current_step_due_at=None, due_at=now + dt.timedelta(hours=6)
    )
    Dossier.objects.filter(pk=dossiers[2].pk).update(
        current_step_due_at=None, due_at=now + dt.timedelta(days=1)
    )
    clock.set(now)
    summary = task_summary(world.officer, now=now)
    assert (summary.overdue, summary.due_today, summary.at_risk) == (1, 1, 1)
    assert [d.code for d in my_tasks(world.officer, due="at_risk")] == [dossiers[2].code]
