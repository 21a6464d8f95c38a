"""Issue 15: when the working calendar changes, the open dossiers' due moments follow.

The calendar of March 2026 (no public holiday): a dossier of 3 working days received on Monday 2 March at
08:00 is due on Thursday 5 March at 08:00. Its second step (2.5 days), started on Monday at 09:00, is due
on Wednesday 4 March at 15:00.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from motcua.core import sms
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import DeadlineBreach, Dossier, DossierAgency, DossierEvent
from motcua.dossiers.services import dossier_act
from motcua.dossiers.sweep import sweep_deadlines
from motcua.dossiers.tests.conftest import HCM
from motcua.workdays.choices import DayKind
from motcua.workdays.models import CalendarChange
from motcua.workdays.selectors import build_calendar
from motcua.workdays.services import day_override_delete, day_override_preview, day_override_set

A = DossierAction
MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM)
WEDNESDAY = dt.date(2026, 3, 4)
THURSDAY = dt.date(2026, 3, 5)
SATURDAY = dt.date(2026, 3, 7)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=HCM)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.core.sms.LocmemSMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _act(dossier, action, actor, **payload):
    dossier.refresh_from_db()
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


def _moves(dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier, action=A.APPOINTMENT_MOVED).order_by("seq"))


@pytest.fixture
def spanning(world, clock, django_capture_on_commit_callbacks):
    """Three dossiers: one open across Wednesday (at step 2), one received after it, one closed."""
    clock.set(MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        open_one = world.receive(applicant=world.applicant(email="an@example.vn"))
        later = world.receive(at=at(5, 8), applicant=world.applicant(email="later@example.vn", phone=""))
        closed = world.receive(applicant=world.applicant(email="closed@example.vn", phone=""))
        clock.set(at(2, 9))
        _act(open_one, A.FORWARD, world.officer)
        _act(closed, A.WITHDRAW, world.officer)
    for dossier in (open_one, later, closed):
        dossier.refresh_from_db()
    mail.outbox.clear()
    sms.outbox.clear()
    return open_one, later, closed


def test_a_day_off_moves_exactly_the_open_dossiers_across_it_by_one_working_day(
    world, clock, spanning, django_capture_on_commit_callbacks
):
    open_one, later, closed = spanning
    assert open_one.due_at == at(5, 8) and open_one.current_step_due_at == at(4, 15)
    closed_before = (closed.due_at, closed.appointment_at, closed.version)
    later_before = (later.due_at, later.version)
    clock.set(at(2, 10))

    with django_capture_on_commit_callbacks(execute=True):
        day_override_set(
            day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Thông báo 12/TB-UBND: bão số 3", actor=world.officer
        )

    open_one.refresh_from_db()
    assert open_one.due_at == at(6, 8) and open_one.appointment_at == at(
        6, 8
    )  # Friday: one working day later
    step = open_one.steps.get(position=2)
    assert step.due_at == at(5, 15) and open_one.current_step_due_at == at(5, 15)
    assert set(DossierAgency.objects.filter(dossier=open_one).values_list("due_at", flat=True)) == {at(6, 8)}
    # The others keep what they had, and get no event.
    later.refresh_from_db()
    closed.refresh_from_db()
    assert (later.due_at, later.version) == later_before
    assert (closed.due_at, closed.appointment_at, closed.version) == closed_before
    assert _moves(later) == [] and _moves(closed) == []

    (event,) = _moves(open_one)
    change = CalendarChange.objects.get()
    assert event.seq == open_one.version and event.to_status == DossierStatus.IN_PROGRESS
    assert event.payload["change"] == change.pk and "bão số 3" in event.payload["reason"]
    assert event.payload["declaration"] == {
        "action": "declared",
        "day": "2026-03-04",
        "kind": "day_off",
        "reason": "Thông báo 12/TB-UBND: bão số 3",
    }
    assert event.payload["appointment_at"] == ["2026-03-05T08:00:00+07:00", "2026-03-06T08:00:00+07:00"]
    assert event.payload["steps"][0]["due_at"] == ["2026-03-04T15:00:00+07:00", "2026-03-05T15:00:00+07:00"]
    assert (change.moved_dossiers, change.moved_steps) == (1, 1)
    call_command("verify_audit")  # the chain still holds

    # The applicant is told once, with the new appointment and why.
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert "06/03/2026" in mail.outbox[0].body and "bão số 3" in mail.outbox[0].body
    assert len(sms.outbox) == 1 and "08:00 06/03/2026" in sms.outbox[0][1]


def test_removing_the_day_off_moves_them_back(world, clock, spanning):
    open_one, _later, _closed = spanning
    clock.set(at(2, 10))
    day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão số 3")
    day_override_delete(day=WEDNESDAY)
    open_one.refresh_from_db()
    assert open_one.due_at == at(5, 8) and open_one.current_step_due_at == at(4, 15)
    first, second = _moves(open_one)
    assert second.payload["due_at"] == ["2026-03-06T08:00:00+07:00", "2026-03-05T08:00:00+07:00"]
    assert second.payload["declaration"]["action"] == "removed"


def test_a_make_up_saturday_shortens_the_spans_across_it(world, clock):
    clock.set(at(5, 8))  # Thursday: 3 working days end on Tuesday 10 March
    dossier = world.receive()
    assert dossier.due_at == at(10, 8)
    day_override_set(day=SATURDAY, kind=DayKind.WORKING_DAY, reason="Làm bù cho ngày 30/4")
    dossier.refresh_from_db()
    assert dossier.due_at == at(9, 8)  # Saturday is worked: Monday
    assert len(_moves(dossier)) == 1


def test_a_paused_dossier_moves_now_and_is_right_when_it_resumes(world, clock):
    clock.set(MONDAY)
    dossier = world.receive()
    clock.set(at(2, 10))
    _act(dossier, A.REQUEST_SUPPLEMENT, world.officer, reason="Thiếu bản sao")
    clock.set(at(2, 11))
    day_override_set(day=THURSDAY, kind=DayKind.DAY_OFF, reason="Bão")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_SUPPLEMENT and dossier.due_at == at(6, 8)
    clock.set(at(3, 10))  # resumes on Tuesday: 8 working hours waited
    dossier = _act(dossier, A.SUPPLEMENT, world.officer)
    # 24 + 8 working hours from Monday 08:00, Thursday off: Monday 9 March 08:00.
    assert dossier.due_at == at(9, 8)
    assert build_calendar().working_minutes_between(MONDAY, dossier.due_at) == 32 * 60


def test_a_breach_that_no_longer_holds_is_withdrawn_with_the_reason(world, clock):
    clock.set(MONDAY)
    dossier = world.receive()
    clock.set(at(5, 9))  # Thursday 09:00: an hour past the due moment
    assert sweep_deadlines().dossiers == 1
    day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão số 3 (quyết định muộn)")
    breach = DeadlineBreach.objects.get(dossier=dossier, step__isnull=True)
    assert breach.withdrawn_at == at(5, 9) and "Bão số 3" in breach.withdrawn_reason
    assert sweep_deadlines().dossiers == 0  # due on Friday now
    clock.set(at(6, 9))
    assert sweep_deadlines().dossiers == 1  # passed again: recorded anew
    assert (
        DeadlineBreach.objects.filter(dossier=dossier, step__isnull=True, withdrawn_at__isnull=True).count()
        == 1
    )


def test_the_preview_counts_per_agency_and_writes_nothing(world, clock, spanning):
    open_one, _later, _closed = spanning
    events = DossierEvent.objects.count()
    preview = day_override_preview(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão")
    (summary,) = preview.summaries
    assert (summary.dossiers, summary.steps) == (1, 1)
    (line,) = summary.agencies
    assert line.agency == world.dept and (line.dossiers, line.steps) == (1, 1)
    assert line.shift_lines == [(1.0, 1)]
    assert DossierEvent.objects.count() == events and not CalendarChange.objects.exists()
    assert Dossier.objects.get(pk=open_one.pk).due_at == at(5, 8)


def test_an_officer_who_saw_the_dossier_before_the_change_still_acts(world, clock, spanning):
    open_one, _later, _closed = spanning
    seen = open_one.version
    clock.set(at(2, 10))
    day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão")
    clock.set(at(2, 11))
    dossier = dossier_act(dossier_code=open_one.code, action=A.PROPOSE, actor=world.specialist, version=seen)
    assert dossier.version == seen + 2 and dossier.due_at == at(6, 8)


def test_form_01_reprinted_and_the_control_slip_show_the_moved_appointment(world, clock, spanning):
    from motcua.dossiers.documents import form_context
    from motcua.dossiers.selectors import dossier_for

    open_one, _later, _closed = spanning
    clock.set(at(2, 10))
    day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Thông báo 12/TB-UBND: bão số 3")
    dossier = dossier_for(world.officer, open_one.code)
    form_01 = form_context(dossier, "01")
    assert form_01["appointment_at"] == "08:00 05/03/2026"  # as printed at reception
    (move,) = form_01["calendar_moves"]
    assert (move["old"], move["new"]) == ("08:00 05/03/2026", "08:00 06/03/2026") and "bão số 3" in move[
        "reason"
    ]
    slip = form_context(dossier, "06")
    assert slip["appointment_at"] == "08:00 06/03/2026" and len(slip["calendar_moves"]) == 1


def test_a_process_holding_the_old_calendar_computes_with_the_new_one(world, clock, spanning):
    """Another worker's cache may still hold the calendar from before the change (without Redis it learns of
    it within a minute): the action compares the revision it locked and rebuilds the calendar first."""
    from django.core.cache import cache

    from motcua.workdays.selectors import calendar_cache, get_calendar

    open_one, _later, _closed = spanning
    old = get_calendar()
    clock.set(at(2, 10))
    day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão")
    calendar_cache._entries["calendar"] = (old, cache.get(calendar_cache.key), calendar_cache.clock())
    assert get_calendar() is old  # the stale copy is what this process would use
    # A consultation started now (Monday 10:00) for 2 working days is due Thursday 10:00, not Wednesday.
    dossier = _act(open_one, A.CONSULT, world.specialist, agencies=[world.health.identifier], days="2")
    consultation = dossier.steps.get(kind="consultation")
    assert consultation.due_at == at(5, 10)


@pytest.mark.django_db(transaction=True)
def test_an_officer_acting_during_the_recompute_waits_and_gets_the_new_calendar(world, clock):
    """PostgreSQL: the officer's action starts while the change is recomputing (and holds the calendar lock);
    it waits for the commit, then goes ahead on the new calendar; nothing is lost, the chain holds."""
    import threading
    import time

    from django.db import connection, connections

    from motcua.workdays import services as workdays_services

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers)")
    clock.set(MONDAY)
    dossier = world.receive()
    seen = dossier.version
    clock.set(at(2, 9))
    running, errors = threading.Event(), []

    def slow_hook(*, shift, change):
        running.set()
        time.sleep(1.5)  # the recompute of a large province, holding the lock
        return 0, 0

    def declare():
        try:
            day_override_set(day=WEDNESDAY, kind=DayKind.DAY_OFF, reason="Bão số 3")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workdays_services.APPLY_HOOKS.append(slow_hook)
    try:
        worker = threading.Thread(target=declare)
        worker.start()
        assert running.wait(10)
        started = time.monotonic()
        acted = dossier_act(dossier_code=dossier.code, action=A.FORWARD, actor=world.officer, version=seen)
        waited = time.monotonic() - started
        worker.join(10)
    finally:
        workdays_services.APPLY_HOOKS.remove(slow_hook)
    assert not errors
    assert waited > 1.0  # it waited for the change to commit
    # The forward happened (not lost) and its new step is due on the new calendar: Thursday 15:00, not Wednesday.
    step = acted.steps.get(position=2)
    assert acted.current_step_position == 2 and step.due_at == at(5, 15)
    assert acted.due_at == at(6, 8)
    actions = list(
        DossierEvent.objects.filter(dossier=acted).order_by("seq").values_list("action", flat=True)
    )
    assert actions == [A.RECEIVE, A.APPOINTMENT_MOVED, A.FORWARD]
    call_command("verify_audit")
