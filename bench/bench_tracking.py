"""Public tracking lookup under an open-loop load: the highest steady rate at which p99 ≤ 25 ms.

    .venv/bin/python bench/bench_tracking.py          # options: --seconds 8 --rates 100,200,...

A throw-away database `motcua_bench_tracking` gets the seeded world and 5,000 generated dossiers (with
their events). gunicorn serves `GET /api/v1/track/{code}?phone=<last 4>` for random dossiers.

Open loop, honestly: request i is due at t0 + i/rate whatever happened before; an idle keep-alive
connection takes it (a new one is opened when none is idle, up to 512), and its latency is measured
from the *scheduled* moment, so a server that falls behind shows the queueing it causes (no
coordinated omission). Each rate runs `--seconds`; a rate passes when p99 ≤ 25 ms, every answer is
200 and the generator kept its schedule. The generator lives in common.py (`open_loop`, `rate_search`).

Baseline in the same run, same generator and server: the same endpoint with a malformed phone
("12a4"), which the selector refuses before any query — the framework's floor on this machine. Each
rate runs tracking and then the floor, so both see the same minute of a shared machine (the load
average is printed beside each line: other work on the 2 cores moves these figures far more than
the code does). The ratio is tracking's best passing rate ÷ the floor's. The server runs with
`bench_settings` (per-IP rate limits off: every request comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import random

from common import Gunicorn, Target, bench_database, get_request, open_loop, rate_search, seed

DB = "motcua_bench_tracking"
P99_LIMIT_MS = 25.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rates", default="100,200,300,400,500,600,700,800,1000,1200,1500")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    assert 1 <= args.seconds <= 60 and max(rates) <= 5000

    with bench_database(DB) as url:
        from django.core.management import call_command
        from django.db import connection

        from motcua.dossiers.models import Dossier

        seed(officers=1)
        call_command("generate_dossiers", count=5000, quiet=True)
        rows = list(Dossier.objects.values_list("code", "applicant_phone"))
        connection.close()
        rng = random.Random(7)
        rng.shuffle(rows)
        track = [get_request(f"/api/v1/track/{code}?phone={phone[-4:]}") for code, phone in rows]
        floor = [get_request(f"/api/v1/track/{code}?phone=12a4") for code, _phone in rows[:100]]
        # The floor answers 404 (no dossier matches a malformed phone) without touching the database.
        targets = [Target("tracking", track), Target("floor", floor, expect=404)]
        with Gunicorn(url, workers=args.workers, settings="bench_settings") as server:
            asyncio.run(open_loop(server.port, track, rate=100, seconds=2))  # warm up
            print(
                f"open loop, {args.seconds:.0f} s a rate, {args.workers} gunicorn workers, p99 limit {P99_LIMIT_MS} ms; "
                "each rate runs tracking then the floor"
            )
            rate_search(server.port, targets, rates, seconds=args.seconds, p99_limit_ms=P99_LIMIT_MS)
        best, floor_best = targets[0].best, targets[1].best
        print(f"\ntracking lookup: highest rate with p99 ≤ {P99_LIMIT_MS:.0f} ms: {best} req/s (goal ≥ 500)")
        print(f"framework floor (no query):             {floor_best} req/s")
        if floor_best:
            print(f"ratio tracking / floor: {best / floor_best:.2f}×")


if __name__ == "__main__":
    main()
