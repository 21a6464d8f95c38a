"""Report form 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): the figures and what each one means.

Every figure counts dossiers. One definition per column (`COLUMNS`, column → Q over a period) is used both
to count (conditional aggregation, `Count(filter=Q)`, one query per report) and to list the dossiers behind
a figure (the drill-down), so a figure always equals the length of its list.

At the scale of a province (10 million dossiers) the province-wide report of periods that have ended is
read from the daily snapshot instead (`motcua.stats.snapshot`, `DailyFigure`, refreshed by
`manage.py stats_snapshot` or the `refresh_snapshot_task`): each base column is one sum of one snapshot
column over a range of days, proved equal to the count of the same Q below (tests/test_snapshot.py). The
drill-down always lists live dossiers.

Where the moments come from. The workflow service writes each moment below on the dossier row in the
same transaction as the event that caused it (`receive` → `received_at`, `mark_result_ready` →
`result_ready_at`, `return_result` → `returned_at` and `closed_at`, `stop`/`withdraw` → `closed_at`,
`apologise_extend` → `extended_due_at`), so the columns are the projection of the append-only event log;
the tests check the two agree, and each drill-down row links to the dossier's history.

Semantics (a period is the half-open interval [start, end) of aware moments; months are local months of
Asia/Ho_Chi_Minh):

- Only dossiers that were *received* count (`received_at` set): a dossier refused (Form 03), still awaiting
  the desk's check, or withdrawn before reception never started the legal clock and is not in form 06.
- received_online / received_desk_post: received within the period (`start <= received_at < end`), split
  by filing channel (online; at a desk or by post).
- carried_over (từ kỳ trước): received before the period and not finished at its start.
- received_total = received_online + received_desk_post + carried_over (form 06's "Tổng số").
- Resolved (đã giải quyết): the result was decided — `result_ready_at` set (the clock stops there; the
  workflow returns a result only from `result_ready`, so a returned dossier has it too). The resolution
  moment `result_ready_at` must fall within the period. Compared with the legal due
  moment `due_at` (moved by supplement pauses, never by the apology's extension, so a dossier extended by
  Form 04 and resolved after `due_at` counts late — docs/design.md §4):
    - early (trước hạn): resolved on a local day before the due day;
    - on time (đúng hạn): on the due day, at or before the due moment;
    - late (quá hạn): after the due moment.
  The rule and its filters live in `motcua.dossiers.timeliness` (also the ratings' total-time index).
- closed_without_result: stopped (Form 05) or withdrawn after reception within the period. Form 06 has no
  column for them; they are neither resolved nor in progress, and are shown apart so that
  received_total = resolved_total + closed_without_result + in_progress_total holds for every row.
- In progress (đang giải quyết) at the period's end — or at `now` if the period ends in the future:
  received before that moment and not finished by it (finished = resolved or closed without result);
  within deadline if `due_at` is at or after that moment, overdue otherwise. Paused dossiers (awaiting a
  supplement, suspended) are in progress; their `due_at` already includes the pause so far.
- on_time_rate (the headline) = (early + on_time) / resolved_total.

Dimensions: agency = the competent agency (cơ quan giải quyết); field and procedure = of the procedure
version the dossier was received under; level = the administrative tier of the competent agency's unit
(province, commune…); month = each local calendar month of the period, every column recomputed for that
month as a period of its own (a dossier open for three months is carried over twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, IsNull
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.dates import check_days
from motcua.core.errors import InvalidInput
from motcua.dossiers.choices import Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.timeliness import early_q, late_q, on_time_q

# --- the columns ---------------------------------------------------------------------------------------


def finished_at() -> Coalesce:
    """When the dossier left processing (resolved, stopped or withdrawn); NULL while open. Indexed on
    PostgreSQL by migration 0001 for `relevant`: keep the two expressions identical."""
    return Coalesce("result_ready_at", "returned_at", "closed_at")


def figures_base(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """`qs` limited to received dossiers: the only ones form 06 counts."""
    return qs.filter(received_at__isnull=False)


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime
    # The moment "in progress" is measured at: the end, or now if the period has not ended yet.
    as_of: dt.datetime


# The workflow only returns a result from `result_ready` (workflow.TRANSITIONS), so every resolved
# dossier has `result_ready_at`: it is the resolution moment, a plain column. A returned dossier's
# `closed_at` comes after it, and a stopped or withdrawn one has no `result_ready_at`, so "finished
# before m" is simply `result_ready_at < m OR closed_at < m`. Plain columns keep the 54 conditional
# counts of a 6-month report cheap to evaluate per row.


def _received(p: Period) -> Q:
    return Q(received_at__gte=p.start, received_at__lt=p.end)


def _resolved(p: Period) -> Q:
    return Q(result_ready_at__gte=p.start, result_ready_at__lt=p.end)


def _open_at(moment: dt.datetime) -> Q:
    return (
        Q(received_at__lt=moment)
        & (Q(result_ready_at__isnull=True) | Q(result_ready_at__gte=moment))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    )


ColumnDef = Callable[[Period], Q]

# The base columns: pairwise disjoint for a given period; the totals are their sums (and their unions).
BASE_COLUMNS: dict[str, ColumnDef] = {
    "received_online": lambda p: _received(p) & Q(channel=Channel.ONLINE),
    "received_desk_post": lambda p: _received(p) & Q(channel__in=[Channel.DESK, Channel.POST]),
    "carried_over": lambda p: _open_at(p.start),
    "resolved_early": lambda p: _resolved(p) & early_q(),
    "resolved_on_time": lambda p: _resolved(p) & on_time_q(),
    "resolved_late": lambda p: _resolved(p) & late_q(),
    "closed_without_result": lambda p: Q(
        result_ready_at__isnull=True, closed_at__gte=p.start, closed_at__lt=p.end
    ),
    "in_progress_within": lambda p: _open_at(p.as_of) & Q(due_at__gte=p.as_of),
    "in_progress_overdue": lambda p: _open_at(p.as_of) & Q(due_at__lt=p.as_of),
}

TOTALS: dict[str, tuple[str, ...]] = {
    "received_total": ("received_online", "received_desk_post", "carried_over"),
    "resolved_total": ("resolved_early", "resolved_on_time", "resolved_late"),
    "in_progress_total": ("in_progress_within", "in_progress_overdue"),
}


def _union(names: tuple[str, ...]) -> ColumnDef:
    def q(p: Period) -> Q:
        combined = Q()
        for name in names:
            combined |= BASE_COLUMNS[name](p)
        return combined

    return q


COLUMNS: dict[str, ColumnDef] = {**BASE_COLUMNS, **{name: _union(parts) for name, parts in TOTALS.items()}}

# Form 06's order, with the labels printed on the page and in the exports.
COLUMN_ORDER: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_desk_post",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_within",
    "in_progress_overdue",
    "closed_without_result",
)
COLUMN_LABELS = {
    "received_total": gettext_lazy("Received: total"),
    "received_online": gettext_lazy("Received online"),
    "received_desk_post": gettext_lazy("Received at a desk or by post"),
    "carried_over": gettext_lazy("Carried over"),
    "resolved_total": gettext_lazy("Resolved: total"),
    "resolved_early": gettext_lazy("Resolved early"),
    "resolved_on_time": gettext_lazy("Resolved on time"),
    "resolved_late": gettext_lazy("Resolved late"),
    "in_progress_total": gettext_lazy("In progress: total"),
    "in_progress_within": gettext_lazy("In progress within deadline"),
    "in_progress_overdue": gettext_lazy("In progress overdue"),
    "closed_without_result": gettext_lazy("Stopped or withdrawn"),
}

# --- dimensions ----------------------------------------------------------------------------------------

DIMENSIONS: dict[str, str] = {
    "agency": "competent_agency_id",
    "field": "procedure_version__field_id",
    "procedure": "procedure_version__procedure_id",
    "level": "competent_agency__unit__level_id",
}
DIMENSION_NAMES = (*DIMENSIONS, "month")
MAX_MONTHS = 36


def _labels(dimension: str, keys: Iterable) -> dict:
    """Key → (code, name) for the rows of one dimension, read in one query."""
    from motcua.catalog.models import Field, Procedure, ProcedureVersion
    from motcua.org.models import Agency, UnitLevel

    keys = [k for k in keys if k is not None]
    if dimension == "agency":
        return {a.pk: (a.identifier, a.name) for a in Agency.objects.filter(pk__in=keys)}
    if dimension == "field":
        return {f.pk: (f.code or "", f.name) for f in Field.objects.filter(pk__in=keys)}
    if dimension == "level":
        return {u.pk: (u.code, u.name) for u in UnitLevel.objects.filter(pk__in=keys)}
    if dimension == "procedure":
        latest: dict = {}
        for pid, name in (
            ProcedureVersion.objects.filter(procedure_id__in=keys)
            .order_by("-is_current", "-number")
            .values_list("procedure_id", "name")
        ):
            latest.setdefault(pid, name)
        return {p.pk: (p.code, latest.get(p.pk, "")) for p in Procedure.objects.filter(pk__in=keys)}
    raise ValueError(dimension)


# --- periods -------------------------------------------------------------------------------------------


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=local_tz())


def month_starts(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The local month boundaries cutting [start, end): start, every 1st of a month inside, end."""
    local = timezone.localtime(start, local_tz())
    cuts = [start]
    year, month = local.year, local.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        cut = dt.datetime(year, month, 1, tzinfo=local_tz())
        if cut >= end:
            break
        cuts.append(cut)
    cuts.append(end)
    return cuts


