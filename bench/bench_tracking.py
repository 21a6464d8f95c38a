"""Public tracking lookup under an open-loop load: the highest steady rate at which p99 ≤ 25 ms.

    .venv/bin/python bench/bench_tracking.py          # options: --seconds 8 --rates 100,200,...

A throw-away database `motcua_bench_tracking` gets the seeded world and 5,000 generated dossiers (with
their events). gunicorn serves `GET /api/v1/track/{code}?phone=<last 4>` for random dossiers.

Open loop, honestly: request i is due at t0 + i/rate whatever happened before; an idle keep-alive
connection takes it (a new one is opened when none is idle, up to 512), and its latency is measured
from the *scheduled* moment, so a server that falls behind shows the queueing it causes (no
coordinated omission). Each rate runs `--seconds`; a rate passes when p99 ≤ 25 ms, every answer is
200 and the generator kept its schedule. The search stops after two failing rates.

Baseline in the same run, same generator and server: the same endpoint with a malformed phone
("12a4"), which the selector refuses before any query — the framework's floor on this machine. The
ratio is tracking's best passing rate ÷ the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import random

from common import Gunicorn, bench_database, percentile, seed

DB = "motcua_bench_tracking"
P99_LIMIT_MS = 25.0
MAX_CONNECTIONS = 512


class Conn:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer


async def _request(conn: Conn, raw: bytes) -> tuple[int, bool]:
    """Send one request, read the whole answer: (status, whether the connection may be reused).
    gunicorn's sync workers close every connection after the answer, as they do behind a proxy."""
    conn.writer.write(raw)
    await conn.writer.drain()
    status_line = await conn.reader.readline()
    status = int(status_line.split()[1])
    length, reusable = 0, True
    while True:
        line = await conn.reader.readline()
        if line in (b"\r\n", b""):
            break
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        elif lower.startswith(b"connection:") and b"close" in lower:
            reusable = False
    if length:
        await conn.reader.readexactly(length)
    return status, reusable


async def open_loop(port: int, paths: list[bytes], *, rate: float, seconds: float, expect: int = 200) -> dict:
    """Send `rate` requests a second for `seconds` on a fixed schedule; latencies from the schedule."""
    idle: list[Conn] = []
    opened = peak = 0  # open now, most open at once
    latencies: list[float] = []
    errors = 0
    lag_max = 0.0
    n = int(rate * seconds)
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.05

    async def one(i: int, due: float) -> None:
        nonlocal opened, errors, peak
        conn = idle.pop() if idle else None
        try:
            if conn is None:
                if opened >= MAX_CONNECTIONS:
                    errors += 1
                    return
                opened += 1
                peak = max(peak, opened)
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                conn = Conn(reader, writer)
            status, reusable = await asyncio.wait_for(_request(conn, paths[i % len(paths)]), timeout=10)
            latencies.append((loop.time() - due) * 1000)
            if status != expect:
                errors += 1
            if reusable:
                idle.append(conn)
            else:
                conn.writer.close()
                opened -= 1
        except (TimeoutError, OSError, IndexError, ValueError):
            errors += 1
            if conn is not None:
                conn.writer.close()

    tasks = []
    for i in range(n):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lag_max = max(lag_max, (loop.time() - due) * 1000)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.writer.close()
    latencies.sort()
    return {
        "rate": rate,
        "sent": n,
        "errors": errors,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "connections": peak,
        "send_lag_max": lag_max,
    }


def passes(r: dict) -> bool:
    # The generator itself must keep the schedule (a late send would hide server latency).
    return r["p99"] <= P99_LIMIT_MS and r["errors"] == 0 and r["send_lag_max"] < P99_LIMIT_MS


def search(port: int, paths: list[bytes], rates: list[int], seconds: float, label: str, expect: int = 200) -> int:
    best, failures = 0, 0
    for rate in rates:
        r = asyncio.run(open_loop(port, paths, rate=rate, seconds=seconds, expect=expect))
        ok = passes(r)
        print(f"  {label:9} {rate:5d}/s: p50 {r['p50']:6.1f} ms  p99 {r['p99']:7.1f} ms  errors {r['errors']:4d}  "
              f"conns {r['connections']:3d}  send lag max {r['send_lag_max']:5.1f} ms  {'ok' if ok else 'FAIL'}",
              flush=True)
        if ok:
            best, failures = rate, 0
        else:
            failures += 1
            if failures >= 2:
                break
    return best


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
        track = [f"GET /api/v1/track/{code}?phone={phone[-4:]} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
                 for code, phone in rows]
        floor = [f"GET /api/v1/track/{code}?phone=12a4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
                 for code, _phone in rows[:100]]
        with Gunicorn(url, workers=args.workers) as server:
            asyncio.run(open_loop(server.port, track, rate=100, seconds=2))  # warm up
            print(f"open loop, {args.seconds:.0f} s a rate, {args.workers} gunicorn workers, p99 limit {P99_LIMIT_MS} ms")
            best = search(server.port, track, rates, args.seconds, "tracking")
            # The floor answers 404 (no dossier matches a malformed phone) without touching the database.
            floor_best = search(server.port, floor, rates, args.seconds, "floor", expect=404)
        print(f"\ntracking lookup: highest rate with p99 ≤ {P99_LIMIT_MS:.0f} ms: {best} req/s (goal ≥ 500)")
        print(f"framework floor (no query):             {floor_best} req/s")
        if floor_best:
            print(f"ratio tracking / floor: {best / floor_best:.2f}×")


if __name__ == "__main__":
    main()
