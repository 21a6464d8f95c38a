"""Changing the e-mail address or phone number on the profile: the new address waits for the code sent
to it, the verified one keeps working until then, and the old e-mail address is told once it changes."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.utils import timezone

from motcua.core import sms
from motcua.org.choices import Role
from motcua.org.models import Membership, User, VerificationCode, VerificationPurpose
from motcua.org.selectors import applicant_defaults
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password
NEW_PASSWORD = "Nui-rung Tay Bac 2026"
PROFILE = "/tai-khoan/ho-so-ca-nhan/"
CONFIRM_EMAIL = "/tai-khoan/ho-so-ca-nhan/xac-minh/email/"
CONFIRM_PHONE = "/tai-khoan/ho-so-ca-nhan/xac-minh/dien-thoai/"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST through the test client, running the after-commit work (codes and notices)."""

    def _post(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return _post


@pytest.fixture
def an(client):
    """A verified citizen registered with an e-mail address (her username too), signed in."""
    user = UserFactory(username="an@example.vn", email="an@example.vn", full_name="Nguyễn Thị An")
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    client.force_login(user)
    return user


@pytest.fixture
def binh(client):
    """A verified citizen registered with a phone number, who also gave an e-mail address, signed in."""
    user = UserFactory(
        username="0912345678", phone="0912345678", email="binh@example.vn", full_name="Lò Văn Bình"
    )
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    client.force_login(user)
    return user


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _form(user: User, **changes) -> dict:
    data = {
        "full_name": user.full_name,
        "personal_identifier": user.personal_identifier,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
    }
    return data | changes


def _signs_in(identifier: str) -> bool:
    return authenticate(username=identifier, password=PASSWORD) is not None


def test_a_new_email_waits_for_its_code_and_then_replaces_the_old_one(client, post, an):
    response = post(PROFILE, _form(an, email="Moi@Example.VN", full_name="Nguyễn Thị An", address="Bản Mòng"))
    assert response.status_code == 302 and response["Location"] == CONFIRM_EMAIL
    an.refresh_from_db()
    # The other fields are saved at once; the address is not.
    assert an.address == "Bản Mòng" and an.email == "an@example.vn"
    [message] = mail.outbox
    assert message.to == ["moi@example.vn"]
    code = _code(message.body)
    assert code not in VerificationCode.objects.get(purpose=VerificationPurpose.CHANGE_EMAIL).digest

    # Until the code comes back, sign-in, password reset and the applicant data keep the old address.
    assert _signs_in("an@example.vn") and not _signs_in("moi@example.vn")
    post("/tai-khoan/quen-mat-khau/", {"email": "moi@example.vn"})
    assert len(mail.outbox) == 1
    assert applicant_defaults(an)["applicant_email"] == "an@example.vn"

    page = client.get(PROFILE).content.decode()
    assert "moi@example.vn" in page and 'value="an@example.vn"' in page
    assert f'href="{CONFIRM_EMAIL}"' in page and f'action="{CONFIRM_EMAIL}huy/"' in page
    assert "moi@example.vn" in client.get(CONFIRM_EMAIL).content.decode()

    response = post(CONFIRM_EMAIL, {"code": code})
    assert response.status_code == 302 and response["Location"] == PROFILE
    an.refresh_from_db()
    assert an.email == "moi@example.vn" and an.username == "moi@example.vn"
    assert _signs_in("moi@example.vn") and not _signs_in("an@example.vn")
    assert client.get(PROFILE).context["pending_changes"] == []

    # The old address is told, without a code or a link to act on.
    notice = mail.outbox[-1]
    assert notice.to == ["an@example.vn"] and "m***@example.vn" in notice.body
    assert not re.search(r"\b\d{6}\b", notice.body) and "http" not in notice.body


def test_a_new_phone_waits_for_its_sms_code_and_then_replaces_the_old_one(post, binh):
    # A password reset code sent to the old number before the change must not outlive it.
    post("/tai-khoan/quen-mat-khau/dien-thoai/", {"phone": "0912345678"})
    [(_to, reset_text)] = sms.outbox

    response = post(PROFILE, _form(binh, phone="+84 987 654 321"))
    assert response.status_code == 302 and response["Location"] == CONFIRM_PHONE
    to, text = sms.outbox[-1]
    assert to == "+84987654321" and mail.outbox == []
    binh.refresh_from_db()
    assert binh.phone == "0912345678"
    assert _signs_in("0912 345 678") and not _signs_in("0987654321")
    post("/tai-khoan/quen-mat-khau/dien-thoai/", {"phone": "0987654321"})
    assert len(sms.outbox) == 2  # no reset code for a number the account does not hold yet

    assert post(CONFIRM_PHONE, {"code": _code(text)}).status_code == 302
    binh.refresh_from_db()
    assert binh.phone == "0987654321" and binh.username == "0987654321"
    assert _signs_in("+84 987 654 321") and not _signs_in("0912345678")
    [notice] = mail.outbox
    assert notice.to == ["binh@example.vn"] and "*******321" in notice.body
    data = {
        "phone": "0987654321",
        "code": _code(reset_text),
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert post("/tai-khoan/quen-mat-khau/dien-thoai/ma/", data).context["form"].has_error("code")


def test_five_wrong_codes_drop_the_change(client, post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    code = _code(mail.outbox[0].body)
    for _ in range(VerificationCode.MAX_ATTEMPTS - 1):
        response = post(CONFIRM_EMAIL, {"code": _wrong(code)})
        assert response.status_code == 200 and response.context["form"].has_error("code")
    response = post(CONFIRM_EMAIL, {"code": _wrong(code)}, follow=True)
    assert response.redirect_chain[-1][0] == PROFILE
    assert "error" in [m.level_tag for m in response.context["messages"]]
    assert response.context["pending_changes"] == []

    assert post(CONFIRM_EMAIL, {"code": code})["Location"] == PROFILE  # nothing waits any more
    an.refresh_from_db()
    assert an.email == "an@example.vn" and not _signs_in("moi@example.vn")


def test_an_expired_code_is_refused_and_a_new_one_comes_after_a_wait(post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    old = _code(mail.outbox[0].body)

    # Too soon for another code.
    response = post(f"{CONFIRM_EMAIL}gui-lai/", follow=True)
    assert len(mail.outbox) == 1
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"

    VerificationCode.objects.update(
        created_at=timezone.now() - timedelta(minutes=11), expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = post(CONFIRM_EMAIL, {"code": old})
    assert response.status_code == 200 and response.context["form"].has_error("code")
    an.refresh_from_db()
    assert an.email == "an@example.vn"

    post(f"{CONFIRM_EMAIL}gui-lai/")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["moi@example.vn"]
    new = _code(mail.outbox[1].body)
    assert post(CONFIRM_EMAIL, {"code": old}).status_code == 200  # replaced
    assert post(CONFIRM_EMAIL, {"code": new})["Location"] == PROFILE
    an.refresh_from_db()
    assert an.email == "moi@example.vn"


@pytest.mark.parametrize(
    "field,value", [("email", "CHI@example.vn"), ("phone", "0987 654 321"), ("email", "0987654321@x.vn")]
)
def test_an_address_of_another_account_is_refused_when_asked_for(post, an, field, value):
    UserFactory(username="chi", email="chi@example.vn", phone="0987654321")
    UserFactory(username="0987654321@x.vn")  # an address may also be someone's username
    response = post(PROFILE, _form(an, full_name="Nguyễn Thị An Mới", **{field: value}))
    assert response.status_code == 200 and response.context["form"].has_error(field)
    page = response.content.decode()
    assert 'role="alert"' in page and 'value="Nguyễn Thị An Mới"' in page  # what was typed stays
    assert mail.outbox == [] and sms.outbox == []
    assert not VerificationCode.objects.exists()
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Thị An"  # nothing saved from a refused form


def test_an_address_taken_before_the_code_comes_back_is_refused(post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    code = _code(mail.outbox[0].body)
    UserFactory(username="moi", email="moi@example.vn")  # registered and verified meanwhile
    response = post(CONFIRM_EMAIL, {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == PROFILE
    assert "error" in [m.level_tag for m in response.context["messages"]]
    an.refresh_from_db()
    assert an.email == "an@example.vn" and len(mail.outbox) == 1  # no notice: nothing changed
    assert response.context["pending_changes"] == []


def test_an_unverified_registration_does_not_hold_an_address_against_its_owner(post, an):
    squatter = User.objects.create_user(username="moi@example.vn", email="moi@example.vn", is_active=False)
    post(PROFILE, _form(an, email="moi@example.vn"))
    assert post(CONFIRM_EMAIL, {"code": _code(mail.outbox[0].body)})["Location"] == PROFILE
    an.refresh_from_db()
    assert an.email == "moi@example.vn" and not User.objects.filter(pk=squatter.pk).exists()


def test_cancel_the_change(client, post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    code = _code(mail.outbox[0].body)
    response = post(f"{CONFIRM_EMAIL}huy/")
    assert response.status_code == 302 and response["Location"] == PROFILE
    assert client.get(PROFILE).context["pending_changes"] == []
    assert client.get(CONFIRM_EMAIL)["Location"] == PROFILE
    post(CONFIRM_EMAIL, {"code": code})
    an.refresh_from_db()
    assert an.email == "an@example.vn" and len(mail.outbox) == 1


def test_saving_other_fields_sends_no_code_and_keeps_a_waiting_change(client, post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    response = post(PROFILE, _form(an, personal_identifier="014190000123"))
    assert response.status_code == 302 and response["Location"] == PROFILE
    an.refresh_from_db()
    assert an.personal_identifier == "014190000123" and an.email == "an@example.vn"
    # The address already waiting, asked again, gets no new code while its code is valid.
    assert post(PROFILE, _form(an, email="moi@example.vn"))["Location"] == CONFIRM_EMAIL
    assert len(mail.outbox) == 1
    [pending] = client.get(PROFILE).context["pending_changes"]
    assert pending["code"].destination == "moi@example.vn"


def test_both_addresses_at_once_are_confirmed_one_after_the_other(post, binh):
    response = post(PROFILE, _form(binh, email="binh.moi@example.vn", phone="0987654321"))
    assert response["Location"] == CONFIRM_EMAIL
    response = post(CONFIRM_EMAIL, {"code": _code(mail.outbox[0].body)})
    assert response["Location"] == CONFIRM_PHONE
    assert post(CONFIRM_PHONE, {"code": _code(sms.outbox[-1][1])})["Location"] == PROFILE
    binh.refresh_from_db()
    assert (binh.email, binh.phone, binh.username) == ("binh.moi@example.vn", "0987654321", "0987654321")
    assert [m.to for m in mail.outbox[1:]] == [["binh@example.vn"], ["binh.moi@example.vn"]]


def test_a_citizen_keeps_one_verified_address(post, an):
    # The new phone is not proven yet, so it cannot stand in for the e-mail address removed.
    response = post(PROFILE, _form(an, email="", phone="0987654321"))
    assert response.status_code == 200 and response.context["form"].has_error("__all__", "no_contact")
    assert mail.outbox == [] and sms.outbox == []
    an.refresh_from_db()
    assert an.email == "an@example.vn"


def test_removing_an_address_applies_at_once_and_is_told(post, binh):
    assert post(PROFILE, _form(binh, phone=""))["Location"] == PROFILE
    binh.refresh_from_db()
    assert binh.phone == "" and binh.username == "binh@example.vn"
    assert not _signs_in("0912345678") and _signs_in("binh@example.vn")
    [notice] = mail.outbox
    assert notice.to == ["binh@example.vn"]


def test_code_sends_are_limited(post, an, settings):
    settings.MOTCUA_RATE_LIMITS = {"code_send": "2/600s"}
    post(PROFILE, _form(an, email="moi1@example.vn"))
    post(PROFILE, _form(an, email="moi2@example.vn"))
    response = post(PROFILE, _form(an, email="moi3@example.vn", address="Bản Mòng"))
    assert response.status_code == 429 and 'value="Bản Mòng"' in response.content.decode()
    assert [m.to for m in mail.outbox] == [["moi1@example.vn"], ["moi2@example.vn"]]
    # Only the latest code is live.
    assert VerificationCode.objects.filter(consumed_at__isnull=True).get().destination == "moi2@example.vn"


def test_code_checks_are_limited(post, an, settings):
    settings.MOTCUA_RATE_LIMITS = {"code_check": "2/600s"}
    post(PROFILE, _form(an, email="moi@example.vn"))
    code = _code(mail.outbox[0].body)
    for _ in range(2):
        post(CONFIRM_EMAIL, {"code": _wrong(code)})
    assert post(CONFIRM_EMAIL, {"code": code}).status_code == 429
    an.refresh_from_db()
    assert an.email == "an@example.vn"


def test_a_visitor_gets_the_sign_in_page(client):
    for url in (PROFILE, CONFIRM_EMAIL, CONFIRM_PHONE):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
    for url in (CONFIRM_EMAIL, f"{CONFIRM_EMAIL}gui-lai/", f"{CONFIRM_PHONE}huy/"):
        response = client.post(url, {"code": "123456"})
        assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_an_unknown_kind_is_not_found(client, an):
    assert client.get("/tai-khoan/ho-so-ca-nhan/xac-minh/fax/").status_code == 404


def test_every_form_needs_the_csrf_token(post, an):
    post(PROFILE, _form(an, email="moi@example.vn"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(an)
    for url in (PROFILE, CONFIRM_EMAIL, f"{CONFIRM_EMAIL}gui-lai/", f"{CONFIRM_EMAIL}huy/"):
        assert client.post(url, {"code": "123456"}).status_code == 403, url
    for url in (PROFILE, CONFIRM_EMAIL):
        page = client.get(url).content.decode()
        assert page.count('name="csrfmiddlewaretoken"') >= 2, url  # each form carries one
    an.refresh_from_db()
    assert an.email == "an@example.vn"