def parse_period(date_from: str | dt.date | None, date_to: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """Two dates (ISO strings or dates) → [from, to) as dates; to is exclusive. Raises InvalidInput."""

    def parse(value, name):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except (TypeError, ValueError):
            raise InvalidInput(
                _("'%(name)s' must be a date written YYYY-MM-DD.") % {"name": name}, code="invalid_date"
            ) from None

    if not date_from or not date_to:
        raise InvalidInput(_("Give both 'from' and 'to' (YYYY-MM-DD)."), code="period_required")
    start, end = parse(date_from, "from"), parse(date_to, "to")
    check_days(start, end)
    if end <= start:
        raise InvalidInput(_("'to' must come after 'from'."), code="invalid_period")
    if (end - start).days > 3 * 366:
        raise InvalidInput(_("A report covers at most three years."), code="period_too_long")
    return start, end


def parse_group_by(value: str | None) -> tuple[str | None, bool]:
    """'agency', 'month', 'agency,month'… → (dimension or None, by month). Raises InvalidInput."""
    parts = [p.strip() for p in (value or "agency").split(",") if p.strip()]
    unknown = [p for p in parts if p not in DIMENSION_NAMES]
    others = [p for p in parts if p != "month"]
    if not parts or unknown or len(others) > 1 or len(parts) != len(set(parts)):
        raise InvalidInput(
            _("group_by is one of %(names)s, optionally with month (e.g. agency,month).")
            % {"names": ", ".join(DIMENSION_NAMES)},
            code="invalid_group_by",
        )
    return (others[0] if others else None), "month" in parts


# --- the report ----------------------------------------------------------------------------------------


@dataclass
class Row:
    key: object  # the dimension's id (None for the whole scope)
    code: str
    name: str
    month: dt.date | None
    figures: dict[str, int]

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.figures)

    def cells(self) -> list[tuple[str, int]]:
        return [(c, self.figures[c]) for c in COLUMN_ORDER]


