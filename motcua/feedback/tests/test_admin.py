import re

import pytest
from django.urls import reverse

from motcua.feedback.models import Open311Client
from motcua.feedback.services import open311_client_authenticate
from motcua.feedback.tests.helpers import submit

pytestmark = pytest.mark.django_db
KEY = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "correct horse battery")
    client.force_login(admin)
    return client


def test_admin_pages(admin_client, category):
    petition = submit(category)
    for name in ("petitioncategory", "petition", "open311client"):
        assert admin_client.get(reverse(f"admin:feedback_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:feedback_petition_change", args=[petition.pk])).status_code == 200
    assert admin_client.get(reverse("admin:feedback_petition_add")).status_code == 403


def test_adding_an_open311_client_shows_its_key_once(admin_client):
    response = admin_client.post(
        reverse("admin:feedback_open311client_add"), {"name": "FixMyStreet", "is_active": "on"}, follow=True
    )
    client = Open311Client.objects.get()
    keys = [m.group(0) for m in map(KEY.search, map(str, response.context["messages"])) if m]
    assert len(keys) == 1
    key = keys[0]
    assert open311_client_authenticate(key) == client
    assert key not in client.key_digest
