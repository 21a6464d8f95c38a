"""Printable forms (Circular 03/2025 Annex I) and the tracking register: HTML, PDF and xlsx.

Reads go through `selectors.dossier_for` / `dossiers_visible_to`, so a dossier outside the caller's
scope is a 404. The applicant may download forms 01–05 of their own dossier; staff of an agency
that took part in the dossier all seven; the register is for staff, one of their agencies at a time.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from motcua.core.dates import in_range
from motcua.dossiers.documents import FORMS, available_forms, form_context, issuing_events, moment
from motcua.dossiers.models import Dossier
from motcua.dossiers.pdf import qr_svg, render_pdf
from motcua.dossiers.register import COLUMNS, MAX_ROWS, register_fields, register_rows, register_xlsx
from motcua.dossiers.selectors import dossier_for, dossiers_visible_to
from motcua.org.models import Agency
from motcua.org.selectors import agencies_for, staff_agency_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dossier(request: HttpRequest, code: str) -> tuple[Dossier, bool]:
    """The dossier and whether the caller reads it as staff of a participating agency."""
    dossier = dossier_for(request.user, code)
    agencies = staff_agency_ids(request.user)
    involved = {dossier.competent_agency_id, dossier.current_agency_id, dossier.receiving_agency_id}
    involved |= {s.agency_id for s in dossier.steps.all()}
    return dossier, bool(agencies & involved)


def _file(content: bytes, *, content_type: str, filename: str, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(code: str, suffix: str, ext: str) -> str:
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in code)
    return f"{safe}-{suffix}.{ext}"


def _seq(request: HttpRequest) -> int | None:
    raw = request.GET.get("event", "")
    return int(raw) if raw.isdigit() else None


def _form_context(request: HttpRequest, code: str, number: str) -> tuple[Dossier, dict]:
    dossier, staff = _dossier(request, code)
    spec = FORMS.get(number)
    if spec is None or not (staff or (spec.for_applicant and dossier.applicant_user_id == request.user.pk)):
        raise Http404
    context = form_context(dossier, number, seq=_seq(request))
    query = f"?{urlencode({'event': context['event'].seq})}" if _seq(request) else ""
    context.update(
        qr=qr_svg(context["qr_payload"]),
        pdf_url=reverse("dossier_documents:form_pdf", args=[dossier.code, number]) + query,
        index_url=reverse("dossier_documents:index", args=[dossier.code]),
    )
    return dossier, context


@login_required
@require_GET
def documents_index(request: HttpRequest, code: str) -> HttpResponse:
    """The forms issued for a dossier so far, with links to each page and PDF."""
    dossier, staff = _dossier(request, code)
    items = []
    for spec in available_forms(dossier, for_applicant=not staff):
        if spec.number == "07":
            continue
        for event in issuing_events(dossier, spec.number):
            args = [dossier.code, spec.number]
            query = f"?{urlencode({'event': event.seq})}"
            items.append(
                {
                    "spec": spec,
                    "issued_at": moment(event.created_at),
                    "html_url": reverse("dossier_documents:form", args=args) + query,
                    "pdf_url": reverse("dossier_documents:form_pdf", args=args) + query,
                }
            )
            if spec.number in ("01", "06"):
                break
    if staff and dossier.received_at:
        register_url = reverse("dossier_documents:form", args=[dossier.code, "07"])
    else:
        register_url = ""
    return render(
        request,
        "dossiers/documents/index.html",
        {"dossier": dossier, "items": items, "register_url": register_url},
    )


@login_required
@require_GET
def form_page(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Form `number` of a dossier as a printable page."""
    if number == "07":
        return _dossier_register(request, code, pdf=False)
    _dossier_, context = _form_context(request, code, number)
    return render(request, f"dossiers/documents/form_{number}.html", context)


