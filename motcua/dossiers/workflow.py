"""The dossier transition table (docs/design.md §4): pure data and one guard, no database access.

The workflow service is the only caller that changes a dossier's status: it computes the actor's
roles and the dossier's `Facts`, asks `guard` for the next status, and applies it. Tests drive the
service against this table (a hypothesis state machine) to prove the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.errors import Conflict, PermissionDenied
from motcua.dossiers.choices import DossierAction as A
from motcua.dossiers.choices import DossierStatus as S
from motcua.org.choices import Role as R


class Side(StrEnum):
    """Whose staff may act: the roles counted are those held in the agencies of that side."""

    DESK = "desk"  # the receiving agency (its one-stop desk), plus the applicant
    PROCESS = "process"  # the agency of the current step
    CONSULTED = "consulted"  # an agency with an open consultation
    ADMIN = "admin"  # an administrator of the system, whatever the dossier's agencies


# Pseudo-status of a dossier that does not exist yet (creation by submit or receive at a desk).
NEW = ""

# The result stays where it was: the action records something without changing the status.
SAME = "="

# Return to the status held before a pause (supplement, resume).
BEFORE_PAUSE = "<"

# The staff roles a step of an internal process can name.
PROCESS_ROLES = frozenset({R.RECEIVING_OFFICER, R.SPECIALIST, R.LEADER, R.OFFICE_REVIEWER, R.CHAIRMAN})

UNDECIDED = frozenset({S.RECEIVED, S.IN_PROGRESS, S.AWAITING_SUPPLEMENT, S.SUSPENDED})
TERMINAL = frozenset({S.REJECTED, S.RETURNED, S.STOPPED, S.WITHDRAWN})


@dataclass(frozen=True)
class Facts:
    """What the guard needs to know about a dossier beyond its status. The defaults permit, so
    `guard(status, action, roles)` alone checks the table and the roles."""

    has_next_step: bool = True
    can_send_back: bool = True
    open_consultations: int = 0
    proposed: bool = False
    decision_issued: bool = False
    # The deciding step (the process's last Chairman step, else its last leader step, else its last step
    # that is not the desk's) is the current one: the dossier leaves it only with the decision issued.
    at_deciding_step: bool = False
    # The deciding step comes later and belongs to another agency (the Chairman decides, not the
    # department): nobody before it may issue the decision.
    decided_later_elsewhere: bool = False
    extended: bool = False
    status_before_pause: str = S.IN_PROGRESS
    # Form 04's deadline (docs/design.md §4: at least `apology_notice_days` working days before the legal due
    # moment), set only once it has passed and the late-apology policy refuses late letters.
    apology_deadline_passed: dt.datetime | None = None
    apology_notice_days: int = 1


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    side: Side


def _t(sources, target, roles, side) -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles), side)


TRANSITIONS: dict[str, Transition] = {
    A.SUBMIT: _t({NEW, S.NEEDS_COMPLETION}, S.SUBMITTED, {R.CITIZEN, R.RECEIVING_OFFICER}, Side.DESK),
    A.REQUEST_COMPLETION: _t({S.SUBMITTED}, S.NEEDS_COMPLETION, {R.RECEIVING_OFFICER}, Side.DESK),
    A.REFUSE: _t({S.SUBMITTED, S.NEEDS_COMPLETION}, S.REJECTED, {R.RECEIVING_OFFICER}, Side.DESK),
    A.RECEIVE: _t({NEW, S.SUBMITTED}, S.RECEIVED, {R.RECEIVING_OFFICER}, Side.DESK),
    A.ASSIGN: _t({S.IN_PROGRESS}, S.IN_PROGRESS, {R.LEADER}, Side.PROCESS),
    # Every staff role a process step can name moves the dossier on from a step of its agency: the
    # Office (VP UBND) and the Chairman's steps are steps like the others.
    A.FORWARD: _t({S.RECEIVED, S.IN_PROGRESS}, S.IN_PROGRESS, PROCESS_ROLES, Side.PROCESS),
    # The desk too may send back a dossier that reached it unfinished.
    A.SEND_BACK: _t({S.IN_PROGRESS}, S.IN_PROGRESS, PROCESS_ROLES, Side.PROCESS),
    A.CONSULT: _t({S.IN_PROGRESS}, S.IN_PROGRESS, {R.SPECIALIST, R.LEADER}, Side.PROCESS),
    A.JOIN: _t({S.IN_PROGRESS}, S.IN_PROGRESS, {R.SPECIALIST, R.LEADER}, Side.CONSULTED),
    # The consulting agency goes on without an answer that did not come (the reason is recorded).
    A.END_CONSULTATION: _t(
        {S.IN_PROGRESS}, S.IN_PROGRESS, {R.SPECIALIST, R.LEADER, R.OFFICE_REVIEWER, R.CHAIRMAN}, Side.PROCESS
    ),
    A.REQUEST_SUPPLEMENT: _t(
        {S.RECEIVED, S.IN_PROGRESS},
        S.AWAITING_SUPPLEMENT,
        {R.RECEIVING_OFFICER, R.SPECIALIST, R.LEADER},
        Side.PROCESS,
    ),
    A.SUPPLEMENT: _t({S.AWAITING_SUPPLEMENT}, BEFORE_PAUSE, {R.CITIZEN, R.RECEIVING_OFFICER}, Side.DESK),
    A.SUSPEND: _t({S.RECEIVED, S.IN_PROGRESS}, S.SUSPENDED, {R.SPECIALIST, R.LEADER}, Side.PROCESS),
    A.RESUME: _t({S.SUSPENDED}, BEFORE_PAUSE, {R.SPECIALIST, R.LEADER}, Side.PROCESS),
    A.PROPOSE: _t({S.IN_PROGRESS}, S.IN_PROGRESS, {R.SPECIALIST}, Side.PROCESS),
    A.APPROVE: _t({S.IN_PROGRESS}, S.IN_PROGRESS, {R.LEADER, R.CHAIRMAN}, Side.PROCESS),
    A.MARK_RESULT_READY: _t(
        {S.IN_PROGRESS}, S.RESULT_READY, {R.RECEIVING_OFFICER, R.SPECIALIST, R.LEADER}, Side.PROCESS
    ),
    # The agency holding the dossier attaches (or replaces) the electronic result before it goes back.
    A.ATTACH_RESULT: _t({S.RESULT_READY}, SAME, {R.RECEIVING_OFFICER, R.SPECIALIST, R.LEADER}, Side.PROCESS),
    A.RETURN_RESULT: _t({S.RESULT_READY}, S.RETURNED, {R.RECEIVING_OFFICER}, Side.DESK),
    # Decree 118 Art. 21: stop and withdraw only while no decision or result has been issued.
    A.STOP: _t(UNDECIDED, S.STOPPED, {R.LEADER}, Side.PROCESS),
    A.WITHDRAW: _t(
        UNDECIDED | {S.SUBMITTED, S.NEEDS_COMPLETION},
        S.WITHDRAWN,
        {R.CITIZEN, R.RECEIVING_OFFICER},
        Side.DESK,
    ),
    A.APOLOGISE_EXTEND: _t(UNDECIDED, SAME, {R.LEADER}, Side.PROCESS),
    # An administrator's audited correction of a dossier no one else can move: it is put at a step of its
    # process (open consultations closed), with the reason in its history. Never by editing rows.
    A.CORRECT: _t({S.RECEIVED, S.IN_PROGRESS}, S.IN_PROGRESS, {R.ADMINISTRATOR}, Side.ADMIN),
    # The desk, having checked the applicant's papers, links the dossier to the account they sign in
    # with (issue 10, item 1: links are never made from what a profile declares).
    A.LINK_APPLICANT: _t(set(S) - TERMINAL, SAME, {R.RECEIVING_OFFICER}, Side.DESK),
    # No role takes it: only a change of the working calendar writes it (`recalendar`), on open dossiers.
    A.APPOINTMENT_MOVED: _t(UNDECIDED, SAME, set(), Side.PROCESS),
}

assert set(TRANSITIONS) == set(A), "every action has a row"


def _not_now(message: str, code: str = "transition_not_allowed") -> Conflict:
    return Conflict(message, code=code)


def _check_facts(action: str, facts: Facts) -> None:
    """Rules that depend on more than the status. Each has its own stable error code."""
    if action in (A.FORWARD, A.CONSULT) and facts.open_consultations:
        raise _not_now(_("Wait for the consulted agencies to answer first."), "consultation_open")
    if action == A.FORWARD and not facts.has_next_step:
        raise _not_now(_("This is the last step of the process."), "no_next_step")
    if action == A.FORWARD and facts.at_deciding_step and not facts.decision_issued:
        raise _not_now(
            _("The result must be approved at this step before the dossier goes on."), "not_approved"
        )
    if action == A.END_CONSULTATION and not facts.open_consultations:
        raise _not_now(_("No consultation is waiting for an answer."), "no_open_consultation")
    if action == A.SEND_BACK and not facts.can_send_back:
        raise _not_now(
            _("There is no earlier processing step to send the dossier back to."), "no_previous_step"
        )
    if action == A.JOIN and not facts.open_consultations:
        raise _not_now(_("No consultation is waiting for an answer."), "no_open_consultation")
    if action in (A.PROPOSE, A.APPROVE, A.SEND_BACK, A.STOP, A.WITHDRAW) and facts.decision_issued:
        raise _not_now(_("A decision has already been issued for this dossier."), "decision_issued")
    if action == A.APPROVE and facts.decided_later_elsewhere and not facts.decision_issued:
        raise _not_now(
            _("The decision belongs to a later step of another agency (e.g. the Chairman's)."),
            "decided_later",
        )
    if action == A.PROPOSE and facts.proposed:
        raise _not_now(_("A result has already been proposed."), "already_proposed")
    if action == A.APPROVE and not facts.proposed:
        raise _not_now(_("Nothing has been proposed yet."), "nothing_proposed")
    if action == A.MARK_RESULT_READY and not facts.decision_issued:
        raise _not_now(_("The result has not been approved yet."), "not_approved")
    if action == A.APOLOGISE_EXTEND and facts.extended:
        raise _not_now(_("The apology and extension can be given only once."), "already_extended")
    if action == A.APOLOGISE_EXTEND and facts.apology_deadline_passed is not None:
        raise _not_now(
            ngettext(
                "It is too late for the apology and new appointment (Form 04): it had to be issued by "
                "%(deadline)s, %(days)d working day before the legal due moment.",
                "It is too late for the apology and new appointment (Form 04): it had to be issued by "
                "%(deadline)s, %(days)d working days before the legal due moment.",
                facts.apology_notice_days,
            )
            % {
                "deadline": timezone.localtime(facts.apology_deadline_passed).strftime("%H:%M %d/%m/%Y"),
                "days": facts.apology_notice_days,
            },
            "apology_too_late",
        )


def _status_label(status: str) -> str:
    """The state as people read it ("đang xử lý"), never its code ("in_progress")."""
    if not status:
        return _("not yet filed")
    try:
        return str(S(status).label)
    except ValueError:
        return status


def guard(status: str, action: str, roles: set[str] | frozenset[str], facts: Facts | None = None) -> str:
    """The status a dossier in `status` moves to when someone holding `roles` takes `action`.

    Raises Conflict (`transition_not_allowed`, or a more precise code from the facts) when the
    action is not possible now, PermissionDenied when none of `roles` may take it.
    Order: the status first, then the roles, then the facts.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise _not_now(_("Unknown action."), "unknown_action")
    if status not in transition.sources:
        raise _not_now(
            _("This action is not possible while the dossier is %(status)s.")
            % {"status": _status_label(status)}
        )
    if not transition.roles & set(roles):
        raise PermissionDenied(_("Your role does not allow this action."), code="role_not_allowed")
    facts = facts or Facts()
    _check_facts(action, facts)
    if transition.target == SAME:
        return status
    if transition.target == BEFORE_PAUSE:
        return facts.status_before_pause
    return transition.target


def allowed_actions(status: str, roles: set[str] | frozenset[str], facts: Facts | None = None) -> list[str]:
    """The actions `roles` may take now (for pages and the API's hints)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            guard(status, action, roles, facts)
        except (Conflict, PermissionDenied):
            continue
        allowed.append(action)
    return allowed
