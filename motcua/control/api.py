"""The Office's work over the API: published decisions (public) and the control plan (staff)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from motcua.catalog import publication_selectors
from motcua.control import selectors
from motcua.control.schemas import ControlPlanOut, PublicationDecisionDetailOut, PublicationDecisionOut
from motcua.org.auth import BearerToken

router = Router(tags=["control"])


class Page(Schema):
    limit: int = PydanticField(20, ge=1, le=100)
    offset: int = PydanticField(0, ge=0, le=1_000_000)


class PublicationListOut(Schema):
    count: int
    items: list[PublicationDecisionOut]


@router.get("/publication-decisions", response=PublicationListOut, summary="Signed publication decisions")
def publication_decision_list(request: HttpRequest, page: Query[Page]):
    qs = publication_selectors.publication_decisions_public()
    return {"count": qs.count(), "items": list(qs[page.offset : page.offset + page.limit])}


@router.get(
    "/publication-decisions/{decision_id}",
    response=PublicationDecisionDetailOut,
    summary="One signed publication decision with the full records of its procedures",
)
def publication_decision_get(request: HttpRequest, decision_id: int):
    return publication_selectors.publication_decision_public(pk=decision_id)


@router.get(
    "/control-plans/{year}",
    response=ControlPlanOut,
    auth=BearerToken(),
    summary="The control plan of a year (staff)",
)
def control_plan_get(request: HttpRequest, year: int, agency: str | None = None):
    overview = selectors.control_plan_overview(request.auth, year=year, agency=agency)
    plan = overview.plan
    return {
        "year": plan.year,
        "title": plan.title,
        "issuing_agency": plan.issuing_agency.identifier,
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date,
        "task_count": overview.task_count,
        "done_count": overview.done_count,
        "overdue_count": overview.overdue_count,
        "progress": overview.progress,
        "groups": overview.groups,
    }
