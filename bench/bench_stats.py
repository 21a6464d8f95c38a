"""Form 06 statistics at scale: N generated dossiers on PostgreSQL, the 6-month summary by agency × month.

    .venv/bin/python bench/bench_stats.py --count 10000000          # generate (kept) and measure
    .venv/bin/python bench/bench_stats.py --reuse                   # measure again on the kept database

Generation runs inside PostgreSQL (INSERT … SELECT over generate_series, in chunks, with the dossier
table's secondary indexes dropped during the load and rebuilt after — the usual bulk-load recipe), so
the figure recorded is database time, not Python's. Dossiers only: the statistics read the dossier
moments, which the workflow writes with each event; events, steps and ratings are not generated here.

History: received uniformly from 2021-01-01 to 2026-01-15 over 100 agencies (25 departments, 75 communes)
and 200 procedures in 20 fields; 40 % online, 50 % desk, 10 % post; ~55 % early, ~35 % on time, ~6 % late
(two in five of those with an apology), ~3 % stopped or withdrawn; dossiers whose outcome lies after
"now" (2026-01-15) are still in progress.

Measured, in the same run, alternating, best and median of `--rounds`, all results checked equal:

- the snapshot-backed report (`motcua.stats.snapshot.base_figures`, what `figures.form06` runs for the
  province-wide agency × month report, 2025-07-01 → 2026-01-01) against one hand-written SQL statement
  over the same snapshot table computing the same 9 base columns × 6 months — the ≤ 1.2× criterion;
  also the whole `form06` call (labels, rows, the whole-period total line) on the snapshot;
- for context, the live conditional aggregation over the dossiers (the ORM query and its hand-written SQL).

Before measuring, the snapshot is built (`snapshot.refresh(full=True)`, as `manage.py stats_snapshot
--full`) with horizon 2026-01-15 and its time recorded, then an incremental refresh with nothing changed
and one recomputing the last 7 days (`--from`) are timed. `--skip-live` leaves out the live context.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_database, db_url, setup_django  # noqa: E402

DB_NAME = "motcua_bench_stats"
NOW = "2026-01-15 12:00:00+07"
AGENCIES = 100
PROCEDURES = 200


def seed() -> tuple[list[int], list[int]]:
    from django.db import transaction

    from motcua.catalog.tests.factories import make_procedure
    from motcua.org.choices import AgencyKind
    from motcua.org.tests.factories import AgencyFactory, UnitFactory, UnitLevelFactory

    with transaction.atomic():
        province = UnitFactory(code="14", name="Sơn La", kind="Tỉnh", level=UnitLevelFactory(code="province"))
        commune_level = UnitLevelFactory(code="commune")
        agencies = []
        for i in range(AGENCIES):
            if i < 25:
                agency = AgencyFactory(identifier=f"000.00.{i:02d}.H48", name=f"Sở {i:02d}", unit=province)
            else:
                unit = UnitFactory(code=f"14{i:03d}", name=f"Xã {i:02d}", kind="Xã", level=commune_level)
                agency = AgencyFactory(
                    identifier=f"000.{i:02d}.31.H48",
                    name=f"UBND xã {i:02d}",
                    unit=unit,
                    kind=AgencyKind.PEOPLES_COMMITTEE,
                )
            agencies.append(agency.pk)
        versions = []
        for i in range(PROCEDURES):
            version = make_procedure(
                f"1.{i:06d}",
                f"Thủ tục {i}",
                field_name=f"Lĩnh vực {i % 20}",
                levels=("province",) if i % 3 else ("commune",),
                days=str(1 + i % 15),
                agency_identifier=None,
            )
            versions.append(version.pk)
    return agencies, versions


GENERATE = """
INSERT INTO dossiers_dossier ({columns})
SELECT {values}
FROM (
    SELECT i, random() AS u, random() AS v, random() AS w,
           timestamptz '2021-01-01 00:00+07'
             + (i::float8 / %(n)s) * (timestamptz %(now)s - timestamptz '2021-01-01 00:00+07')
             + random() * interval '1 hour' AS rec,
           (1 + i %% 15) * interval '1 day' * 1.4 AS span
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS i
) s0,
LATERAL (SELECT s0.rec + s0.span AS due) s1,
LATERAL (SELECT CASE
    WHEN s0.u < 0.55 THEN s0.rec + s0.span * (0.7 * s0.v)
    WHEN s0.u < 0.90 THEN s1.due - s0.v * interval '6 hours'
    WHEN s0.u < 0.96 THEN s1.due + interval '1 hour' + s0.v * interval '5 days'
    ELSE NULL END AS res,
    CASE WHEN s0.u >= 0.96 AND s0.u < 0.99 THEN s0.rec + s0.span * s0.v END AS stop_at) s2,
