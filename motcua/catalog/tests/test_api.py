import unicodedata

import pytest

from motcua.catalog.tests.factories import make_procedure
from motcua.org.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    justice = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    make_procedure("1.000894", "Đăng ký kết hôn")
    make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="10",
        agency_identifier=justice.identifier,
    )
    return justice


def test_list_searches_and_paginates(client, catalog):
    nfd = unicodedata.normalize("NFD", "ĐĂNG KÝ KẾT HÔN")
    body = client.get("/api/v1/procedures", {"q": nfd}).json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == "1.000894"
    assert body["items"][0]["levels"] == ["commune"]
    page = client.get("/api/v1/procedures", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_list_filters_by_agency_and_level(client, catalog):
    body = client.get("/api/v1/procedures", {"agency": "000.00.53.H48"}).json()
    assert [i["code"] for i in body["items"]] == ["2.001263"]
    assert body["items"][0]["competent_agency"] == "000.00.53.H48"
    assert client.get("/api/v1/procedures", {"level": "commune"}).json()["count"] == 1


def test_detail_shows_every_component(client, catalog):
    body = client.get("/api/v1/procedures/1.000894").json()
    assert body["name"] == "Đăng ký kết hôn"
    assert [d["name"] for d in body["documents"]] == ["Tờ khai theo mẫu", "Giấy tờ tùy thân"]
    assert body["fees"][0]["note"] == "Miễn lệ phí"
    assert [s["role"] for s in body["steps"]] == ["receiving_officer", "specialist", "leader"]
    assert body["legal_basis"] == ["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP"]


@pytest.mark.parametrize(
    "url,params,status,code",
    [
        ("/api/v1/procedures/9.999999", {}, 404, "procedure_not_found"),
        ("/api/v1/procedures", {"limit": 0}, 400, "invalid_input"),
        ("/api/v1/procedures", {"limit": "many"}, 400, "invalid_input"),
        ("/api/v1/procedures", {"offset": -1}, 400, "invalid_input"),
        ("/api/v1/procedures", {"q": "x" * 201}, 400, "invalid_input"),
    ],
)
def test_bad_requests_get_a_clear_json_error(client, catalog, url, params, status, code):
    response = client.get(url, params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
