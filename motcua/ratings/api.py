"""The ratings API: the applicant rates a returned dossier; anyone reads the averages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from motcua.org.auth import BearerToken
from motcua.ratings import selectors, services
from motcua.ratings.models import Rating
from motcua.ratings.schemas import RatingIn, RatingOut, RatingSummaryOut

router = Router(tags=["ratings"])

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict}


def rating_out(rating: Rating) -> dict:
    return {
        "dossier": rating.dossier.code,
        "stars": rating.stars,
        "comment": rating.comment,
        "contacts": rating.contacts,
        "resolved_at": rating.resolved_at,
        "due_at": rating.due_at,
        "total_time_score": rating.total_time_score,
        "unit_time_score": rating.unit_time_score,
        "contacts_score": rating.contacts_score,
        "unit_scores": rating.unit_scores,
        "created_at": rating.created_at,
    }


@router.post(
    "/dossiers/{code}/rating",
    auth=BearerToken(),
    response={201: RatingOut, **ERRORS},
    summary="The applicant rates their returned dossier (once)",
)
def rating_create(request: HttpRequest, code: str, body: RatingIn):
    rating = services.rating_submit(
        dossier_code=code, user=request.auth, stars=body.stars, comment=body.comment, contacts=body.contacts
    )
    return Status(201, rating_out(rating))


@router.get(
    "/ratings/summary",
    auth=None,
    response={200: RatingSummaryOut, 400: dict, 404: dict},
    summary="Average ratings and indices, of every agency or of one",
)
def rating_summary(
    request: HttpRequest,
    agency: str | None = Query(None, max_length=20, description="Agency identifier, e.g. 000.00.03.H52."),
):
    return selectors.rating_averages(agency=agency)
