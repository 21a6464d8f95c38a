"""The pure transition table and its guard."""

import datetime as dt

import pytest

from motcua.core.errors import Conflict, PermissionDenied
from motcua.dossiers.choices import CLOCK, OPEN_STATUSES, TERMINAL_STATUSES, DossierAction, DossierStatus
from motcua.dossiers.workflow import NEW, TRANSITIONS, Facts, allowed_actions, guard
from motcua.org.choices import Role

A, S, R = DossierAction, DossierStatus, Role
DEADLINE = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)
EVERY_ROLE = frozenset(Role)


def test_states_sets_and_clock_cover_the_design():
    assert len(S) == 11
    assert {S.REJECTED, S.RETURNED, S.STOPPED, S.WITHDRAWN} == TERMINAL_STATUSES
    assert set(S) == OPEN_STATUSES | TERMINAL_STATUSES and not OPEN_STATUSES & TERMINAL_STATUSES
    assert set(CLOCK) == set(S)


def test_no_action_leaves_a_terminal_state():
    for status in TERMINAL_STATUSES:
        assert allowed_actions(status, EVERY_ROLE, Facts(decision_issued=True)) == []
        assert allowed_actions(status, EVERY_ROLE, Facts()) == []


@pytest.mark.parametrize(
    "status,action,roles,expected",
    [
        (NEW, A.SUBMIT, {R.CITIZEN}, S.SUBMITTED),
        (NEW, A.RECEIVE, {R.RECEIVING_OFFICER}, S.RECEIVED),
        (S.SUBMITTED, A.REQUEST_COMPLETION, {R.RECEIVING_OFFICER}, S.NEEDS_COMPLETION),
        (S.NEEDS_COMPLETION, A.SUBMIT, {R.CITIZEN}, S.SUBMITTED),
        (S.NEEDS_COMPLETION, A.REFUSE, {R.RECEIVING_OFFICER}, S.REJECTED),
        (S.RECEIVED, A.FORWARD, {R.RECEIVING_OFFICER}, S.IN_PROGRESS),
        (S.IN_PROGRESS, A.REQUEST_SUPPLEMENT, {R.SPECIALIST}, S.AWAITING_SUPPLEMENT),
        (S.IN_PROGRESS, A.MARK_RESULT_READY, {R.LEADER}, S.RESULT_READY),
        (S.RESULT_READY, A.ATTACH_RESULT, {R.SPECIALIST}, S.RESULT_READY),
        (S.RESULT_READY, A.RETURN_RESULT, {R.RECEIVING_OFFICER}, S.RETURNED),
        (S.SUSPENDED, A.STOP, {R.LEADER}, S.STOPPED),
        (S.AWAITING_SUPPLEMENT, A.WITHDRAW, {R.CITIZEN}, S.WITHDRAWN),
        (S.AWAITING_SUPPLEMENT, A.APOLOGISE_EXTEND, {R.LEADER}, S.AWAITING_SUPPLEMENT),
    ],
)
def test_allowed_transitions(status, action, roles, expected):
    facts = Facts(decision_issued=action == A.MARK_RESULT_READY)
    assert guard(status, action, roles, facts) == expected


def test_supplement_and_resume_return_to_the_status_before_the_pause():
    facts = Facts(status_before_pause=S.RECEIVED)
    assert guard(S.AWAITING_SUPPLEMENT, A.SUPPLEMENT, {R.CITIZEN}, facts) == S.RECEIVED
    assert guard(S.SUSPENDED, A.RESUME, {R.LEADER}, facts) == S.RECEIVED


def test_wrong_status_is_a_conflict_before_roles_are_looked_at():
    with pytest.raises(Conflict) as err:
        guard(S.RETURNED, A.STOP, set())
    assert err.value.code == "transition_not_allowed" and err.value.status == 409


def test_wrong_role_is_forbidden():
    with pytest.raises(PermissionDenied) as err:
        guard(S.IN_PROGRESS, A.APPROVE, {R.SPECIALIST, R.CITIZEN}, Facts(proposed=True))
    assert err.value.code == "role_not_allowed"


@pytest.mark.parametrize(
    "status,action,roles,facts,code",
    [
        (S.IN_PROGRESS, A.STOP, {R.LEADER}, Facts(decision_issued=True), "decision_issued"),
        (S.IN_PROGRESS, A.WITHDRAW, {R.CITIZEN}, Facts(decision_issued=True), "decision_issued"),
        (S.IN_PROGRESS, A.APOLOGISE_EXTEND, {R.LEADER}, Facts(extended=True), "already_extended"),
        (
            S.IN_PROGRESS,
            A.APOLOGISE_EXTEND,
            {R.LEADER},
            Facts(apology_deadline_passed=DEADLINE),
            "apology_too_late",
        ),
        (S.IN_PROGRESS, A.FORWARD, {R.SPECIALIST}, Facts(open_consultations=2), "consultation_open"),
        (S.IN_PROGRESS, A.FORWARD, {R.SPECIALIST}, Facts(has_next_step=False), "no_next_step"),
        (S.IN_PROGRESS, A.SEND_BACK, {R.LEADER}, Facts(can_send_back=False), "no_previous_step"),
        (S.IN_PROGRESS, A.JOIN, {R.SPECIALIST}, Facts(open_consultations=0), "no_open_consultation"),
        (S.IN_PROGRESS, A.APPROVE, {R.LEADER}, Facts(proposed=False), "nothing_proposed"),
        (S.IN_PROGRESS, A.MARK_RESULT_READY, {R.LEADER}, Facts(decision_issued=False), "not_approved"),
    ],
)
def test_facts_refine_the_conflict(status, action, roles, facts, code):
    with pytest.raises(Conflict) as err:
        guard(status, action, roles, facts)
    assert err.value.code == code


def test_stop_and_withdraw_never_after_a_result():
    for action in (A.STOP, A.WITHDRAW):
        assert S.RESULT_READY not in TRANSITIONS[action].sources
        assert S.RETURNED not in TRANSITIONS[action].sources


def test_every_action_has_a_row_and_is_reachable_from_an_open_state():
    assert set(TRANSITIONS) == set(A)
    for action, transition in TRANSITIONS.items():
        assert transition.sources - TERMINAL_STATUSES, action
        assert transition.roles <= EVERY_ROLE


def test_a_refused_action_names_the_state_in_words_not_its_code():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(Conflict) as refused:
        guard(DossierStatus.IN_PROGRESS, DossierAction.RECEIVE, {Role.RECEIVING_OFFICER})
    assert "in_progress" not in refused.value.message
    assert "đang xử lý" in refused.value.message
