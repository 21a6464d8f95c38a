"""The control-plan task transition table (docs/design.md §3 Control plan): pure data and one guard.

Like the dossiers' table (`motcua.dossiers.workflow`), the service computes who the actor is and asks
`task_guard` whether the move is allowed, then applies it; nothing else changes a task's status.

A task starts "not started", moves to "in progress" once work is reported, and closes "done" (100%) or
"cancelled". The owner agency's staff move their task forward; only the Office reviewers (phòng Kiểm soát
TTHC, who run the plan) cancel a task or reopen a finished one, because both change the plan itself. A
cancelled task stays cancelled: a task dropped from the plan is not picked up again, a new one is added.
Staying in the same status is always allowed (a progress or result note edit).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.control.choices import TaskStatus as T
from motcua.core.errors import Conflict, PermissionDenied

# status → {next status: who may make the move ("owner": the owner agency's staff or the Office;
# "office": the Office reviewers only)}
OWNER, OFFICE = "owner", "office"
TASK_TRANSITIONS: dict[str, dict[str, str]] = {
    T.NOT_STARTED: {T.NOT_STARTED: OWNER, T.IN_PROGRESS: OWNER, T.DONE: OWNER, T.CANCELLED: OFFICE},
    T.IN_PROGRESS: {T.IN_PROGRESS: OWNER, T.DONE: OWNER, T.CANCELLED: OFFICE},
    T.DONE: {T.DONE: OWNER, T.IN_PROGRESS: OFFICE},
    T.CANCELLED: {T.CANCELLED: OWNER},
}


def task_next_statuses(status: str, *, office: bool) -> list[str]:
    """The statuses a task in `status` may take next, for an Office reviewer or for owner staff."""
    return [s for s, who in TASK_TRANSITIONS.get(status, {}).items() if office or who == OWNER]


def task_guard(current: str, target: str, *, office: bool) -> None:
    """Conflict when the table has no move `current` → `target`; PermissionDenied when only the Office may
    make it and the actor is not an Office reviewer."""
    who = TASK_TRANSITIONS.get(current, {}).get(target)
    if who is None:
        raise Conflict(
            _("A task that is %(current)s cannot become %(target)s.")
            % {"current": T(current).label, "target": T(target).label},
            code="task_bad_transition",
        )
    if who == OFFICE and not office:
        raise PermissionDenied(
            _("Only the Office reviewers may cancel a task or reopen a finished one."),
            code="task_office_only",
        )
