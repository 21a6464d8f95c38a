"""The dossier world with a fee on its procedure, and the payment platform simulator on a real socket."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.models import Fee
from motcua.dossiers.services import dossier_submit
from motcua.dossiers.tests.conftest import World, fresh_calendar, world  # noqa: F401
from motcua.payments.simulator import PaymentSimulator

FEE = Decimal("50000")


@pytest.fixture
def fee(world):  # noqa: F811
    Fee.objects.create(version=world.version, position=9, description="Lệ phí cấp phiếu", amount=FEE)
    return FEE


@pytest.fixture
def submitted(world, fee):  # noqa: F811
    """An online dossier filed by the citizen (who pays)."""
    return dossier_submit(
        actor=world.citizen,
        procedure_version=world.version,
        applicant=world.applicant(),
        receiving_agency=world.commune,
    )


@pytest.fixture
def platform(settings):
    sim = PaymentSimulator(port=0, secret=settings.PAYMENT_SECRET).start()
    settings.PAYMENT_URL = sim.url
    yield sim
    sim.stop()
