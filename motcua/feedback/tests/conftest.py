"""Named people per role (healthchecks-style) and a clean media folder for the petition tests."""

from __future__ import annotations

import pytest

from motcua.feedback.models import PetitionCategory
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def office(db):
    return AgencyFactory(
        identifier="000.00.01.H48", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )


@pytest.fixture
def department(db):
    return AgencyFactory(identifier="000.00.12.H48", name="Sở Tư pháp")


@pytest.fixture
def other_department(db):
    return AgencyFactory(identifier="000.00.13.H48", name="Sở Xây dựng")


@pytest.fixture
def reviewer(office):
    """Alice, Office reviewer: classifies, routes, publishes any petition."""
    user = UserFactory(username="alice", full_name="Nguyễn Thị An")
    MembershipFactory(user=user, agency=office, role=Role.OFFICE_REVIEWER)
    return user


@pytest.fixture
def specialist(department):
    """Bob, specialist of the department the petitions are routed to."""
    user = UserFactory(username="bob", full_name="Trần Văn Bình")
    MembershipFactory(user=user, agency=department, role=Role.SPECIALIST)
    return user


@pytest.fixture
def outsider(other_department):
    """Charlie, staff of another department."""
    user = UserFactory(username="charlie", full_name="Lê Văn Cường")
    MembershipFactory(user=user, agency=other_department, role=Role.LEADER)
    return user


@pytest.fixture
def citizen(db):
    user = UserFactory(username="dung", full_name="Phạm Thị Dung")
    MembershipFactory(user=user, agency=None, role=Role.CITIZEN)
    return user


@pytest.fixture
def category(db):
    return PetitionCategory.objects.get(code="quy-dinh-hanh-chinh")


@pytest.fixture
def conduct(db):
    return PetitionCategory.objects.get(code="hanh-vi-can-bo")
