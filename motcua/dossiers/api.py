"""The dossier API: receive or file, read what the caller may see, act, and the public tracking lookup."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field as PydanticField

from motcua.catalog import selectors as catalog_selectors
from motcua.core import ratelimit
from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers import results, selectors, services
from motcua.dossiers.choices import Channel, DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.schemas import (
    ActionIn,
    DossierDetailOut,
    DossierIn,
    DossierListOut,
    DossierOut,
    ResultFileFormIn,
    TrackOut,
)
from motcua.dossiers.timeliness import is_overdue
from motcua.org.auth import BearerToken
from motcua.org.models import Agency, User
from motcua.org.selectors import active_desk

router = Router(tags=["dossiers"])

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def dossier_out(dossier: Dossier, now=None) -> dict:
    """The API view of a dossier; reads only rows the selectors already joined."""
    now = now or timezone.now()
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "status": dossier.status,
        "version": dossier.version,
        "channel": dossier.channel,
        "procedure_code": version.procedure.code,
        "procedure_name": version.name,
        "competent_agency": dossier.competent_agency.identifier,
        "receiving_agency": dossier.receiving_agency.identifier,
        "current_agency": dossier.current_agency.identifier if dossier.current_agency_id else None,
        "current_step_position": dossier.current_step_position,
        "current_step_due_at": dossier.current_step_due_at,
        "applicant": {
            "name": dossier.applicant_name,
            "identifier": dossier.applicant_identifier,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "authorised_person": dossier.authorised_person,
        },
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "apology_issued": dossier.apology_issued,
        "extended_due_at": dossier.extended_due_at,
        "result_ready_at": dossier.result_ready_at,
        "returned_at": dossier.returned_at,
        "result_code": dossier.result_code,
        "fees_amount": dossier.fees_amount,
        "is_overdue": is_overdue(status=dossier.status, due_at=dossier.due_at, now=now),
    }


def dossier_detail_out(dossier: Dossier, user: User) -> dict:
    body = dossier_out(dossier)
    result_file = selectors.result_file_shown(user, dossier)
    body["result_file"] = (
        {
            "name": result_file.name,
            "size": result_file.size,
            "sha256": result_file.sha256,
            "content_type": result_file.content_type,
            "uploaded_at": result_file.uploaded_at,
            "uploaded_by_name": result_file.uploaded_by_name,
        }
        if result_file is not None
        else None
    )
    body["steps"] = [
        {
            "kind": s.kind,
            "position": s.position,
            "name": s.name,
            "agency": s.agency.identifier,
            "role": s.role,
            "assignee": s.assignee.get_username() if s.assignee_id else None,
            "started_at": s.started_at,
            "due_at": s.due_at,
            "finished_at": s.finished_at,
            "parallel_group": s.parallel_group,
        }
        for s in dossier.steps.all()
    ]
    body["events"] = [
        {
            "seq": e.seq,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor_name": e.actor_name,
            "created_at": e.created_at,
            "payload": e.payload,
        }
        for e in dossier.events.all()
    ]
    return body


class DossierFilter(Schema):
    status: DossierStatus | None = None
    agency: str | None = PydanticField(
        None, max_length=20, description="Agency identifier (competent, current or receiving)."
    )
    overdue: bool | None = None
    q: str | None = PydanticField(
        None, max_length=200, description="Code, applicant name (diacritics optional), identifier or phone."
    )
    procedure: str | None = PydanticField(None, max_length=60, description="Procedure code.")
    due_from: dt.date | None = PydanticField(None, description="Legal due moment on or after this day.")
    due_to: dt.date | None = PydanticField(None, description="Legal due moment on or before this day.")
    limit: int = PydanticField(20, ge=1, le=100)
    offset: int = PydanticField(0, ge=0, le=10_000_000)


@router.post(
    "/dossiers",
    auth=BearerToken(),
    response={201: DossierOut, 200: DossierOut, **ERRORS},
    summary="Receive a dossier at a desk (officer) or file one online (citizen)",
)
def dossier_create(
    request: HttpRequest,
    body: DossierIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    user = request.auth
    version = catalog_selectors.procedure_for_intake(body.procedure)
    applicant = services.ApplicantData(**body.applicant.dict())
    competent = None
    if body.agency:
        competent = Agency.objects.filter(identifier=body.agency, is_active=True).first()
        if competent is None:
            raise NotFound(_("Agency not found."), code="agency_not_found")
    if body.desk is not None:
        desk = active_desk(body.desk)
        if desk is None or not desk.agency.is_active:
            raise NotFound(_("Desk not found."), code="desk_not_found")
        dossier = services.dossier_receive(
            actor=user,
            desk=desk,
            procedure_version=version,
            applicant=applicant,
            channel=body.channel or Channel.DESK,
            competent_agency=competent,
            fees_amount=body.fees_amount,
            fees_note=body.fees_note,
            idempotency_key=idempotency_key,
        )
    else:
        if body.channel == Channel.DESK:
            raise InvalidInput(_("Choose the desk that receives the dossier."), code="desk_required")
        dossier = services.dossier_submit(
            actor=user,
            procedure_version=version,
            applicant=applicant,
            channel=body.channel or Channel.ONLINE,
            competent_agency=competent,
            idempotency_key=idempotency_key,
        )
    if dossier.created:
        # The instance the service built holds every related row dossier_out reads: no re-read.
        return Status(201, dossier_out(dossier))
    # An earlier request with the same Idempotency-Key created it: answer with that dossier.
    return Status(200, dossier_out(selectors.dossier_for(user, dossier.code)))


@router.get(
    "/dossiers",
    auth=BearerToken(),
    response={200: DossierListOut, **ERRORS},
    summary="Dossiers the caller may see",
)
def dossier_list(request: HttpRequest, filters: Query[DossierFilter]):
    now = timezone.now()
    page = selectors.dossier_page(
        request.auth,
        status=filters.status,
        agency=filters.agency,
        overdue=filters.overdue,
        now=now,
        q=filters.q,
        procedure=filters.procedure,
        due_from=filters.due_from,
        due_to=filters.due_to,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {
        "count": page.count,
        "count_exact": page.count_exact,
        "items": [dossier_out(d, now) for d in page.items],
    }


@router.get(
    "/dossiers/{code}",
    auth=BearerToken(),
    response={200: DossierDetailOut, **ERRORS},
    summary="One dossier with its steps and history",
)
def dossier_get(request: HttpRequest, code: str):
    return dossier_detail_out(selectors.dossier_for(request.auth, code), request.auth)


@router.post(
    "/dossiers/{code}/actions/{action}",
    auth=BearerToken(),
    response={200: DossierOut, **ERRORS},
    summary="Take an action on a dossier seen at `version`",
)
def dossier_action(request: HttpRequest, code: str, action: DossierAction, body: ActionIn):
    payload = body.dict(exclude_none=True)
    version = payload.pop("version")
    if "days" in payload:
        payload["days"] = str(payload["days"])
    services.dossier_act(dossier_code=code, action=action, actor=request.auth, version=version, **payload)
    return dossier_out(selectors.dossier_for(request.auth, code))


@router.post(
    "/dossiers/{code}/result-file",
    auth=BearerToken(),
    response={200: DossierDetailOut, **ERRORS},
    summary="Attach the electronic result (a PDF) to a dossier seen at `version`",
    description=(
        "multipart/form-data: the PDF in `file`. Allowed to the agency holding the dossier once the result is "
        "ready (attaching again replaces it), or with `mark_ready` when marking it ready. 400 for a file that "
        "is empty, too large or not a PDF by its content; 409 `stale_version` when the dossier changed since "
        "`version`. The event that attaches it records the file's name, size and SHA-256."
    ),
)
def dossier_result_file(
    request: HttpRequest, code: str, data: Form[ResultFileFormIn], file: File[UploadedFile]
):
    results.result_attach(
        actor=request.auth,
        dossier_code=code,
        version=data.version,
        upload=file,
        mark_ready=data.mark_ready,
        note=data.note,
    )
    return dossier_detail_out(selectors.dossier_for(request.auth, code), request.auth)


@router.get(
    "/track/{code}",
    auth=None,
    response={200: TrackOut, **ERRORS},
    summary="Public status and history, with the last 4 digits of the applicant's phone",
)
@ratelimit.limit_by_ip("track")
def dossier_track(request: HttpRequest, code: str, phone: str = Query(..., min_length=4, max_length=4)):
    return selectors.dossier_public_status(code, phone)