LATERAL (SELECT
    CASE WHEN s2.res <= timestamptz %(now)s THEN s2.res END AS ready,
    CASE WHEN s2.res + interval '2 days' * s0.w <= timestamptz %(now)s THEN s2.res + interval '2 days' * s0.w END
      AS returned,
    CASE WHEN s2.stop_at <= timestamptz %(now)s THEN s2.stop_at END AS stopped) s3
"""

FIELDS = {
    "code": "'B' || s0.i",
    "procedure_version_id": "(%(versions)s)[1 + (s0.i * 7919) %% {nv}]",
    "status": "CASE WHEN s3.returned IS NOT NULL THEN 'returned' WHEN s3.ready IS NOT NULL THEN 'result_ready'"
    " WHEN s3.stopped IS NOT NULL THEN (CASE WHEN s0.w < 0.5 THEN 'stopped' ELSE 'withdrawn' END)"
    " ELSE 'in_progress' END",
    "version": "5",
    "channel": "CASE WHEN s0.w < 0.4 THEN 'online' WHEN s0.w < 0.9 THEN 'desk' ELSE 'post' END",
    "receiving_agency_id": "(%(agencies)s)[1 + (s0.i * 104729) %% {na}]",
    "competent_agency_id": "(%(agencies)s)[1 + (s0.i * 104729) %% {na}]",
    "applicant_name": "'Nguyễn Văn ' || (s0.i %% 1000)",
    "received_at": "s0.rec",
    "clock_started_at": "s0.rec",
    "budget_minutes": "(1 + s0.i %% 15) * 480",
    "due_at": "s1.due",
    "appointment_at": "s1.due",
    "apology_issued": "(s0.u >= 0.90 AND s0.u < 0.96 AND s0.w < 0.4)",
    "extended_due_at": "CASE WHEN s0.u >= 0.90 AND s0.u < 0.96 AND s0.w < 0.4 THEN s1.due + interval '3 days' END",
    "extension_minutes": "CASE WHEN s0.u >= 0.90 AND s0.u < 0.96 AND s0.w < 0.4 THEN 1440 ELSE 0 END",
    "decision_issued_at": "s3.ready",
    "result_ready_at": "s3.ready",
    "returned_at": "s3.returned",
    "return_method": "CASE WHEN s3.returned IS NOT NULL THEN 'desk' ELSE '' END",
    "closed_at": "COALESCE(s3.returned, s3.stopped)",
    "created_at": "s0.rec",
    "updated_at": "COALESCE(s3.returned, s3.ready, s3.stopped, s0.rec)",
}


def generate(count: int, agencies: list[int], versions: list[int], chunk: int = 1_000_000) -> dict:
    from django.db import connection

    timings = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'dossiers_dossier'"
            " AND is_nullable = 'NO' AND column_default IS NULL"
        )
        fields = dict(FIELDS)
        for name, data_type in cur.fetchall():
            if name in fields or name == "id":
                continue
            fields[name] = {"boolean": "false", "integer": "0", "smallint": "0", "numeric": "0"}.get(
                data_type, "''"
            )
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier'"
            " AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'dossiers_dossier'::regclass AND contype = 'u'"
        )
        uniques = cur.fetchall()
        t0 = time.perf_counter()
        for name, _ in uniques:
            cur.execute(f'ALTER TABLE dossiers_dossier DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        sql = GENERATE.format(
            columns=", ".join(fields),
            values=", ".join(fields.values()).format(nv=len(versions), na=len(agencies)),
        )
        params = {"n": count, "now": NOW, "agencies": agencies, "versions": versions}
        for lo in range(1, count + 1, chunk):
            hi = min(count, lo + chunk - 1)
            cur.execute(sql, {**params, "lo": lo, "hi": hi})
            print(f"  {hi:,} / {count:,} rows, {time.perf_counter() - t0:.0f} s", flush=True)
        timings["insert_s"] = time.perf_counter() - t0
        cur.execute("SET maintenance_work_mem = '1GB'")
        t1 = time.perf_counter()
        for name, definition in uniques:
            cur.execute(f'ALTER TABLE dossiers_dossier ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            if not any(name == u for u, _ in uniques):
                cur.execute(definition)
        cur.execute("VACUUM (ANALYZE) dossiers_dossier")
        timings["index_s"] = time.perf_counter() - t1
        timings["total_s"] = time.perf_counter() - t0
    return timings


HAND_SQL = """
SELECT competent_agency_id, {aggregates}
FROM dossiers_dossier
WHERE received_at < %(end)s
  AND (received_at >= %(start)s OR COALESCE(result_ready_at, returned_at, closed_at) >= %(start)s
       OR COALESCE(result_ready_at, returned_at, closed_at) IS NULL)
