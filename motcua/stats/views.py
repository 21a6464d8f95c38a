"""Statistics pages: the public transparency page, the staff form 06 report, its drill-down and exports."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError
from motcua.org.decorators import staff_required
from motcua.stats import exports, figures, selectors
from motcua.stats.figures import COLUMN_LABELS, COLUMN_ORDER
from motcua.stats.service_index import GROUPS, service_index

# The report's grouping options as the reader sees them (the values are the API's `group_by`).
GROUP_CHOICES = (
    ("agency", gettext_lazy("By agency")),
    ("field", gettext_lazy("By field")),
    ("procedure", gettext_lazy("By procedure")),
    ("level", gettext_lazy("By level")),
    ("month", gettext_lazy("By month")),
    ("agency,month", gettext_lazy("By agency and month")),
)


def _default_half_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The current half-year (the 6-month report's period): Jan–Jun or Jul–Dec."""
    start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    end = dt.date(today.year, 7, 1) if today.month <= 6 else dt.date(today.year + 1, 1, 1)
    return start, end


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    date_from, date_to = request.GET.get("from"), request.GET.get("to")
    if not date_from and not date_to:
        return _default_half_year(timezone.localdate())
    return figures.parse_period(date_from, date_to)


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "stats/error.html", {"message": exc.message}, status=exc.status)


def _max(values) -> int:
    return max([v for v in values if v] or [1])


def public_page(request: HttpRequest) -> HttpResponse:
    """On-time rates, volumes and satisfaction by agency and by month: aggregates only."""
    try:
        date_from, date_to = _period(request)
        data = selectors.public_figures(date_from=date_from, date_to=date_to)
    except DomainError as exc:
        return _error(request, exc)
    agencies = data["by_agency"].rows
    months = data["by_month"].rows
    return render(
        request,
        "stats/public.html",
        {
            "date_from": date_from,
            "date_to": date_to,
            "headline": data["by_agency"].on_time_rate,
            "total": data["by_agency"].total,
            "agencies": agencies,
            "months": months,
            "max_agency": _max(r.figures["received_total"] for r in agencies),
            "max_month": _max(r.figures["received_total"] for r in months),
            "satisfaction_by_agency": data["satisfaction_by_agency"],
            "satisfaction_by_month": data["satisfaction_by_month"],
        },
    )


def _report(request: HttpRequest):
    qs = selectors.stats_dossiers_for(request.user)
    date_from, date_to = _period(request)
    dimension, by_month = figures.parse_group_by(request.GET.get("group_by"))
    return figures.form06(qs, date_from=date_from, date_to=date_to, dimension=dimension, by_month=by_month)


@staff_required
def report(request: HttpRequest) -> HttpResponse:
    """Form 06 for the user's scope; every figure links to its dossiers."""
    try:
        result = _report(request)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "stats/report.html",
        {
            "report": result,
            "columns": [(c, COLUMN_LABELS[c]) for c in COLUMN_ORDER],
            "dimension": exports.dimension_label(result),
            "group_by": request.GET.get("group_by") or "agency",
            "group_choices": GROUP_CHOICES,
        },
    )


@staff_required
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The same report as an .xlsx workbook or a .pdf document."""
    try:
        result = _report(request)
    except DomainError as exc:
        return _error(request, exc)
    name = f"form06_{result.date_from:%Y%m%d}_{result.date_to:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.report_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.report_pdf(result, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@staff_required
def drill_down(request: HttpRequest) -> HttpResponse:
    """The dossiers counted in one figure: the same definition as the count, in the same scope."""
    try:
        qs = selectors.stats_dossiers_for(request.user)
        date_from, date_to = _period(request)
        dimension = request.GET.get("dimension") or None
        column = request.GET.get("column", "")
        dossiers = figures.drill_down(
            qs,
            column=column,
            date_from=date_from,
            date_to=date_to,
            dimension=dimension,
            key=request.GET.get("key"),
        ).select_related("procedure_version__procedure", "competent_agency")
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "stats/drill_down.html",
        {
            "dossiers": dossiers[:2000],
            "count": dossiers.count(),
            "column_label": COLUMN_LABELS[column],
            "date_from": date_from,
            "date_to": date_to,
            "title": _("Dossiers behind a figure"),
        },
    )


# --- the Decision 766 service index --------------------------------------------------------------------


def _index(request: HttpRequest):
    qs = selectors.stats_dossiers_for(request.user)
    date_from, date_to = _period(request)
    return service_index(qs, date_from=date_from, date_to=date_to)


@staff_required
def index_page(request: HttpRequest) -> HttpResponse:
    """The Decision 766 index for the user's scope: each indicator with its formula, counts and points."""
    try:
        index = _index(request)
    except DomainError as exc:
        return _error(request, exc)
    groups = [
        (name, points, [i for i in index.indicators if i.group == key])
        for key, (name, points) in GROUPS.items()
    ]
    return render(request, "stats/service_index.html", {"index": index, "groups": groups})


@staff_required
def index_export(request: HttpRequest) -> HttpResponse:
    """The same index as an .xlsx workbook."""
    try:
        index = _index(request)
    except DomainError as exc:
        return _error(request, exc)
    response = HttpResponse(
        exports.service_index_xlsx(index),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"service_index_766_{index.date_from:%Y%m%d}_{index.date_to:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
