"""The administrator's sync page and the admin's replay action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dvcqg.models import OutboxMessage, ProcedureMapping
from motcua.dvcqg.tests.test_delivery import drain
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_admin_sees_delivered_and_parked_with_reason_and_replays(
    client, world, simulator, mapped, admin_user, english
):
    world.receive()
    unmapped = world.receive()
    # Make the second one's procedure unknown only after the first was sent.
    drain()
    ProcedureMapping.objects.all().delete()
    from motcua.dvcqg.lifecycle import step

    step(unmapped, 0, lambda who: getattr(world, who))
    drain()
    client.force_login(admin_user)
    page = client.get(reverse("dvcqg_sync"))
    assert page.status_code == 200
    body = page.content.decode()
    counts = page.context["counts"]
    assert counts["delivered"] == 2 and counts["parked"] == 1
    assert "has no national code (MaTTHC)" in body and unmapped.code in body

    ProcedureMapping.objects.create(procedure_code=world.version.procedure.code, national_code="2.001263")
    parked = OutboxMessage.objects.get(status="parked")
    response = client.post(reverse("dvcqg_replay"), {"message": [parked.pk]})
    assert response.status_code == 302
    drain()
    parked.refresh_from_db()
    assert parked.status == "delivered"


def test_staff_who_are_not_administrators_are_refused(client, world):
    world.officer.is_staff = True
    world.officer.save()
    client.force_login(world.officer)
    assert client.get(reverse("dvcqg_sync")).status_code == 403


def test_missing_mappings_are_listed(client, world, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("dvcqg_sync"))
    assert world.version in page.context["missing"]["procedures"]
