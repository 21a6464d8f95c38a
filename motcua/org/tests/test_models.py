import pytest
from django.db import IntegrityError, transaction

from motcua.org.choices import Role
from motcua.org.models import Membership
from motcua.org.selectors import staff_agency_ids
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_scope_is_the_agencies_of_staff_memberships():
    user = UserFactory()
    justice, health, _other = AgencyFactory(), AgencyFactory(), AgencyFactory()
    MembershipFactory(user=user, agency=justice, role=Role.SPECIALIST)
    MembershipFactory(user=user, agency=health, role=Role.LEADER)
    assert staff_agency_ids(user) == {justice.pk, health.pk}
    assert staff_agency_ids(user, roles=frozenset({Role.LEADER})) == {health.pk}


def test_a_staff_role_needs_an_agency_and_a_citizen_has_none():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, agency=None, role=Role.SPECIALIST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, agency=AgencyFactory(), role=Role.CITIZEN)
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    assert staff_agency_ids(user) == set()


def test_the_same_role_twice_in_one_agency_is_refused():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, agency=membership.agency, role=membership.role)
