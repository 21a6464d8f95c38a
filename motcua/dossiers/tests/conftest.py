"""Named people and agencies for dossier tests (like healthchecks' alice/bob/charlie).

A commune People's Committee receives at its desk; the Department of Justice decides; two other
departments are consulted; a third agency is out of every dossier's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from motcua.catalog.tests.factories import make_procedure
from motcua.dossiers.services import ApplicantData, dossier_receive
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency, Desk, Membership, User
from motcua.org.tests.factories import AgencyFactory, UserFactory
from motcua.workdays.selectors import CALENDAR_VERSION_KEY, forget_calendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
VERIFIED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=HCM)


@pytest.fixture(autouse=True)
def fresh_calendar():
    forget_calendar()
    cache.delete(CALENDAR_VERSION_KEY)
    yield
    forget_calendar()
    cache.delete(CALENDAR_VERSION_KEY)


@dataclass
class World:
    commune: Agency
    dept: Agency
    health: Agency
    finance: Agency
    other: Agency
    desk: Desk
    other_desk: Desk
    officer: User  # receiving officer at the commune desk
    specialist: User  # Department of Justice
    leader: User  # Department of Justice
    health_specialist: User
    finance_specialist: User
    outsider: User  # every role, but in another agency
    citizen: User
    stranger: User  # another citizen
    version: object

    def applicant(self, **overrides) -> ApplicantData:
        data = dict(
            name="Nguyễn Văn An",
            identifier="014090000001",
            phone="0912 345 678",
            email="an@example.vn",
            address="Bản Mòng, Chiềng Mung",
        )
        data.update(overrides)
        return ApplicantData(**data)

    def receive(self, *, at: dt.datetime | None = None, **kwargs):
        return dossier_receive(
            actor=kwargs.pop("actor", self.officer),
            desk=kwargs.pop("desk", self.desk),
            procedure_version=kwargs.pop("procedure_version", self.version),
            applicant=kwargs.pop("applicant", self.applicant()),
            received_at=at,
            **kwargs,
        )


def _member(user: User, agency: Agency | None, *roles: str) -> User:
    for role in roles:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    commune = AgencyFactory(
        identifier="000.00.31.H48", name="UBND xã Chiềng Mung", kind=AgencyKind.PEOPLES_COMMITTEE
    )
    dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    health = AgencyFactory(identifier="000.00.21.H48", name="Sở Y tế")
    finance = AgencyFactory(identifier="000.00.22.H48", name="Sở Tài chính")
    other = AgencyFactory(identifier="000.00.99.H48", name="Sở Khác")
    desk = Desk.objects.create(agency=commune, name="Bộ phận Một cửa xã Chiềng Mung")
    other_desk = Desk.objects.create(agency=other, name="Bộ phận Một cửa khác")
    version = make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="3",
        agency_identifier=dept.identifier,
    )
    return World(
        commune=commune,
        dept=dept,
        health=health,
        finance=finance,
        other=other,
        desk=desk,
        other_desk=other_desk,
        officer=_member(
            UserFactory(username="olga", full_name="Lò Thị Olga"), commune, Role.RECEIVING_OFFICER
        ),
        specialist=_member(UserFactory(username="sam", full_name="Cầm Văn Sam"), dept, Role.SPECIALIST),
        leader=_member(UserFactory(username="linh", full_name="Quàng Thị Linh"), dept, Role.LEADER),
        health_specialist=_member(UserFactory(username="hoa"), health, Role.SPECIALIST),
        finance_specialist=_member(UserFactory(username="phuc"), finance, Role.SPECIALIST),
        outsider=_member(UserFactory(username="oscar"), other, *[r for r in Role if r != Role.CITIZEN]),
        # Both signed in with VNeID once: their identifiers are verified, so the desk's dossiers link to them.
        citizen=_member(
            UserFactory(username="an", personal_identifier="014090000001", identity_verified_at=VERIFIED),
            None,
            Role.CITIZEN,
        ),
        stranger=_member(
            UserFactory(username="binh", personal_identifier="014090000002", identity_verified_at=VERIFIED),
            None,
            Role.CITIZEN,
        ),
        version=version,
    )


@pytest.fixture
def clock(monkeypatch):
    """A settable `timezone.now()` for the services: `clock.set(datetime)`."""

    class Clock:
        moment = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM)  # a Monday morning

        def set(self, moment: dt.datetime) -> None:
            self.moment = moment

        def now(self) -> dt.datetime:
            return self.moment

    fake = Clock()
    monkeypatch.setattr("django.utils.timezone.now", fake.now)
    return fake
