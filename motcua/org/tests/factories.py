"""Factories for organisation rows, shared by every app's tests."""

import factory

from motcua.org.choices import AgencyKind, Role
from motcua.org.models import AdministrativeUnit, Agency, Membership, UnitLevel, User


class UnitLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitLevel
        django_get_or_create = ["code"]

    code = "province"
    name = factory.LazyAttribute(lambda o: {"province": "Cấp tỉnh", "commune": "Cấp xã"}.get(o.code, o.code))
    rank = factory.LazyAttribute(lambda o: {"province": 1, "district": 2, "commune": 3}.get(o.code, 9))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ["code"]

    code = "14"
    name = "Sơn La"
    kind = "Tỉnh"
    level = factory.SubFactory(UnitLevelFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["identifier"]

    identifier = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{40 + n // 100:02d}")
    name = factory.Sequence(lambda n: f"Sở số {n}")
    kind = AgencyKind.DEPARTMENT
    unit = factory.SubFactory(UnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.django.Password("correct horse battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.SPECIALIST
