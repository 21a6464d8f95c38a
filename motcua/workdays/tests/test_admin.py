"""Saving or deleting in the admin invalidates the cached calendar."""

from datetime import date

import pytest

from motcua.workdays.models import DayOverride
from motcua.workdays.selectors import is_working_day

pytestmark = pytest.mark.django_db

MAKE_UP = date(2025, 4, 26)


def test_admin_add_and_delete_day_override(admin_client):
    assert not is_working_day(MAKE_UP)
    response = admin_client.post(
        "/admin/workdays/dayoverride/add/",
        {"day": "2025-04-26", "kind": "working_day", "reason": "Làm bù 2/5/2025"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert is_working_day(MAKE_UP)

    override = DayOverride.objects.get(day=MAKE_UP)
    response = admin_client.post(f"/admin/workdays/dayoverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not is_working_day(MAKE_UP)


def test_admin_bulk_delete(admin_client):
    override = DayOverride.objects.create(day=MAKE_UP, kind="working_day", reason="x")
    assert is_working_day(MAKE_UP)
    response = admin_client.post(
        "/admin/workdays/dayoverride/",
        {"action": "delete_selected", "_selected_action": [override.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not is_working_day(MAKE_UP)


def test_admin_refuses_a_pointless_declaration(admin_client):
    response = admin_client.post(
        "/admin/workdays/dayoverride/add/",
        {"day": "2025-03-11", "kind": "working_day", "reason": "x"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not DayOverride.objects.exists()
