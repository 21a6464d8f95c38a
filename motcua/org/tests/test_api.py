import pytest

from motcua.org.tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials_authenticates_later_calls(client):
    UserFactory(username="motcua")
    response = client.post(
        "/api/v1/auth/token",
        {"username": "motcua", "password": "correct horse battery"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) > 30


@pytest.mark.parametrize(
    "payload,status,code",
    [
        ({"username": "motcua", "password": "wrong"}, 401, "invalid_credentials"),
        ({"username": "nobody", "password": "x"}, 401, "invalid_credentials"),
        ({"username": "motcua"}, 400, "invalid_input"),
        ({}, 400, "invalid_input"),
    ],
)
def test_bad_credentials_get_a_clear_error(client, payload, status, code):
    UserFactory(username="motcua")
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_malformed_json_is_a_400_not_a_500(client):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_units_and_agencies_are_listed(client):
    agency = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    units = client.get("/api/v1/units").json()
    assert units == [{"code": "14", "name": "Sơn La", "kind": "Tỉnh", "level": "province", "parent": None}]
    agencies = client.get("/api/v1/agencies").json()
    assert agencies[0]["identifier"] == agency.identifier and agencies[0]["unit"] == "14"
