"""Dossier takeover (issue 10, item 1): a dossier is linked to an account only on a *verified* identifier.

The attack reproduced on the production-like instance: a citizen typed the victim's personal identifier on
their profile; the next dossier the desk received for the victim was linked to the attacker's account, who
could then read it, print its forms and withdraw it. Each test below failed before the fix.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for
from motcua.dossiers.services import dossier_act
from motcua.org.choices import IdentitySource, Role
from motcua.org.models import Membership
from motcua.org.services import profile_update
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VICTIM_ID = "014090000777"  # a person without an account yet


@pytest.fixture
def mallory(world):
    """A citizen who typed the victim's identifier on their own profile (self-declared, unverified)."""
    user = UserFactory(
        username="mallory", full_name="Mallory", email="m@example.vn", personal_identifier=VICTIM_ID
    )
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    return user


def _victims_dossier(world):
    return world.receive(applicant=world.applicant(name="Hà Thị Nạn", identifier=VICTIM_ID))


def test_a_typed_identifier_links_nothing(world, mallory):
    dossier = _victims_dossier(world)
    assert dossier.applicant_user_id is None
    with pytest.raises(NotFound):
        dossier_for(mallory, dossier.code)
    with pytest.raises(NotFound):
        dossier_act(dossier_code=dossier.code, action="withdraw", actor=mallory, version=dossier.version)
    assert Dossier.objects.get(pk=dossier.pk).status == "received"


def test_the_pages_and_forms_answer_404_to_the_typist(world, mallory, client):
    dossier = _victims_dossier(world)
    client.force_login(mallory)
    for url in (
        f"/nop-ho-so/ho-so/{dossier.code}/",
        f"/ho-so/{dossier.code}/mau/",
        f"/ho-so/{dossier.code}/mau/01/",
        f"/ho-so/{dossier.code}/mau/01/pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert dossier.code not in client.get("/nop-ho-so/cua-toi/").content.decode()


def test_a_verified_identifier_links_the_dossier(world):
    victim = UserFactory(
        username="nan",
        personal_identifier=VICTIM_ID,
        identity_verified_at=timezone.now(),
        identity_source=IdentitySource.VNEID,
    )
    Membership.objects.create(user=victim, agency=None, role=Role.CITIZEN)
    dossier = _victims_dossier(world)
    assert dossier.applicant_user_id == victim.pk
    assert dossier_for(victim, dossier.code).code == dossier.code


def test_even_beside_a_verified_owner_the_typist_sees_nothing(world, mallory):
    victim = UserFactory(username="nan", personal_identifier=VICTIM_ID, identity_verified_at=timezone.now())
    dossier = _victims_dossier(world)
    assert dossier.applicant_user_id == victim.pk
    with pytest.raises(NotFound):
        dossier_for(mallory, dossier.code)


def test_a_verified_identifier_belongs_to_one_account(world):
    UserFactory(username="nan", personal_identifier=VICTIM_ID, identity_verified_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="nan2", personal_identifier=VICTIM_ID, identity_verified_at=timezone.now())
    # Unverified copies are only statements: they are allowed, and they link nothing.
    UserFactory(username="nan3", personal_identifier=VICTIM_ID)


def test_a_profile_edit_never_relinks(world, mallory):
    dossier = _victims_dossier(world)
    profile_update(
        user=mallory,
        full_name="Mallory",
        personal_identifier=VICTIM_ID,
        phone="",
        email="m@example.vn",
        address="",
    )
    assert Dossier.objects.get(pk=dossier.pk).applicant_user_id is None
    # And the victim's next dossier is not linked either.
    assert _victims_dossier(world).applicant_user_id is None


def test_a_verified_identity_cannot_be_edited_on_the_profile(world):
    an = world.citizen
    with pytest.raises(InvalidInput) as refused:
        profile_update(
            user=an,
            full_name="Kẻ Khác",
            personal_identifier=VICTIM_ID,
            phone="",
            email="an@example.vn",
            address="",
        )
    assert refused.value.code == "identity_locked"
    an.refresh_from_db()
    assert (an.full_name, an.personal_identifier) != ("Kẻ Khác", VICTIM_ID)


def _link(world, dossier, actor, **payload):
    return dossier_act(
        dossier_code=dossier.code, action="link_applicant", actor=actor, version=dossier.version, **payload
    )


def test_the_desk_links_explicitly_and_the_history_says_so(world, mallory):
    """The victim, at the desk with their papers, asks for the dossier to follow their (unverified) account."""
    victim = UserFactory(username="nan", phone="0987654321", personal_identifier=VICTIM_ID)
    Membership.objects.create(user=victim, agency=None, role=Role.CITIZEN)
    dossier = _victims_dossier(world)
    linked = _link(world, dossier, world.officer, account="0987 654 321", identity_checked=True)
    assert linked.applicant_user_id == victim.pk
    event = linked.events.order_by("-seq").first()
    assert (event.action, event.actor_id) == ("link_applicant", world.officer.pk)
    assert event.payload["account"] == victim.pk and event.payload["previous_account"] is None
    assert dossier_for(victim, dossier.code).code == dossier.code
    with pytest.raises(NotFound):
        dossier_for(mallory, dossier.code)


@pytest.mark.parametrize(
    "payload,error",
    [
        ({"account": "0987654321"}, InvalidInput),  # papers not checked
        ({"account": "nobody@example.vn", "identity_checked": True}, InvalidInput),
        ({"account": "olga", "identity_checked": True}, InvalidInput),  # a staff account
    ],
)
def test_the_desk_link_refuses_bad_requests(world, payload, error):
    victim = UserFactory(username="nan", phone="0987654321")
    Membership.objects.create(user=victim, agency=None, role=Role.CITIZEN)
    dossier = _victims_dossier(world)
    with pytest.raises(error):
        _link(world, dossier, world.officer, **payload)
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.applicant_user_id, after.version) == (None, dossier.version)


def test_only_the_desk_links_and_never_away_from_a_verified_owner(world, mallory):
    dossier = world.receive()  # the applicant is world.citizen, verified
    with pytest.raises(PermissionDenied):
        _link(world, dossier, world.specialist, account="mallory", identity_checked=True)
    with pytest.raises(NotFound):
        _link(world, dossier, mallory, account="mallory", identity_checked=True)
    with pytest.raises(Conflict) as refused:
        _link(world, dossier, world.officer, account="mallory", identity_checked=True)
    assert refused.value.code == "identifier_verified_elsewhere"
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.applicant_user_id, after.version) == (world.citizen.pk, dossier.version)
