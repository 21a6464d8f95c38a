"""A day off declared at short notice, at province scale: recompute 100,000 open dossiers with their steps.

    .venv/bin/python bench/bench_recalendar.py                  # 100,000 open dossiers; --count, --rounds

A throw-away PostgreSQL database `motcua_bench_recalendar` (production settings: DEBUG off, the database
task queue) gets the seeded world, one dossier received through the service, then N clones of it made by
INSERT … SELECT: open dossiers received over the five working days before Wednesday 4 March 2026 with limits
of 3–15 working days, each with an open step (started at receipt, 2–6 working days) and its participating
agencies, so a day off declared on that Wednesday moves every one of them and every open step.

Timed, each round rolled back so the next starts from the same rows:

* **ours**: `day_override_set(day=2026-03-04, kind=day_off)`, the whole operation the calendar page runs:
  lock, both calendars built, the bulk reads, the arithmetic, one version-checked UPDATE per 2,000 dossiers
  and per 2,000 steps, the participants' copy, 100,000 events (keyed digests, audited state) in multi-row
  INSERTs, the notification tasks queued, breaches withdrawn.
* **baseline**: the same writes (values precomputed outside the timing) as one hand-made SQL statement per
  batch through psycopg: UPDATE … FROM (VALUES …) for dossiers and steps, UPDATE of the participants, INSERT
  of the events with their precomputed JSON.

Then the calendar's due-moment path is profiled: cProfile over the planning phase (reads + arithmetic), and
the per-call cost of `services.due_moments` (a dossier) and `WorkCalendar.remap` (a step) over the same rows.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time

from common import bench_database, seed

DB = "motcua_bench_recalendar"


class Rollback(Exception):
    pass


def generate(count: int) -> int:
    """N open dossiers spanning Wednesday 4 March 2026, cloned from one received through the service."""
    import datetime as dt
    import random
    from zoneinfo import ZoneInfo

    from django.db import connection

    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier, DossierStep
    from motcua.dossiers.participants import FILL_FROM_ID_SQL
    from motcua.dossiers.services import ApplicantData, dossier_receive
    from motcua.org.models import Agency, Desk, User
    from motcua.workdays.selectors import build_calendar

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    officer = User.objects.get(username="officer0")
    desk = Desk.objects.get(agency__identifier="000.00.31.H48")
    version = ProcedureVersion.objects.get(procedure__code="2.001263")
    template = dossier_receive(
        actor=officer,
        desk=desk,
        procedure_version=version,
        applicant=ApplicantData(name="Nguyễn Văn Mẫu", phone="0912 000 000", email="mau@example.vn"),
        received_at=dt.datetime(2026, 2, 25, 8, 0, tzinfo=hcm),
    )
    step = DossierStep.objects.filter(dossier=template).order_by("position").first()
    agencies = list(Agency.objects.values_list("pk", flat=True))
    calendar = build_calendar()
    rng = random.Random(1)
    days = [
        dt.date(2026, 2, 25),
        dt.date(2026, 2, 26),
        dt.date(2026, 2, 27),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 3),
    ]
    starts = [
        dt.datetime.combine(day, dt.time(7, 30), tzinfo=hcm) + dt.timedelta(minutes=rng.randrange(0, 600))
        for day in days
        for _ in range(100)
    ]
    rows = []
    for n in range(count):
        start = calendar.next_working_moment(starts[n % len(starts)])
        budget = rng.choice([3, 5, 7, 10, 15]) * 480
        share = rng.choice([2, 3, 4, 6]) * 480
        rows.append(
            (
                n,
                f"BENCH-{n:07d}",
                start,
                calendar.add_working_time(start, budget),
                budget,
                calendar.add_working_time(start, share),
                agencies[n % len(agencies)],
            )
        )
    first_id = template.pk + 1
    columns = [f.column for f in Dossier._meta.concrete_fields if f.column != "id"]
    override = {
        "code": "g.code",
        "received_at": "g.received",
        "clock_started_at": "g.received",
        "due_at": "g.due",
        "appointment_at": "g.due",
        "budget_minutes": "g.budget",
        "current_step_due_at": "g.step_due",
        "competent_agency_id": "g.agency",
        "current_agency_id": "g.agency",
        "idempotency_key": "NULL",
        "current_step_position": str(step.position),
    }
    step_columns = [f.column for f in DossierStep._meta.concrete_fields if f.column != "id"]
    step_override = {
        "dossier_id": "d.id",
        "started_at": "g.received",
        "due_at": "g.step_due",
        "finished_at": "NULL",
        "agency_id": "g.agency",
        "share_minutes": "480",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE gen (n int, code text, received timestamptz, due timestamptz, budget int, "
            "step_due timestamptz, agency int)"
        )
        with cursor.cursor.copy("COPY gen FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        select = ", ".join(override.get(c, f"t.{c}") for c in columns)
        cursor.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(columns)}) SELECT {select} "
            f"FROM dossiers_dossier t, gen g WHERE t.id = %s ORDER BY g.n",
            [template.pk],
        )
        select = ", ".join(step_override.get(c, f"s.{c}") for c in step_columns)
        cursor.execute(
            f"INSERT INTO dossiers_dossierstep ({', '.join(step_columns)}) SELECT {select} "
            f"FROM dossiers_dossierstep s, gen g JOIN dossiers_dossier d ON d.code = g.code WHERE s.id = %s",
            [step.pk],
        )
        cursor.execute(FILL_FROM_ID_SQL, [first_id])
        cursor.execute("ANALYZE")
    return count


def baseline_writes(moves, events) -> None:
    """The same writes as one hand-made SQL statement per batch (values computed beforehand)."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    raw = connection.connection
    with raw.cursor() as cursor:
        for start in range(0, len(moves), 2000):
            chunk = moves[start : start + 2000]
            values = ", ".join(
                ["(%s, %s, %s::timestamptz, %s::timestamptz, %s::timestamptz, %s::timestamptz, %s)"]
                * len(chunk)
            )
            params = []
            for m, e in zip(chunk, events[start : start + 2000], strict=True):
                params += [
                    m.id,
                    m.version,
                    m.new_due_at,
                    m.new_extended_due_at,
                    m.new_appointment_at,
                    m.new_current_step_due_at,
                    e.hash,
                ]
            cursor.execute(
                f"UPDATE dossiers_dossier AS d SET due_at = v.due, extended_due_at = v.ext, appointment_at = v.app, "
                f"current_step_due_at = v.step, version = v.version + 1, last_event_hash = v.hash, updated_at = %s "
                f"FROM (VALUES {values}) AS v(id, version, due, ext, app, step, hash) "
                f"WHERE d.id = v.id AND d.version = v.version",
                [now, *params],
            )
        steps = [s for m in moves for s in m.steps]
        for start in range(0, len(steps), 2000):
            chunk = steps[start : start + 2000]
            values = ", ".join(["(%s, %s::timestamptz)"] * len(chunk))
            params = [x for s in chunk for x in (s.id, s.new_due_at)]
            cursor.execute(
                f"UPDATE dossiers_dossierstep AS s SET due_at = v.due, updated_at = %s "
                f"FROM (VALUES {values}) AS v(id, due) WHERE s.id = v.id",
                [now, *params],
            )
        for start in range(0, len(moves), 5000):
            ids = [m.id for m in moves[start : start + 5000]]
            cursor.execute(
                "UPDATE dossiers_dossieragency AS a SET due_at = d.due_at FROM dossiers_dossier d "
                "WHERE a.dossier_id = d.id AND d.id = ANY(%s)",
                [ids],
            )
        columns = "dossier_id, seq, action, from_status, to_status, actor_id, actor_name, payload, created_at, prev_hash, hash, key_id, state"
        for start in range(0, len(events), 2000):
            chunk = events[start : start + 2000]
            values = ", ".join(
                ["(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s::jsonb)"] * len(chunk)
            )
            params = []
            for e in chunk:
                params += [
                    e.dossier_id,
                    e.seq,
                    e.action,
                    e.from_status,
                    e.to_status,
                    e.actor_id,
                    e.actor_name,
                    json.dumps(e.payload),
                    e.created_at,
                    e.prev_hash,
                    e.hash,
                    e.key_id,
                    json.dumps(e.state),
                ]
            cursor.execute(f"INSERT INTO dossiers_dossierevent ({columns}) VALUES {values}", params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("TASKS_BACKEND", "database")

    with bench_database(DB):
        import datetime as dt

        from django.db import transaction

        from motcua.dossiers import recalendar
        from motcua.dossiers.services import due_moments
        from motcua.workdays.selectors import build_calendar, forget_calendar
        from motcua.workdays.services import CalendarShift, day_override_set

        seed(extra_agencies=20)
        t0 = time.perf_counter()
        generate(args.count)
        print(
            f"generated {args.count:,} open dossiers and steps in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        day = dt.date(2026, 3, 4)

        ours, moved = [], None
        for _ in range(args.rounds):
            forget_calendar()
            try:
                with transaction.atomic():
                    t0 = time.perf_counter()
                    day_override_set(day=day, kind="day_off", reason="Bão số 3 (bench)")
                    ours.append(time.perf_counter() - t0)
                    from motcua.workdays.models import CalendarChange

                    change = CalendarChange.objects.get()
                    moved = (change.moved_dossiers, change.moved_steps)
                    raise Rollback
            except Rollback:
                pass
        print(
            f"ours: {moved[0]:,} dossiers, {moved[1]:,} steps moved; rounds {[round(x, 2) for x in ours]} s",
            flush=True,
        )

        # The same values, for the baseline and the profile.
        before = build_calendar()
        after = build_calendar(declare=(day, "day_off", "Bão số 3 (bench)"))
        shift = CalendarShift(before=before, after=after, first_day=day, last_day=day)
        profile = cProfile.Profile()
        t0 = time.perf_counter()
        profile.enable()
        moves = recalendar.plan_moves(shift)
        profile.disable()
        plan_seconds = time.perf_counter() - t0

        class Change:
            pk = 0
            created_at = dt.datetime.now(dt.UTC)
            actor = None
            actor_name = ""
            action = "declared"
            day = dt.date(2026, 3, 4)
            kind = "day_off"
            reason = "Bão số 3 (bench)"

            def describe(self):
                return "04/03/2026: ngày nghỉ — Bão số 3 (bench)"

        events = recalendar.build_events(moves, Change())
        baseline = []
        for _ in range(args.rounds):
            try:
                with transaction.atomic():
                    t0 = time.perf_counter()
                    baseline_writes(moves, events)
                    baseline.append(time.perf_counter() - t0)
                    raise Rollback
            except Rollback:
                pass
        print(f"baseline (writes only): rounds {[round(x, 2) for x in baseline]} s", flush=True)

        # Per-call cost of the due-moment path over the same rows.
        rows = [m.row for m in moves]
        t0 = time.perf_counter()
        for row in rows:
            due_moments(
                after,
                clock_started_at=row["clock_started_at"],
                budget_minutes=row["budget_minutes"],
                paused_minutes=row["paused_minutes"],
                apology_issued=row["apology_issued"],
                extension_minutes=row["extension_minutes"],
            )
        per_due = (time.perf_counter() - t0) / len(rows) * 1e6
        pairs = [(s.due_at, s.new_due_at) for m in moves for s in m.steps]
        starts = [m.row["clock_started_at"] for m in moves for s in m.steps]
        t0 = time.perf_counter()
        for start, (due, _new) in zip(starts, pairs, strict=True):
            after.remap(start, due, before)
        per_remap = (time.perf_counter() - t0) / len(pairs) * 1e6

        ours_median, base_median = statistics.median(ours), statistics.median(baseline)
        print()
        print(
            "| open dossiers | moved (dossiers / steps) | ours | baseline (hand-made SQL per batch) | ratio |"
        )
        print("|---|---|---|---|---|")
        print(
            f"| {args.count:,} | {moved[0]:,} / {moved[1]:,} | **{ours_median:.2f} s** | {base_median:.2f} s "
            f"| {ours_median / base_median:.1f}× |"
        )
        print()
        print(f"planning (bulk reads + arithmetic): {plan_seconds:.2f} s")
        print(
            f"due_moments per dossier: {per_due:.1f} µs a call; WorkCalendar.remap per step: {per_remap:.1f} µs a call"
        )
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
        print("\n".join(out.getvalue().splitlines()[:40]))
        print("goal ≤ 5 s:", "met" if ours_median <= 5 else "NOT met", file=sys.stderr)


if __name__ == "__main__":
    main()
