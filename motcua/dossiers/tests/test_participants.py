"""Who sees a dossier in the staff list: the agencies that received, decide, hold or took part in it,
read from DossierAgency (kept by the workflow service) — checked against the plain definition."""

import pytest
from django.db.models import Exists, OuterRef, Q

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierAgency, DossierStep
from motcua.dossiers.participants import FILL_FROM_ID_SQL
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import HCM  # noqa: F401  (the world fixture's time zone)

pytestmark = pytest.mark.django_db


def act(world, d, action, actor, **payload):
    return dossier_act(dossier_code=d.code, action=action, actor=actor, version=d.version, **payload)


def plainly_visible(agency_ids):
    """The definition DossierAgency stands for, written out."""
    return set(
        Dossier.objects.filter(
            Q(competent_agency_id__in=agency_ids)
            | Q(current_agency_id__in=agency_ids)
            | Q(receiving_agency_id__in=agency_ids)
            | Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids))
        ).values_list("code", flat=True)
    )


def test_a_consulted_agency_sees_the_dossier_from_the_consultation_on(world):
    d = world.receive()
    health = [world.health.pk]
    assert world.receive().code not in plainly_visible(health)
    codes = {x.code for x in selectors.dossier_page(world.health_specialist).items}
    assert d.code not in codes
    d = act(world, d, "forward", world.officer)
    d = act(world, d, "assign", world.leader, assignee="sam")
    d = act(world, d, "consult", world.specialist, agencies=[world.health.identifier])
    page = selectors.dossier_page(world.health_specialist)
    assert [x.code for x in page.items] == [d.code] and page.count == 1 and page.count_exact
    for agency in (world.commune, world.dept, world.health, world.finance, world.other):
        rows = set(DossierAgency.objects.filter(agency=agency).values_list("dossier__code", flat=True))
        assert rows == plainly_visible([agency.pk]), agency


def test_the_copied_due_moment_follows_the_dossier(world):
    d = world.receive()
    d = act(world, d, "forward", world.officer)
    d = act(world, d, "apologise_extend", world.leader, days="2", reason="Cần xác minh")
    d = act(world, d, "request_supplement", world.specialist, reason="Thiếu giấy tờ")
    d = act(world, d, "supplement", world.citizen)
    d.refresh_from_db()
    assert set(DossierAgency.objects.filter(dossier=d).values_list("due_at", flat=True)) == {d.due_at}


def test_the_fast_page_and_the_general_list_agree(world):
    dossiers = [world.receive() for _ in range(7)]
    act(world, dossiers[0], "forward", world.officer)
    fast = selectors.dossier_page(world.specialist, limit=3, offset=2)
    general = list(selectors.dossier_list(world.specialist)[2:5])
    assert [d.code for d in fast.items] == [d.code for d in general]
    assert fast.count == selectors.dossier_list(world.specialist).count() == 7


def test_the_count_is_capped(world, monkeypatch):
    for _ in range(4):
        world.receive()
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    page = selectors.dossier_page(world.specialist, limit=2)
    assert (page.count, page.count_exact, len(page.items)) == (3, False, 2)
    page = selectors.dossier_page(world.specialist, status="received", limit=2)  # the general path
    assert (page.count, page.count_exact) == (3, False)


def test_bulk_loads_fill_the_rows_from_the_dossiers(world):
    d = world.receive()
    DossierAgency.objects.all().delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FILL_FROM_ID_SQL, [d.pk])
    assert set(DossierAgency.objects.values_list("agency_id", flat=True)) == {
        a.pk for a in (world.commune, world.dept) if d.code in plainly_visible([a.pk])
    }
