"""The form 06 snapshot: how `DailyFigure` rows are computed, refreshed and read back into form 06.

Notation, for one received dossier: R = received_at, RR = result_ready_at, C = closed_at,
F = the moment it finished = min(RR, C) (NULL while open; "finished before m" ⇔ RR < m or C < m, the live
`_open_at`), D = due_at (may be NULL). day(x) = the local date of x. For a local midnight m,
x < m ⇔ day(x) < day(m), so every "moment before m" condition becomes "day before day(m)".

What a dossier adds to the rows of its (competent agency, procedure version):

| column | on day | amount |
|---|---|---|
| received_online / received_desk_post | day(R) | +1 by channel |
| resolved_early / _on_time / _late | day(RR) | +1, `motcua.dossiers.timeliness` early/on time/late |
| closed_without_result | day(C), if RR is NULL | +1 |
| open_change | day(R); day(max(R, F)) | +1; −1 |
| within_change (only if D is set) | day(R); day(max(R, F)); day(max(R, D)); day(max(R, D, F)) | +1; −1; −1; +1 |
| overdue_change (only if D is set) | day(max(R, D)); day(max(R, D, F)) | +1; −1 |

(terms with F NULL are left out). Why the sums are exact, for a local midnight m:

- open at m (live `_open_at(m)`) ⇔ R < m ∧ ¬(F < m). Since F < m ∧ R < m ⇔ max(R, F) < m,
  #open(m) = #(R < m) − #(max(R, F) < m) = Σ_{day < day(m)} open_change. carried_over = #open(start).
- overdue at m ⇔ open at m ∧ D < m, = #(max(R, D) < m) − #(max(R, D, F) < m)
  = Σ_{day < day(m)} overdue_change.
- within deadline at m ⇔ open at m ∧ D ≥ m = #(open at m ∧ D set) − #(overdue at m)
  = Σ_{day < day(m)} within_change.
- the flows: start ≤ x < end ⇔ day(start) ≤ day(x) < day(end).

So, for a period [s, e) of whole local days measured at e (a period that has ended), every base column is
one sum of one column over days in [s, e) (flows), days < s (carried over) or days < e (in progress);
`figures.form06` uses it then, and the live query otherwise (a period not over yet, a scope narrower
than the province: the rows are per competent agency, while a staff member's scope follows
`DossierAgency`). The hypothesis test `tests/test_snapshot.py` checks snapshot = live on random data.

Incremental refresh. All the days a dossier touches are ≥ day(min(R, RR, C)) (the stock days are
max(R, …)). R, RR and C are written once by the workflow; only D (moved by supplement pauses) and the
dimensions could change later, and they enter only through max(R, …) or the row's key. So after a dossier
changes, recomputing every day from day(min(R, RR, C)) on, for all keys, removes its old contribution
and adds the new one, whatever its old values were. A refresh therefore recomputes every day from
min(previous horizon, day(min(R, RR, C)) of each dossier whose `updated_at` ≥ the previous refresh −
`DIRTY_MARGIN`) to the new horizon (today), in one transaction. `DIRTY_MARGIN` covers transactions that
set `updated_at` before the previous refresh read but committed after it. A dossier deleted, or a moment
changed by hand outside the workflow without touching `updated_at`, needs `--full` (or `--from`).

Staleness: a period served from the snapshot shows the dossiers as they were at the last refresh
(`SnapshotState.refreshed_at`); events move only today's days, which the snapshot never holds, so the
difference is limited to due moments moved by a pause since then (the task runs every few minutes).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from motcua.dossiers.choices import Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.timeliness import early_q, late_q, on_time_q
from motcua.stats import figures
from motcua.stats.models import DailyFigure, SnapshotState

DIRTY_MARGIN = dt.timedelta(minutes=10)
BATCH = 5000

FLOW_COLUMNS = (
    "received_online",
    "received_desk_post",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "closed_without_result",
)
# Base column → (stock change column, the moment it is measured at: the period's start or end).
STOCK_COLUMNS = {
    "carried_over": ("open_change", "start"),
    "in_progress_within": ("within_change", "end"),
    "in_progress_overdue": ("overdue_change", "end"),
}
ROW_COLUMNS = (*FLOW_COLUMNS, "open_change", "within_change", "overdue_change")

# The snapshot's path to each dimension of `figures.DIMENSIONS`.
DIMENSIONS = {
    "agency": "agency_id",
    "field": "procedure_version__field_id",
    "procedure": "procedure_version__procedure_id",
    "level": "agency__unit__level_id",
}


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, figures.local_tz()).date()


# --- computing the rows ---------------------------------------------------------------------------------


def _finished() -> Coalesce:
    # min(RR, C) ignoring NULLs on every database (LEAST ignores them on PostgreSQL, not on SQLite).
    return Coalesce(Least("result_ready_at", "closed_at"), "result_ready_at", "closed_at")


def _day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=figures.local_tz())


# Each contribution: (the day expression, the dossiers it applies to, {row column: (sign, extra filter)}).
# Greatest gets no NULL argument (SQLite's would return NULL): the filters exclude them.
_RECEIVED, _FINISHED = Q(), Q(result_ready_at__isnull=False) | Q(closed_at__isnull=False)
_HAS_DUE = Q(due_at__isnull=False)


def _contributions():
    online = Q(channel=Channel.ONLINE)
    desk_post = Q(channel__in=[Channel.DESK, Channel.POST])
    return [
        (
            F("received_at"),
            _RECEIVED,
            {
                "received_online": (1, online),
                "received_desk_post": (1, desk_post),
                "open_change": (1, Q()),
                "within_change": (1, _HAS_DUE),
            },
        ),
        (
            Greatest("received_at", _finished()),
            _FINISHED,
            {"open_change": (-1, Q()), "within_change": (-1, _HAS_DUE)},
        ),
        (
            Greatest("received_at", "due_at"),
            _HAS_DUE,
            {"within_change": (-1, Q()), "overdue_change": (1, Q())},
        ),
        (
            Greatest("received_at", "due_at", _finished()),
            _HAS_DUE & _FINISHED,
            {"within_change": (1, Q()), "overdue_change": (-1, Q())},
        ),
        (
            F("result_ready_at"),
            Q(result_ready_at__isnull=False),
            {
                "resolved_early": (1, early_q()),
                "resolved_on_time": (1, on_time_q()),
                "resolved_late": (1, late_q()),
            },
        ),
        (
            F("closed_at"),
            Q(result_ready_at__isnull=True, closed_at__isnull=False),
            {"closed_without_result": (1, Q())},
        ),
    ]


def compute_rows(first_day: dt.date | None, horizon: dt.date) -> list[DailyFigure]:
    """The `DailyFigure` rows for the days in [first_day, horizon) (from the first dossier if None),
    from the dossier rows as they are now, all-zero rows left out."""
    dossiers: QuerySet[Dossier] = figures.figures_base(Dossier.objects.all())
    if first_day is not None:
        # Only dossiers touching a day ≥ first_day (see the module docstring: the same filter as the
        # live `relevant`, which uses the indexes).
        dossiers = figures.relevant(dossiers, figures.day_start(first_day), figures.day_start(horizon))
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ROW_COLUMNS, 0))
    for day_expression, applies, columns in _contributions():
        qs = dossiers.filter(applies).annotate(snapshot_day=_day(day_expression))
        qs = qs.filter(snapshot_day__lt=horizon)
        if first_day is not None:
            qs = qs.filter(snapshot_day__gte=first_day)
        counts = {
            column: Count("pk", filter=extra) if extra else Count("pk")
            for column, (_, extra) in columns.items()
        }
        grouped = (
            qs.order_by()
            .values("snapshot_day", "competent_agency_id", "procedure_version_id")
            .annotate(**counts)
        )
        for r in grouped:
            row = totals[(r["snapshot_day"], r["competent_agency_id"], r["procedure_version_id"])]
            for column, (sign, _) in columns.items():
                row[column] += sign * r[column]
    return [
        DailyFigure(day=day, agency_id=agency, procedure_version_id=version, **values)
        for (day, agency, version), values in sorted(totals.items())
        if any(values.values())
    ]


# The same rows in one pass over the dossiers, for PostgreSQL at scale: each dossier emits its six
# contributions (the table of the module docstring) through LATERAL VALUES, grouped by (day, key). The
# ORM `compute_rows` above is the reference; the tests compare the two on PostgreSQL. CREATE TABLE AS may
# run in parallel, INSERT … SELECT may not, hence the temporary table.
_PG_DAY = "(({moment}) AT TIME ZONE %(tz)s)::date"
_PG_SELECT = """
SELECT c.day, d.competent_agency_id AS agency_id, d.procedure_version_id,
       {sums}
