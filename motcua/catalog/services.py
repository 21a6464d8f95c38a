"""Writes to the procedure catalog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from motcua.catalog.choices import DocumentForm, OnlineService, SupplementPolicy, TimeLimitUnit
from motcua.catalog.models import Fee, Field, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.catalog.models import Procedure as ProcedureModel
from motcua.catalog.selectors import catalog_cache
from motcua.core.text import fold, nfc
from motcua.org.models import Agency, UnitLevel


@dataclass(frozen=True)
class DocumentData:
    name: str
    form: str = DocumentForm.ORIGINAL
    count: int = 1
    is_optional: bool = False


@dataclass(frozen=True)
class FeeData:
    description: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class StepData:
    name: str
    role: str
    duration_days: Decimal
    agency_identifier: str | None = None  # None: the competent agency


@dataclass(frozen=True)
class ProcedureData:
    """One procedure record as published, already validated (by the importer or the demo loader)."""

    code: str
    name: str
    field_name: str
    level_codes: tuple[str, ...]
    time_limit_value: Decimal
    time_limit_unit: str = TimeLimitUnit.WORKING_DAYS
    valid_from: dt.date | None = None
    competent_agency_identifier: str | None = None
    time_limit_text: str = ""
    applicants: str = ""
    requirements: str = ""
    result: str = ""
    legal_basis: str = ""
    online_service: str = OnlineService.NONE
    accepts_desk: bool = True
    accepts_post: bool = True
    boundary_free: bool = True
    supplement_policy: str = SupplementPolicy.PAUSE
    documents: tuple[DocumentData, ...] = field(default_factory=tuple)
    fees: tuple[FeeData, ...] = field(default_factory=tuple)
    steps: tuple[StepData, ...] = field(default_factory=tuple)


def field_get_or_create(*, name: str) -> Field:
    """The field of administration with this name, created on first use."""
    name = nfc(name.strip())
    obj, _ = Field.objects.get_or_create(name=name, defaults={"search_text": fold(name)})
    return obj


def version_search_text(*, code: str, name: str, field_name: str) -> str:
    return " ".join([code.lower(), fold(name), fold(field_name)])


@transaction.atomic
def procedure_version_save(*, data: ProcedureData, today: dt.date | None = None) -> ProcedureVersion:
    """Store `data` as a version of its procedure.

    A version with the same effective date is replaced in place (a correction of the record);
    otherwise a new version is added and the previous open-ended one ends where the new one starts.
    Then the current version is recomputed for `today`.
    """
    today = today or timezone.localdate()
    valid_from = data.valid_from or today
    procedure, _ = ProcedureModel.objects.get_or_create(code=data.code)
    fld = field_get_or_create(name=data.field_name)
    agencies = {
        a.identifier: a
        for a in Agency.objects.filter(
            identifier__in={s.agency_identifier for s in data.steps if s.agency_identifier}
            | ({data.competent_agency_identifier} if data.competent_agency_identifier else set())
        )
    }
    attrs = dict(
        name=nfc(data.name),
        field=fld,
        competent_agency=agencies.get(data.competent_agency_identifier)
        if data.competent_agency_identifier
        else None,
        time_limit_value=data.time_limit_value,
        time_limit_unit=data.time_limit_unit,
        time_limit_text=nfc(data.time_limit_text),
        applicants=nfc(data.applicants),
        requirements=nfc(data.requirements),
        result=nfc(data.result),
        legal_basis=nfc(data.legal_basis),
        online_service=data.online_service,
        accepts_desk=data.accepts_desk,
        accepts_post=data.accepts_post,
        boundary_free=data.boundary_free,
        supplement_policy=data.supplement_policy,
        search_text=version_search_text(code=data.code, name=data.name, field_name=fld.name),
    )
    version = procedure.versions.filter(valid_from=valid_from).first()
    if version is None:
        later = procedure.versions.filter(valid_from__gt=valid_from).order_by("valid_from").first()
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            valid_from=valid_from,
            valid_to=later.valid_from if later else None,
            **attrs,
        )
        # The version that was open before this one now ends where this one starts.
        procedure.versions.filter(valid_from__lt=valid_from).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
        ).update(valid_to=valid_from)
    else:
        for key, value in attrs.items():
            setattr(version, key, value)
        version.save()
        version.documents.all().delete()
        version.fees.all().delete()
        version.steps.all().delete()
    version.levels.set(UnitLevel.objects.filter(code__in=data.level_codes))
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            name=nfc(d.name),
            form=d.form,
            count=d.count,
            is_optional=d.is_optional,
        )
        for i, d in enumerate(data.documents, start=1)
    )
    Fee.objects.bulk_create(
        Fee(version=version, position=i, description=nfc(f.description), amount=f.amount, note=nfc(f.note))
        for i, f in enumerate(data.fees, start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            position=i,
            name=nfc(s.name),
            role=s.role,
            duration_days=s.duration_days,
            agency=agencies.get(s.agency_identifier) if s.agency_identifier else None,
        )
        for i, s in enumerate(data.steps, start=1)
    )
    procedure_refresh_current(procedure=procedure, today=today)
    version.refresh_from_db()
    return version


@transaction.atomic
def procedure_refresh_current(
    *, procedure: ProcedureModel, today: dt.date | None = None
) -> ProcedureVersion | None:
    """Mark the version in force on `today` as current (none if the procedure is abolished or not yet in force)."""
    today = today or timezone.localdate()
    in_force = (
        procedure.versions.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .order_by("-valid_from")
        .first()
    )
    changed = (
        procedure.versions.exclude(pk=in_force.pk if in_force else None)
        .filter(is_current=True)
        .update(is_current=False)
    )
    if in_force and not in_force.is_current:
        changed += ProcedureVersion.objects.filter(pk=in_force.pk).update(is_current=True)
    if changed:
        # Bulk updates send no signals: drop the receptions' cached versions here (now and at commit).
        catalog_cache.changed()
    return in_force


def catalog_refresh_current(*, today: dt.date | None = None) -> int:
    """Recompute the current version of every procedure whose validity changes on or before `today`.
    Run daily (the `catalog_refresh` command); returns how many procedures were looked at."""
    today = today or timezone.localdate()
    stale = ProcedureModel.objects.filter(
        Q(versions__is_current=True, versions__valid_to__lte=today)
        | Q(versions__is_current=False, versions__valid_from__lte=today, versions__valid_to__isnull=True)
        | Q(versions__is_current=False, versions__valid_from__lte=today, versions__valid_to__gt=today)
    ).distinct()
    count = 0
    for procedure in stale:
        procedure_refresh_current(procedure=procedure, today=today)
        count += 1
    return count