@login_required
@require_GET
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Form `number` of a dossier as a PDF."""
    if number == "07":
        return _dossier_register(request, code, pdf=True)
    dossier, context = _form_context(request, code, number)
    content = render_pdf(f"dossiers/documents/form_{number}.html", context, request=request)
    return _file(
        content,
        content_type="application/pdf",
        filename=_filename(dossier.code, f"mau-{number}", "pdf"),
        inline=True,
    )


# --- Form 07: the tracking register -------------------------------------------------------------------------


def _date(raw: str | None, default: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
    return day if in_range(day) else default  # a day the time zone cannot hold (year 1, 9999): the default


def _register_context(request: HttpRequest, *, agency: Agency, agencies, date_from, date_to, field_id):
    visible = dossiers_visible_to(request.user)
    register = register_rows(visible, agency=agency, date_from=date_from, date_to=date_to, field_id=field_id)
    parent = agency.parent.name if agency.parent_id else ""
    query = urlencode(
        {
            "agency": agency.identifier,
            "field": field_id or "",
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
        }
    )
    base = reverse("dossier_documents:register")
    return {
        "register": register,
        "columns": COLUMNS,
        "max_rows": MAX_ROWS,
        "agencies": agencies,
        "fields": register_fields(visible, agency=agency),
        "field_id": field_id,
        "issuer": {"parent": parent, "name": agency.name},
        "pdf_url": f"{base}pdf?{query}",
        "xlsx_url": f"{base}xlsx?{query}",
    }


def _register_response(request: HttpRequest, context: dict, fmt: str) -> HttpResponse:
    register = context["register"]
    stem = f"so-theo-doi-{register.agency.identifier}-{register.date_from:%Y%m%d}-{register.date_to:%Y%m%d}"
    if fmt == "xlsx":
        return _file(register_xlsx(register), content_type=XLSX, filename=f"{stem}.xlsx", inline=False)
    if fmt == "pdf":
        content = render_pdf("dossiers/documents/register.html", context, request=request)
        return _file(content, content_type="application/pdf", filename=f"{stem}.pdf", inline=True)
    return render(request, "dossiers/documents/register.html", context)


@login_required
@require_GET
def register_view(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Form 07 for one of the caller's agencies: `?agency=<identifier>&field=<id>&from=&to=` (ISO
    dates; the current month by default). Staff only; another agency's register is a 404."""
    ids = staff_agency_ids(request.user)
    if not ids:
        raise Http404
    agencies = list(agencies_for(request.user))
    wanted = request.GET.get("agency")
    agency = next((a for a in agencies if a.identifier == wanted), None) if wanted else agencies[0]
    if agency is None:
        raise Http404
    today = timezone.localdate()
    date_from = _date(request.GET.get("from"), today.replace(day=1))
    date_to = _date(request.GET.get("to"), today)
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    raw_field = request.GET.get("field", "")
    field_id = int(raw_field) if raw_field.isdigit() else None
    context = _register_context(
        request, agency=agency, agencies=agencies, date_from=date_from, date_to=date_to, field_id=field_id
    )
    return _register_response(request, context, fmt)


def _dossier_register(request: HttpRequest, code: str, *, pdf: bool) -> HttpResponse:
    """Form 07 as it concerns one dossier: its register's page for the day it was received."""
    dossier, staff = _dossier(request, code)
    if not staff or dossier.received_at is None:
        raise Http404
    ids = staff_agency_ids(request.user)
    holder_id = (
        dossier.receiving_agency_id if dossier.receiving_agency_id in ids else dossier.competent_agency_id
    )
    if holder_id not in ids:
        raise Http404
    agencies = list(agencies_for(request.user))
    agency = next(a for a in agencies if a.pk == holder_id)
    day = timezone.localdate(dossier.received_at)
    context = _register_context(
        request,
        agency=agency,
        agencies=agencies,
        date_from=day,
        date_to=day,
        field_id=dossier.procedure_version.field_id,
    )
    return _register_response(request, context, "pdf" if pdf else "html")
