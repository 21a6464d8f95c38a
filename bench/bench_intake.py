"""Intake over HTTP: dossiers received per second through gunicorn + PostgreSQL, against pgbench
writing the same rows in the same run.

    .venv/bin/python bench/bench_intake.py            # options: --seconds 10 --clients 8 --workers 4 --rounds 2

A throw-away database `motcua_bench_intake` is created, migrated and seeded (one commune desk, a
3-step provincial procedure, receiving officers with API tokens). Then, alternating `--rounds` times:

* pgbench: one transaction per dossier, the statements the service issues for a reception — the
  daily-sequence upsert, the dossier row, its 3 step rows, its first hash-chained event — with the
  very values of a dossier received through the service (only code, idempotency key and ids vary);
* HTTP: wrk (closed loop, `--clients` connections) POSTs `/api/v1/dossiers` with a bearer token and a
  fresh Idempotency-Key per request to gunicorn (`--workers` sync workers); every 201 is a dossier.

Both use the same number of concurrent clients and run on the same 2 cores, so the client's CPU counts
against both. The ratio is HTTP dossiers/s ÷ pgbench transactions/s. Goal ≥ 0.25×.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from pathlib import Path

from common import Gunicorn, bench_database, run, seed

DB = "motcua_bench_intake"

WRK_LUA = r"""
-- thread_id is a global set by setup() in each thread's own Lua state: a `local thread_id` here would
-- shadow it, every thread would send the same keys and half the requests would be idempotent replays.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  token = args[1]
  body = args[2]
  run_id = args[3]
end
function request()
  counter = counter + 1
  local headers = {}
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/api/v1/dossiers", headers, body)
end
local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
"""

BODY = {
    "procedure": "2.001263",
    "desk": None,
    "applicant": {
        "name": "Nguyễn Văn An",
        "identifier": "014090000001",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "address": "Bản Mòng, xã Chiềng Mung, tỉnh Sơn La",
    },
    "fees_amount": "0",
}


def pgbench_script() -> str:
    """The service's reception writes as a pgbench transaction, values copied from a real reception."""
    import psycopg
    from django.db import connection

    from motcua.dossiers.models import DailySequence, Dossier, DossierEvent, DossierStep

    sample = Dossier.objects.order_by("-id").first()
    assert sample is not None, "receive one dossier through the service first"
    raw = connection.connection
    assert isinstance(raw, psycopg.Connection)
    cursor = psycopg.ClientCursor(raw)

    def insert(model, obj, overrides: dict[str, str]) -> str:
        columns, values = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(connection.ops.quote_name(f.column))
            if f.attname in overrides:
                values.append(overrides[f.attname])
            else:
                values.append(cursor.mogrify("%s", [f.get_db_prep_save(getattr(obj, f.attname), connection)]))
        return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(values)})"

    seq_table = DailySequence._meta.db_table
    code = f"'{sample.code.rsplit('-', 1)[0]}-' || lpad(:last::text, greatest(4, length(:last::text)), '0')"
    lines = [
        r"\set key random(1, 1000000000000)",
        "BEGIN;",
        f"INSERT INTO {seq_table} (agency_id, day, last) VALUES ({sample.receiving_agency_id}, "
        f"CURRENT_DATE, 1) ON CONFLICT (agency_id, day) DO UPDATE SET last = {seq_table}.last + 1 "
        r"RETURNING last \gset",
        insert(Dossier, sample, {"code": code, "idempotency_key": "'pgbench:' || :key || '-' || :client_id"})
        + r" RETURNING id \gset",
    ]
    steps = list(DossierStep.objects.filter(dossier=sample).order_by("position"))
    step_inserts = [insert(DossierStep, s, {"dossier_id": ":id"}) for s in steps]
    # One multi-row INSERT, as bulk_create sends it.
    head = step_inserts[0].split(" VALUES ")[0]
    lines.append(head + " VALUES " + ", ".join(s.split(" VALUES ", 1)[1] for s in step_inserts) + ";")
    event = DossierEvent.objects.get(dossier=sample, seq=1)
    lines.append(insert(DossierEvent, event, {"dossier_id": ":id"}) + ";")
    lines.append("COMMIT;")
    # pgbench wants one statement per line; the \gset ones carry no trailing semicolon.
    return "\n".join(line.replace("\n", " ") for line in lines) + "\n"


