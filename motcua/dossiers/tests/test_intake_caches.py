"""The reception path keeps tokens, procedures and desks in the process (motcua.core.localcache); a change
to any of them must be seen by the very next request, not after the cache expires."""

import datetime as dt

import pytest

from motcua.catalog.tests.factories import make_procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Membership
from motcua.org.services import api_token_issue

pytestmark = pytest.mark.django_db


def receive(client, world, token, key, **extra):
    body = {
        "procedure": "2.001263",
        "desk": world.desk.pk,
        "applicant": {"name": "Nguyễn Văn An", "identifier": "014090000001", "phone": "0912345678"},
        **extra,
    }
    return client.post(
        "/api/v1/dossiers",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def token(world):
    return api_token_issue(username=world.officer.username, password="correct horse battery")


def test_a_deactivated_officer_is_refused_at_the_next_request(client, world, token):
    assert receive(client, world, token, "a").status_code == 201
    world.officer.is_active = False
    world.officer.save(update_fields=["is_active"])
    assert receive(client, world, token, "b").status_code == 401


def test_a_withdrawn_role_stops_receptions_at_once(client, world, token):
    assert receive(client, world, token, "a").status_code == 201
    Membership.objects.get(user=world.officer, agency=world.commune).delete()
    refused = receive(client, world, token, "b")
    assert refused.status_code in (403, 404), refused.content
    assert Dossier.objects.count() == 1


def test_a_new_version_in_force_is_used_by_the_next_reception(client, world, token):
    first = receive(client, world, token, "a")
    assert Dossier.objects.get(code=first.json()["code"]).procedure_version.number == 1
    make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp (sửa đổi)",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="5",
        agency_identifier=world.dept.identifier,
        valid_from=dt.date(2026, 1, 1),
    )
    second = receive(client, world, token, "b")
    assert second.status_code == 201, second.content
    dossier = Dossier.objects.get(code=second.json()["code"])
    assert dossier.procedure_version.number == 2
    assert second.json()["procedure_name"] == "Cấp Phiếu lý lịch tư pháp (sửa đổi)"


def test_a_closed_desk_receives_no_more(client, world, token):
    assert receive(client, world, token, "a").status_code == 201
    world.desk.is_active = False
    world.desk.save(update_fields=["is_active"])
    refused = receive(client, world, token, "b")
    assert refused.status_code == 404 and refused.json()["code"] == "desk_not_found"
