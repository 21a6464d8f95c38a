"""The publication decision transition table: pure data and one guard, no database access.

    draft ─submit_for_review→ under_review ─accept→ accepted ─submit_to_chairman→ submitted ─sign→ signed
      ↑                         │    ↑                                                              │
      └── (edit items) ── returned_for_revision ←─return─┘                                          apply (on the
                                 └──────submit_for_review──────┘                          effective date) → effective

The services compute who the actor is for this decision (`Actor`) and the `Facts`, ask `guard`
for the next status and apply it with an optimistic-concurrency update.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import PublicationStatus as S
from motcua.core.errors import Conflict, PermissionDenied


class Actor(StrEnum):
    """Who acts on a decision, derived from the user's memberships."""

    DRAFTER = "drafter"  # specialist or leader of the drafting agency
    REVIEWER = "reviewer"  # Office reviewer (phòng Kiểm soát TTHC)
    CHAIRMAN = "chairman"  # Chủ tịch UBND
    SYSTEM = "system"  # the scheduled task


class PublicationAction(models.TextChoices):
    SUBMIT_FOR_REVIEW = "submit_for_review", gettext_lazy("submit for review")
    RETURN_FOR_REVISION = "return_for_revision", gettext_lazy("return for revision")
    ACCEPT = "accept", gettext_lazy("accept")
    SUBMIT_TO_CHAIRMAN = "submit_to_chairman", gettext_lazy("submit to the Chairman")
    SIGN = "sign", gettext_lazy("sign")
    APPLY = "apply", gettext_lazy("apply to the catalog")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]


A = PublicationAction

TRANSITIONS: dict[str, Transition] = {
    A.SUBMIT_FOR_REVIEW: Transition(
        frozenset({S.DRAFT, S.RETURNED}), S.UNDER_REVIEW, frozenset({Actor.DRAFTER})
    ),
    A.RETURN_FOR_REVISION: Transition(frozenset({S.UNDER_REVIEW}), S.RETURNED, frozenset({Actor.REVIEWER})),
    A.ACCEPT: Transition(frozenset({S.UNDER_REVIEW}), S.ACCEPTED, frozenset({Actor.REVIEWER})),
    A.SUBMIT_TO_CHAIRMAN: Transition(frozenset({S.ACCEPTED}), S.SUBMITTED, frozenset({Actor.REVIEWER})),
    A.SIGN: Transition(frozenset({S.SUBMITTED}), S.SIGNED, frozenset({Actor.CHAIRMAN})),
    A.APPLY: Transition(frozenset({S.SIGNED}), S.EFFECTIVE, frozenset({Actor.SYSTEM})),
}

# Who may change the items and who may comment, by status (not transitions: the status stays).
EDIT_ITEMS = Transition(frozenset({S.DRAFT, S.RETURNED}), "", frozenset({Actor.DRAFTER}))
COMMENT = Transition(frozenset({S.UNDER_REVIEW}), "", frozenset({Actor.REVIEWER}))
RESOLVE_COMMENT = Transition(
    frozenset({S.UNDER_REVIEW, S.RETURNED}), "", frozenset({Actor.REVIEWER, Actor.DRAFTER})
)
# The signed decision's scanned file (bản ký số / bản scan) is attached by the signer or the Office.
ATTACH_FILE = Transition(frozenset({S.SIGNED, S.EFFECTIVE}), "", frozenset({Actor.CHAIRMAN, Actor.REVIEWER}))


@dataclass(frozen=True)
class Facts:
    """What the guard needs beyond the status. The defaults permit."""

    item_count: int = 1
    open_comments: int = 0


def _check(rule: Transition, status: str, actors: frozenset[Actor]) -> None:
    if status not in rule.sources:
        raise Conflict(
            _("This cannot be done while the decision is %(status)s.") % {"status": S(status).label},
            code="publication_wrong_status",
        )
    if not actors & rule.actors:
        raise PermissionDenied(
            _("Your role does not allow this on this decision."), code="publication_forbidden"
        )


def guard(status: str, action: str, actors: frozenset[Actor], facts: Facts = Facts()) -> str:
    """Return the status `action` leads to from `status`, or raise why it is not allowed."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise Conflict(_("Unknown action."), code="publication_unknown_action")
    _check(rule, status, actors)
    if action == A.SUBMIT_FOR_REVIEW and facts.item_count == 0:
        raise Conflict(_("Add at least one procedure before submitting."), code="publication_empty")
    if action == A.ACCEPT and facts.open_comments:
        raise Conflict(
            _("%(count)d review comments are still open; resolve them or return the draft.")
            % {"count": facts.open_comments},
            code="publication_open_comments",
        )
    return rule.target


def may(rule: Transition, status: str, actors: frozenset[Actor]) -> bool:
    """Whether `actors` may do `rule` in `status` (for the non-transition rules: edit, comment)."""
    return status in rule.sources and bool(actors & rule.actors)


def check(rule: Transition, status: str, actors: frozenset[Actor]) -> None:
    """Raise unless `actors` may do `rule` in `status`."""
    _check(rule, status, actors)


def allowed_actions(status: str, actors: frozenset[Actor]) -> list[str]:
    """The transitions `actors` may attempt now (facts are checked when they try)."""
    return [
        action
        for action, rule in TRANSITIONS.items()
        if status in rule.sources and actors & rule.actors and Actor.SYSTEM not in rule.actors
    ]
