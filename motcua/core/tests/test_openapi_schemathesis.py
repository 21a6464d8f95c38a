"""schemathesis against /api/openapi.json: every operation, with a staff bearer token and without.

Checks: no server error, responses that match their documented schema, and documented status codes.
A short run by default (`make test`); SCHEMATHESIS_MAX_EXAMPLES=100 runs long. Each operation is
driven with generated data (valid and invalid) and, where it takes a dossier code, also with the code
of a real demo dossier, so the happy paths run too. Failures are collected and reported together,
each with its operation and the request that broke it (as a curl command).
"""

from __future__ import annotations

import contextlib
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from config.wsgi import application
from motcua.demo.loader import DEMO_PASSWORD, load_demo
from motcua.dossiers.models import Dossier
from motcua.org.services import api_token_issue

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _run(
    operation, *, headers: dict, mode: GenerationMode, path_parameters: dict | None, tally: dict
) -> None:
    strategy = operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cache.clear()  # rate limits would otherwise answer 429 to a fast fuzzer
        tally["cases"] += 1
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # reported below, with the operation and input
            key = (operation.label, type(failure).__name__, str(failure).splitlines()[0][:160])
            tally["failures"].setdefault(key, (case.as_curl_command(), str(failure)[:2000]))

    with contextlib.suppress(Unsatisfiable):  # nothing to negate (no parameters, no body)
        run()


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI app must not close the test transaction's connection at
    the end of each request (PostgreSQL would lose the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_openapi_schema(monkeypatch, capsys, keep_test_connection):
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "5")
    load_demo()
    code = Dossier.objects.order_by("id").values_list("code", flat=True).first()
    staff = {"Authorization": f"Bearer {api_token_issue(username='motcua', password=DEMO_PASSWORD)}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    tally: dict = {"cases": 0, "failures": {}}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        takes_code = "{code}" in operation.path
        for headers in (staff, {}):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(operation, headers=headers, mode=mode, path_parameters=None, tally=tally)
            if takes_code:
                _run(
                    operation,
                    headers=headers,
                    mode=GenerationMode.POSITIVE,
                    path_parameters={"code": code},
                    tally=tally,
                )
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {tally['cases']} cases, {len(tally['failures'])} failures"
        )
    report = "\n\n".join(
        f"{label}: {kind}: {first}\n{curl}\n{detail}"
        for (label, kind, first), (curl, detail) in sorted(tally["failures"].items())
    )
    assert not tally["failures"], report
