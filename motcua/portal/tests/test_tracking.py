"""The public tracking page /tra-cuu/: code + last 4 digits of the applicant's phone (docs/design.md §4)."""

import re

import pytest
from django.core.cache import cache

from motcua.catalog.tests.factories import make_procedure
from motcua.dossiers.services import ApplicantData, dossier_receive
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Desk, Membership
from motcua.org.tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def receive_a_dossier():
    """A dossier received at a commune desk for the Department of Justice, applicant phone ending 5678."""
    commune = AgencyFactory(
        identifier="000.00.31.H48", name="UBND xã Chiềng Mung", kind=AgencyKind.PEOPLES_COMMITTEE
    )
    dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    desk = Desk.objects.create(agency=commune, name="Bộ phận Một cửa xã Chiềng Mung")
    version = make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp",
        levels=("province",),
        days="3",
        agency_identifier=dept.identifier,
    )
    officer = UserFactory(username="olga", full_name="Lò Thị Olga")
    Membership.objects.create(user=officer, agency=commune, role=Role.RECEIVING_OFFICER)
    applicant = ApplicantData(
        name="Nguyễn Văn An", identifier="014090000001", phone="0912 345 678", address="Bản Mòng, Chiềng Mung"
    )
    return dossier_receive(actor=officer, desk=desk, procedure_version=version, applicant=applicant)


def test_the_qr_code_lands_on_a_form_with_the_code_filled_in(client):
    page = client.get("/tra-cuu/?ma=000.00.31.H48-260302-0001").content.decode()
    assert 'value="000.00.31.H48-260302-0001"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'name="sdt"' in page


def test_code_and_phone_digits_show_the_public_status_and_history_and_nothing_personal(client):
    dossier = receive_a_dossier()
    response = client.post("/tra-cuu/", {"ma": dossier.code.lower(), "sdt": "5678"})
    assert response.status_code == 200
    page = response.content.decode()
    assert dossier.code in page and "Cấp Phiếu lý lịch tư pháp" in page
    assert response.context["status_explained"]
    assert dossier.appointment_at.astimezone().strftime("%d/%m/%Y") in page
    assert len(response.context["history"]) >= 1
    for personal in ("Nguyễn Văn An", "014090000001", "0912", "Bản Mòng", "Lò Thị Olga"):
        assert personal not in page, personal


def test_a_wrong_code_and_a_wrong_phone_look_the_same(client):
    dossier = receive_a_dossier()
    wrong_phone = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "1234"})
    wrong_code = client.post("/tra-cuu/", {"ma": dossier.code[:-1] + "9", "sdt": "5678"})
    assert wrong_phone.status_code == wrong_code.status_code == 200
    assert wrong_phone.context["not_found"] and wrong_code.context["not_found"]
    assert wrong_phone.context["dossier"] is None and wrong_code.context["dossier"] is None

    def normalised(response, code, digits):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return html.replace(code, "CODE").replace(f'value="{digits}"', 'value="DIGITS"')

    assert normalised(wrong_phone, dossier.code, "1234") == normalised(
        wrong_code, dossier.code[:-1] + "9", "5678"
    )


def test_bad_digits_get_a_field_message_not_a_lookup(client):
    response = client.post("/tra-cuu/", {"ma": "X", "sdt": "12a4"})
    assert response.status_code == 200 and response.context["form"].has_error("sdt")
    assert not response.context["not_found"]


def test_lookups_are_limited_per_ip(client, settings):
    settings.MOTCUA_RATE_LIMITS = {"track": "3/m"}
    dossier = receive_a_dossier()
    for _ in range(3):
        assert client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "0000"}).status_code == 200
    refused = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "5678"})
    assert refused.status_code == 429 and refused.context["dossier"] is None
    assert 'role="alert"' in refused.content.decode()
    # Another address is still served.
    assert client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "5678"}, REMOTE_ADDR="10.9.9.9").context[
        "dossier"
    ]


def test_the_page_is_in_the_menu(client):
    assert 'href="/tra-cuu/"' in client.get("/").content.decode()


def test_a_dossier_past_its_legal_due_moment_shows_as_late(client):
    import datetime as dt

    from motcua.dossiers.models import Dossier

    dossier = receive_a_dossier()
    within = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "5678"}).content.decode()
    assert "Trong thời hạn giải quyết theo quy định" in within
    # The legal due moment passes while the dossier is still being processed.
    Dossier.objects.filter(pk=dossier.pk).update(due_at=dossier.received_at - dt.timedelta(minutes=1))
    late = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "5678"}).content.decode()
    assert "Quá hạn" in late and "đã quá thời hạn giải quyết theo quy định" in late
