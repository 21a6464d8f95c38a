"""Reads of the national-portal link, for administrators only (the callers check)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from motcua.catalog.models import ProcedureVersion
from motcua.dvcqg.choices import MessageStatus
from motcua.dvcqg.models import (
    AgencyMapping,
    DeliveryAttempt,
    NationalFiling,
    OutboxMessage,
    ProcedureMapping,
)
from motcua.org.models import Agency


def may_manage_sync(user) -> bool:
    """Administrators (superusers or the administrator role) see and replay the portal's ledger."""
    from motcua.org.choices import Role
    from motcua.org.selectors import user_roles

    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role == Role.ADMINISTRATOR for role, _agency in user_roles(user))


def sync_counts(*, year: int | None = None) -> dict[str, int]:
    """Messages per status (for the year they were created in, when given)."""
    qs = OutboxMessage.objects.all()
    if year:
        qs = qs.filter(created_at__year=year)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    parked_dossiers = OutboxMessage.objects.filter(status=MessageStatus.PARKED).values("dossier_id")
    counts["blocked"] = qs.filter(status=MessageStatus.PENDING, dossier_id__in=parked_dossiers).count()
    return {s: counts.get(s, 0) for s in [*MessageStatus.values, "blocked"]}


def messages_listing(*, status: str | None = None, year: int | None = None, code: str = "") -> QuerySet:
    """The ledger, newest first, with each message's dossier code and attempts."""
    qs = OutboxMessage.objects.select_related("dossier").prefetch_related(
        Prefetch("attempt_rows", queryset=DeliveryAttempt.objects.order_by("at", "id"))
    )
    if status in MessageStatus.values:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(created_at__year=year)
    if code:
        qs = qs.filter(dossier__code=code.strip())
    return qs.order_by("-id")


def years_with_messages() -> list[int]:
    return sorted({d.year for d in OutboxMessage.objects.dates("created_at", "year")}, reverse=True)


def missing_mappings() -> dict[str, list]:
    """Procedures in force and agencies with no national code: their dossiers would be parked."""
    procedures = (
        ProcedureVersion.objects.filter(is_current=True)
        .exclude(Exists(ProcedureMapping.objects.filter(procedure_code=OuterRef("procedure__code"))))
        .select_related("procedure")
        .order_by("procedure__code")
    )
    agencies = (
        Agency.objects.filter(is_active=True)
        .exclude(Exists(AgencyMapping.objects.filter(agency_identifier=OuterRef("identifier"))))
        .order_by("identifier")
    )
    return {"procedures": list(procedures), "agencies": list(agencies)}


def national_filings(limit: int = 50) -> QuerySet:
    return NationalFiling.objects.select_related("dossier").order_by("-received_at")[:limit]


def parked_messages() -> QuerySet:
    return messages_listing(status=MessageStatus.PARKED)


__all__ = ["Q"]