@dataclass
class Report:
    date_from: dt.date
    date_to: dt.date
    dimension: str | None
    by_month: bool
    rows: list[Row]
    total: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.total)

    def total_cells(self) -> list[tuple[str, int]]:
        return [(c, self.total[c]) for c in COLUMN_ORDER]


def on_time_rate(figures: dict[str, int]) -> float | None:
    """(early + on time) / resolved; None when nothing was resolved."""
    resolved = figures.get("resolved_total", 0)
    if not resolved:
        return None
    return (figures["resolved_early"] + figures["resolved_on_time"]) / resolved


def _with_totals(base: dict[str, int]) -> dict[str, int]:
    figures = dict(base)
    for name, parts in TOTALS.items():
        figures[name] = sum(base[p] for p in parts)
    return figures


def _periods(start: dt.date, end: dt.date, by_month: bool, now: dt.datetime) -> list[Period]:
    s, e = day_start(start), day_start(end)
    cuts = month_starts(s, e) if by_month else [s, e]
    return [Period(a, b, min(b, now)) for a, b in zip(cuts, cuts[1:], strict=False)]


def relevant(qs: QuerySet[Dossier], start: dt.datetime, end: dt.datetime) -> QuerySet[Dossier]:
    """Only the dossiers that can appear in some column of [start, end): received before its end and
    not finished before its start. Implied by every column; lets PostgreSQL use the indexes."""
    return qs.filter(received_at__lt=end).filter(
        Q(received_at__gte=start)
        | Q(GreaterThanOrEqual(finished_at(), start))
        | Q(IsNull(finished_at(), True))
    )


