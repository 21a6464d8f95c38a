"""Shared helpers of the dossier benchmarks: a throw-away PostgreSQL database, a seeded world, gunicorn.

    with bench_database("motcua_bench_dossiers") as url:   # created, migrated; dropped on exit
        world = seed()                                     # province, desks, procedure, officers, tokens
        with Gunicorn(url, workers=4) as server:           # started on 127.0.0.1; stopped on exit
            ...

Everything talks to 127.0.0.1 only. BENCH_PG_URL names the server (default
postgres://postgres@127.0.0.1:5432/postgres); the bench database lives beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PYTHON = sys.executable


def db_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(sql)


def drop_database(name: str) -> None:
    # FORCE: a killed gunicorn may leave backends behind for a moment.
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def bench_database(name: str, *, keep: bool = False):
    """Create `name` afresh, point Django at it, migrate; drop it on exit unless `keep`."""
    # SIGTERM (e.g. `timeout`) would end Python without running the `finally` blocks that stop gunicorn
    # and drop the database; make it an ordinary exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    drop_database(name)
    _admin(f'CREATE DATABASE "{name}"')
    url = db_url(name)
    try:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(name)


def audit_key_file() -> str:
    """A throw-away audit key file, as production has one (AUDIT_KEY_FILE): the events are keyed with it."""
    path = Path(tempfile.gettempdir()) / "motcua-bench-audit.keys"
    if not path.exists():
        path.write_text(f"bench {secrets.token_urlsafe(48)}\n")
    return str(path)


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    os.environ.setdefault("SITE_ROOT", "https://dichvucong.example.gov.vn")
    os.environ.setdefault("AUDIT_KEY_FILE", audit_key_file())
    import django

    django.setup()


@dataclass
class World:
    """What the benches need: ids, codes and raw bearer tokens."""

    procedure_code: str
    desk_id: int
    commune_id: int
    dept_id: int
    officer_tokens: list[str]
    specialist_tokens: list[str]
    leader_token: str
    agency_ids: list[int] = field(default_factory=list)


def seed(*, officers: int = 4, specialists: int = 2, extra_agencies: int = 0) -> World:
    """A commune desk receiving a provincial procedure (3 steps: reception, appraisal, signature)
    decided by the Department of Justice; `officers` receiving officers at the desk and `specialists`
    specialists of the department, each with an API token. `extra_agencies` more departments and
    communes (each with a desk, a specialist and a receiving officer) for the generated load."""
    from django.db import transaction

    from motcua.catalog.tests.factories import make_procedure
    from motcua.org.choices import AgencyKind, Role
    from motcua.org.models import Desk, Membership
    from motcua.org.services import api_token_issue
    from motcua.org.tests.factories import AgencyFactory, UserFactory

    password = "correct horse battery"

    def member(username: str, agency, role: str) -> str:
        user = UserFactory(username=username, full_name=f"Cán bộ {username}")
        Membership.objects.create(user=user, agency=agency, role=role)
        return api_token_issue(username=username, password=password)

    with transaction.atomic():
        commune = AgencyFactory(
            identifier="000.00.31.H48", name="UBND xã Chiềng Mung", kind=AgencyKind.PEOPLES_COMMITTEE
        )
        dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
        desk = Desk.objects.create(agency=commune, name="Bộ phận Một cửa xã Chiềng Mung")
        Desk.objects.create(agency=dept, name="Bộ phận Một cửa Sở Tư pháp")
        make_procedure(
            "2.001263",
            "Cấp Phiếu lý lịch tư pháp",
            field_name="Lý lịch tư pháp",
            levels=("province",),
            days="3",
            agency_identifier=dept.identifier,
        )
        agency_ids = [commune.pk, dept.pk]
        for i in range(extra_agencies):
            kind = AgencyKind.PEOPLES_COMMITTEE if i % 3 else AgencyKind.DEPARTMENT
            agency = AgencyFactory(
                identifier=f"000.{i // 100:02d}.{i % 100:02d}.H49", name=f"Cơ quan {i}", kind=kind
            )
            Desk.objects.create(agency=agency, name=f"Bộ phận Một cửa {i}")
            agency_ids.append(agency.pk)
    return World(
        procedure_code="2.001263",
        desk_id=desk.pk,
        commune_id=commune.pk,
        dept_id=dept.pk,
        officer_tokens=[member(f"officer{i}", commune, Role.RECEIVING_OFFICER) for i in range(officers)],
        specialist_tokens=[member(f"specialist{i}", dept, Role.SPECIALIST) for i in range(specialists)],
        leader_token=member("leader", dept, Role.LEADER),
        agency_ids=agency_ids,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn config.wsgi` on 127.0.0.1 against `url`; sync workers (one request each, no threads:
    the benches measure the application, and on 2 cores more workers than ~2×cores only add switching)."""

    def __init__(
        self,
        url: str,
        *,
        workers: int = 4,
        port: int | None = None,
        extra: tuple[str, ...] = (),
        settings: str = "config.settings",
    ):
        self.url = url
        self.workers = workers
        self.port = port or free_port()
        self.extra = extra
        # "bench_settings" (this folder) = the project's settings with the per-IP rate limits off: every
        # request of a load test comes from 127.0.0.1.
        self.settings = settings
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        env = dict(
            os.environ,
            DATABASE_URL=self.url,
            DEBUG="False",
            SECURE_SSL_REDIRECT="False",
            DJANGO_SETTINGS_MODULE=self.settings,
            DB_CONN_MAX_AGE="600",
            LOG_LEVEL="ERROR",
            TASKS_BACKEND=os.environ.get("TASKS_BACKEND", "database"),  # production: notifications queued
            AUDIT_KEY_FILE=audit_key_file(),  # production: events keyed with a key outside the database
        )
        cmd = [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--log-level",
            "error",
            "--preload",
            "--pythonpath",
            str(ROOT / "bench"),
            *self.extra,
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def kill9(self) -> None:
        """SIGKILL the master and every worker at once (the whole process group): a crash, not a shutdown."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            # The workers die a moment after the master; until the last one has, the listening socket
            # still accepts, and a restart would look ready before it is.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.killpg(self.proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.01)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill9()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def warm(base: str, path: str, *, headers: dict | None = None, n: int = 50) -> None:
    """A few requests so every worker has imported its code and opened its connection."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    for _ in range(n):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", path, headers=headers or {})
        conn.getresponse().read()
        conn.close()


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def run(cmd: list[str], **kwargs) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(
            f"{cmd[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout


# --- an open-loop load generator on raw sockets (tracking and public page benches) ---------------------------
#
# Open loop, honestly: request i is due at t0 + i/rate whatever happened before; an idle keep-alive
# connection takes it (a new one is opened when none is idle, up to MAX_CONNECTIONS), and its latency is
# measured from the *scheduled* moment, so a server that falls behind shows the queueing it causes (no
# coordinated omission). The generator's own lateness is reported (`send_lag_max`): a late send would
# hide server latency, so a rate only passes when the generator kept its schedule.

MAX_CONNECTIONS = 512


class Conn:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer


def get_request(path: str, *, headers: dict[str, str] | None = None) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode()


def post_request(path: str, body: bytes, *, headers: dict[str, str] | None = None) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def http_exchange(conn: Conn, raw: bytes) -> tuple[int, bool, bytes]:
    """Send one request, read the whole answer: (status, whether the connection may be reused, body).
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
    body = await conn.reader.readexactly(length) if length else b""
    return status, reusable, body


async def open_loop(
    port: int, requests: list[bytes], *, rate: float, seconds: float, expect: int = 200
) -> dict:
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
            status, reusable, _body = await asyncio.wait_for(
                http_exchange(conn, requests[i % len(requests)]), 10
            )
            latencies.append((loop.time() - due) * 1000)
            if status != expect:
                errors += 1
            if reusable:
                idle.append(conn)
            else:
                conn.writer.close()
                opened -= 1
        except (TimeoutError, OSError, IndexError, ValueError, asyncio.IncompleteReadError):
            errors += 1
            if conn is not None:
                conn.writer.close()

    # The generator's own pauses must not count against the server: this process holds Django and the
    # bench data, and a full collection of it stalls the schedule for tens of milliseconds. No collection
    # while sending; one after.
    gc.disable()
    tasks = []
    for i in range(n):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lag_max = max(lag_max, (loop.time() - due) * 1000)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    gc.enable()
    gc.collect()
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


@dataclass
class Target:
    """One URL family under test: its requests, the status every answer must have, its best passing rate."""

    label: str
    requests: list[bytes]
    expect: int = 200
    best: int = 0
    failures: int = 0
    results: list[dict] = field(default_factory=list)


def rate_search(
    port: int, targets: list[Target], rates: list[int], *, seconds: float, p99_limit_ms: float
) -> None:
    """For each rate in increasing order, run every target still in the race, one after the other (so a
    target and its baseline see the same machine, minute by minute). A rate passes when p99 ≤ the limit,
    every answer has the expected status and the generator kept its schedule; a target leaves the race
    after two failing rates in a row. Fills each target's `best` and `results`."""
    for rate in rates:
        running = [t for t in targets if t.failures < 2]
        if not running:
            break
        for t in running:
            r = asyncio.run(open_loop(port, t.requests, rate=rate, seconds=seconds, expect=t.expect))
            ok = r["p99"] <= p99_limit_ms and r["errors"] == 0 and r["send_lag_max"] < p99_limit_ms
            r["ok"] = ok
            r["load"] = os.getloadavg()[0]
            t.results.append(r)
            print(
                f"  {t.label:14} {rate:5d}/s: p50 {r['p50']:6.1f} ms  p99 {r['p99']:7.1f} ms  errors {r['errors']:4d}  "
                f"conns {r['connections']:3d}  send lag max {r['send_lag_max']:5.1f} ms  "
                f"load {r['load']:4.1f}  {'ok' if ok else 'FAIL'}",
                flush=True,
            )
            if ok:
                t.best, t.failures = max(t.best, rate), 0
            else:
                t.failures += 1
