"""Citizen accounts end to end through the pages: register, verify by e-mail or SMS, sign in by
either, wrong/expired/exhausted codes, password reset both ways, the profile and its defaults."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from motcua.core import sms
from motcua.org.choices import Role
from motcua.org.models import Membership, User, VerificationCode
from motcua.org.selectors import applicant_defaults
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Nui-rung Tay Bac 2026"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST through the test client, running the after-commit work (the code's e-mail or SMS)."""

    def _post(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **kwargs)

    return _post


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _register(post, **fields):
    data = {
        "full_name": "Lường Thị Hoa",
        "email": "",
        "phone": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(fields)
    return post("/tai-khoan/dang-ky/", data)


def test_register_by_email_verify_and_sign_in_by_email(client, post):
    response = _register(post, email="Hoa@Example.VN", personal_identifier="014190000123")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xac-minh/"
    user = User.objects.get(email="hoa@example.vn")
    assert not user.is_active and user.username == "hoa@example.vn"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.vn"]
    code = _code(mail.outbox[0].body)
    # Only a keyed hash is kept.
    assert code not in VerificationCode.objects.get(user=user).digest

    page = client.get("/tai-khoan/xac-minh/").content.decode()
    assert 'value="hoa@example.vn"' in page  # the address waiting is pre-filled

    response = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert Membership.objects.filter(user=user, role=Role.CITIZEN, agency__isnull=True).count() == 1
    assert client.get("/tai-khoan/ho-so-ca-nhan/").status_code == 200  # signed in by the verification

    client.logout()
    response = post("/tai-khoan/dang-nhap/", {"username": "HOA@example.vn", "password": PASSWORD})
    assert response.status_code == 302


def test_register_by_phone_verify_by_sms_and_sign_in_by_phone(client, post):
    response = _register(post, phone="+84 912 345 678")
    assert response.status_code == 302
    user = User.objects.get(phone="0912345678")
    assert user.username == "0912345678" and mail.outbox == []
    [(to, text)] = sms.outbox
    assert to == "+84912345678"
    post("/tai-khoan/xac-minh/", {"identifier": "0912 345 678", "code": _code(text)})
    user.refresh_from_db()
    assert user.is_active
    client.logout()
    for spelling in ("0912345678", "+84912345678", "0912.345.678"):
        assert post("/tai-khoan/dang-nhap/", {"username": spelling, "password": PASSWORD}).status_code == 302
        client.logout()


def test_an_unverified_account_cannot_sign_in(post):
    _register(post, email="hoa@example.vn")
    response = post("/tai-khoan/dang-nhap/", {"username": "hoa@example.vn", "password": PASSWORD})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "fields,field,code",
    [
        ({}, "__all__", "no_contact"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"email": "hoa@example.vn", "password2": "something else"}, "password2", None),
        (
            {"email": "hoa@example.vn", "password1": "12345678", "password2": "12345678"},
            "password1",
            "password_entirely_numeric",
        ),
        ({"email": "hoa@example.vn", "personal_identifier": "123"}, "personal_identifier", "invalid"),
    ],
)
def test_registration_explains_what_is_wrong(post, fields, field, code):
    response = _register(post, **fields)
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert 'role="alert"' in response.content.decode()
    assert User.objects.count() == 0


def test_an_address_of_a_verified_account_is_refused_but_an_abandoned_one_is_freed(post):
    UserFactory(username="an", email="an@example.vn", phone="0987654321")
    response = _register(post, email="AN@example.vn")
    assert response.status_code == 200 and User.objects.filter(email__iexact="an@example.vn").count() == 1
    assert _register(post, phone="0987 654 321").status_code == 200

    _register(post, email="hoa@example.vn")  # never verified
    assert _register(post, email="hoa@example.vn").status_code == 302
    assert User.objects.filter(email="hoa@example.vn").count() == 1


