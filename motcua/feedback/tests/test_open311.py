"""Open311 GeoReport v2, each call in JSON and XML with the specification's own example parameters."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from motcua.feedback import services
from motcua.feedback.models import Open311Client, Petition, PetitionCategory
from motcua.feedback.open311 import REQUEST_FIELDS
from motcua.feedback.services import open311_key_digest, open311_new_key
from motcua.feedback.tests.helpers import route, submit

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FORMATS = ["json", "xml"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]

# The example POST of the specification (service_code 001, San Francisco coordinates).
SPEC_POST = {
    "jurisdiction_id": "city.gov",
    "service_code": "001",
    "lat": "37.76524078",
    "long": "-122.4212043",
    "address_string": "1234 5th street",
    "email": "smit333@sfgov.edu",
    "device_id": "tt222111",
    "account_id": "123456",
    "first_name": "john",
    "last_name": "smith",
    "phone": "111111111",
    "description": "A large sinkhole is destroying the street",
    "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
}


@pytest.fixture(autouse=True)
def _jurisdiction(settings):
    settings.MOTCUA_OPEN311_JURISDICTIONS = ["city.gov"]


@pytest.fixture
def service_001(db):
    return PetitionCategory.objects.create(
        code="001",
        name="Cans left out 24x7",
        description="Garbage or recycling cans that have been left out for more than 24 hours after collection.",
        keywords="lorem, ipsum, dolor",
        group="sanitation",
    )


@pytest.fixture
def api_key(db):
    key = open311_new_key()  # what the admin does when it adds a client
    Open311Client.objects.create(name="FixMyStreet Sơn La", key_digest=open311_key_digest(key))
    return key


def parse(response, fmt):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def rows(response, fmt, root, item):
    data = parse(response, fmt)
    if fmt == "json":
        return data
    assert data.tag == root
    return [
        {child.tag: child.text for child in element} | {"_element": element} for element in data.findall(item)
    ]


def assert_error(response, fmt, status):
    assert response.status_code == status
    data = parse(response, fmt)
    if fmt == "json":
        assert isinstance(data, list) and data[0]["code"] == status and data[0]["description"]
    else:
        assert data.tag == "errors"
        error = data.find("error")
        assert error.find("code").text == str(status) and error.find("description").text


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_services(client, service_001, fmt):
    response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 200
    services_ = rows(response, fmt, "services", "service")
    by_code = {s["service_code"]: s for s in services_}
    assert "quy-dinh-hanh-chinh" in by_code  # the default categories are services too
    service = by_code["001"]
    assert [k for k in service if k != "_element"] == SERVICE_FIELDS
    assert service["service_name"] == "Cans left out 24x7" and service["group"] == "sanitation"
    assert service["type"] == "realtime" and service["keywords"] == "lorem, ipsum, dolor"
    assert service["metadata"] in (False, "false")


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_service_definition(client, service_001, fmt):
    response = client.get(f"{BASE}/services/001.{fmt}", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 200
    data = parse(response, fmt)
    if fmt == "json":
        assert data == {"service_code": "001", "attributes": []}
    else:
        assert data.tag == "service_definition" and data.find("service_code").text == "001"
        assert data.find("attributes") is not None and list(data.find("attributes")) == []
    assert_error(client.get(f"{BASE}/services/033.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request(client, service_001, api_key, fmt):
    response = client.post(f"{BASE}/requests.{fmt}", {**SPEC_POST, "api_key": api_key})
    assert response.status_code == 200, response.content
    [row] = rows(response, fmt, "service_requests", "request")
    assert [k for k in row if k != "_element"] == ["service_request_id", "service_notice", "account_id"]
    assert row["account_id"] is None and row["service_notice"]
    petition = Petition.objects.get(code=row["service_request_id"])
    assert petition.channel == "open311" and petition.category == service_001
    assert petition.latitude == pytest.approx(37.76524078) and petition.longitude == pytest.approx(
        -122.4212043
    )
    assert petition.location_address == "1234 5th street" and petition.submitter_name == "john smith"
    assert petition.submitter_email == "smit333@sfgov.edu" and petition.submitter_phone == "111111111"
    assert petition.media_url == SPEC_POST["media_url"]
    assert petition.events.get().actor_name == "FixMyStreet Sơn La"


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_errors(client, service_001, api_key, fmt):
    url = f"{BASE}/requests.{fmt}"
    assert_error(client.post(url, SPEC_POST), fmt, 403)  # no api_key
    assert_error(client.post(url, {**SPEC_POST, "api_key": "wrong"}), fmt, 403)
    assert_error(client.post(url, {**SPEC_POST, "api_key": api_key, "service_code": "999"}), fmt, 400)
    no_code = {k: v for k, v in SPEC_POST.items() if k != "service_code"}
    assert_error(client.post(url, {**no_code, "api_key": api_key}), fmt, 400)
    no_location = {k: v for k, v in SPEC_POST.items() if k not in ("lat", "long", "address_string")}
    assert_error(client.post(url, {**no_location, "api_key": api_key}), fmt, 400)
    assert_error(client.post(url, {**SPEC_POST, "api_key": api_key, "lat": "north"}), fmt, 400)
    assert_error(client.post(url, {**SPEC_POST, "api_key": api_key, "email": "x"}), fmt, 400)
    assert_error(client.post(url, {**SPEC_POST, "api_key": api_key, "description": ""}), fmt, 400)
    assert_error(
        client.post(url, {**SPEC_POST, "api_key": api_key, "jurisdiction_id": "other.gov"}), fmt, 404
    )
    assert not Petition.objects.exists()


def _in_spec_window(petition):
    moment = dt.datetime(2010, 6, 1, 12, 0, tzinfo=dt.UTC)
    Petition.objects.filter(pk=petition.pk).update(received_at=moment)
    petition.refresh_from_db()
    return petition


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests(client, service_001, category, reviewer, specialist, department, fmt):
    open_one = _in_spec_window(submit(service_001, subject="Thùng rác để ngoài đường"))
    closed = route(submit(service_001), reviewer=reviewer, agency=department)
    services.petition_answer(actor=specialist, code=closed.code, answer="Đã thu gom.")
    closed = _in_spec_window(services.petition_publish(actor=reviewer, code=closed.code))
    _in_spec_window(submit(service_001, is_public=False))  # no consent: never listed
    _in_spec_window(submit(category))  # another service

    params = {
        "jurisdiction_id": "city.gov",
        "service_code": "001",
        "start_date": "2010-05-24T00:00:00Z",
        "end_date": "2010-06-24T00:00:00Z",
        "status": "open",
    }
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 200
    found = rows(response, fmt, "service_requests", "request")
    assert [r["service_request_id"] for r in found] == [open_one.code]
    row = found[0]
    assert [k for k in row if k != "_element"] == list(REQUEST_FIELDS)
    assert (
        row["status"] == "open"
        and row["service_code"] == "001"
        and row["service_name"] == "Cans left out 24x7"
    )
    assert row["requested_datetime"].startswith("2010-06-01T19:00:00+07:00")
    assert "0912345678" not in response.content.decode()

    both = rows(
        client.get(f"{BASE}/requests.{fmt}", {**params, "status": "open,closed"}),
        fmt,
        "service_requests",
        "request",
    )
    assert {r["service_request_id"] for r in both} == {open_one.code, closed.code}
    [closed_row] = rows(
        client.get(f"{BASE}/requests.{fmt}", {**params, "status": "closed"}),
        fmt,
        "service_requests",
        "request",
    )
    assert closed_row["status"] == "closed" and closed_row["status_notes"] == "Đã thu gom."
    assert closed_row["agency_responsible"] == department.name

    # service_request_id overrides every other argument
    by_id = client.get(
        f"{BASE}/requests.{fmt}", {"service_request_id": f"{open_one.code},{closed.code}", "status": "closed"}
    )
    assert {r["service_request_id"] for r in rows(by_id, fmt, "service_requests", "request")} == {
        open_one.code,
        closed.code,
    }

    # without dates: the last 90 days
    assert rows(client.get(f"{BASE}/requests.{fmt}"), fmt, "service_requests", "request") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_errors(client, fmt):
    url = f"{BASE}/requests.{fmt}"
    assert_error(client.get(url, {"start_date": "24/05/2010"}), fmt, 400)
    assert_error(client.get(url, {"end_date": "2010-13-45T00:00:00Z"}), fmt, 400)
    assert_error(
        client.get(url, {"start_date": "2010-06-24T00:00:00Z", "end_date": "2010-05-24T00:00:00Z"}), fmt, 400
    )
    assert_error(
        client.get(url, {"start_date": "2010-01-01T00:00:00Z", "end_date": "2010-06-24T00:00:00Z"}), fmt, 400
    )
    assert_error(client.get(url, {"status": "pending"}), fmt, 400)
    assert_error(client.get(url, {"jurisdiction_id": "unknown.gov"}), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, service_001, fmt):
    petition = submit(service_001)
    response = client.get(f"{BASE}/requests/{petition.code}.{fmt}", {"jurisdiction_id": "14"})
    assert response.status_code == 200
    [row] = rows(response, fmt, "service_requests", "request")
    assert row["service_request_id"] == petition.code and row["status"] == "open"
    assert row["expected_datetime"] == timezone.localtime(petition.due_at).isoformat(timespec="seconds")
    if fmt == "json":
        assert row["lat"] is None
    assert_error(client.get(f"{BASE}/requests/PAKN-000000-0000.{fmt}"), fmt, 404)
    hidden = submit(service_001, is_public=False)
    assert_error(client.get(f"{BASE}/requests/{hidden.code}.{fmt}"), fmt, 404)


def test_unknown_format_and_method(client, service_001):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404 and ET.fromstring(response.content).tag == "errors"
    assert_error(client.post(f"{BASE}/services.json"), "json", 405)
    assert_error(client.delete(f"{BASE}/requests.xml"), "xml", 405)
