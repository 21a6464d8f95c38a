"""The publication transition table, without the database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.models import PublicationStatus as S
from motcua.catalog.publication_workflow import (
    COMMENT,
    EDIT_ITEMS,
    TRANSITIONS,
    Actor,
    Facts,
    PublicationAction,
    allowed_actions,
    guard,
    may,
)
from motcua.core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.usefixtures("english")

A = PublicationAction
ALL_ACTORS = frozenset(Actor)


@pytest.mark.parametrize(
    "status,action,actor,target",
    [
        (S.DRAFT, A.SUBMIT_FOR_REVIEW, Actor.DRAFTER, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, A.RETURN_FOR_REVISION, Actor.REVIEWER, S.RETURNED),
        (S.RETURNED, A.SUBMIT_FOR_REVIEW, Actor.DRAFTER, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, A.ACCEPT, Actor.REVIEWER, S.ACCEPTED),
        (S.ACCEPTED, A.SUBMIT_TO_CHAIRMAN, Actor.REVIEWER, S.SUBMITTED),
        (S.SUBMITTED, A.SIGN, Actor.CHAIRMAN, S.SIGNED),
        (S.SIGNED, A.APPLY, Actor.SYSTEM, S.EFFECTIVE),
    ],
)
def test_the_happy_path_and_the_send_back(status, action, actor, target):
    assert guard(status, action, frozenset({actor})) == target


@pytest.mark.parametrize(
    "status,action,actor",
    [
        (S.UNDER_REVIEW, A.ACCEPT, Actor.DRAFTER),  # a department cannot accept its own draft
        (S.SUBMITTED, A.SIGN, Actor.REVIEWER),  # the Office does not sign
        (S.DRAFT, A.SUBMIT_FOR_REVIEW, Actor.REVIEWER),
        (S.SIGNED, A.APPLY, Actor.CHAIRMAN),  # only the scheduled task applies
        (S.ACCEPTED, A.SUBMIT_TO_CHAIRMAN, Actor.DRAFTER),
    ],
)
def test_the_wrong_role_is_refused(status, action, actor):
    with pytest.raises(PermissionDenied):
        guard(status, action, frozenset({actor}))


def test_each_status_has_only_its_exits():
    for status in S:
        for action, rule in TRANSITIONS.items():
            if status in rule.sources:
                assert guard(status, action, ALL_ACTORS) == rule.target
            else:
                with pytest.raises(Conflict):
                    guard(status, action, ALL_ACTORS)


def test_effective_is_terminal_and_every_status_is_reachable():
    assert allowed_actions(S.EFFECTIVE, ALL_ACTORS) == []
    targets = {rule.target for rule in TRANSITIONS.values()}
    assert set(S) - {S.DRAFT} <= targets


def test_facts_block_an_empty_submission_and_acceptance_with_open_comments():
    with pytest.raises(Conflict, match="at least one"):
        guard(S.DRAFT, A.SUBMIT_FOR_REVIEW, frozenset({Actor.DRAFTER}), Facts(item_count=0))
    with pytest.raises(Conflict) as exc:
        guard(S.UNDER_REVIEW, A.ACCEPT, frozenset({Actor.REVIEWER}), Facts(open_comments=2))
    assert exc.value.code == "publication_open_comments"


def test_items_are_edited_only_by_the_drafter_before_review_and_commented_only_during_it():
    drafter, reviewer = frozenset({Actor.DRAFTER}), frozenset({Actor.REVIEWER})
    assert may(EDIT_ITEMS, S.DRAFT, drafter) and may(EDIT_ITEMS, S.RETURNED, drafter)
    assert not may(EDIT_ITEMS, S.UNDER_REVIEW, drafter) and not may(EDIT_ITEMS, S.DRAFT, reviewer)
    assert may(COMMENT, S.UNDER_REVIEW, reviewer) and not may(COMMENT, S.UNDER_REVIEW, drafter)


@settings(deadline=None)  # the first example loads the translation catalog
@given(
    path=st.lists(st.sampled_from(list(A)), max_size=20),
    actors=st.sets(st.sampled_from(list(Actor)), min_size=1),
)
def test_any_sequence_stays_within_the_table(path, actors):
    """Whatever is tried, the status only moves along the table, and never back from signed."""
    status = S.DRAFT
    for action in path:
        try:
            new = guard(status, action, frozenset(actors))
        except (Conflict, PermissionDenied):
            continue
        assert status in TRANSITIONS[action].sources and new == TRANSITIONS[action].target
        if status in (S.SIGNED, S.EFFECTIVE):
            assert new == S.EFFECTIVE
        status = new
