"""The staff dossier list of a specialist over many dossiers: median latency with 1 and 16 clients.

    .venv/bin/python bench/bench_staff_list.py                    # 1,000,000 dossiers (generation ~10+ min)
    .venv/bin/python bench/bench_staff_list.py --count 200000     # smaller
    .venv/bin/python bench/bench_staff_list.py --reuse            # database already generated (then dropped)

A throw-away database `motcua_bench_staff` gets the seeded world plus 60 more agencies with desks, then
`manage.py generate_dossiers --count N`. The timed request is `GET /api/v1/dossiers?limit=100` (a
specialist of the Department of Justice: permission-filtered, most urgent first, 100 rows and the count)
through gunicorn, closed loop with wrk at 1 and at 16 connections. Baseline in the same run: the same
list's SQL (page + count) from psycopg, 1 client — what the database alone needs. The query count is
checked at limit=1 and limit=100 (it must not grow). Goal: median ≤ 24 ms with 1 client.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time

from common import Gunicorn, bench_database, drop_database, seed

DB = "motcua_bench_staff"


def wrk(base: str, path: str, token: str, *, clients: int, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(2, clients)),
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            base + path,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout

    def ms(label):
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50": ms("50%"), "p99": ms("99%"), "rps": rps, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="Use the already generated database.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database at the end.")
    args = parser.parse_args()
    assert 1 <= args.seconds <= 120

    if args.reuse:
        from common import db_url, setup_django

        url = db_url(DB)
        setup_django(url)
        run_bench(url, args)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(DB)
        return
    with bench_database(DB, keep=args.keep) as url:
        prepare(args.count)
        run_bench(url, args)


def prepare(count: int) -> None:
    from django.core.management import call_command

    seed(officers=1, specialists=2, extra_agencies=60)
    started = time.monotonic()
    call_command("generate_dossiers", count=count)
    print(f"generated {count:,} dossiers in {time.monotonic() - started:.0f} s", flush=True)


def run_bench(url: str, args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers import selectors
    from motcua.dossiers.models import Dossier
    from motcua.org.models import ApiToken, User
    from motcua.org.services import api_token_issue

    total = Dossier.objects.count()
    specialist = User.objects.get(username="specialist0")
    ApiToken.objects.filter(user=specialist).delete()
    token = api_token_issue(username="specialist0", password="correct horse battery")
    visible = selectors.dossier_list(specialist).count()
    print(f"{total:,} dossiers; the specialist may see {visible:,}", flush=True)

    # Query count must not grow with the page size.
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client.get("/api/v1/dossiers?limit=1", **auth)  # records the token's first use
    counts = {}
    for limit in (1, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/dossiers?limit={limit}", **auth)
        assert response.status_code == 200 and len(response.json()["items"]) == min(limit, visible)
        counts[limit] = len(ctx.captured_queries)
    print(f"queries a request: limit=1 → {counts[1]}, limit=100 → {counts[100]}", flush=True)

    # Baseline: hand-written SQL for the same page and capped count (the specialist holds one agency),
    # straight from the driver, 1 client.
    from motcua.org.selectors import staff_agency_ids

    (agency_id,) = staff_agency_ids(specialist)
    page_sql = (
        "SELECT d.* FROM dossiers_dossieragency p JOIN dossiers_dossier d ON d.id = p.dossier_id "
        "WHERE p.agency_id = %s ORDER BY p.due_at, p.dossier_id LIMIT 100"
    )
    count_sql = (
        "SELECT count(*) FROM (SELECT 1 FROM dossiers_dossieragency WHERE agency_id = %s LIMIT 10001) q"
    )
    page_params = [agency_id]
    raw = connection.connection
    timings = []
    for i in range(60):
        t = time.perf_counter()
        with raw.cursor() as c:
            c.execute(page_sql, page_params)
            c.fetchall()
            c.execute(count_sql, page_params)
            c.fetchall()
        if i >= 10:
            timings.append((time.perf_counter() - t) * 1000)
    sql_p50 = statistics.median(timings)
    with raw.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + page_sql, page_params)
        plan = "\n".join(r[0] for r in c.fetchall())
    connection.close()

    with Gunicorn(url, workers=args.workers) as server:
        path = "/api/v1/dossiers?limit=100"
        wrk(server.base, path, token, clients=2, seconds=2)  # warm every worker
        one = wrk(server.base, path, token, clients=1, seconds=args.seconds)
        many = wrk(server.base, path, token, clients=16, seconds=args.seconds)

    print(f"\nstaff list, {total:,} dossiers, {visible:,} visible, limit=100, {args.workers} workers:")
    print(f"  hand-written SQL (page + capped count), 1 client: median {sql_p50:6.1f} ms")
    print(
        f"  HTTP  1 client : median {one['p50']:6.1f} ms  p99 {one['p99']:6.1f} ms  {one['rps']:6.1f} req/s "
        f"({one['non2xx']} non-2xx)  ratio to SQL {one['p50'] / sql_p50:.2f}×"
    )
    print(
        f"  HTTP 16 clients: median {many['p50']:6.1f} ms  p99 {many['p99']:6.1f} ms  {many['rps']:6.1f} req/s "
        f"({many['non2xx']} non-2xx)"
    )
    print("  goal: median ≤ 24 ms with 1 client:", "met" if one["p50"] <= 24 else "NOT met")
    print("\nplan of the page query:\n" + plan)


if __name__ == "__main__":
    main()
