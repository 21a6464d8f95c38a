"""GET /api/v1/workdays/due and /api/v1/workdays/calendar."""

from datetime import date

import pytest

from motcua.workdays.models import DayOverride

pytestmark = pytest.mark.django_db

URL = "/api/v1/workdays/due"


def get_due(client, **params):
    return client.get(URL, params)


def test_due_in_days(client):
    response = get_due(client, start="2025-01-24T10:00:00+07:00", days="3")
    assert response.status_code == 200
    assert response.json()["due_at"] == "2025-02-05T10:00:00+07:00"


def test_due_in_hours_crosses_lunch(client):
    response = get_due(client, start="2025-03-11T10:00:00+07:00", hours="4")
    assert response.json()["due_at"] == "2025-03-11T16:00:00+07:00"


def test_fraction_of_a_day(client):
    assert (
        get_due(client, start="2025-03-11T10:00", days="0.25").json()["due_at"] == "2025-03-11T14:00:00+07:00"
    )


def test_start_without_offset_is_local_time(client):
    body = get_due(client, start="2025-03-11T10:00", hours="1").json()
    assert body["start"] == "2025-03-11T10:00:00+07:00"
    assert body["due_at"] == "2025-03-11T11:00:00+07:00"


def test_start_in_utc(client):
    body = get_due(client, start="2025-03-11T03:00:00Z", hours="1").json()
    assert body["due_at"] == "2025-03-11T11:00:00+07:00"


def test_unencoded_plus_in_the_offset(client):
    response = client.get(URL + "?start=2025-03-11T10:00:00+07:00&hours=1")
    assert response.status_code == 200
    assert response.json()["due_at"] == "2025-03-11T11:00:00+07:00"


def test_start_outside_office_hours(client):
    response = get_due(client, start="2025-03-14T18:00:00+07:00", days="1")
    assert response.json()["due_at"] == "2025-03-17T17:30:00+07:00"


def test_declared_make_up_day_is_used(client):
    DayOverride.objects.create(day=date(2025, 4, 26), kind="working_day", reason="x")
    response = get_due(client, start="2025-04-25T13:30:00+07:00", days="1")
    assert response.json()["due_at"] == "2025-04-26T11:30:00+07:00"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-03-11T10:00"},
        {"start": "2025-03-11T10:00", "days": "1", "hours": "2"},
        {"start": "2025-03-11T10:00", "days": "-1"},
        {"start": "2025-03-11T10:00", "days": "0"},
        {"start": "2025-03-11T10:00", "hours": "0"},
        {"start": "2025-03-11T10:00", "days": "abc"},
        {"start": "2025-03-11T10:00", "days": "NaN"},
        {"start": "2025-03-11T10:00", "days": "Infinity"},
        {"start": "2025-03-11T10:00", "days": "3651"},
        {"start": "2025-03-11T10:00", "hours": "1e9"},
        {"start": "tomorrow", "days": "1"},
        {"start": "2025-02-30T10:00", "days": "1"},
        {"start": "", "days": "1"},
        {"days": "1"},
        {"start": "1800-01-01T10:00", "days": "1"},
        {"start": "9999-12-31T10:00", "days": "1"},
        {"start": "2100-12-20T10:00", "days": "30"},
    ],
)
def test_bad_input_is_a_400_with_code_and_message(client, params):
    response = get_due(client, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] and body["message"]


def test_calendar_of_a_year(client):
    DayOverride.objects.create(day=date(2025, 4, 26), kind="working_day", reason="Làm bù")
    response = client.get("/api/v1/workdays/calendar", {"year": 2025})
    assert response.status_code == 200
    days = {day["date"]: day for day in response.json()["days"]}
    assert days["2025-04-26"] == {
        "date": "2025-04-26",
        "is_working": True,
        "kind": "working_day",
        "name": "Làm bù",
    }
    assert days["2025-04-07"]["kind"] == "public_holiday" and not days["2025-04-07"]["is_working"]


@pytest.mark.parametrize("year", ["1800", "abc"])
def test_calendar_of_a_bad_year(client, year):
    response = client.get("/api/v1/workdays/calendar", {"year": year})
    assert response.status_code == 400
    assert response.json()["code"]
