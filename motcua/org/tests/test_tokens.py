"""API tokens can be listed and revoked (profile, API, admin) and stop on a password change, a reset and a
deactivation; browser sessions end after the idle timeout (issue 10, item 6)."""

import time

import pytest
from django.contrib.auth.forms import SetPasswordForm

from motcua.core import sms
from motcua.core.localcache import LocalCache
from motcua.org import services
from motcua.org.models import ApiToken, TokenRevocation
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fresh_caches():
    LocalCache.clear_all()
    yield
    LocalCache.clear_all()


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def works(client, token) -> bool:
    return client.get("/api/v1/auth/tokens", **bearer(token)).status_code == 200


def test_the_holder_lists_and_revokes_a_token_through_the_api(client):
    user = UserFactory(username="olga")
    keep = services.api_token_issue(username="olga", password=PASSWORD)
    drop = services.api_token_issue(username="olga", password=PASSWORD)
    listed = client.get("/api/v1/auth/tokens", **bearer(keep)).json()
    assert len(listed) == 2 and all(t["active"] for t in listed)
    drop_id = ApiToken.objects.filter(user=user).order_by("pk").last().pk
    assert client.delete(f"/api/v1/auth/tokens/{drop_id}", **bearer(keep)).status_code == 204
    assert not works(client, drop) and works(client, keep)


def test_nobody_revokes_someone_elses_token(client):
    UserFactory(username="olga")
    UserFactory(username="mallory")
    olga = services.api_token_issue(username="olga", password=PASSWORD)
    mallory = services.api_token_issue(username="mallory", password=PASSWORD)
    olga_id = ApiToken.objects.get(user__username="olga").pk
    response = client.delete(f"/api/v1/auth/tokens/{olga_id}", **bearer(mallory))
    assert response.status_code == 404 and response.json()["code"] == "token_not_found"
    assert works(client, olga)


def test_an_id_beyond_the_integer_range_is_a_400_not_a_500(client):
    UserFactory(username="olga")
    token = services.api_token_issue(username="olga", password=PASSWORD)
    response = client.delete(f"/api/v1/auth/tokens/{2**70}", **bearer(token))
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_a_password_change_by_any_path_revokes_the_tokens(client):
    user = UserFactory(username="olga")
    token = services.api_token_issue(username="olga", password=PASSWORD)
    assert works(client, token)
    # Django's own form (the e-mail reset link and the admin use it): no motcua code runs on the way.
    form = SetPasswordForm(
        user, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    )
    assert form.is_valid()
    form.save()
    LocalCache.clear_all()
    assert not works(client, token)
    assert ApiToken.objects.get().revoked_reason == TokenRevocation.PASSWORD_CHANGED


def test_a_reset_by_sms_code_revokes_the_tokens(client, django_capture_on_commit_callbacks):
    UserFactory(username="0912345678", phone="0912345678")
    token = services.api_token_issue(username="0912345678", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_code_send(phone="0912345678")
    code = _code_from_outbox()
    services.password_reset_by_code(phone="0912345678", code=code, new_password="a new long passphrase")
    assert not works(client, token)
    assert ApiToken.objects.get().revoked_at is not None


def _code_from_outbox() -> str:
    import re

    text = sms.outbox[-1][1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_deactivating_the_account_in_the_admin_revokes_its_tokens(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username="olga")
    token = services.api_token_issue(username="olga", password=PASSWORD)
    client.force_login(admin)
    page = client.get(f"/admin/org/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "username": "olga",
            "is_active": "",
            "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(f"/admin/org/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    assert ApiToken.objects.get(user=user).revoked_reason == TokenRevocation.DEACTIVATED
    user.is_active = True
    user.save()
    assert not works(client, token)  # reactivating the account does not bring the token back


def test_the_profile_lists_the_tokens_and_revokes_one(client):
    user = UserFactory(username="olga")
    token = services.api_token_issue(username="olga", password=PASSWORD)
    client.force_login(user)
    page = client.get("/tai-khoan/ho-so-ca-nhan/").content.decode()
    assert 'id="api-tokens"' in page and "token_revoke" not in page
    token_id = ApiToken.objects.get().pk
    assert f"/tai-khoan/ho-so-ca-nhan/ma-api/{token_id}/thu-hoi/" in page
    response = client.post(f"/tai-khoan/ho-so-ca-nhan/ma-api/{token_id}/thu-hoi/")
    assert response.status_code == 302
    assert not works(client, token)
    page = client.get("/tai-khoan/ho-so-ca-nhan/").content.decode()
    assert "thu hồi" in page.lower()  # the state column says it was revoked by its holder


def test_the_admin_revokes_selected_tokens(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    UserFactory(username="olga")
    token = services.api_token_issue(username="olga", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/org/apitoken/",
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_reason == TokenRevocation.BY_ADMIN
    assert not works(client, token)


def test_a_session_ends_after_the_idle_timeout(client, settings, monkeypatch):
    settings.MOTCUA_SESSION_IDLE_MINUTES = 30
    user = UserFactory(username="olga")
    client.force_login(user)
    assert client.get("/tai-khoan/ho-so-ca-nhan/").status_code == 200
    later = time.time() + 29 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/tai-khoan/ho-so-ca-nhan/").status_code == 200  # still active: the clock restarts
    much_later = later + 31 * 60
    monkeypatch.setattr(time, "time", lambda: much_later)
    response = client.get("/tai-khoan/ho-so-ca-nhan/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
