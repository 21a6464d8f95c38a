"""Writes of the national-portal link: replaying parked messages, filling mappings, taking in filings."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_for_intake
from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers.services import ApplicantData, dossier_submit
from motcua.dvcqg.adapters import PortalAdapter, portal
from motcua.dvcqg.choices import FilingStatus, MessageStatus
from motcua.dvcqg.messages import DEFAULT_STATUS_CODES, NATIONAL_STATUSES
from motcua.dvcqg.models import AgencyMapping, NationalFiling, OutboxMessage, ProcedureMapping, StatusMapping
from motcua.org.models import Agency, User
from motcua.org.selectors import account_by_verified_identifier

logger = logging.getLogger("motcua.dvcqg")

SYSTEM_USERNAME = "dvcqg"


def message_replay(*, actor: User, message_ids: list[int]) -> int:
    """Put parked messages back in the queue, after the administrator fixed what parked them (a mapping,
    the portal's refusal). They keep their idempotency keys and their place in their dossier's order."""
    name = actor.full_name or actor.get_username()
    with transaction.atomic():
        count = OutboxMessage.objects.filter(id__in=message_ids, status=MessageStatus.PARKED).update(
            status=MessageStatus.PENDING,
            parked_reason="",
            next_attempt_at=timezone.now(),
            locked_until=None,
            locked_by="",
            replayed_at=timezone.now(),
            replayed_by_name=name,
        )
    logger.info("%s replayed %d parked DVCQG messages", name, count)
    return count


def status_mappings_seed() -> int:
    """The portal's status list for every local state not yet mapped (the data migration calls the same)."""
    created = 0
    for status, code in DEFAULT_STATUS_CODES.items():
        _row, new = StatusMapping.objects.get_or_create(
            status=status, defaults={"national_code": code, "national_name": NATIONAL_STATUSES[code]}
        )
        created += new
    return created


def mappings_fill_identical(*, except_procedures: set[str] = frozenset()) -> dict[str, int]:
    """Map every procedure and agency that has no mapping to its own code: our procedure codes are the
    national database's and our agency identifiers the national electronic identifiers (docs/design.md §3), so
    the identical code is right unless the portal says otherwise; the administrator edits the exceptions."""
    have = set(ProcedureMapping.objects.values_list("procedure_code", flat=True))
    procedures = [
        ProcedureMapping(procedure_code=code, national_code=code)
        for code in Procedure.objects.values_list("code", flat=True)
        if code not in have and code not in except_procedures
    ]
    have = set(AgencyMapping.objects.values_list("agency_identifier", flat=True))
    agencies = [
        AgencyMapping(agency_identifier=ident, national_code=ident)
        for ident in Agency.objects.values_list("identifier", flat=True)
        if ident and ident not in have
    ]
    ProcedureMapping.objects.bulk_create(procedures)
    AgencyMapping.objects.bulk_create(agencies)
    return {"procedures": len(procedures), "agencies": len(agencies)}


def _system_user() -> User:
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"full_name": "Cổng Dịch vụ công quốc gia", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _local_code(national: str, model, field: str) -> str:
    row = model.objects.filter(national_code=national).values_list(field, flat=True).first()
    return row or national


def filing_take_in(*, record: dict) -> NationalFiling:
    """Take in one dossier filed on the national portal as an online dossier awaiting the desk's check
    (Decision 31/2021 Art. 30), once per national code. The citizen, identified on the portal by VNeID,
    files on their own behalf when they have an account here with that verified identifier; otherwise
    the portal's system account files it for them (they track it by code and phone like anyone)."""
    national = str(record.get("MaHoSoQG") or "").strip()
    if not national:
        raise InvalidInput(_("A national filing without its code."), code="filing_code_required")
    existing = NationalFiling.objects.filter(national_code=national).first()
    if existing is not None:
        return existing
    now = timezone.now()
    procedure_code = _local_code(str(record.get("MaTTHC") or ""), ProcedureMapping, "procedure_code")
    try:
        version = procedure_for_intake(procedure_code)
    except NotFound:
        version = None
    agency_ident = _local_code(str(record.get("MaDonVi") or ""), AgencyMapping, "agency_identifier")
    agency = Agency.objects.filter(identifier=agency_ident, is_active=True).first() if agency_ident else None
    problem = ""
    if version is None:
        problem = _("Procedure %(code)s is not in our catalog.") % {"code": record.get("MaTTHC")}
    elif version.competent_agency is None and agency is None:
        problem = _("Agency %(code)s is not known here.") % {"code": record.get("MaDonVi")}
    if problem:
        return NationalFiling.objects.create(
            national_code=national, status=FilingStatus.FAILED, problem=problem, body=record, received_at=now
        )
    identifier = str(record.get("MaDoiTuong") or "").strip()
    # Only a verified identifier links the dossier to an account (never one typed on a profile).
    citizen = account_by_verified_identifier(identifier)
    actor = citizen or _system_user()
    applicant = ApplicantData(
        name=str(record.get("ChuHoSo") or ""),
        identifier=identifier,
        phone=str(record.get("SoDienThoai") or ""),
        email=str(record.get("Email") or ""),
        address=str(record.get("DiaChi") or ""),
    )
    with transaction.atomic():
        # The filing row commits with the dossier and its outbox message, which names the national code.
        dossier = dossier_submit(
            actor=actor,
            procedure_version=version,
            applicant=applicant,
            competent_agency=version.competent_agency or agency,
            receiving_agency=agency or version.competent_agency,
            idempotency_key=f"dvcqg:{national}",
        )
        filing, _new = NationalFiling.objects.get_or_create(
            national_code=national,
            defaults={
                "dossier": dossier,
                "status": FilingStatus.RECEIVED,
                "body": record,
                "received_at": now,
                "taken_by": actor,
            },
        )
    return filing


def filings_pull(*, adapter: PortalAdapter | None = None) -> list[NationalFiling]:
    """Take in what the portal holds for us and tell it our code for each (status then flows back
    through the outbox like any dossier's)."""
    adapter = adapter or portal()
    taken = []
    for record in adapter.new_filings():
        try:
            filing = filing_take_in(record=record)
        except InvalidInput as exc:
            logger.warning("National filing refused: %s (%s)", exc.message, record)
            continue
        except Exception:
            logger.exception("National filing %s could not be taken in", record.get("MaHoSoQG"))
            continue
        taken.append(filing)
        if filing.dossier_id:
            reply = adapter.acknowledge_filing(
                national_code=filing.national_code, dossier_code=filing.dossier.code
            )
            if not reply.ok:
                logger.warning("Acknowledging %s failed: %s", filing.national_code, reply.detail)
    return taken
