"""Benchmark: table-driven due moments (motcua.workdays.calendar) against a naive day-by-day walk.

Django-free. Run from the repository root:  .venv/bin/python bench/bench_workdays.py [--n 2000] [--seed 1]

Both sides get the same random inputs (starts in 2020–2030, limits of 1–60 working days or hours) and
must agree on every due moment; the script prints calls per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from motcua.workdays.calendar import WorkCalendar, vietnam_public_holidays  # noqa: E402

MAKE_UP_DAYS = {date(2024, 5, 4), date(2025, 4, 26)}
SESSIONS = [(time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))]
WORKDAY_MINUTES = 8 * 60


class NaiveCalendar:
    """The obvious implementation: walk forward one day and one session at a time."""

    def __init__(self, holidays: set[date], make_up_days: set[date]) -> None:
        self.holidays = holidays
        self.make_up_days = make_up_days

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def due_after(self, start: datetime, *, days=None, hours=None) -> datetime:
        minutes = days * WORKDAY_MINUTES if days is not None else hours * 60
        remaining = timedelta(minutes=minutes)
        tz = start.tzinfo
        moment = start.replace(tzinfo=None)
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for session_start, session_end in SESSIONS:
                    opens, closes = datetime.combine(day, session_start), datetime.combine(day, session_end)
                    if closes <= moment:
                        continue
                    begin = max(moment, opens)
                    if remaining <= closes - begin:
                        return (begin + remaining).replace(tzinfo=tz)
                    remaining -= closes - begin
            day += timedelta(days=1)
            moment = datetime.combine(day, time(0))


def make_inputs(count: int, seed: int, tz) -> list[tuple[datetime, dict[str, int]]]:
    rng = random.Random(seed)
    first = datetime(2020, 1, 1, tzinfo=tz)
    span_minutes = int((datetime(2030, 12, 31, tzinfo=tz) - first).total_seconds() // 60)
    inputs = []
    for _ in range(count):
        start = first + timedelta(minutes=rng.randrange(span_minutes))
        unit = rng.choice(("days", "hours"))
        inputs.append((start, {unit: rng.randint(1, 60)}))
    return inputs


def calls_per_second(function, inputs, rounds: int) -> tuple[float, list[datetime]]:
    best = float("inf")
    results: list[datetime] = []
    for _ in range(rounds):
        began = clock.perf_counter()
        results = [function(start, **limit) for start, limit in inputs]
        best = min(best, clock.perf_counter() - began)
    return len(inputs) / best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="random inputs (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds; the best is kept")
    args = parser.parse_args()

    table = WorkCalendar(working_days=MAKE_UP_DAYS)
    naive = NaiveCalendar(set(vietnam_public_holidays(2020, 2032)), MAKE_UP_DAYS)
    inputs = make_inputs(args.n, args.seed, table.tz)

    naive_rate, naive_results = calls_per_second(naive.due_after, inputs, args.rounds)
    table_rate, table_results = calls_per_second(table.due_after, inputs, args.rounds)

    disagreements = [
        (start, limit, expected, got)
        for (start, limit), expected, got in zip(inputs, naive_results, table_results, strict=True)
        if expected != got
    ]
    for start, limit, expected, got in disagreements[:5]:
        print(
            f"DISAGREE start={start.isoformat()} {limit}: naive {expected.isoformat()} table {got.isoformat()}"
        )

    ratio = table_rate / naive_rate
    by_unit = {}
    for unit in ("days", "hours"):
        subset = [item for item in inputs if unit in item[1]]
        unit_naive, _ = calls_per_second(naive.due_after, subset, args.rounds)
        unit_table, _ = calls_per_second(table.due_after, subset, args.rounds)
        by_unit[unit] = (len(subset), unit_naive, unit_table)
    print(
        f"inputs: {len(inputs)} random starts 2020–2030, limits 1–60 working days or hours (seed {args.seed})"
    )
    print(f"naive day-by-day : {naive_rate:12,.0f} calls/s")
    print(f"table (bisect)   : {table_rate:12,.0f} calls/s")
    print(f"ratio            : {ratio:12,.1f}x")
    for unit, (count, unit_naive, unit_table) in by_unit.items():
        print(
            f"  {unit:<5} only ({count:4d}): naive {unit_naive:10,.0f}/s  table {unit_table:10,.0f}/s"
            f"  ratio {unit_table / unit_naive:6.1f}x"
        )
    verdict = "agree" if not disagreements else f"{len(disagreements)} DISAGREE"
    print(
        f"SUMMARY workdays due_after: table {table_rate:,.0f}/s vs naive {naive_rate:,.0f}/s = {ratio:.1f}x, {verdict}"
    )
    if disagreements:
        sys.exit(1)


if __name__ == "__main__":
    main()
