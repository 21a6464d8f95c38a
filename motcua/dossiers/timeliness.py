"""Early / on time / late: the one definition (docs/design.md §6), as values, functions and queryset filters.

Every place that says whether a dossier or a step was timely calls this module: the control slip (the
dossier page and Form 06), the tracking register (Form 07), the ratings' 2/1/0 indices, the statistics of
report form 06/VPCP/KSTT, the task lists' overdue filter, the tracking page and the API.

Two rules, each for what the law compares:

- A dossier (or a hand-over, on the control slip) against its due moment — `timeliness`:
  late (quá hạn) after the due moment; early (trước hạn) on a local day before the due day (the sense of
  "trước hạn" in the statistics of Circular 01/2020: the appointment speaks in days, so a result ready on
  the appointment day is on time, not early); on time (đúng hạn) otherwise. The queryset filters
  `early_q`, `on_time_q` and `late_q` are the same rule in SQL, so a figure and the rows behind it agree.
- A step of the internal process for the ratings' "time per participating unit" index — `step_timeliness`:
  shares are often a quarter of a day, so "a day before" cannot apply; a step is early when it finished
  with at least a quarter of its share (working time) left, late after its own due moment.

Overdue (quá hạn, still open): a dossier whose clock runs past its legal due moment — `is_overdue` and
`overdue_q`. Paused dossiers are not overdue: their due moment already moves with the pause. The legal due
moment is never moved by the apology's extension (Form 04), so an extended dossier still counts late.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.choices import RUNNING_STATUSES
from motcua.workdays.selectors import working_minutes_between


class Timeliness(models.TextChoices):
    """Result status of a dossier, a step or a hand-over: trước hạn / đúng hạn / quá hạn."""

    EARLY = "early", _("early")  # trước hạn: finished on a day before the due day
    ON_TIME = "on_time", _("on time")  # đúng hạn: on the due day, by the due moment
    LATE = "late", _("late")  # quá hạn: after the due moment

    @property
    def legal_label(self) -> str:
        """The wording printed on the legal forms (Vietnamese content, whatever the reader's language)."""
        return LEGAL_LABELS[self]


LEGAL_LABELS = {Timeliness.EARLY: "Trước hạn", Timeliness.ON_TIME: "Đúng hạn", Timeliness.LATE: "Quá hạn"}

# The legal indices score 2 / 1 / 0 points (Circular 01/2018/TT-VPCP Annex, kept by Decree 118/2025).
SCORE = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1, Timeliness.LATE: 0}


def timeliness(done_at: dt.datetime | None, due_at: dt.datetime | None) -> Timeliness | None:
    """Late after the due moment; early when done on an earlier local day than the due day; on time
    otherwise. None when either moment is missing (not finished, or no deadline)."""
    if done_at is None or due_at is None:
        return None
    if done_at > due_at:
        return Timeliness.LATE
    if timezone.localdate(done_at) < timezone.localdate(due_at):
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def step_timeliness(finished_at: dt.datetime, due_at: dt.datetime, share_minutes: int) -> Timeliness:
    """A step is early with at least a quarter of its share (working time) left, late after its due moment."""
    if finished_at > due_at:
        return Timeliness.LATE
    if share_minutes > 0 and working_minutes_between(finished_at, due_at) * 4 >= share_minutes:
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def is_overdue(*, status: str, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Still running past the legal due moment."""
    return status in RUNNING_STATUSES and due_at is not None and due_at < now


def is_late(
    *, status: str, due_at: dt.datetime | None, result_ready_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """Late against the legal due moment: the result came after it, or the dossier still runs past it."""
    if result_ready_at is not None:
        return timeliness(result_ready_at, due_at) == Timeliness.LATE
    return is_overdue(status=status, due_at=due_at, now=now)


# --- the same rules as queryset filters ------------------------------------------------------------------
# TruncDate uses the current time zone (Asia/Ho_Chi_Minh), as `timezone.localdate` does above.


def early_q(done: str = "result_ready_at", due: str = "due_at") -> Q:
    """`timeliness(done, due) == EARLY` as a filter."""
    return Q(LessThan(TruncDate(done), TruncDate(due)))


def on_time_q(done: str = "result_ready_at", due: str = "due_at") -> Q:
    """`timeliness(done, due) == ON_TIME` as a filter."""
    return Q(**{f"{done}__lte": F(due)}) & Q(GreaterThanOrEqual(TruncDate(done), TruncDate(due)))


def late_q(done: str = "result_ready_at", due: str = "due_at") -> Q:
    """`timeliness(done, due) == LATE` as a filter."""
    return Q(**{f"{done}__gt": F(due)})


def overdue_q(now: dt.datetime) -> Q:
    """`is_overdue(...)` as a filter."""
    return Q(status__in=RUNNING_STATUSES, due_at__lt=now)
