"""A simulated portal on a real socket for each test that asks for it, and the dossier world."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.conftest import World, fresh_calendar, world  # noqa: F401
from motcua.dvcqg.simulator import PortalSimulator


@pytest.fixture
def simulator(settings):
    sim = PortalSimulator(port=0, seed=13).start()
    settings.DVCQG_URL = sim.url
    settings.DVCQG_TIMEOUT = 0.5
    settings.DVCQG_BACKOFF_BASE = 0.02
    settings.DVCQG_BACKOFF_MAX = 0.2
    settings.DVCQG_WORKER_THREADS = 4
    yield sim
    sim.stop()


@pytest.fixture
def mapped(db):
    from motcua.dvcqg.services import mappings_fill_identical

    mappings_fill_identical()
