"""No input reaches a 500 (issue 10, item 3): dates in year 1 and 9999 on every endpoint that takes a date,
offsets beyond the integer range, NUL characters in every kind of body; an API 500 answers JSON."""

import pytest
from django.test import Client

from motcua.org.services import api_token_issue

pytestmark = pytest.mark.django_db

YEARS = ["0001-01-01", "9999-12-31"]


@pytest.fixture
def officer_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.officer)
    return client


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def _bearer(world):
    return {
        "HTTP_AUTHORIZATION": "Bearer "
        + api_token_issue(username=world.officer.username, password="correct horse battery")
    }


@pytest.mark.parametrize("day", YEARS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions?date_from={d}&date_to={d}",
        "/api/v1/workdays/due?start={d}T10:00:00%2B07:00&days=3",
        "/api/v1/workdays/due?start={d}T10:00:00&hours=2",
        "/api/v1/stats/summary?from={d}&to={d}",
        "/api/v1/stats/service-index?from={d}&to={d}",
        "/tin-tuc/?date_from={dmy}&date_to={dmy}",
        "/phan-anh-kien-nghi/?date_from={dmy}&date_to={dmy}",
        "/thong-ke/?from={d}&to={d}",
    ],
)
def test_public_dates_at_the_ends_of_the_calendar_get_an_answer_not_a_500(world, anonymous, url, day):
    y, m, dd = day.split("-")
    response = anonymous.get(url.format(d=day, dmy=f"{dd}/{m}/{y}"), **_bearer(world))
    assert response.status_code < 500, response.content[:300]
    if url.startswith("/api/"):
        assert {"code", "message"} <= set(response.json()) or response.status_code == 200


@pytest.mark.parametrize("day", YEARS)
@pytest.mark.parametrize(
    "url",
    [
        "/thong-ke/bao-cao/?from={d}&to={d}",
        "/thong-ke/bao-cao.xlsx?from={d}&to={d}",
        "/thong-ke/chi-so-766/?from={d}&to={d}",
        "/ho-so/so-theo-doi/?agency={agency}&from={d}&to={d}",
        "/ho-so/so-theo-doi/xlsx?agency={agency}&from={d}&to={d}",
    ],
)
def test_staff_dates_at_the_ends_of_the_calendar_get_an_answer_not_a_500(world, officer_client, url, day):
    response = officer_client.get(url.format(d=day, agency=world.commune.identifier))
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/dossiers?offset=99999999999999999999&limit=10",
        "/api/v1/dossiers?offset=9223372036854775808&limit=10",
        "/api/v1/petitions?offset=99999999999999999999",
        "/api/v1/petitions?limit=99999999999999999999",
        "/api/v1/workdays/calendar?year=99999999999999999999",
        "/api/v1/workdays/due?start=2026-01-05T10:00:00%2B07:00&days=1e308",
        "/api/v1/workdays/due?start=2026-01-05T10:00:00%2B07:00&hours=99999999999999999999",
    ],
)
def test_numbers_beyond_the_integer_range_get_a_400(world, anonymous, url):
    response = anonymous.get(url, **_bearer(world))
    assert response.status_code in (400, 200), response.content[:300]
    assert response.status_code != 200 or "dossiers" in url or "petitions" in url


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"procedure": "2.001263", "applicant": {"name": "A\\u0000"}}'),
        ("text/plain", b"name=\x00"),
        ("", b'{"procedure": "2.001263\\u0000"}'),
    ],
)
def test_nul_in_a_text_body_is_a_400(world, anonymous, content_type, body):
    response = anonymous.generic(
        "POST", "/api/v1/dossiers", body, content_type=content_type, **_bearer(world)
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_nul_in_a_multipart_field_or_file_name_is_a_400(world, anonymous):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = anonymous.post("/phan-anh-kien-nghi/gui/", {"content": "Nội dung\x00", "title": "x"})
    assert response.status_code == 400
    upload = SimpleUploadedFile(
        "bad\x00name.pdf", b"%PDF-1.4 \x00 binary is fine", content_type="application/pdf"
    )
    response = anonymous.post("/phan-anh-kien-nghi/gui/", {"content": "Nội dung", "file": upload})
    assert response.status_code == 400


def test_a_binary_file_with_nul_bytes_still_uploads(world, anonymous):
    """The guard reads the multipart fields, not the files: a PDF holds NUL bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ok.pdf", b"%PDF-1.4 \x00\x00 binary", content_type="application/pdf")
    response = anonymous.post("/phan-anh-kien-nghi/gui/", {"content": "Nội dung", "file": upload})
    assert response.status_code != 400 or b"NUL" not in response.content


def test_nul_in_a_header_the_api_stores_is_a_400(world, anonymous):
    response = anonymous.post(
        "/api/v1/dossiers",
        {},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k\x00",
        **_bearer(world),
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_an_api_500_answers_json(world, anonymous, monkeypatch):
    from motcua.org import selectors

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "units_list", broken)
    response = anonymous.get("/api/v1/units")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error" and response.json()["message"]
    assert "database went away" not in response.content.decode()
