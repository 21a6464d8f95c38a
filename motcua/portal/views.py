"""Public pages. No business rules: they ask selectors and render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from motcua.catalog import selectors as catalog
from motcua.core.errors import NotFound
from motcua.org.models import UnitLevel
from motcua.portal import selectors
from motcua.portal.forms import AnnouncementSearchForm

PAGE_SIZE = 20
ANNOUNCEMENT_PAGE_SIZE = 10
# The reader's text size: a cookie read on the server, so the page is drawn at that size from the
# first byte (no flash) and the buttons work without JavaScript.
FONT_SIZE_COOKIE = "motcua_font"
FONT_SIZES = ("small", "normal", "large")
FONT_SIZE_COOKIE_AGE = 365 * 24 * 3600


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "fields": catalog.fields_in_use(),
            "procedure_count": catalog.procedures_current().count(),
            "announcements": selectors.announcements_public()[:3],
        },
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


def announcement_list(request: HttpRequest) -> HttpResponse:
    """News, searchable by words and by a range of days; a bad date gets a message, not an error."""
    form = AnnouncementSearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        # Apply whatever parsed: a bad end date still lets the words and the start date work.
        filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    qs = selectors.announcements_public(
        q=filters.get("q", ""), date_from=filters.get("date_from"), date_to=filters.get("date_to")
    )
    page = Paginator(qs, ANNOUNCEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/announcement_list.html",
        {"form": form, "page": page, "query_string": params.urlencode(), "searched": bool(filters)},
    )


def announcement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        announcement = selectors.announcement_public(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "portal/announcement_detail.html", {"announcement": announcement})


def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/glossary.html", {"terms": selectors.glossary_page()})


@require_POST
def font_size(request: HttpRequest) -> HttpResponse:
    """Remember the reader's text size and go back to the page they were reading."""
    size = request.POST.get("size", "normal")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if size in FONT_SIZES:
        response.set_cookie(
            FONT_SIZE_COOKIE, size, max_age=FONT_SIZE_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
        )
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