GROUP BY competent_agency_id
"""


def hand_aggregates(periods) -> tuple[str, dict]:
    parts, params = [], {}
    for i, p in enumerate(periods):
        s, e, a = f"s{i}", f"e{i}", f"a{i}"
        params.update({s: p.start, e: p.end, a: p.as_of})
        rec = f"received_at >= %({s})s AND received_at < %({e})s"
        res = f"result_ready_at >= %({s})s AND result_ready_at < %({e})s"
        day = "(result_ready_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        due_day = "(due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"

        def open_at(m):
            return (
                f"received_at < %({m})s AND (result_ready_at IS NULL OR result_ready_at >= %({m})s)"
                f" AND (closed_at IS NULL OR closed_at >= %({m})s)"
            )

        for cond in (
            f"{rec} AND channel = 'online'",
            f"{rec} AND channel IN ('desk', 'post')",
            open_at(s),
            f"{res} AND {day} < {due_day}",
            f"{res} AND result_ready_at <= due_at AND {day} >= {due_day}",
            f"{res} AND result_ready_at > due_at",
            f"result_ready_at IS NULL AND closed_at >= %({s})s AND closed_at < %({e})s",
            f"{open_at(a)} AND due_at >= %({a})s",
            f"{open_at(a)} AND due_at < %({a})s",
        ):
            parts.append(f"count(*) FILTER (WHERE {cond})")
    return ", ".join(parts), params


SNAPSHOT_SQL = """
WITH history AS (
    SELECT agency_id, sum(open_change) AS open_before, sum(within_change) AS within_before,
           sum(overdue_change) AS overdue_before
    FROM stats_dailyfigure
    WHERE day < %(first)s
    GROUP BY agency_id
), recent AS (
    SELECT agency_id, {aggregates}
    FROM stats_dailyfigure
    WHERE day >= %(first)s AND day < %(end)s
    GROUP BY agency_id
)
SELECT coalesce(r.agency_id, h.agency_id), {columns}
FROM recent r FULL JOIN history h ON h.agency_id = r.agency_id
"""


def snapshot_aggregates(periods) -> tuple[str, str, dict]:
    """The 9 base columns per period as sums over the snapshot (see `motcua.stats.snapshot`): the stocks
    before the first period, then the flows and stock changes within the report's days."""
    parts, columns, params = [], [], {}
    before = {
        "open_change": "h.open_before",
        "within_change": "h.within_before",
        "overdue_change": "h.overdue_before",
    }
    for i, p in enumerate(periods):
        s, e = f"s{i}", f"e{i}"
        params.update({s: p.start.date(), e: p.end.date()})
        flow = f"day >= %({s})s AND day < %({e})s"
        for j, (column, cond) in enumerate(
            (
                ("received_online", flow),
                ("received_desk_post", flow),
                ("open_change", f"day < %({s})s"),
                ("resolved_early", flow),
                ("resolved_on_time", flow),
                ("resolved_late", flow),
                ("closed_without_result", flow),
                ("within_change", f"day < %({e})s"),
                ("overdue_change", f"day < %({e})s"),
            )
        ):
            name = f"c{i}_{j}"
            parts.append(f"sum({column}) FILTER (WHERE {cond}) AS {name}")
            value = f"coalesce(r.{name}, 0)"
            columns.append(f"{value} + coalesce({before[column]}, 0)" if column in before else value)
    return ", ".join(parts), ", ".join(columns), params


