"""Petition (PAKN) API: the public list of published answers, submission, one published petition."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from motcua.core.dates import check_days
from motcua.core.errors import InvalidInput
from motcua.feedback import selectors, services
from motcua.feedback.choices import PetitionChannel
from motcua.feedback.models import Petition
from motcua.feedback.schemas import PetitionCreatedOut, PetitionIn, PetitionPageOut, PetitionPublicOut
from motcua.org.auth import OptionalBearerToken

router = Router(tags=["feedback"])

MAX_LIMIT = 100


class PetitionFilters(Schema):
    q: str = ""
    category: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    offset: int = Field(0, ge=0, le=10**9)
    limit: int = Field(20, ge=1, le=10**9)


def _public(petition: Petition) -> dict:
    return {
        "code": petition.code,
        "category": petition.category.code,
        "category_name": petition.category.name,
        "subject": petition.subject,
        "content": petition.content,
        "received_at": petition.received_at,
        "agency": petition.agency.name if petition.agency_id else None,
        "answer": petition.answer,
        "answered_at": petition.answered_at,
        "published_at": petition.published_at,
    }


@router.get("/petitions", response=PetitionPageOut, summary="Published petitions and their answers")
def petition_list(request, filters: Query[PetitionFilters]):
    if filters.offset < 0 or not 1 <= filters.limit <= MAX_LIMIT:
        raise InvalidInput(_("offset must be ≥ 0 and limit between 1 and %(max)d.") % {"max": MAX_LIMIT})
    check_days(filters.date_from, filters.date_to)
    qs = selectors.petitions_public(
        q=filters.q[:200], category=filters.category, date_from=filters.date_from, date_to=filters.date_to
    )
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_public(p) for p in items]}


@router.post(
    "/petitions",
    response={201: PetitionCreatedOut},
    auth=OptionalBearerToken(),
    summary="Submit a petition (PAKN)",
)
def petition_create(request, payload: PetitionIn):
    category = selectors.categories_active().filter(code=payload.category).first()
    if category is None:
        raise InvalidInput(
            _("Unknown petition category."), code="invalid_category", details={"field": "category"}
        )
    petition = services.petition_submit(
        category=category,
        subject=payload.subject,
        content=payload.content,
        submitter_name=payload.submitter_name,
        submitter_phone=payload.submitter_phone,
        submitter_email=payload.submitter_email,
        submitter_address=payload.submitter_address,
        is_public=payload.is_public,
        channel=PetitionChannel.API,
        user=getattr(request, "user", None),
    )
    return Status(201, petition)


@router.get("/petitions/{code}", response=PetitionPublicOut, summary="A published petition and its answer")
def petition_get(request, code: str):
    return _public(selectors.petition_public_detail(code=code))
