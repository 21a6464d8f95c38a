"""Public pages. No business rules: they ask selectors and render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.core.errors import NotFound
from motcua.org.models import UnitLevel

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"fields": catalog.fields_in_use(), "procedure_count": catalog.procedures_current().count()},
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    agency = request.GET.get("agency") or None
    field = request.GET.get("field") or None
    level = request.GET.get("level") or None
    qs = catalog.procedures_current(q=q, agency=agency, field=field, level=level)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "page": page,
            "q": q,
            "selected": {"agency": agency or "", "field": field or "", "level": level or ""},
            "agencies": catalog.agencies_with_procedures(),
            "fields": catalog.fields_in_use(),
            "levels": UnitLevel.objects.filter(procedure_versions__is_current=True).distinct(),
            "query_string": params.urlencode(),
        },
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = catalog.procedure_detail(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "portal/procedure_detail.html", {"version": version})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