def build_snapshot() -> dict:
    from motcua.stats import snapshot

    horizon = dt.date(2026, 1, 15)
    full = snapshot.refresh(full=True, horizon=horizon)
    print(f"snapshot full build: {full.rows:,} rows in {full.seconds:.1f} s", flush=True)
    unchanged = snapshot.refresh(horizon=horizon)
    print(f"snapshot refresh, nothing changed: {unchanged.seconds:.2f} s (from {unchanged.recomputed_from})")
    week = snapshot.refresh(horizon=horizon, date_from=horizon - dt.timedelta(days=7))
    print(f"snapshot refresh, last 7 days: {week.rows:,} rows in {week.seconds:.2f} s")
    return {
        "snapshot_build_s": full.seconds,
        "snapshot_rows": full.rows,
        "refresh_unchanged_s": unchanged.seconds,
        "refresh_7_days_s": week.seconds,
    }


def measure_snapshot(rounds: int) -> dict:
    from django.db import connection

    from motcua.dossiers.models import Dossier
    from motcua.stats import figures, snapshot

    start, end = dt.date(2025, 7, 1), dt.date(2026, 1, 1)
    now = dt.datetime.fromisoformat(NOW.replace("+07", "+07:00"))
    periods = figures._periods(start, end, True, now)
    state = snapshot.state()
    assert all(snapshot.covers(p, state) for p in periods), "the snapshot does not cover the period"
    aggregates, columns, params = snapshot_aggregates(periods)
    params.update(first=start, end=end)
    sql = SNAPSHOT_SQL.format(aggregates=aggregates, columns=columns)
    base = list(figures.BASE_COLUMNS)

    def hand():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    orm_t, sql_t, report_t = [], [], []
    result = rows = report = None
    for _ in range(rounds):
        t = time.perf_counter()
        result = snapshot.base_figures(periods, "agency")
        orm_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = hand()
        sql_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        report = figures.form06(
            Dossier.objects.all(), date_from=start, date_to=end, dimension="agency", by_month=True, now=now
        )
        report_t.append(time.perf_counter() - t)
    hand_map = {
        (r[0], i): tuple(r[1 + i * len(base) + j] for j in range(len(base)))
        for r in rows
        for i in range(len(periods))
    }
    orm_map = {(k, i): tuple(v[i][c] for c in base) for k, v in result.items() for i in range(len(periods))}
    assert orm_map == hand_map, "snapshot report and hand-written SQL disagree"
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    return {
        "snapshot_orm_best_ms": min(orm_t) * 1000,
        "snapshot_orm_median_ms": statistics.median(orm_t) * 1000,
        "snapshot_sql_best_ms": min(sql_t) * 1000,
        "snapshot_sql_median_ms": statistics.median(sql_t) * 1000,
        "snapshot_ratio_median": statistics.median(orm_t) / statistics.median(sql_t),
        "snapshot_form06_median_ms": statistics.median(report_t) * 1000,
        "rows": len(rows),
        "plan": plan,
        "_figures": orm_map,
        "_report": report,
    }


