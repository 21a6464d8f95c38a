"""The petition (PAKN) transition table: pure data and one guard, no database access.

Who may act is expressed as *capacities* the service derives from the actor and the petition:

- ``PUBLIC``: anyone, signed in or not (a citizen's own submission, an Open311 client);
- ``OFFICER``: a member of staff of any agency (records a petition received by phone or at a desk);
- ``REVIEWER``: an Office reviewer (Văn phòng UBND), who classifies, routes, publishes and rejects any petition;
- ``ASSIGNED``: staff of the agency the petition is routed to, who answer it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, PermissionDenied
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.choices import PetitionStatus as S

PUBLIC = "public"
OFFICER = "officer"
REVIEWER = "reviewer"
ASSIGNED = "assigned"

# Pseudo-status of a petition that does not exist yet.
NEW = ""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    capacities: frozenset[str]


def _t(sources, target, capacities) -> Transition:
    return Transition(frozenset(sources), target, frozenset(capacities))


TRANSITIONS: dict[str, Transition] = {
    A.SUBMIT: _t({NEW}, S.RECEIVED, {PUBLIC}),
    A.RECORD: _t({NEW}, S.RECEIVED, {OFFICER}),
    A.CLASSIFY: _t({S.RECEIVED, S.CLASSIFIED}, S.CLASSIFIED, {REVIEWER}),
    # Routing again (to another agency, or with a new deadline) is allowed until the answer.
    A.ASSIGN: _t({S.CLASSIFIED, S.ASSIGNED}, S.ASSIGNED, {REVIEWER}),
    A.ANSWER: _t({S.ASSIGNED}, S.ANSWERED, {ASSIGNED}),
    A.PUBLISH: _t({S.ANSWERED}, S.PUBLISHED, {REVIEWER}),
    A.REJECT: _t({S.RECEIVED, S.CLASSIFIED, S.ASSIGNED}, S.REJECTED, {REVIEWER}),
}

assert set(TRANSITIONS) == set(A), "every action has a row"


def guard(status: str, action: str, capacities: set[str] | frozenset[str]) -> str:
    """The status a petition in `status` moves to when someone with `capacities` takes `action`.

    Raises Conflict (`transition_not_allowed`) when the action is not possible in this status,
    PermissionDenied (`role_not_allowed`) when none of `capacities` may take it. Status first.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Conflict(_("Unknown action."), code="unknown_action")
    if status not in transition.sources:
        raise Conflict(
            _("This action is not possible while the petition is %(status)s.")
            % {"status": str(S(status).label).lower() if status in S.values else _("new")},
            code="transition_not_allowed",
        )
    if not transition.capacities & set(capacities):
        raise PermissionDenied(_("Your role does not allow this action."), code="role_not_allowed")
    return transition.target


def allowed_actions(status: str, capacities: set[str] | frozenset[str]) -> list[str]:
    """The actions someone with `capacities` may take on a petition in `status` now (for pages)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if status in transition.sources and transition.capacities & set(capacities)
    ]
