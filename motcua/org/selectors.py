"""Reads for administrative units, agencies and the roles a user holds."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.org.choices import STAFF_ROLES
from motcua.org.models import AdministrativeUnit, Agency, Membership, User


def units_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Active administrative units, optionally of one level or under one parent code."""
    qs = AdministrativeUnit.objects.filter(is_active=True).select_related("level", "parent")
    if level:
        qs = qs.filter(level__code=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs.order_by("code")


def agencies_list(*, unit: str | None = None, kind: str | None = None) -> QuerySet[Agency]:
    """Active agencies, optionally of one unit (code) or kind."""
    qs = Agency.objects.filter(is_active=True).select_related("unit")
    if unit:
        qs = qs.filter(unit__code=unit)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def staff_agency_ids(user: User, *, roles: frozenset[str] = STAFF_ROLES) -> set[int]:
    """Ids of the agencies in which `user` holds any of `roles`: the scope of their staff work."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=roles, agency__isnull=False).values_list("agency_id", flat=True)
    )


def user_roles(user: User) -> set[tuple[str, int | None]]:
    """(role, agency id) pairs held by `user`."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", "agency_id"))
