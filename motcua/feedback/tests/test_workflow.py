import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.errors import Conflict, PermissionDenied
from motcua.feedback import workflow
from motcua.feedback.choices import TERMINAL_STATUSES, PetitionAction, PetitionStatus
from motcua.feedback.workflow import (
    ASSIGNED,
    NEW,
    OFFICER,
    PUBLIC,
    REVIEWER,
    TRANSITIONS,
    allowed_actions,
    guard,
)

S = PetitionStatus
A = PetitionAction
ALL_STATUSES = [NEW, *S.values]
ALL_CAPACITIES = [PUBLIC, OFFICER, REVIEWER, ASSIGNED]


@pytest.mark.parametrize(
    ("status", "action", "capacities", "target"),
    [
        (NEW, A.SUBMIT, {PUBLIC}, S.RECEIVED),
        (NEW, A.RECORD, {PUBLIC, OFFICER}, S.RECEIVED),
        (S.RECEIVED, A.CLASSIFY, {REVIEWER}, S.CLASSIFIED),
        (S.CLASSIFIED, A.CLASSIFY, {REVIEWER}, S.CLASSIFIED),
        (S.CLASSIFIED, A.ASSIGN, {REVIEWER}, S.ASSIGNED),
        (S.ASSIGNED, A.ASSIGN, {REVIEWER}, S.ASSIGNED),
        (S.ASSIGNED, A.ANSWER, {ASSIGNED}, S.ANSWERED),
        (S.ANSWERED, A.PUBLISH, {REVIEWER}, S.PUBLISHED),
        (S.RECEIVED, A.REJECT, {REVIEWER}, S.REJECTED),
        (S.ASSIGNED, A.REJECT, {REVIEWER}, S.REJECTED),
    ],
)
def test_allowed_transitions(status, action, capacities, target):
    assert guard(status, action, capacities) == target


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.RECEIVED, A.ASSIGN),  # classify first
        (S.RECEIVED, A.ANSWER),
        (S.ANSWERED, A.REJECT),
        (S.PUBLISHED, A.PUBLISH),
        (S.REJECTED, A.CLASSIFY),
        (S.RECEIVED, A.SUBMIT),
    ],
)
def test_impossible_transitions_conflict(status, action):
    with pytest.raises(Conflict):
        guard(status, action, set(ALL_CAPACITIES))


@pytest.mark.parametrize(
    ("status", "action", "capacities"),
    [
        (NEW, A.RECORD, {PUBLIC}),
        (S.RECEIVED, A.CLASSIFY, {PUBLIC, OFFICER, ASSIGNED}),
        (S.ASSIGNED, A.ANSWER, {PUBLIC, OFFICER, REVIEWER}),  # the Office does not answer for the agency
        (S.ANSWERED, A.PUBLISH, {ASSIGNED, OFFICER}),
    ],
)
def test_wrong_capacity_is_denied(status, action, capacities):
    with pytest.raises(PermissionDenied):
        guard(status, action, capacities)


def test_terminal_states_have_no_way_out():
    for status in TERMINAL_STATUSES:
        assert allowed_actions(status, set(ALL_CAPACITIES)) == []


def test_every_state_is_reachable_from_new():
    reached, frontier = {NEW}, [NEW]
    while frontier:
        status = frontier.pop()
        for transition in TRANSITIONS.values():
            if status in transition.sources and transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    assert reached == set(ALL_STATUSES)


@given(
    status=st.sampled_from(ALL_STATUSES),
    action=st.sampled_from(list(A)),
    capacities=st.sets(st.sampled_from(ALL_CAPACITIES)),
)
def test_guard_agrees_with_allowed_actions(status, action, capacities):
    allowed = action in allowed_actions(status, capacities)
    try:
        target = guard(status, action, capacities)
    except (Conflict, PermissionDenied):
        assert not allowed
    else:
        assert allowed
        assert target == workflow.TRANSITIONS[action].target