FROM (
    SELECT competent_agency_id, procedure_version_id, channel, received_at AS r, result_ready_at AS rr,
           closed_at, due_at AS due, LEAST(result_ready_at, closed_at) AS f
    FROM dossiers_dossier
    WHERE received_at IS NOT NULL {relevant}
) d
CROSS JOIN LATERAL (VALUES
    ({day_r}, (d.channel = 'online')::int, (d.channel IN ('desk', 'post'))::int, 0, 0, 0, 0,
     1, (d.due IS NOT NULL)::int, 0),
    (CASE WHEN d.f IS NOT NULL THEN {day_rf} END, 0, 0, 0, 0, 0, 0, -1, -(d.due IS NOT NULL)::int, 0),
    (CASE WHEN d.due IS NOT NULL THEN {day_rd} END, 0, 0, 0, 0, 0, 0, 0, -1, 1),
    (CASE WHEN d.due IS NOT NULL AND d.f IS NOT NULL THEN {day_rdf} END, 0, 0, 0, 0, 0, 0, 0, 1, -1),
    -- early / on time / late: motcua.dossiers.timeliness in SQL (tests/test_snapshot.py proves them equal)
    ({day_rr}, 0, 0,
     (CASE WHEN {day_rr} < {day_due} THEN 1 ELSE 0 END),
     (CASE WHEN d.rr <= d.due AND {day_rr} >= {day_due} THEN 1 ELSE 0 END),
     (CASE WHEN d.rr > d.due THEN 1 ELSE 0 END), 0, 0, 0, 0),
    (CASE WHEN d.rr IS NULL THEN {day_closed} END, 0, 0, 0, 0, 0, 1, 0, 0, 0)
) AS c(day, received_online, received_desk_post, resolved_early, resolved_on_time, resolved_late,
       closed_without_result, open_change, within_change, overdue_change)
