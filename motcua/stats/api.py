"""The statistics API: form 06 rows for a period, grouped by agency, field, level, procedure or month."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.org.auth import BearerToken
from motcua.stats import figures, selectors
from motcua.stats.service_index import GROUPS, service_index

router = Router(tags=["statistics"])

ERRORS = {400: dict, 401: dict, 403: dict}


class SummaryQuery(Schema):
    # Strings, parsed by `figures.parse_period`, so a bad date gets the domain's {code, message}.
    date_from: str | None = Field(None, alias="from")
    date_to: str | None = Field(None, alias="to")
    group_by: str = "agency"


class SummaryRow(Schema):
    key: str | None
    code: str
    name: str
    month: dt.date | None
    received_total: int
    received_online: int
    received_desk_post: int
    carried_over: int
    resolved_total: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_total: int
    in_progress_within: int
    in_progress_overdue: int
    closed_without_result: int
    on_time_rate: float | None


class SummaryOut(Schema):
    date_from: dt.date = Field(..., serialization_alias="from")
    date_to: dt.date = Field(..., serialization_alias="to")
    group_by: str
    rows: list[SummaryRow]
    total: SummaryRow


def _row(row: figures.Row) -> dict:
    return {
        "key": None if row.key is None else str(row.key),
        "code": row.code,
        "name": row.name,
        "month": row.month,
        **row.figures,
        "on_time_rate": row.on_time_rate,
    }


@router.get(
    "/stats/summary",
    auth=BearerToken(),
    response={200: SummaryOut, **ERRORS},
    by_alias=True,
    summary="Form 06 figures for [from, to), grouped (agency|field|level|procedure|month, or e.g. agency,month)",
)
def stats_summary(request: HttpRequest, params: Query[SummaryQuery]):
    """Rows with the form 06 columns for the dossiers the caller may see; `to` is exclusive."""
    qs = selectors.stats_dossiers_for(request.auth)
    start, end = figures.parse_period(params.date_from, params.date_to)
    dimension, by_month = figures.parse_group_by(params.group_by)
    report = figures.form06(qs, date_from=start, date_to=end, dimension=dimension, by_month=by_month)
    total = figures.Row(None, "", "", None, report.total)
    return {
        "date_from": start,
        "date_to": end,
        "group_by": params.group_by,
        "rows": [_row(r) for r in report.rows],
        "total": _row(total),
    }


class IndexQuery(Schema):
    date_from: str | None = Field(None, alias="from")
    date_to: str | None = Field(None, alias="to")


class IndicatorOut(Schema):
    group: str
    group_name: str
    code: str
    name: str
    formula: str
    computed: bool
    numerator: int | None
    denominator: int | None
    rate: float | None
    score: float | None
    points: float
    note: str


class IndexOut(Schema):
    date_from: dt.date = Field(..., serialization_alias="from")
    date_to: dt.date = Field(..., serialization_alias="to")
    score: float
    points_computable: float
    points_outside: float
    indicators: list[IndicatorOut]


@router.get(
    "/stats/service-index",
    auth=BearerToken(),
    response={200: IndexOut, **ERRORS},
    by_alias=True,
    summary="The Decision 766/QĐ-TTg service index for [from, to): each indicator, its formula and points",
)
def stats_service_index(request: HttpRequest, params: Query[IndexQuery]):
    """The index over the dossiers the caller may see; indicators needing data outside motcua score
    nothing and say why (`computed` false, `note`)."""
    qs = selectors.stats_dossiers_for(request.auth)
    start, end = figures.parse_period(params.date_from, params.date_to)
    index = service_index(qs, date_from=start, date_to=end)
    return {
        "date_from": start,
        "date_to": end,
        "score": index.score,
        "points_computable": index.points_computable,
        "points_outside": index.points_outside,
        "indicators": [
            {
                "group": i.group,
                "group_name": str(GROUPS[i.group][0]),
                "code": i.code,
                "name": i.name,
                "formula": i.formula,
                "computed": i.computed,
                "numerator": i.numerator if i.computed else None,
                "denominator": i.denominator if i.computed else None,
                "rate": i.rate,
                "score": i.score,
                "points": i.points,
                "note": i.note,
            }
            for i in index.indicators
        ],
    }
