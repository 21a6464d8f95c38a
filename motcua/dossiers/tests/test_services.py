"""The workflow service: deadlines, pauses, scope, concurrency, hand-overs, idempotency."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.choices import SupplementPolicy
from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import DossierEvent, HandOver
from motcua.dossiers.services import dossier_act, dossier_receive, dossier_submit
from motcua.dossiers.tests.conftest import HCM
from motcua.workdays.selectors import add_working_time, due_after, working_minutes_between

pytestmark = pytest.mark.django_db
S = DossierStatus
MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM)


def act(world, dossier, action, actor, **payload):
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


def test_receive_sets_code_deadline_steps_and_first_event(world, clock):
    clock.set(MONDAY)
    d = world.receive(at=MONDAY)
    assert d.status == S.RECEIVED and d.version == 1
    assert d.code == "000.00.31.H48-260302-0001"
    assert d.due_at == due_after(MONDAY, hours=Decimal(24)) == dt.datetime(2026, 3, 5, 8, 0, tzinfo=HCM)
    assert d.appointment_at == d.due_at
    steps = list(d.steps.order_by("position"))
    assert [(s.position, s.agency_id) for s in steps] == [
        (1, world.commune.pk),
        (2, world.dept.pk),
        (3, world.dept.pk),
    ]
    assert steps[0].started_at == MONDAY and steps[0].due_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=HCM)
    assert steps[-1].planned_due_at == d.due_at
    assert d.competent_agency == world.dept and d.receiving_agency == world.commune
    assert d.applicant_user == world.citizen  # matched on the personal identifier
    event = d.events.get()
    assert (event.seq, event.action, event.to_status, event.actor_name) == (
        1,
        "receive",
        S.RECEIVED,
        "Lò Thị Olga",
    )


def test_supplement_pause_moves_due_by_the_paused_working_time(world, clock):
    clock.set(MONDAY)
    d = world.receive(at=MONDAY)
    d = act(world, d, "forward", world.officer)
    legal_due = d.due_at
    clock.set(MONDAY + dt.timedelta(hours=3))  # Monday 11:00
    d = act(world, d, "request_supplement", world.specialist, reason="Thiếu bản sao")
    assert d.status == S.AWAITING_SUPPLEMENT and d.paused_at == clock.moment
    clock.set(dt.datetime(2026, 3, 3, 9, 30, tzinfo=HCM))  # Tuesday 09:30
    d = act(world, d, "supplement", world.citizen)
    paused = working_minutes_between(MONDAY + dt.timedelta(hours=3), clock.moment)
    assert paused == 30 + 240 + 120  # 11:00-11:30, Monday afternoon, 07:30-09:30
    assert d.status == S.IN_PROGRESS and d.paused_minutes == paused
    assert working_minutes_between(legal_due, d.due_at) == paused
    assert d.events.get(seq=d.version).payload["paused_working_minutes"] == paused


def test_restart_policy_restarts_the_clock(world, clock):
    world.version.supplement_policy = SupplementPolicy.RESTART
    world.version.save()
    clock.set(MONDAY)
    d = world.receive(at=MONDAY)
    d = act(world, d, "request_supplement", world.officer, reason="Thiếu")
    resumed = dt.datetime(2026, 3, 4, 14, 0, tzinfo=HCM)
    clock.set(resumed)
    d = act(world, d, "supplement", world.officer)
    assert d.status == S.RECEIVED and d.clock_started_at == resumed
    assert d.due_at == due_after(resumed, days=3)


def test_apology_extends_once_and_keeps_the_legal_due(world, clock):
    clock.set(MONDAY)
    d = world.receive(at=MONDAY)
    d = act(world, d, "forward", world.officer)
    d = act(world, d, "apologise_extend", world.leader, days="2", reason="Cần xác minh")
    assert d.apology_issued and d.extended_due_at == dt.datetime(2026, 3, 9, 8, 0, tzinfo=HCM)
    assert d.appointment_at == d.extended_due_at and d.due_at == dt.datetime(2026, 3, 5, 8, 0, tzinfo=HCM)
    with pytest.raises(Conflict) as err:
        act(world, d, "apologise_extend", world.leader, days="1")
    assert err.value.code == "already_extended"


def test_parallel_consultation_waits_for_every_agency_and_records_hand_overs(world, clock):
    d = world.receive(at=MONDAY)
    d = act(world, d, "forward", world.officer)
    d = act(world, d, "assign", world.leader, assignee="sam")
    d = act(world, d, "consult", world.specialist, agencies=["000.00.21.H48", "000.00.22.H48"])
    with pytest.raises(Conflict) as err:
        act(world, d, "forward", world.specialist)
    assert err.value.code == "consultation_open"
    d = act(world, d, "join", world.health_specialist, opinion="Đồng ý")
    d = act(world, d, "join", world.finance_specialist, opinion="Đồng ý")
    d = act(world, d, "forward", world.specialist)
    assert d.current_step_position == 3
    rows = list(HandOver.objects.filter(dossier=d).order_by("id"))
    assert [(h.from_agency_id, h.to_agency_id) for h in rows] == [
        (world.commune.pk, world.dept.pk),
        (world.dept.pk, world.health.pk),
        (world.dept.pk, world.finance.pk),
        (world.health.pk, world.dept.pk),
        (world.finance.pk, world.dept.pk),
        (world.dept.pk, world.dept.pk),
    ]
    first = rows[0]
    assert first.given_by_name == "Lò Thị Olga" and first.received_by == world.leader  # the leader's assign


def test_full_story_to_returned(world, clock):
    d = world.receive(at=MONDAY)
    for action, actor, payload in [
        ("forward", world.officer, {}),
        ("forward", world.specialist, {}),
        ("propose", world.specialist, {}),
        ("approve", world.leader, {}),
        ("mark_result_ready", world.leader, {}),
        ("return_result", world.officer, {"method": "online", "fees_amount": 5000}),
    ]:
        d = act(world, d, action, actor, **payload)
    assert d.status == S.RETURNED and d.result_code == f"{d.code}-KQ1" and d.fees_amount == 5000
    assert list(d.events.values_list("seq", flat=True)) == list(range(1, 8))


def test_no_stop_or_withdraw_after_the_decision(world, clock):
    d = world.receive(at=MONDAY)
    for action, actor in [
        ("forward", world.officer),
        ("forward", world.specialist),
        ("propose", world.specialist),
        ("approve", world.leader),
    ]:
        d = act(world, d, action, actor)
    for action, actor in [("stop", world.leader), ("withdraw", world.citizen)]:
        with pytest.raises(Conflict) as err:
            act(world, d, action, actor, reason="x")
        assert err.value.code == "decision_issued"


def test_stale_version_is_a_conflict_and_writes_nothing(world):
    d = world.receive()
    act(world, d, "forward", world.officer)
    with pytest.raises(Conflict) as err:
        dossier_act(dossier_code=d.code, action="stop", actor=world.leader, version=1, reason="x")
    assert err.value.code == "stale_version"
    assert DossierEvent.objects.filter(dossier=d).count() == 2


def test_scope_out_of_agency_is_not_found_wrong_role_is_forbidden(world):
    d = world.receive()
    for user in (world.outsider, world.stranger, world.health_specialist):
        with pytest.raises(NotFound):
            dossier_act(dossier_code=d.code, action="forward", actor=user, version=1)
    with pytest.raises(PermissionDenied):
        dossier_act(dossier_code=d.code, action="forward", actor=world.citizen, version=1)
    with pytest.raises(NotFound):
        dossier_act(dossier_code="nope", action="forward", actor=world.officer, version=1)


def test_officer_of_another_agency_cannot_receive_at_this_desk(world):
    with pytest.raises(PermissionDenied):
        world.receive(actor=world.outsider)


def test_idempotency_key_returns_the_same_dossier(world):
    first = world.receive(idempotency_key="abc")
    again = world.receive(idempotency_key="abc")
    other = world.receive(idempotency_key="def")
    assert first.pk == again.pk != other.pk


def test_online_submission_then_reception_keeps_the_code(world, clock):
    d = dossier_submit(
        actor=world.citizen,
        procedure_version=world.version,
        applicant=world.applicant(),
        receiving_agency=world.commune,
    )
    assert d.status == S.SUBMITTED and d.applicant_user == world.citizen and d.due_at is None
    d2 = act(world, d, "receive", world.officer, desk=world.desk.pk)
    assert d2.code == d.code and d2.status == S.RECEIVED and d2.due_at and d2.receiving_desk == world.desk


def test_bad_payloads_are_invalid_input(world):
    d = world.receive()
    with pytest.raises(InvalidInput):
        act(world, d, "request_supplement", world.officer)  # reason required
    d = act(world, d, "forward", world.officer)
    with pytest.raises(InvalidInput):
        act(world, d, "assign", world.leader, assignee="oscar")  # not staff of the current agency
    with pytest.raises(InvalidInput):
        act(world, d, "consult", world.specialist, agencies=["000.00.53.H48"])  # itself
    with pytest.raises(InvalidInput):
        dossier_receive(
            actor=world.officer,
            desk=world.desk,
            procedure_version=world.version,
            applicant=world.applicant(name="  "),
        )


def test_a_transfer_after_the_cutoff_starts_at_the_next_working_session(world, clock):
    d = world.receive(at=MONDAY)
    step_share = d.steps.get(position=2).share_minutes
    late = dt.datetime(2026, 3, 2, 15, 30, tzinfo=HCM)  # Monday 15:30, after 15:00
    clock.set(late)
    d = act(world, d, "forward", world.officer)
    step = d.steps.get(position=2)
    assert step.started_at == late
    assert step.due_at == add_working_time(dt.datetime(2026, 3, 3, 7, 30, tzinfo=HCM), step_share)


def test_a_transfer_before_the_cutoff_starts_at_once(world, clock):
    d = world.receive(at=MONDAY)
    early = dt.datetime(2026, 3, 2, 14, 0, tzinfo=HCM)
    clock.set(early)
    d = act(world, d, "forward", world.officer)
    step = d.steps.get(position=2)
    assert step.due_at == add_working_time(early, step.share_minutes)
