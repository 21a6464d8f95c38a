"""Public pages. No business rules: they ask selectors and render."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_POST

from motcua.catalog import selectors as catalog
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.dossiers import ledger
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.selectors import dossier_public_status
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
            "levels": catalog.levels_in_use(),
            "query_string": params.urlencode(),
        },
    )


@dataclass(frozen=True)
class ProcedurePage:
    name: str
    body: SafeString


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The public procedure page, the most read page of the portal. What it shows below the site's header
    depends only on the catalog, the glossary and the language: rendered once per process and language
    and kept in `catalog_cache` until any of them changes (no query, no template work on a repeat)."""
    language = get_language()
    page = catalog.catalog_cache.get(("page", code, language), partial(_procedure_page, code))
    return render(request, "portal/procedure_detail.html", {"page": page})


def _procedure_page(code: str) -> ProcedurePage:
    version = catalog.procedure_detail(code=code)
    history = catalog.procedure_version_history(code=code)
    return ProcedurePage(
        name=version.name,
        body=render_to_string("portal/_procedure_body.html", {"version": version, "history": history}),
    )


def document_template(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """Download a document's form template (mẫu đơn, tờ khai) of a procedure in force, under the name
    people recognise; served by the application, so it works wherever the site does."""
    try:
        document = catalog.document_template(code=code, document_id=document_id)
        handle = document.template.open("rb")
    except (NotFound, FileNotFoundError) as exc:
        raise Http404(str(getattr(exc, "message", exc))) from exc
    extension = Path(document.template.name).suffix
    response = FileResponse(handle, as_attachment=True, filename=f"{document.name[:120]}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    announcement = selectors.announcement_public(slug=slug)
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


LEDGER_PAGE_SIZE = 50


def audit_ledger(request: HttpRequest) -> HttpResponse:
    """The public audit ledger: each hour's checkpoint of the dossiers' event chains, for anyone to copy."""
    page = Paginator(ledger.public_ledger(), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/audit_ledger.html", {"page": page, "query_string": ""})


def audit_ledger_json(request: HttpRequest) -> JsonResponse:
    """The whole public ledger as JSON, oldest first: the copy `verify_audit --ledger` compares with."""
    entries = [ledger.public_entry(c) for c in ledger.public_ledger().order_by("number").iterator()]
    response = JsonResponse({"checkpoints": entries}, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'inline; filename="so-cai-kiem-toan.json"'
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- tracking (tra cứu hồ sơ) ------------------------------------------------------------------------------------

# What each state means for the applicant, in plain words (docs/design.md §4: all states, not three).
STATUS_EXPLAINED = {
    DossierStatus.SUBMITTED: gettext_lazy(
        "Your dossier has been filed and is waiting for the desk to check it."
    ),
    DossierStatus.NEEDS_COMPLETION: gettext_lazy(
        "The desk asked you to complete the dossier before it can be received. See the request you were sent."
    ),
    DossierStatus.REJECTED: gettext_lazy(
        "The desk did not receive the dossier. The notice you were given explains why."
    ),
    DossierStatus.RECEIVED: gettext_lazy("The dossier has been received and its processing has started."),
    DossierStatus.IN_PROGRESS: gettext_lazy("The competent agency is processing the dossier."),
    DossierStatus.AWAITING_SUPPLEMENT: gettext_lazy(
        "The agency asked you for more documents; processing waits until you supplement the dossier."
    ),
    DossierStatus.SUSPENDED: gettext_lazy(
        "Processing is paused while something outside the agency is awaited, such as a fee to be paid."
    ),
    DossierStatus.RESULT_READY: gettext_lazy("You can collect the result."),
    DossierStatus.RETURNED: gettext_lazy("You have received the result, and the dossier is closed."),
    DossierStatus.STOPPED: gettext_lazy("The notice you were given explains why. The dossier is closed."),
    DossierStatus.WITHDRAWN: gettext_lazy("The dossier was withdrawn at the applicant's request."),
}


class TrackForm(forms.Form):
    ma = forms.CharField(
        label=gettext_lazy("Dossier code"),
        max_length=40,
        help_text=gettext_lazy("As printed on your receipt, e.g. 000.00.31.H52-260302-0001."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    sdt = forms.RegexField(
        label=gettext_lazy("Last 4 digits of the applicant's phone"),
        regex=r"^\d{4}$",
        error_messages={"invalid": gettext_lazy("Enter the last 4 digits of the phone number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
    )

    def clean_ma(self) -> str:
        return self.cleaned_data["ma"].strip().upper()


def track(request: HttpRequest) -> HttpResponse:
    """Public status and history of a dossier, for anyone holding its code and the last 4 digits of the
    applicant's phone. The receipt's QR code opens this page with `?ma=<code>`. The lookup is a POST
    (the digits stay out of addresses and logs) and counts against the per-IP limit."""
    form = TrackForm(request.POST or None, initial={"ma": request.GET.get("ma", "")[:40]})
    dossier, not_found, status = None, False, 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit("track", ratelimit.client_ip(request))
            dossier = dossier_public_status(form.cleaned_data["ma"], form.cleaned_data["sdt"])
        except ratelimit.RateLimited as refused:
            form.add_error(None, refused.message)
            status = 429
        except NotFound:
            not_found = True
    context = {"form": form, "dossier": dossier, "not_found": not_found}
    if dossier is not None:
        actions = dict(DossierAction.choices)
        statuses = dict(DossierStatus.choices)
        context.update(
            status_label=statuses.get(dossier.status, dossier.status),
            status_explained=STATUS_EXPLAINED.get(dossier.status, ""),
            history=[
                {
                    "at": e.at,
                    "action": actions.get(e.action, e.action),
                    "status": statuses.get(e.status or "", ""),
                    "moved": e.moved,
                }
                for e in dossier.history
            ],
        )
    return render(request, "portal/track.html", context, status=status)
