"""Reference data kept in the process: loaded once, dropped in every process when it changes, and never
stale for long even where the cache backend is per process."""

import os
import subprocess
import sys
import uuid

import pytest
import redis

from motcua.core.localcache import LocalCache
from motcua.org.models import Desk
from motcua.org.tests.factories import AgencyFactory


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting_loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[-1]

    return load, calls


def test_loads_once_then_serves_from_the_process():
    cache = LocalCache("test:once")
    load, calls = counting_loader(["a"])
    assert cache.get("k", load) == "a"
    assert cache.get("k", load) == "a"
    assert len(calls) == 1


def test_a_bump_elsewhere_reaches_every_process():
    # Two instances with one name stand for two processes sharing Django's cache (Redis in production).
    here, there = LocalCache("test:shared"), LocalCache("test:shared")
    values = ["old"]
    load, calls = counting_loader(values)
    assert here.get("k", load) == "old"
    assert there.get("k", load) == "old"
    values.append("new")
    there.invalidate()
    assert here.get("k", load) == "new"
    assert len(calls) == 3


def test_entries_expire_after_the_ttl_even_without_a_bump():
    clock = Clock()
    cache = LocalCache("test:ttl", ttl=10, clock=clock)
    values = ["old"]
    load, _calls = counting_loader(values)
    assert cache.get("k", load) == "old"
    values.append("new")
    clock.now += 9.9
    assert cache.get("k", load) == "old"
    clock.now += 0.2
    assert cache.get("k", load) == "new"


def test_none_and_errors_are_not_kept():
    cache = LocalCache("test:none")
    values = [None]
    load, calls = counting_loader(values)
    assert cache.get("k", load) is None
    values.append("found")
    assert cache.get("k", load) == "found"

    def broken():
        raise LookupError("no row")

    with pytest.raises(LookupError):
        cache.get("other", broken)
    assert cache.get("other", lambda: "loaded") == "loaded"


@pytest.mark.django_db(transaction=True)
def test_watched_rows_invalidate_on_save_and_delete():
    cache = LocalCache("test:watch")
    cache.watch(Desk)
    desk = Desk.objects.create(agency=AgencyFactory(), name="Bộ phận Một cửa")

    def load():
        return Desk.objects.get(pk=desk.pk).name

    assert cache.get(desk.pk, load) == "Bộ phận Một cửa"
    Desk.objects.filter(pk=desk.pk).update(name="Quầy 2")  # a bulk update sends no signal: still cached
    assert cache.get(desk.pk, load) == "Bộ phận Một cửa"
    desk.name = "Quầy 3"
    desk.save()
    assert cache.get(desk.pk, load) == "Quầy 3"
    desk.delete()
    assert cache.get(desk.pk, lambda: None) is None


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:  # the production cache is not running here
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


def test_a_change_in_another_process_reaches_this_one_through_redis(settings):
    """Production (REDIS_URL set): a worker that changes a row bumps the generation in Redis, and every
    other worker process reloads at its next read, not after the expiry."""
    _redis_or_skip()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    name = f"test:cross-process:{uuid.uuid4().hex}"
    cache = LocalCache(name, ttl=3600)
    values = ["old"]
    load, calls = counting_loader(values)
    assert cache.get("k", load) == "old"
    assert cache.get("k", load) == "old" and len(calls) == 1

    values.append("new")
    other_process = (
        "import django; django.setup()\n"
        "from motcua.core.localcache import LocalCache\n"
        f"LocalCache({name!r}).invalidate()\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL=REDIS_URL)
    subprocess.run(
        [sys.executable, "-c", other_process], env=env, check=True, timeout=60, cwd=settings.BASE_DIR
    )
    assert cache.get("k", load) == "new"
    assert len(calls) == 2
