"""Pages for publication decisions: the public list and version comparison, and the staff review desk.
No rules here: views ask selectors, call services and turn domain errors into messages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from motcua.catalog import publication_selectors as selectors
from motcua.catalog import publication_services as services
from motcua.catalog.models import ChangeKind, PublicationItem, ReviewComment
from motcua.catalog.publication_workflow import PublicationAction
from motcua.core.errors import InvalidInput
from motcua.core.pages import errors_to_messages
from motcua.core.uploads import record_sent_file_names
from motcua.org.decorators import staff_required
from motcua.org.selectors import agencies_for, agency_by_pk

PAGE_SIZE = 20


def _review_url(pk: int) -> str:
    return reverse("control:publication_review", args=[pk])


# A POST's domain error becomes a message on the decision's page (or the queue, before there is one).
_domain_errors_to_messages = errors_to_messages(
    lambda pk=None, **_kwargs: _review_url(pk) if pk else reverse("control:publication_queue")
)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError as exc:
        raise InvalidInput(_("%(field)s: give a date.") % {"field": label}, code="invalid_date") from exc


# --- public ----------------------------------------------------------------------------------------------------


def publication_list(request: HttpRequest) -> HttpResponse:
    """Signed and effective decisions, with the procedures each publishes."""
    page = Paginator(selectors.publication_decisions_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/publication_list.html", {"page": page, "query_string": ""})


def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.publication_decision_public(pk=pk)
    return render(request, "catalog/publication_detail.html", {"decision": decision})


def publication_signed_file(request: HttpRequest, pk: int) -> FileResponse:
    """The signed decision's file, public like the decision itself once signed."""
    decision = selectors.publication_decision_public(pk=pk)
    if not decision.signed_file:
        raise Http404(_("File not found."))
    try:
        handle = decision.signed_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("File not found.")) from exc
    response = FileResponse(
        handle, filename=decision.signed_file_name or f"{pk}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def version_diff(request: HttpRequest, code: str) -> HttpResponse:
    """Two versions of a procedure side by side: `?from=1&to=2` (by default the current one and its predecessor)."""
    versions = list(selectors.procedure_versions(code=code))
    diff = selectors.procedure_version_diff(
        code=code, from_number=_int(request.GET.get("from")), to_number=_int(request.GET.get("to"))
    )
    return render(request, "catalog/version_diff.html", {"code": code, "versions": versions, "diff": diff})


# --- staff -----------------------------------------------------------------------------------------------------


@staff_required
def publication_queue(request: HttpRequest) -> HttpResponse:
    """The decisions waiting for the user, then every decision they may see."""
    drafting = agencies_for(request.user, roles=selectors.DRAFTING_ROLES)
    return render(
        request,
        "catalog/publication_queue.html",
        {
            "queue": selectors.publication_work_queue(request.user),
            "visible": selectors.publication_decisions_visible_to(request.user)[:100],
            "drafting_agencies": drafting,
        },
    )


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_create(request: HttpRequest) -> HttpResponse:
    agency = agency_by_pk(_int(request.POST.get("agency")))
    if agency is None:
        raise InvalidInput(_("Choose the drafting agency."), code="publication_bad_agency")
    decision = services.publication_decision_create(
        actor=request.user,
        drafting_agency=agency,
        title=request.POST.get("title", ""),
        summary=request.POST.get("summary", ""),
    )
    messages.success(request, _("Draft created. Add its procedures."))
    return redirect(_review_url(decision.pk))


@staff_required
def publication_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision with its items, comments and history, and the actions the user may take now."""
    decision = selectors.publication_decision_for(request.user, pk=pk)
    comments = list(decision.comments.all())
    return render(
        request,
        "catalog/publication_review.html",
        {
            "decision": decision,
            "items": list(decision.items.all()),
            "general_comments": [c for c in comments if c.item_id is None],
            "item_comments": [c for c in comments if c.item_id is not None],
            "may": selectors.publication_permissions(request.user, decision),
            "action_labels": dict(PublicationAction.choices),
            "change_kinds": ChangeKind.choices,
        },
    )


def _decision(request: HttpRequest, pk: int):
    return selectors.publication_decision_for(request.user, pk=pk)


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one transition; the form sends the revision it was shown so a stale form is refused."""
    decision = _decision(request, pk)
    action = request.POST.get("action", "")
    common = {"actor": request.user, "decision": decision, "version": _int(request.POST.get("version"))}
    if action == PublicationAction.SUBMIT_FOR_REVIEW:
        services.publication_submit_for_review(**common)
    elif action == PublicationAction.RETURN_FOR_REVISION:
        services.publication_return_for_revision(**common, reason=request.POST.get("reason", ""))
    elif action == PublicationAction.ACCEPT:
        services.publication_accept(**common)
    elif action == PublicationAction.SUBMIT_TO_CHAIRMAN:
        services.publication_submit_to_chairman(**common)
    elif action == PublicationAction.SIGN:
        services.publication_sign(
            **common,
            number=request.POST.get("number", ""),
            signed_on=_date(request.POST.get("signed_on"), _("Signed on")),
            effective_on=_date(request.POST.get("effective_on"), _("Effective on")),
        )
    else:
        raise InvalidInput(_("Unknown action."), code="publication_unknown_action")
    messages.success(request, _("Done: %(action)s.") % {"action": PublicationAction(action).label})
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_comment(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    item = None
    if item_id := _int(request.POST.get("item")):
        item = PublicationItem.objects.filter(decision=decision, pk=item_id).first()
    services.publication_comment(
        actor=request.user, decision=decision, item=item, text=request.POST.get("text", "")
    )
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_comment_resolve(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    decision = _decision(request, pk)
    comment = (
        ReviewComment.objects.filter(decision=decision, pk=comment_id).select_related("decision").first()
    )
    if comment is None:
        raise Http404
    services.publication_comment_resolve(actor=request.user, comment=comment)
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the procedures of an uploaded catalog spreadsheet to the draft."""
    decision = _decision(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose a spreadsheet file."), code="import_bad_file")
    items = services.publication_items_import(
        actor=request.user,
        decision=decision,
        file_obj=upload,
        filename=upload.name,
        version=_int(request.POST.get("version")),
    )
    messages.success(request, _("%(count)d procedures added or updated.") % {"count": len(items)})
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an abolition (no record), or a replacement whose record comes from a later upload."""
    decision = _decision(request, pk)
    services.publication_item_add(
        actor=request.user,
        decision=decision,
        change=ChangeKind.ABOLISHED,
        procedure_code=request.POST.get("procedure_code", ""),
        version=_int(request.POST.get("version")),
    )
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_item_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a replacement: the new code, the code it replaces, optionally the new name."""
    decision = _decision(request, pk)
    item = services.publication_item_replace(
        actor=request.user,
        decision=decision,
        replaces_code=request.POST.get("replaces_code", ""),
        procedure_code=request.POST.get("procedure_code", ""),
        name=request.POST.get("name", ""),
        version=_int(request.POST.get("version")),
    )
    messages.success(
        request,
        _("%(code)s replaces %(old)s. Upload its new record in a spreadsheet if it differs.")
        % {"code": item.procedure_code, "old": item.replaces_code},
    )
    return redirect(_review_url(pk))


@csrf_exempt  # checked below, once the body is parsed with the sent file names recorded
@staff_required
@require_POST
def publication_attach_file(request: HttpRequest, pk: int) -> HttpResponse:
    sent_names = record_sent_file_names(request)
    return _publication_attach_file(request, pk=pk, sent_names=sent_names)


@csrf_protect
@_domain_errors_to_messages
def _publication_attach_file(request: HttpRequest, pk: int, sent_names: list[str]) -> HttpResponse:
    """Attach the signed decision's PDF."""
    decision = _decision(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose the signed decision's PDF file."), code="upload_empty")
    services.publication_attach_signed_file(
        actor=request.user, decision=decision, upload=upload, sent_name=sent_names[0] if sent_names else None
    )
    messages.success(request, _("The signed decision's file is attached."))
    return redirect(_review_url(pk))


@staff_required
@require_POST
@_domain_errors_to_messages
def publication_item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    decision = _decision(request, pk)
    item = PublicationItem.objects.filter(decision=decision, pk=item_id).select_related("decision").first()
    if item is None:
        raise Http404
    services.publication_item_remove(actor=request.user, item=item, version=_int(request.POST.get("version")))
    return redirect(_review_url(pk))
