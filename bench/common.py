"""Shared helpers of the dossier benchmarks: a throw-away PostgreSQL database, a seeded world, gunicorn.

    with bench_database("motcua_bench_dossiers") as url:   # created, migrated; dropped on exit
        world = seed()                                     # province, desks, procedure, officers, tokens
        with Gunicorn(url, workers=4) as server:           # started on 127.0.0.1; stopped on exit
            ...

Everything talks to 127.0.0.1 only. BENCH_PG_URL names the server (default
postgres://postgres@127.0.0.1:5432/postgres); the bench database lives beside it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
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


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
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
            agency = AgencyFactory(identifier=f"000.{i // 100:02d}.{i % 100:02d}.H49", name=f"Cơ quan {i}", kind=kind)
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

    def __init__(self, url: str, *, workers: int = 4, port: int | None = None, extra: tuple[str, ...] = ()):
        self.url = url
        self.workers = workers
        self.port = port or free_port()
        self.extra = extra
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
            DJANGO_SETTINGS_MODULE="config.settings",
            DB_CONN_MAX_AGE="600",
            LOG_LEVEL="ERROR",
            TASKS_BACKEND=os.environ.get("TASKS_BACKEND", "database"),  # production: notifications queued
        )
        cmd = [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--backlog", "2048",
            "--log-level", "error",
            "--preload",
            *self.extra,
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def kill9(self) -> None:
        """SIGKILL the master and every worker at once (the whole process group): a crash, not a shutdown."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

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
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout
