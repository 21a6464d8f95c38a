"""Reads of the procedure catalog. The catalog is public: no user scoping here."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import Field, ProcedureVersion, ProcessStep
from motcua.core.errors import NotFound
from motcua.core.localcache import LocalCache
from motcua.core.text import search_terms, sorted_vietnamese, spelling_variants
from motcua.org.choices import AgencyKind
from motcua.org.models import Agency, UnitLevel


def procedures_current(
    *,
    q: str = "",
    agency: str | None = None,
    field: int | str | None = None,
    level: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """The procedures in force, filtered and ordered by name.

    `q` matches every word against the folded code, name and field, so "dang ky ket hon",
    "ĐĂNG KÝ KẾT HÔN" and an NFD spelling all find "Đăng ký kết hôn". `agency` is an agency's
    electronic identifier; for a commune People's Committee it also lists the procedures every
    commune decides in its own area. `field` is a field id or name; `level` a unit level code.
    """
    qs = ProcedureVersion.objects.filter(is_current=True)
    joins_levels = False  # a filter through the levels table can repeat rows: only then pay for DISTINCT
    for term in search_terms(q):
        # Either i/y spelling of a syllable ("đăng kí" finds "Đăng ký"); a word inside a longer one
        # still matches ("ki" in "kinh"), as before.
        condition = Q()
        for variant in spelling_variants(term):
            condition |= Q(search_text__contains=variant)
        qs = qs.filter(condition)
    if agency:
        agency_obj = Agency.objects.select_related("unit__level").filter(identifier=agency).first()
        if agency_obj is None:
            return qs.none()
        condition = Q(competent_agency=agency_obj)
        if agency_obj.kind == AgencyKind.PEOPLES_COMMITTEE:
            condition |= Q(competent_agency__isnull=True, levels__code=agency_obj.unit.level.code)
            joins_levels = True
        qs = qs.filter(condition)
    if field:
        qs = qs.filter(field_id=field) if str(field).isdigit() else qs.filter(field__name=field)
    if level:
        qs = qs.filter(levels__code=level)
        joins_levels = True
    if joins_levels:
        qs = qs.distinct()
    return (
        qs.select_related("procedure", "field", "competent_agency")
        .prefetch_related("levels")
        .order_by("name", "id")
    )


def _with_components(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.select_related("procedure", "field", "competent_agency").prefetch_related(
        "levels",
        "documents",
        "fees",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency").order_by("position")),
    )


def procedures_current_full() -> QuerySet[ProcedureVersion]:
    """Every procedure in force with all its components (documents, fees, steps), by code: for exports."""
    return _with_components(ProcedureVersion.objects.filter(is_current=True)).order_by("procedure__code")


def procedure_detail(*, code: str) -> ProcedureVersion:
    """The current version of the procedure `code`, with everything its public page shows."""
    version = _with_components(ProcedureVersion.objects.filter(is_current=True, procedure__code=code)).first()
    if version is None:
        raise NotFound(
            _("No procedure in force has the code %(code)s.") % {"code": code}, code="procedure_not_found"
        )
    return version


def fields_in_use() -> list[Field]:
    """Fields that have at least one procedure in force, for the browse filters, in Vietnamese alphabetical
    order (the database's order puts "Đất đai" after "Xuất bản")."""
    return sorted_vietnamese(Field.objects.filter(versions__is_current=True).distinct())


def levels_in_use() -> QuerySet[UnitLevel]:
    """Unit levels that at least one procedure in force applies to (the catalog's level filter)."""
    return UnitLevel.objects.filter(procedure_versions__is_current=True).distinct()


def agencies_with_procedures() -> list[Agency]:
    """Agencies competent for at least one procedure in force, in Vietnamese alphabetical order."""
    return sorted_vietnamese(Agency.objects.filter(procedure_versions__is_current=True).distinct())


# What is read of the catalog on every reception and every procedure page, kept in the process
# (motcua.core.localcache): any change to the catalog drops it everywhere (signals in apps.py;
# `procedure_refresh_current` after its bulk updates), and entries expire after a minute anyway.
catalog_cache = LocalCache("catalog", ttl=60)


def procedure_for_intake(code: str) -> ProcedureVersion:
    """The version in force of procedure `code` with what a reception needs and nothing more: the
    procedure, the competent agency and the internal process (steps with their agencies), where the
    catalog's `procedure_detail` also loads levels, documents and fees for the public page. Used by the
    dossier intake path, which is benchmarked (bench/bench_intake.py): kept in the process, no query."""
    return catalog_cache.get(("intake", code), lambda: _load_for_intake(code))


def _load_for_intake(code: str) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.filter(is_current=True, procedure__code=code)
        .select_related("procedure", "competent_agency")
        .prefetch_related(
            Prefetch("steps", queryset=ProcessStep.objects.select_related("agency").order_by("position"))
        )
        .first()
    )
    if version is None:
        raise NotFound(
            _("No procedure in force has the code %(code)s.") % {"code": code}, code="procedure_not_found"
        )
    return version


def procedure_version_history(*, code: str) -> list[ProcedureVersion]:
    """Every version of the procedure `code`, newest first, with the publication decision that brought it
    each one knowing the number of the one before it (`previous_number`), for the comparison link."""
    versions = list(
        ProcedureVersion.objects.filter(procedure__code=code)
        .order_by("-number")
        .only("number", "valid_from", "valid_to", "is_current", "procedure_id")
    )
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer.previous_number = older.number if older is not None else None  # for "what changed"
    return versions


def document_template(*, code: str, document_id: int):
    """The form template file of a document of the procedure `code` in force; `NotFound` if there is none."""
    from motcua.catalog.models import RequiredDocument

    document = (
        RequiredDocument.objects.filter(
            pk=document_id, version__procedure__code=code, version__is_current=True
        )
        .exclude(template="")
        .first()
    )
    if document is None:
        raise NotFound(_("This document has no form template."), code="template_not_found")
    return document