def run_pgbench(url: str, script: str, *, clients: int, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    out = run(["pgbench", "-n", "-f", f.name, "-c", str(clients), "-j", "2", "-T", str(seconds), url])
    Path(f.name).unlink()
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench: {failed.group(1)} failed transactions")
    return float(match.group(1))


def run_wrk(base: str, token: str, body: str, *, clients: int, seconds: int, run_id: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
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
            "-s",
            f.name,
            base,
            "--",
            token,
            body,
            run_id,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    Path(f.name).unlink()
    m = re.search(r"RESULT requests=(\d+) errors_status=(\d+) p50_us=(\d+) p99_us=(\d+)", out)
    requests, errors, p50, p99 = (int(x) for x in m.groups())
    return {"requests": requests, "errors": errors, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    assert 1 <= args.seconds <= 120 and 1 <= args.clients <= 64 and 1 <= args.rounds <= 5

    with bench_database(DB) as url:
        world = seed(officers=1)
        from django.db import connection

        from motcua.catalog.selectors import procedure_detail
        from motcua.dossiers.models import Dossier
        from motcua.dossiers.services import ApplicantData, dossier_receive
        from motcua.org.models import Desk, User

        desk = Desk.objects.select_related("agency").get(pk=world.desk_id)
        dossier_receive(
            actor=User.objects.get(username="officer0"),
            desk=desk,
            procedure_version=procedure_detail(code=world.procedure_code),
            applicant=ApplicantData(**BODY["applicant"]),
        )
        script = pgbench_script()
        connection.close()
        body = json.dumps(dict(BODY, desk=world.desk_id), ensure_ascii=False)

        rows = []
        with Gunicorn(url, workers=args.workers) as server:
            # Warm up: every worker imports, connects and builds its calendar.
            run_wrk(
                server.base, world.officer_tokens[0], body, clients=args.clients, seconds=2, run_id="warm"
            )
            for r in range(args.rounds):
                tps = run_pgbench(url, script, clients=args.clients, seconds=args.seconds)
                before = Dossier.objects.count()
                w = run_wrk(
                    server.base,
                    world.officer_tokens[0],
                    body,
                    clients=args.clients,
                    seconds=args.seconds,
                    run_id=f"r{r}",
                )
                created = Dossier.objects.count() - before
                http = created / args.seconds
                rows.append((tps, http, w))
                print(
                    f"round {r + 1}: pgbench {tps:8.1f} tps | HTTP {http:7.1f} dossiers/s "
                    f"(p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms, {w['errors']} non-2xx, "
                    f"{w['requests']} answers for {created} new dossiers) | ratio {http / tps:.3f}×",
                    flush=True,
                )
                # Every request carries a new key: an answer without a new dossier would be a replay.
                assert created >= w["requests"], "some requests were idempotent replays: the keys repeat"
                connection.close()

        codes = Dossier.objects.values("code").distinct().count()
        assert codes == Dossier.objects.count(), "duplicate codes"
        tps = sum(r[0] for r in rows) / len(rows)
        http = sum(r[1] for r in rows) / len(rows)
        print(
            f"\nintake, {args.clients} clients, {args.workers} gunicorn workers, {args.seconds}s × {args.rounds}:"
        )
        print(f"  pgbench (same inserts): {tps:8.1f} dossiers/s")
        print(f"  HTTP (gunicorn+Django): {http:8.1f} dossiers/s")
        print(f"  ratio {http / tps:.3f}×   (goal ≥ 0.25×)")
        connection.close()


if __name__ == "__main__":
    main()
