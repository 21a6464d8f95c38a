"""The legal 2/1/0 indices of a rating, computed from a dossier's steps and events (pure functions).

Circular 01/2018/TT-VPCP (Annex) scores each index 2 / 1 / 0:
- total time against the legal limit: early 2, on time 1, late 0; the moment compared is when the
  result was ready (the clock stops there), against the legal due moment (moved by supplement pauses,
  never by the apology's extension: an extended dossier still counts late);
- time at each participating unit: each step (and consultation) against its own due moment (its share
  of the limit, moved by pauses); a unit scores its worst step; the index is the worst unit, so 2 means
  every unit early and 0 at least one unit late. Shares are often a quarter of a day, so for a step
  "early" cannot mean "a day before": a step is early when it finished with at least a quarter of its
  share left (it used at most three quarters of its time);
- contacts the applicant needed to complete the dossier: at most 1 scores 2, 2 scores 1, more 0.

The two rules (by day for the total, by share for a step) live in `motcua.dossiers.timeliness`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from motcua.dossiers.timeliness import SCORE, step_timeliness, timeliness

RESULT_READY = "mark_result_ready"
RETURN_RESULT = "return_result"


def contacts_score(contacts: int) -> int:
    """2 points for at most one contact, 1 for two, 0 for more."""
    if contacts <= 1:
        return 2
    if contacts == 2:
        return 1
    return 0


def resolved_moment(events: Iterable, fallback: dt.datetime | None = None) -> dt.datetime | None:
    """When the result was ready: the last `mark_result_ready` event, else the return event."""
    ready = returned = None
    for event in events:
        if event.action == RESULT_READY:
            ready = event.created_at
        elif event.action == RETURN_RESULT:
            returned = event.created_at
    return ready or returned or fallback


@dataclass(frozen=True)
class Indices:
    resolved_at: dt.datetime
    due_at: dt.datetime
    total_time_score: int
    unit_time_score: int
    unit_scores: dict[str, int]


def unit_scores(steps: Iterable, agency_identifier) -> dict[str, int]:
    """Each participating agency's score: its worst finished step against the step's due moment.

    `agency_identifier(step)` names a step's agency; steps never started or without a due moment
    (a step skipped by a send-back) do not count.
    """
    scores: dict[str, int] = {}
    for step in steps:
        if step.started_at is None or step.finished_at is None or step.due_at is None:
            continue
        score = SCORE[step_timeliness(step.finished_at, step.due_at, step.share_minutes)]
        key = agency_identifier(step)
        scores[key] = min(score, scores.get(key, 2))
    return scores


def compute_indices(
    *, due_at: dt.datetime, resolved_at: dt.datetime, steps: Iterable, agency_identifier
) -> Indices:
    """The two time-based indices of a finished dossier."""
    per_unit = unit_scores(steps, agency_identifier)
    total = SCORE[timeliness(resolved_at, due_at)]
    return Indices(
        resolved_at=resolved_at,
        due_at=due_at,
        total_time_score=total,
        # No recorded step (a procedure without process): the unit index follows the total.
        unit_time_score=min(per_unit.values()) if per_unit else total,
        unit_scores=per_unit,
    )
