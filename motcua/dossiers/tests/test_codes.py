"""Dossier codes: format, daily sequence, uniqueness under concurrent receptions."""

import datetime as dt
import re
import threading

import pytest
from django.db import close_old_connections, connection

from motcua.dossiers.codes import allocate_code, format_code, next_daily_number
from motcua.dossiers.models import Dossier

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H48-\d{6}-\d{4,}$")


def test_format():
    assert format_code("000.00.53.H48", dt.date(2025, 7, 1), 7) == "000.00.53.H48-250701-0007"
    assert format_code("000.00.53.H48", dt.date(2025, 7, 1), 12345).endswith("-12345")


@pytest.mark.django_db
def test_sequence_per_agency_and_local_day(world):
    day = dt.date(2026, 3, 2)
    assert [next_daily_number(agency_id=world.dept.pk, day=day) for _ in range(3)] == [1, 2, 3]
    assert next_daily_number(agency_id=world.commune.pk, day=day) == 1
    assert next_daily_number(agency_id=world.dept.pk, day=day + dt.timedelta(days=1)) == 1
    # 23:30 UTC is already the next day in Vietnam.
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    assert allocate_code(agency=world.health, moment=late) == "000.00.21.H48-260303-0001"


@pytest.mark.django_db
def test_sequential_receptions_get_distinct_codes(world):
    codes = [world.receive().code for _ in range(12)]
    assert len(set(codes)) == 12 and all(CODE.match(c) for c in codes)
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_concurrent_receptions_never_share_a_code(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database cannot take concurrent writers")
    threads, per_thread, errors = 12, 5, []
    barrier = threading.Barrier(threads)

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                world.receive()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == threads * per_thread
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, threads * per_thread + 1))