def measure(rounds: int) -> dict:
    from django.db import connection

    from motcua.dossiers.models import Dossier
    from motcua.stats import figures

    start, end = dt.date(2025, 7, 1), dt.date(2026, 1, 1)
    now = dt.datetime.fromisoformat(NOW.replace("+07", "+07:00"))
    periods = figures._periods(start, end, True, now)
    aggregates, params = hand_aggregates(periods)
    params.update(start=periods[0].start, end=periods[-1].end)
    sql = HAND_SQL.format(aggregates=aggregates)

    def orm():
        # The rows only; the whole-period total line is a second, separate query in `form06`.
        return figures.form06(
            Dossier.objects.all(),
            date_from=start,
            date_to=end,
            dimension="agency",
            by_month=True,
            now=now,
            use_snapshot=False,
        )

    def hand():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    orm_t, sql_t, total_t = [], [], []
    report = rows = None
    for _ in range(rounds):
        t = time.perf_counter()
        report = orm_rows(figures, start, end, now)
        orm_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = hand()
        sql_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        orm()
        total_t.append(time.perf_counter() - t)
    base = list(figures.BASE_COLUMNS)
    hand_map = {
        (r[0], i): tuple(r[1 + i * len(base) + j] for j in range(len(base)))
        for r in rows
        for i in range(len(periods))
    }
    orm_map = {
        (k, i): tuple(v[f"m{i}__{c}"] for c in base) for k, v in report.items() for i in range(len(periods))
    }
    assert orm_map == hand_map, "ORM and hand-written SQL disagree"
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    return {
        "_figures": orm_map,
        "orm_best_ms": min(orm_t) * 1000,
        "orm_median_ms": statistics.median(orm_t) * 1000,
        "sql_best_ms": min(sql_t) * 1000,
        "sql_median_ms": statistics.median(sql_t) * 1000,
        "report_with_total_median_ms": statistics.median(total_t) * 1000,
        "ratio_median": statistics.median(orm_t) / statistics.median(sql_t),
        "rows": len(rows),
        "plan": plan,
    }


def orm_rows(figures, start, end, now) -> dict:
    """The query `form06` runs for agency × month, returning its raw aggregate rows (no labels)."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier

    periods = figures._periods(start, end, True, now)
    base = figures.relevant(figures.figures_base(Dossier.objects.all()), periods[0].start, periods[-1].end)
    aggregates = {
        f"m{i}__{name}": Count("pk", filter=definition(p))
        for i, p in enumerate(periods)
        for name, definition in figures.BASE_COLUMNS.items()
    }
    return {
        r.pop("competent_agency_id"): r
        for r in base.order_by().values("competent_agency_id").annotate(**aggregates)
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure on the kept database")
    parser.add_argument("--skip-live", action="store_true", help="do not measure the live aggregation")
    args = parser.parse_args()
    if args.reuse:
        setup_django(db_url(DB_NAME))
        from django.core.management import call_command

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - t:.1f} s")
        from motcua.dossiers.models import Dossier

        print(f"reusing {DB_NAME}: {Dossier.objects.count():,} dossiers")
    else:
        with bench_database(DB_NAME, keep=True):
            agencies, versions = seed()
            print(f"generating {args.count:,} dossiers")
            timings = generate(args.count, agencies, versions)
            print(
                f"generation: insert {timings['insert_s']:.0f} s + indexes {timings['index_s']:.0f} s"
                f" = {timings['total_s']:.0f} s"
            )
    build_snapshot()
    snap = measure_snapshot(args.rounds)
    print(snap.pop("plan"))
    snap_figures = snap.pop("_figures")
    snap.pop("_report")
    for k, v in snap.items():
        print(
            f"{k}: {v:.3f}"
            if k.endswith("ratio_median")
            else f"{k}: {v:.1f}"
            if isinstance(v, float)
            else f"{k}: {v}"
        )
    if not args.skip_live:
        print("context: the live conditional aggregation over the dossiers")
        live = measure(args.rounds)
        live.pop("plan")
        assert live.pop("_figures") == snap_figures, "snapshot and live figures disagree"
        print("snapshot figures = live figures (54 per agency)")
        for k, v in live.items():
            print(f"live_{k}: {v:.1f}" if isinstance(v, float) else f"live_{k}: {v}")


if __name__ == "__main__":
    main()
