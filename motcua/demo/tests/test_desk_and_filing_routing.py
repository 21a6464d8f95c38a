"""The desk form and the online form name the commune that decides a commune procedure (issue 9, item 2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.catalog.models import ProcedureVersion
from motcua.demo.loader import load_reference
from motcua.dossiers.models import Dossier
from motcua.filing.services import draft_create
from motcua.org.models import Desk, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return load_reference()


def commune_procedure() -> ProcedureVersion:
    return ProcedureVersion.objects.get(procedure__code="1.001193", is_current=True)  # Đăng ký khai sinh


def test_the_centre_desk_names_the_deciding_commune_of_a_commune_procedure(client, demo):
    client.force_login(User.objects.get(username="motcua"))
    version = commune_procedure()
    page = client.get(reverse("dossiers:desk"), {"procedure": version.procedure.code}).content.decode()
    assert 'name="competent_agency"' in page
    assert "Ủy ban nhân dân phường Tô Hiệu" in page and "Ủy ban nhân dân tỉnh Sơn La" not in page
    data = {
        "procedure": version.procedure.code,
        "idempotency_key": "k1",
        "desk": Desk.objects.get(agency=demo["pvhcc"]).pk,
        "channel": "post",
        "competent_agency": demo["ubnd-03721"].pk,
        "applicant_name": "Lò Văn Bình",
        "applicant_identifier": "014090000123",
        "applicant_phone": "0912345678",
        "documents": [str(d.pk) for d in version.documents.all()],
        "decision": "receive",
    }
    # Without the commune, the form says what to choose and nothing is received.
    response = client.post(reverse("dossiers:desk"), {**data, "competent_agency": ""})
    assert response.status_code == 400 and not Dossier.objects.exists()
    response = client.post(reverse("dossiers:desk"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert (dossier.competent_agency, dossier.receiving_agency, dossier.channel) == (
        demo["ubnd-03721"],
        demo["pvhcc"],
        "post",
    )
    steps = sorted(dossier.steps.all(), key=lambda s: s.position)
    assert steps[1].agency == demo["ubnd-03721"]  # the commune's specialist drafts, not the centre's


def test_the_online_form_offers_only_communes_for_a_commune_procedure(client, demo):
    citizen = User.objects.get(username="congdan")
    client.force_login(citizen)
    draft = draft_create(owner=citizen, procedure_version=commune_procedure())
    page = client.get(reverse("filing:draft", args=[draft.pk])).content.decode()
    assert "Ủy ban nhân dân phường Tô Hiệu" in page
    assert "Ủy ban nhân dân tỉnh Sơn La" not in page