WHERE c.day IS NOT NULL AND c.day < %(horizon)s {from_day}
GROUP BY 1, 2, 3
HAVING {nonzero}
"""


def _insert_rows_postgresql(first_day: dt.date | None, horizon: dt.date) -> int:
    """`compute_rows(first_day, horizon)`, inserted by PostgreSQL itself; returns the number of rows."""
    day = {
        name: _PG_DAY.format(moment=moment)
        for name, moment in (
            ("day_r", "d.r"),
            ("day_rf", "GREATEST(d.r, d.f)"),
            ("day_rd", "GREATEST(d.r, d.due)"),
            ("day_rdf", "GREATEST(d.r, d.due, d.f)"),
            ("day_rr", "d.rr"),
            ("day_due", "d.due"),
            ("day_closed", "d.closed_at"),
        )
    }
    relevant = from_day = ""
    params = {"tz": figures.local_tz().key, "horizon": horizon}
    if first_day is not None:
        # `figures.relevant` for [first_day, …), on the indexes of 0001 and `dossier_received_at`.
        finished = "COALESCE(result_ready_at, returned_at, closed_at)"
        relevant = f"AND (received_at >= %(start)s OR {finished} >= %(start)s OR {finished} IS NULL)"
        from_day = "AND c.day >= %(first_day)s"
        params.update(start=figures.day_start(first_day), first_day=first_day)
    sql = _PG_SELECT.format(
        sums=", ".join(f"sum(c.{c})::int AS {c}" for c in ROW_COLUMNS),
        nonzero=" OR ".join(f"sum(c.{c}) <> 0" for c in ROW_COLUMNS),
        relevant=relevant,
        from_day=from_day,
        **day,
    )
    columns = ", ".join(("day", "agency_id", "procedure_version_id", *ROW_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("CREATE TEMPORARY TABLE stats_new_daily_figures ON COMMIT DROP AS " + sql, params)
        cursor.execute(
            f"INSERT INTO {DailyFigure._meta.db_table} ({columns}) SELECT {columns} FROM stats_new_daily_figures"
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE stats_new_daily_figures")
    return inserted


# --- refreshing -----------------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    recomputed_from: dt.date | None  # None: the whole history (a full build)
    horizon: dt.date
    rows: int
    seconds: float

    def as_dict(self) -> dict:
        return {
            "recomputed_from": self.recomputed_from.isoformat() if self.recomputed_from else None,
            "horizon": self.horizon.isoformat(),
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
        }


def _first_dirty_day(since: dt.datetime) -> dt.date | None:
    """day(min(R, RR, C)) over the dossiers changed since `since`; None if none changed."""
    changed = figures.figures_base(Dossier.objects.filter(updated_at__gte=since)).aggregate(
        r=Min("received_at"), rr=Min("result_ready_at"), c=Min("closed_at")
    )
    moments = [m for m in changed.values() if m is not None]
    return local_date(min(moments)) if moments else None


def refresh(
    *,
    full: bool = False,
    date_from: dt.date | None = None,
    horizon: dt.date | None = None,
) -> RefreshReport:
    """Bring the snapshot up to `horizon` (default today: every finished day), recomputing every day from
    the first one a changed dossier may have touched (module docstring), or from `date_from`, or all
    days if `full` or no snapshot exists. One transaction; concurrent refreshes wait for each other."""
    started = timezone.now()
    today = local_date(started)
    horizon = horizon or today
    if horizon > today:
        raise ValueError("The snapshot holds finished days only: horizon must be today or before.")
    clock = time.perf_counter()
    with transaction.atomic():
        state = SnapshotState.objects.select_for_update().filter(pk=1).first()
        first_day: dt.date | None = None
        if state is not None and not full:
            candidates = [state.horizon, horizon]
            dirty = _first_dirty_day(state.refreshed_at - DIRTY_MARGIN)
            candidates += [d for d in (dirty, date_from) if d is not None]
            first_day = min(candidates)
        stale = DailyFigure.objects.all()
        if first_day is not None:
            # Days ≥ horizon too: a horizon moved back leaves no stale day behind.
            stale = stale.filter(day__gte=first_day)
        stale.delete()  # one DELETE: nothing points at these rows, no signals
        if connection.vendor == "postgresql":
            count = _insert_rows_postgresql(first_day, horizon)
        else:
            count = len(DailyFigure.objects.bulk_create(compute_rows(first_day, horizon), batch_size=BATCH))
        SnapshotState.objects.update_or_create(
            pk=1,
            defaults={
                "horizon": horizon,
                "refreshed_at": started,
                "recomputed_from": first_day,
                **({"built_at": started} if first_day is None else {}),
            },
            create_defaults={"horizon": horizon, "refreshed_at": started, "built_at": started},
        )
    return RefreshReport(first_day, horizon, count, time.perf_counter() - clock)


def state() -> SnapshotState | None:
    return SnapshotState.objects.filter(pk=1).first()


# --- reading --------------------------------------------------------------------------------------------


def covers(period: figures.Period, current: SnapshotState | None) -> bool:
    """Whether the snapshot answers `period` exactly: it has ended (measured at its end) and every day
    before its end is in the snapshot."""
    return (
        current is not None
        and period.as_of == period.end
        and period.end <= figures.day_start(current.horizon)
    )


def base_figures(periods: list[figures.Period], dimension: str | None) -> dict[object, list[dict[str, int]]]:
    """Key of `dimension` (None for the whole province) → per period, the 9 base columns, summed from the
    snapshot. The caller checked `covers` for each period (or uses only the flows and carried over).

    Two queries: the stocks at the first period's start (three plain sums over the history before it),
    then the periods' flows and the stocks' changes since that start (the filtered sums over the report's
    days only) — rather than filtering the whole history once per period and column."""
    first = min(local_date(p.start) for p in periods)
    end = max(local_date(p.end) for p in periods)
    stocks = {change: Sum(change) for change, _ in STOCK_COLUMNS.values()}
    aggregates = {}
    for i, p in enumerate(periods):
        start, stop = local_date(p.start), local_date(p.end)
        within = Q(day__gte=start, day__lt=stop)
        for column in FLOW_COLUMNS:
            aggregates[f"m{i}__{column}"] = Sum(column, filter=within)
        for column, (change, at) in STOCK_COLUMNS.items():
            aggregates[f"m{i}__{column}"] = Sum(change, filter=Q(day__lt=start if at == "start" else stop))
    history = DailyFigure.objects.filter(day__lt=first).order_by()
    recent = DailyFigure.objects.filter(day__gte=first, day__lt=end).order_by()
    if dimension:
        path = DIMENSIONS[dimension]
        before = {r.pop(path): r for r in history.values(path).annotate(**stocks)}
        during = {r.pop(path): r for r in recent.values(path).annotate(**aggregates)}
    else:
        before, during = {None: history.aggregate(**stocks)}, {None: recent.aggregate(**aggregates)}
    results = {}
    for key in before.keys() | during.keys():
        stock, r = before.get(key, {}), during.get(key, {})
        results[key] = [
            {
                **{c: r.get(f"m{i}__{c}") or 0 for c in FLOW_COLUMNS},
                **{
                    c: (r.get(f"m{i}__{c}") or 0) + (stock.get(change) or 0)
                    for c, (change, _) in STOCK_COLUMNS.items()
                },
            }
            for i in range(len(periods))
        ]
    return results
