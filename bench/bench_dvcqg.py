"""Delivery to the national portal (DVCQG): rate, and exactly-once in order under faults and kills.

    .venv/bin/python bench/bench_dvcqg.py            # options: --dossiers 1000 --fail-rate 0.3 --threads 8

PostgreSQL (a throw-away `motcua_bench_dvcqg`), the simulator and the worker each in their own process, as
in production (`manage.py dvcqg_simulator`, `manage.py dvcqg_worker`):

1. *Rate.* `--dossiers` dossiers go through their whole life (10 events, 7 messages each) with no worker
   running; then the worker starts and the time until every message is delivered gives messages/s.
   Baseline, same run: a bare HTTP client sending the same bodies with the same threads (no database).
2. *Faults.* Another `--dossiers` dossiers live their lives while the worker runs and the simulator fails
   `--fail-rate` of the calls at random (500s, timeouts after filing, malformed answers, slow answers); a
   third of the way the simulator is killed (-9) and restarted 5 s later (down entirely); half way the
   worker is killed (-9) and restarted. Afterwards every message must have arrived exactly once and in
   order per dossier, and `dvcqg_reconcile` must find no difference. Exit status 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import PYTHON, ROOT, bench_database, free_port, seed

DB = "motcua_bench_dvcqg"
PROCS: list[subprocess.Popen] = []  # killed when the bench ends, however it ends


class Simulator:
    def __init__(self, port: int, db_path: str):
        self.port, self.db_path, self.proc = port, db_path, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Simulator:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "motcua.dvcqg.simulator", "--port", str(self.port), "--db", self.db_path],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        PROCS.append(self.proc)
        for _ in range(100):
            try:
                requests.get(self.url + "/_sim/stats", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("simulator did not start")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def control(self, path: str, body: dict | None = None):
        return requests.post(self.url + path, json=body or {}, timeout=5).json()

    def received(self) -> list[dict]:
        return requests.get(self.url + "/_sim/received", timeout=60).json()


def worker(env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "dvcqg_worker", "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    PROCS.append(proc)
    return proc


def people():
    from django.utils import timezone

    from motcua.org.choices import Role
    from motcua.org.models import Membership, User
    from motcua.org.tests.factories import UserFactory

    citizen = UserFactory(
        username="citizen", personal_identifier="014090000001", identity_verified_at=timezone.now()
    )
    Membership.objects.create(user=citizen, agency=None, role=Role.CITIZEN)
    users = {
        "officer": User.objects.get(username="officer0"),
        "specialist": User.objects.get(username="specialist0"),
        "leader": User.objects.get(username="leader"),
        "citizen": citizen,
    }
    return users.__getitem__


def receive(n: int, who):
    from motcua.catalog.selectors import procedure_for_intake
    from motcua.dossiers.services import ApplicantData, dossier_receive
    from motcua.org.models import Desk

    desk = Desk.objects.select_related("agency").get(name="Bộ phận Một cửa xã Chiềng Mung")
    version = procedure_for_intake("2.001263")
    applicant = ApplicantData(name=f"Người nộp {n}", identifier="014090000001", phone="0912345678")
    return [
        dossier_receive(actor=who("officer"), desk=desk, procedure_version=version, applicant=applicant)
        for _ in range(n)
    ]


def live(dossiers, who, *, rng: random.Random, on_progress=None) -> None:
    """Every dossier through its life, interleaved at random."""
    from motcua.dvcqg.lifecycle import LIFE, step

    todo = {d.code: [d, 0] for d in dossiers}
    total, done = len(dossiers) * len(LIFE), 0
    while todo:
        code = rng.choice(list(todo))
        entry = todo[code]
        entry[0] = step(entry[0], entry[1], who)
        entry[1] += 1
        done += 1
        if entry[1] == len(LIFE):
            del todo[code]
        if on_progress:
            on_progress(done / total)


def wait_idle(timeout: float) -> float:
    from motcua.dvcqg.models import OutboxMessage

    started = time.monotonic()
    while OutboxMessage.objects.exclude(status="delivered").exists():
        if time.monotonic() - started > timeout:
            raise RuntimeError("messages still undelivered")
        time.sleep(0.2)
    return time.monotonic() - started


def baseline_rate(sim_url: str, threads: int, n: int) -> float:
    """The same kind of bodies sent straight to the simulator by `threads` keep-alive clients."""
    from motcua.dvcqg.adapters import HttpPortal

    portal = HttpPortal(sim_url, timeout=10)
    bodies = [
        {
            "service": "DongBoHoSoMC",
            "isUpdating": False,
            "data": [
                {"MaHoSo": f"BASE-{i}", "MaTTHC": "2.001263", "TrangThaiHoSo": "2", "ChuHoSo": "x" * 40}
            ],
        }
        for i in range(n)
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda ib: portal.send(ib[1], idempotency_key=f"base-{ib[0]}"), enumerate(bodies)))
    return n / (time.monotonic() - started)


def check(sim: Simulator) -> dict:
    """Exactly once, in order, per dossier; and the reconciliation."""
    from motcua.dossiers.models import Dossier
    from motcua.dvcqg.models import OutboxMessage
    from motcua.dvcqg.reconcile import reconcile

    theirs: dict[str, list[str]] = {}
    for row in sim.received():
        theirs.setdefault(row["code"], []).append(row["key"])
    codes = dict(Dossier.objects.values_list("pk", "code"))
    ours: dict[str, list[str]] = {}
    for dossier_id, key in OutboxMessage.objects.order_by("dossier_id", "id").values_list(
        "dossier_id", "idempotency_key"
    ):
        ours.setdefault(codes[dossier_id], []).append(key)
    wrong = [c for c in ours if theirs.get(c) != ours[c]]
    duplicates = sum(len(v) - len(set(v)) for v in theirs.values())
    from motcua.dvcqg.adapters import HttpPortal

    report = reconcile(adapter=HttpPortal(sim.url, timeout=60))
    return {
        "dossiers": len(ours),
        "messages": sum(len(v) for v in ours.values()),
        "out_of_order_or_missing": len(wrong),
        "duplicates": duplicates,
        "reconcile_differences": len(report.differences),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--fail-rate", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(13)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dvcqg-"))
    try:
        return _run(args, rng, tmp)
    finally:
        for proc in PROCS:
            if proc.poll() is None:
                proc.kill()


def _run(args, rng, tmp) -> int:
    with bench_database(DB) as url:
        seed(officers=1, specialists=1)
        from motcua.dvcqg.services import mappings_fill_identical

        mappings_fill_identical()
        who = people()
        sim = Simulator(free_port(), str(tmp / "rate.sqlite3")).start()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DVCQG_URL": sim.url,
            "DVCQG_WORKER_THREADS": str(args.threads),
            "DVCQG_TIMEOUT": "1.0",
            "DVCQG_BACKOFF_BASE": "0.2",
            "DVCQG_BACKOFF_MAX": "5",
            "DVCQG_LEASE_SECONDS": "15",
            "DVCQG_PULL_SECONDS": "0",
            "DEBUG": "False",
            "SECURE_SSL_REDIRECT": "False",
        }
        results: dict = {}

        # 1. Rate.
        started = time.monotonic()
        dossiers = receive(args.dossiers, who)
        live(dossiers, who, rng=rng)
        results["lifecycle_events_per_s"] = round(args.dossiers * 10 / (time.monotonic() - started), 1)
        from motcua.dvcqg.models import OutboxMessage

        total = OutboxMessage.objects.count()
        proc = worker(env)
        t0 = time.monotonic()
        while not OutboxMessage.objects.filter(status="delivered").exists():
            time.sleep(0.05)
        t_first = time.monotonic()
        wait_idle(600)
        t_end = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        results["messages"] = total
        results["delivery_per_s"] = round(total / (t_end - t_first), 1)
        results["delivery_per_s_including_start"] = round(total / (t_end - t0), 1)
        results["rate_check"] = check(sim)
        results["baseline_http_only_per_s"] = round(baseline_rate(sim.url, args.threads, 3000), 1)
        sim.kill()

        # 2. Faults, an outage, a kill -9 of the worker.
        OutboxMessage.objects.all().delete()
        from motcua.dvcqg.models import DeliveryAttempt  # noqa: F401  (cascade)

        sim = Simulator(free_port(), str(tmp / "faults.sqlite3")).start()
        env["DVCQG_URL"] = sim.url
        sim.control("/_sim/faults", {"fail_rate": args.fail_rate, "hang_seconds": 1.5, "slow_seconds": 0.3})
        procs = [worker(env)]
        events = {"outage": False, "kill": False}

        def on_progress(fraction: float) -> None:
            if fraction > 1 / 3 and not events["outage"]:
                events["outage"] = True
                sim.kill()
                time.sleep(5)
                sim.start()
                sim.control(
                    "/_sim/faults", {"fail_rate": args.fail_rate, "hang_seconds": 1.5, "slow_seconds": 0.3}
                )
            if fraction > 1 / 2 and not events["kill"]:
                events["kill"] = True
                procs[0].send_signal(signal.SIGKILL)
                procs[0].wait()
                procs[0] = worker(env)

        started = time.monotonic()
        dossiers = receive(args.dossiers, who)
        live(dossiers, who, rng=rng, on_progress=on_progress)
        lifecycle_seconds = time.monotonic() - started
        stats = requests.get(sim.url + "/_sim/stats", timeout=5).json()
        sim.control("/_sim/faults", {})  # the portal recovers
        drain_seconds = wait_idle(900)
        procs[0].send_signal(signal.SIGTERM)
        procs[0].wait()
        results["faults"] = {
            "lifecycle_seconds": round(lifecycle_seconds, 1),
            "drain_after_recovery_seconds": round(drain_seconds, 1),
            "calls_during_faults": stats["calls"],
            "failures_injected": stats["failures_injected"],
            "attempts": DeliveryAttempt.objects.count(),
            **check(sim),
        }
        sim.kill()
    print(json.dumps(results, indent=2))
    faults = results["faults"]
    ok = all(
        results["rate_check"][k] == 0
        for k in ("out_of_order_or_missing", "duplicates", "reconcile_differences")
    )
    ok = ok and all(
        faults[k] == 0 for k in ("out_of_order_or_missing", "duplicates", "reconcile_differences")
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