def _live_base_figures(
    qs: QuerySet[Dossier], periods: list[Period], dimension: str | None
) -> dict[object, list[dict[str, int]]]:
    """Key of `dimension` (None for the whole scope) → per period, the 9 base columns, counted from the
    dossiers of `qs` in one query (conditional aggregation over the `BASE_COLUMNS` definitions)."""
    # `relevant` from the earliest moment any column looks at: a period's start, or its as_of when that
    # comes first (a period not begun yet, or the live part of a period cut at the snapshot's horizon).
    earliest = min(min(p.start, p.as_of) for p in periods)
    base = relevant(figures_base(qs), earliest, max(p.end for p in periods))
    aggregates = {
        f"m{i}__{name}": Count("pk", filter=definition(p))
        for i, p in enumerate(periods)
        for name, definition in BASE_COLUMNS.items()
    }
    if dimension:
        path = DIMENSIONS[dimension]
        results = {r.pop(path): r for r in base.order_by().values(path).annotate(**aggregates)}
    else:
        results = {None: base.aggregate(**aggregates)}
    return {
        key: [{c: r[f"m{i}__{c}"] or 0 for c in BASE_COLUMNS} for i in range(len(periods))]
        for key, r in results.items()
    }


def _whole_province(qs: QuerySet[Dossier]) -> bool:
    """Whether `qs` is every dossier (the province-wide scope, `Dossier.objects.all()`): the snapshot
    holds the province's figures per competent agency, so it answers only that scope."""
    return qs.model is Dossier and not qs.query.where and not qs.query.is_sliced


def base_figures(
    qs: QuerySet[Dossier], periods: list[Period], dimension: str | None, *, use_snapshot: bool = True
) -> dict[object, list[dict[str, int]]]:
    """The 9 base columns per key and period, for the whole province from the snapshot as far as it goes
    (`motcua.stats.snapshot`), the rest live; for a narrower scope, live.

    A period [s, e) measured at a (its end, or now) is read from the snapshot when it has ended and its
    days are all snapshotted (`snapshot.covers`). Otherwise, with the snapshot's horizon H and
    cut = min(e, H), s ≤ H: the flows are those of [s, cut) from the snapshot plus those of [cut, e) live
    (flows add up over disjoint intervals), carried over (a stock at s ≤ H) comes from the snapshot and
    in progress (a stock at a) live — the live query then reads only the dossiers touching [cut, e): today's
    events and the open dossiers. Both agree with the live count of the dossiers as they were at the
    snapshot's last refresh."""
    from motcua.stats import snapshot

    state = snapshot.state() if use_snapshot and _whole_province(qs) else None
    horizon = day_start(state.horizon) if state else None
    # Each part: (period index, the part's period, which columns it gives).
    snapshot_parts: list[tuple[int, Period, tuple[str, ...]]] = []
    live_parts: list[tuple[int, Period, tuple[str, ...]]] = []
    every, flows = tuple(BASE_COLUMNS), tuple(snapshot.FLOW_COLUMNS)
    for i, p in enumerate(periods):
        if snapshot.covers(p, state):
            snapshot_parts.append((i, p, every))
        elif horizon is not None and p.start <= horizon:
            cut = min(p.end, horizon)
            snapshot_parts.append((i, Period(p.start, cut, cut), (*flows, "carried_over")))
            live_parts.append(
                (i, Period(cut, p.end, p.as_of), (*flows, "in_progress_within", "in_progress_overdue"))
            )
        else:
            live_parts.append((i, p, every))
    results: dict[object, list[dict[str, int]]] = {}
    for parts, compute in (
        (snapshot_parts, lambda ps: snapshot.base_figures(ps, dimension)),
        (live_parts, lambda ps: _live_base_figures(qs, ps, dimension)),
    ):
        if not parts:
            continue
        for key, per_part in compute([part for _index, part, _columns in parts]).items():
            merged = results.setdefault(key, [dict.fromkeys(BASE_COLUMNS, 0) for _p in periods])
            for (i, _part, columns), values in zip(parts, per_part, strict=True):
                for column in columns:
                    merged[i][column] += values[column]
    return results


