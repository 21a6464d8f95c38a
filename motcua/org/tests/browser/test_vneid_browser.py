"""Sign-in with VNeID in a real browser, through the real redirect flow (issue 12): motcua → the demo
provider's sign-in page (served by this same live server, a real OpenID Connect provider) → back with a
code that motcua exchanges over HTTP, checking the signed ID token → signed in.

A person new to motcua gets an account and files a dossier; an existing local account is linked, not
duplicated; a business files in its own name."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible
from motcua.dossiers.models import Dossier
from motcua.filing.tests.conftest import PDF, PNG, make_online_procedure
from motcua.idp.demo import load_identities
from motcua.org.choices import IdentitySource, Role
from motcua.org.models import Desk, Membership, User
from motcua.org.tests.factories import AgencyFactory, UserFactory
from motcua.org.vneid import forget_clients

pytestmark = pytest.mark.browser

PASSWORD = "motcua-demo-2026"
NEW_PERSON = "014095000321"  # Quàng Văn Mới: known to the provider, never seen by motcua
BUSINESS = "5500123456"  # Công ty TNHH Nông sản Mộc Châu, represented by Hà Thị Doanh


@pytest.fixture
def stand(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    cache.clear()
    forget_clients()
    load_identities(PASSWORD)
    dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    # Online filings arrive at a staffed desk (a dossier no desk can receive is refused at submission).
    Desk.objects.create(agency=dept, name="Bộ phận Một cửa Sở Tư pháp")
    officer = UserFactory(username="olga")
    Membership.objects.create(user=officer, agency=dept, role=Role.RECEIVING_OFFICER)
    return {"base": live_server.url, "procedure": make_online_procedure(dept).procedure.code}


def sign_in_with_vneid(page, base: str, login: str, *, start: str = "/tai-khoan/dang-nhap/") -> None:
    page.goto(base + start)
    page.locator("a.vneid-button").click()
    page.wait_for_url("**/vneid-demo/dang-nhap/**")
    expect(page.locator(".idp-demo-banner")).to_be_visible()  # says plainly it is the stand-in
    assert_accessible(page)
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(?!vneid-demo/).*"))


def file_online(page, base: str, procedure: str) -> str:
    page.goto(f"{base}/thu-tuc/{procedure}/")
    page.locator(f"main a[href='/nop-ho-so/{procedure}/']").click()
    page.wait_for_url(f"**/nop-ho-so/{procedure}/")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/nop-ho-so/nhap/\d+/$"))
    page.locator("#id_phone").fill("0987000321")
    page.locator("#id_address").fill("Bản Hụm, xã Chiềng Mung")
    page.locator("#id_doc-1").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_doc-2").set_input_files(
        files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=review]").click()
    expect(page).to_have_url(re.compile(r"/xem-lai/$"))
    page.locator("main form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/da-nop/$"))
    return page.locator("#dossier-code").inner_text().strip()


def test_a_new_citizen_signs_in_with_vneid_files_a_dossier_and_sees_it(stand, page):
    base = stand["base"]
    sign_in_with_vneid(page, base, NEW_PERSON)
    user = User.objects.get(identity_subject__isnull=False, personal_identifier=NEW_PERSON)
    assert (user.full_name, user.identity_source) == ("Quàng Văn Mới", IdentitySource.VNEID)
    assert user.identity_verified_at is not None and str(user.birth_date) == "1995-03-08"
    assert Membership.objects.filter(user=user, role=Role.CITIZEN, agency=None).exists()
    assert not user.has_usable_password()

    page.goto(f"{base}/nop-ho-so/{stand['procedure']}/")
    code = file_online(page, base, stand["procedure"])
    dossier = Dossier.objects.get(code=code)
    # Filed under the identity VNeID vouched for; the form showed it and could not change it.
    assert (dossier.applicant_name, dossier.applicant_identifier) == ("Quàng Văn Mới", NEW_PERSON)
    assert dossier.applicant_user_id == user.pk
    page.goto(f"{base}/nop-ho-so/cua-toi/")
    expect(page.get_by_role("link", name=code)).to_be_visible()
    assert_accessible(page)

    # Signing out ends the provider's session too: the next VNeID sign-in asks for the password again.
    page.locator("header form[action='/tai-khoan/dang-xuat/'] button").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(\?state=[\w-]+)?$"))
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.locator("a.vneid-button").click()
    page.wait_for_url("**/vneid-demo/dang-nhap/**")
    assert User.objects.filter(personal_identifier=NEW_PERSON).count() == 1


def test_an_existing_local_account_is_linked_not_duplicated(stand, page):
    base = stand["base"]
    congdan = UserFactory(
        username="congdan",
        full_name="Lường Thị Công Dân",
        email="congdan@demo.motcua.local",
        password=PASSWORD,
    )
    Membership.objects.create(user=congdan, agency=None, role=Role.CITIZEN)
    accounts = User.objects.count()

    sign_in_with_vneid(page, base, "014190001234")
    expect(page).to_have_url(re.compile(r"/tai-khoan/vneid/lien-ket/$"))
    assert_accessible(page)
    page.locator("main a.button-link").click()  # sign in to the existing account with its password
    page.locator("#id_username").fill("congdan")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url("**/nop-ho-so/cua-toi/")

    assert User.objects.count() == accounts
    congdan.refresh_from_db()
    assert (congdan.personal_identifier, congdan.identity_source) == ("014190001234", IdentitySource.VNEID)
    assert congdan.identity_subject

    # From now on VNeID signs straight in to the same account.
    page.context.clear_cookies()
    sign_in_with_vneid(page, base, "014190001234")
    expect(page).to_have_url(re.compile(r"/nop-ho-so/cua-toi/$"))
    assert User.objects.count() == accounts


def test_a_business_signs_in_and_files_in_its_own_name(stand, page):
    base = stand["base"]
    sign_in_with_vneid(page, base, BUSINESS)
    account = User.objects.get(tax_code=BUSINESS)
    assert account.full_name == "Công ty TNHH Nông sản Mộc Châu"
    assert account.representative_name == "Hà Thị Doanh"
    code = file_online(page, base, stand["procedure"])
    dossier = Dossier.objects.get(code=code)
    assert (dossier.applicant_name, dossier.applicant_identifier, dossier.authorised_person) == (
        "Công ty TNHH Nông sản Mộc Châu",
        BUSINESS,
        "Hà Thị Doanh",
    )
    assert dossier.applicant_user_id == account.pk