def test_wrong_code_then_right_code(post):
    _register(post, email="hoa@example.vn")
    code = _code(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": wrong})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert VerificationCode.objects.get().attempts == 1  # the failed try is kept, not rolled back
    post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": code})
    assert User.objects.get().is_active


def test_an_unknown_address_looks_like_a_wrong_code(post):
    _register(post, email="hoa@example.vn")
    code = _code(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    unknown = post("/tai-khoan/xac-minh/", {"identifier": "nobody@example.vn", "code": wrong})
    known = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": wrong})
    assert unknown.status_code == known.status_code == 200
    assert unknown.context["form"].errors == known.context["form"].errors


def test_an_expired_code_is_refused_and_a_new_one_works(post):
    _register(post, email="hoa@example.vn")
    old = _code(mail.outbox[0].body)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": old})
    assert response.status_code == 200 and not User.objects.get().is_active
    assert response.context["form"].has_error("code")

    post("/tai-khoan/xac-minh/gui-lai/", {"resend-identifier": "hoa@example.vn"})
    assert len(mail.outbox) == 2
    new = _code(mail.outbox[1].body)
    assert VerificationCode.objects.filter(consumed_at__isnull=True).count() == 1  # the old one is void
    post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": new})
    assert User.objects.get().is_active


def test_five_wrong_codes_void_the_code(post):
    _register(post, email="hoa@example.vn")
    code = _code(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(VerificationCode.MAX_ATTEMPTS):
        post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": wrong})
    response = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": code})
    assert response.status_code == 200 and not User.objects.get().is_active
    assert VerificationCode.objects.get().consumed_at is not None


def test_code_sends_are_limited_per_account(post):
    _register(post, email="hoa@example.vn")  # the first send
    for _ in range(2):
        post("/tai-khoan/xac-minh/gui-lai/", {"resend-identifier": "hoa@example.vn"})
    assert len(mail.outbox) == 3
    response = post("/tai-khoan/xac-minh/gui-lai/", {"resend-identifier": "hoa@example.vn"}, follow=True)
    assert len(mail.outbox) == 3
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_code_checks_are_limited_per_account(post, settings):
    settings.MOTCUA_RATE_LIMITS = {"code_check": "3/600s"}
    _register(post, email="hoa@example.vn")
    code = _code(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert (
            post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": wrong}).status_code == 200
        )
    response = post("/tai-khoan/xac-minh/", {"identifier": "hoa@example.vn", "code": code})
    assert response.status_code == 429 and not User.objects.get().is_active


def test_sign_in_failures_are_limited_per_ip_and_name(post, settings):
    settings.MOTCUA_RATE_LIMITS = {"login": "3/900s"}
    UserFactory(username="an", email="an@example.vn")
    for _ in range(3):
        assert post("/tai-khoan/dang-nhap/", {"username": "an", "password": "nope"}).status_code == 200
    refused = post("/tai-khoan/dang-nhap/", {"username": "an", "password": "correct horse battery"})
    assert refused.status_code == 429 and 'role="alert"' in refused.content.decode()
    # Another name from the same address is not blocked.
    UserFactory(username="binh")
    assert (
        post("/tai-khoan/dang-nhap/", {"username": "binh", "password": "correct horse battery"}).status_code
        == 302
    )


def test_a_correct_sign_in_clears_the_failures(post, client, settings):
    settings.MOTCUA_RATE_LIMITS = {"login": "3/900s"}
    UserFactory(username="an")
    for _ in range(2):
        post("/tai-khoan/dang-nhap/", {"username": "an", "password": "nope"})
    assert (
        post("/tai-khoan/dang-nhap/", {"username": "an", "password": "correct horse battery"}).status_code
        == 302
    )
    client.logout()
    for _ in range(2):
        post("/tai-khoan/dang-nhap/", {"username": "an", "password": "nope"})
    assert (
        post("/tai-khoan/dang-nhap/", {"username": "an", "password": "correct horse battery"}).status_code
        == 302
    )


def test_the_api_token_endpoint_answers_429_when_failures_are_used_up(client, settings):
    settings.MOTCUA_RATE_LIMITS = {"login": "2/900s"}
    UserFactory(username="an", email="an@example.vn")
    body = {"username": "an", "password": "nope"}
    for _ in range(2):
        assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 401
    good = {"username": "an", "password": "correct horse battery"}
    response = client.post("/api/v1/auth/token", good, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and response.json()["details"]["retry_after"] > 0


def test_the_api_token_accepts_an_email_or_phone(client):
    UserFactory(username="an", email="an@example.vn", phone="0912345678")
    for name in ("an@example.vn", "+84 912 345 678"):
        body = {"username": name, "password": "correct horse battery"}
        assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 200


def test_registrations_are_limited_per_ip(post, settings):
    settings.MOTCUA_RATE_LIMITS = {"register": "2/h"}
    assert _register(post, email="a@example.vn").status_code == 302
    assert _register(post, email="b@example.vn").status_code == 302
    response = _register(post, email="c@example.vn")
    assert response.status_code == 429 and not User.objects.filter(email="c@example.vn").exists()


# --- password reset -----------------------------------------------------------------------------------------


def test_password_reset_by_email_link(client, post):
    user = UserFactory(username="an", email="an@example.vn")
    response = post("/tai-khoan/quen-mat-khau/", {"email": "AN@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/tai-khoan/dat-lai-mat-khau/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/dat-lai-mat-khau/xong/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email_says_the_same_for_an_unknown_address(post):
    response = post("/tai-khoan/quen-mat-khau/", {"email": "nobody@example.vn"})
    assert response.status_code == 302 and mail.outbox == []


def test_password_reset_by_phone_code(client, post):
    user = UserFactory(username="an", phone="0912345678")
    response = post("/tai-khoan/quen-mat-khau/dien-thoai/", {"phone": "0912 345 678"})
    assert response.status_code == 302 and "phone=0912345678" in response["Location"]
    [(to, text)] = sms.outbox
    assert to == "+84912345678"
    page = client.get(response["Location"]).content.decode()
    assert 'value="0912345678"' in page
    data = {"phone": "0912345678", "code": _code(text), "password1": PASSWORD, "password2": PASSWORD}
    response = post("/tai-khoan/quen-mat-khau/dien-thoai/ma/", data)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/dang-nhap/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The code works once.
    assert post("/tai-khoan/quen-mat-khau/dien-thoai/ma/", data).status_code == 200


def test_password_reset_by_phone_says_nothing_about_unknown_numbers(post):
    response = post("/tai-khoan/quen-mat-khau/dien-thoai/", {"phone": "0912345678"})
    assert response.status_code == 302 and sms.outbox == []
    data = {"phone": "0912345678", "code": "123456", "password1": PASSWORD, "password2": PASSWORD}
    response = post("/tai-khoan/quen-mat-khau/dien-thoai/ma/", data)
    assert response.status_code == 200 and response.context["form"].has_error("code")


def test_password_reset_requests_are_limited_per_ip(post, settings):
    settings.MOTCUA_RATE_LIMITS = {"password_reset": "2/h"}
    for _ in range(2):
        assert post("/tai-khoan/quen-mat-khau/", {"email": "a@example.vn"}).status_code == 302
    assert post("/tai-khoan/quen-mat-khau/", {"email": "a@example.vn"}).status_code == 429
    assert post("/tai-khoan/quen-mat-khau/dien-thoai/", {"phone": "0912345678"}).status_code == 429


# --- profile ----------------------------------------------------------------------------------------------------


def test_profile_edit_feeds_the_applicant_defaults(client, post):
    user = UserFactory(username="an@example.vn", email="an@example.vn", full_name="Nguyễn Văn An")
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    client.force_login(user)
    assert 'value="an@example.vn"' in client.get("/tai-khoan/ho-so-ca-nhan/").content.decode()
    data = {
        "full_name": "Nguyễn Văn An",
        "personal_identifier": "014090000001",
        "phone": "+84 912 345 678",
        "email": "an@example.vn",
        "address": "Bản Mòng, Chiềng Mung",
    }
    response = post("/tai-khoan/ho-so-ca-nhan/", data)
    # The new phone number applies once the code texted to it comes back (test_contact_change.py).
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/ho-so-ca-nhan/xac-minh/dien-thoai/"
    [(_to, text)] = sms.outbox
    post("/tai-khoan/ho-so-ca-nhan/xac-minh/dien-thoai/", {"code": _code(text)})
    user.refresh_from_db()
    assert applicant_defaults(user) == {
        "applicant_name": "Nguyễn Văn An",
        "applicant_identifier": "014090000001",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "applicant_address": "Bản Mòng, Chiềng Mung",
    }


def test_profile_refuses_another_accounts_phone_and_a_bad_identifier(client, post):
    UserFactory(username="binh", phone="0987654321")
    user = UserFactory(username="an", email="an@example.vn")
    client.force_login(user)
    base = {
        "full_name": "An",
        "personal_identifier": "",
        "phone": "",
        "email": "an@example.vn",
        "address": "",
    }
    assert post("/tai-khoan/ho-so-ca-nhan/", base | {"phone": "0987 654 321"}).status_code == 200
    assert post("/tai-khoan/ho-so-ca-nhan/", base | {"personal_identifier": "12ab"}).status_code == 200
    user.refresh_from_db()
    assert user.phone == "" and user.personal_identifier == ""


def test_profile_needs_sign_in_and_defaults_are_empty_for_visitors(client):
    from django.contrib.auth.models import AnonymousUser

    response = client.get("/tai-khoan/ho-so-ca-nhan/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert applicant_defaults(AnonymousUser()) == {}
    assert applicant_defaults(UserFactory(full_name="")) == {}


def test_every_account_form_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for url in (
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dang-ky/",
        "/tai-khoan/xac-minh/",
        "/tai-khoan/xac-minh/gui-lai/",
        "/tai-khoan/quen-mat-khau/",
        "/tai-khoan/quen-mat-khau/dien-thoai/",
        "/tai-khoan/quen-mat-khau/dien-thoai/ma/",
        "/tra-cuu/",
    ):
        assert client.post(url, {}).status_code == 403, url
        if url != "/tai-khoan/xac-minh/gui-lai/":
            assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode(), url