def form06(
    qs: QuerySet[Dossier],
    *,
    date_from: dt.date,
    date_to: dt.date,
    dimension: str | None = "agency",
    by_month: bool = False,
    now: dt.datetime | None = None,
    use_snapshot: bool = True,
) -> Report:
    """Form 06 over the dossiers of `qs` (already scoped to the caller) for [date_from, date_to), one row
    per value of `dimension` (and per month if `by_month`). See the module docstring for the meaning,
    `base_figures` for where the numbers come from (`use_snapshot=False`: always live)."""
    now = now or timezone.now()
    periods = _periods(date_from, date_to, by_month, now)
    if len(periods) > MAX_MONTHS:
        raise InvalidInput(_("At most %(n)d months per report.") % {"n": MAX_MONTHS}, code="period_too_long")
    results = base_figures(qs, periods, dimension, use_snapshot=use_snapshot)
    if not dimension:
        results.setdefault(None, [dict.fromkeys(BASE_COLUMNS, 0) for _ in periods])
    labels = _labels(dimension, results) if dimension else {}

    rows: list[Row] = []
    for key, per_period in results.items():
        code, name = labels.get(key, ("", _("All agencies") if not dimension else ""))
        for p, base_figures_ in zip(periods, per_period, strict=True):
            if not any(base_figures_.values()) and dimension:
                continue
            month = timezone.localtime(p.start, local_tz()).date().replace(day=1) if by_month else None
            rows.append(Row(key, code, name, month, _with_totals(base_figures_)))
    rows.sort(key=lambda r: (r.name, r.code, r.month or dt.date.min))
    total = {c: 0 for c in COLUMNS}
    if not by_month:
        for row in rows:
            for c in COLUMNS:
                total[c] += row.figures[c]
    else:
        # Over the whole period, carried over and in progress are not sums of the months.
        total = form06(
            qs, date_from=date_from, date_to=date_to, dimension=None, now=now, use_snapshot=use_snapshot
        ).total
    return Report(date_from, date_to, dimension, by_month, rows, total)


def drill_down(
    qs: QuerySet[Dossier],
    *,
    column: str,
    date_from: dt.date,
    date_to: dt.date,
    dimension: str | None = None,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers behind one figure: the same Q as the count, over `qs` (already scoped)."""
    if column not in COLUMNS:
        raise InvalidInput(_("Unknown column."), code="invalid_column")
    now = now or timezone.now()
    (period,) = _periods(date_from, date_to, False, now)
    result = figures_base(qs).filter(COLUMNS[column](period))
    if dimension:
        if dimension not in DIMENSIONS:
            raise InvalidInput(_("Unknown dimension."), code="invalid_group_by")
        try:
            result = result.filter(**{DIMENSIONS[dimension]: int(key)})
        except (TypeError, ValueError):
            raise InvalidInput(_("Unknown key."), code="invalid_key") from None
    return result.order_by("received_at", "code")
