"""Online filing pages for a signed-in applicant: start or resume a draft, fill it in, submit, follow
the dossier, answer a supplement request, download files and forms, rate the service.

Views parse forms, call selectors and services, and render; the rules live in the services.
"""

from __future__ import annotations

import html

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.selectors import procedure_detail
from motcua.core.errors import Conflict, DomainError, InvalidInput
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.documents import available_forms
from motcua.dossiers.selectors import result_file_for, result_file_shown, results_for_applicant
from motcua.dossiers.views import result_file_response
from motcua.filing import selectors, services
from motcua.filing.choices import DraftStatus
from motcua.filing.forms import ApplicantForm, RatingForm, SubmitForm, SupplementForm
from motcua.org.selectors import verified_applicant
from motcua.ratings.services import rating_submit

OTHER = "other"


# --- file names as the client sent them -----------------------------------------------------------------


def record_sent_names_by_field(request: HttpRequest) -> dict[str, list[str]]:
    """Make `request` remember, per file field, the file names as the client sent them.

    Django strips folders from upload names while parsing; to refuse "../../x.pdf" rather than
    store "x.pdf" (see `motcua.core.uploads.record_sent_file_names`), the view installs this before the
    body is parsed, so it checks CSRF itself. The lists line up with `request.FILES.getlist(field)`.
    """
    sent: dict[str, list[str]] = {}
    last_raw: list[str] = []

    class RecordingParser(MultiPartParser):
        def sanitize_file_name(self, file_name):
            last_raw.append(html.unescape(file_name))
            return super().sanitize_file_name(file_name)

    class FieldRecorder(FileUploadHandler):
        def new_file(self, field_name, file_name, *args, **kwargs):
            sent.setdefault(field_name, []).append(last_raw[-1] if last_raw else file_name)

        def receive_data_chunk(self, raw_data, start):
            return raw_data

        def file_complete(self, file_size):
            return None

    def parse_file_upload(meta, post_data):
        handlers = [FieldRecorder(request), *request.upload_handlers]
        return RecordingParser(meta, post_data, handlers, request.encoding).parse()

    request.parse_file_upload = parse_file_upload
    return sent


def _files_of(request: HttpRequest, field: str, sent: dict[str, list[str]]) -> list[tuple]:
    uploads = request.FILES.getlist(field)
    names = sent.get(field, [])
    return [(upload, names[i] if i < len(names) else None) for i, upload in enumerate(uploads)]


def _position(field: str) -> int | None:
    suffix = field.removeprefix("doc-")
    return None if suffix == OTHER else int(suffix)


def _file_fields(request: HttpRequest) -> list[str]:
    return [f for f in request.FILES if f.startswith("doc-") and (f == f"doc-{OTHER}" or f[4:].isdigit())]


# --- start, draft, review, submit ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's online filing: start a draft (POST), or resume the open one."""
    version = procedure_detail(code=code)
    error = None
    if request.method == "POST":
        try:
            draft = services.draft_create(owner=request.user, procedure_version=version)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("filing:draft", pk=draft.pk)
    context = {"version": version, "draft": selectors.open_draft(request.user, version), "error": error}
    return render(request, "filing/start.html", context, status=400 if error else 200)


def _draft_context(request: HttpRequest, draft, form=None, file_errors=None) -> dict:
    version = draft.procedure_version
    needs_agency = version.competent_agency_id is None
    if form is None:
        initial = {**draft.applicant, "version": draft.version, "note": draft.answers.get("note", "")}
        if needs_agency:
            initial["competent_agency"] = draft.competent_agency_id
        form = ApplicantForm(initial=initial, version=version, locked=verified_applicant(request.user))
    attachments = list(selectors.attachments_for(request.user, draft))
    slots = [
        {
            "field": f"doc-{d.position}",
            "document": d,
            "files": [a for a in attachments if a.document_position == d.position],
            "errors": (file_errors or {}).get(f"doc-{d.position}", []),
        }
        for d in version.documents.all()
    ]
    other = {
        "field": f"doc-{OTHER}",
        "files": [a for a in attachments if a.document_position is None],
        "errors": (file_errors or {}).get(f"doc-{OTHER}", []),
    }
    return {
        "draft": draft,
        "version": version,
        "form": form,
        "slots": slots,
        "other": other,
        "max_upload": settings.MAX_UPLOAD_BYTES,
    }


@csrf_exempt  # checked below, once the body is parsed with the sent file names recorded
@login_required
@require_http_methods(["GET", "POST"])
def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    sent = record_sent_names_by_field(request)
    return _draft_page(request, pk, sent)


@csrf_protect
def _draft_page(request: HttpRequest, pk: int, sent: dict[str, list[str]]) -> HttpResponse:
    draft = selectors.draft_for(request.user, pk)
    if draft.status == DraftStatus.SUBMITTED:
        return redirect("filing:dossier", code=draft.dossier.code)
    if request.method == "GET":
        return render(request, "filing/draft.html", _draft_context(request, draft))

    if request.POST.get("remove"):
        try:
            services.attachment_remove(actor=request.user, attachment_id=int(request.POST["remove"]))
        except (DomainError, ValueError):
            messages.error(request, _("That file could not be removed."))
        else:
            messages.success(request, _("The file was removed."))
        return redirect("filing:draft", pk=draft.pk)

    form = ApplicantForm(
        request.POST, version=draft.procedure_version, locked=verified_applicant(request.user)
    )
    if not form.is_valid():
        return render(request, "filing/draft.html", _draft_context(request, draft, form), status=400)
    files = [
        services.FileIn(upload, _position(field), sent_name)
        for field in _file_fields(request)
        for upload, sent_name in _files_of(request, field, sent)
    ]
    try:
        # The fields and the files in one service and one transaction: all saved, or nothing.
        draft = services.draft_save(
            actor=request.user,
            draft_id=draft.pk,
            version=form.cleaned_data["version"],
            applicant=form.applicant(),
            note=form.cleaned_data.get("note") or "",
            competent_agency=form.cleaned_data.get("competent_agency"),
            files=files,
        )
    except Conflict as exc:
        # Another device saved first: show its version, keep nothing from this post (said plainly).
        messages.error(request, exc.message)
        draft = selectors.draft_for(request.user, draft.pk)
        if request.FILES:
            messages.error(request, _("The files you chose were not stored; choose them again."))
        return render(request, "filing/draft.html", _draft_context(request, draft), status=409)
    except InvalidInput as exc:
        if exc.code != "files_refused" and not exc.code.startswith("upload_"):
            form.add_error(None, exc.message)
            return render(request, "filing/draft.html", _draft_context(request, draft, form), status=400)
        # A refused file: nothing was saved; the typed fields stay on the page, each refused file is named
        # beside its document, and the files are chosen again.
        messages.error(request, _("Nothing was saved: some files were refused. Choose the files again."))
        file_errors: dict[str, list[str]] = {}
        for refused in exc.details or [{"position": None, "name": "", "message": exc.message}]:
            field = f"doc-{OTHER if refused['position'] is None else refused['position']}"
            file_errors.setdefault(field, []).append(
                _("“%(name)s” was not accepted: %(reason)s")
                % {"name": refused["name"], "reason": refused["message"]}
                if refused["name"]
                else refused["message"]
            )
        context = _draft_context(request, draft, form, file_errors=file_errors)
        return render(request, "filing/draft.html", context, status=400)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "filing/draft.html", _draft_context(request, draft, form), status=400)
    messages.success(request, _("The draft was saved. You can continue later, from any device."))
    if "review" in request.POST:
        return redirect("filing:review", pk=draft.pk)
    return redirect("filing:draft", pk=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Check everything once more, then submit."""
    draft = selectors.draft_for(request.user, pk)
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                services.draft_submit(
                    actor=request.user, draft_id=draft.pk, version=form.cleaned_data["version"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = 409 if isinstance(exc, Conflict) else 400
                draft = selectors.draft_for(request.user, pk)
            else:
                return redirect("filing:submitted", pk=draft.pk)
        else:
            status = 400
    if draft.status == DraftStatus.SUBMITTED:
        return redirect("filing:submitted", pk=draft.pk)
    context = _draft_context(request, draft)
    context["missing"] = services.missing_documents(draft)
    context["expected"] = selectors.expected_appointment(draft.procedure_version)
    return render(request, "filing/review.html", context, status=status)


@login_required
@require_GET
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation: the dossier code and the expected appointment."""
    draft = selectors.draft_for(request.user, pk)
    if draft.status != DraftStatus.SUBMITTED:
        return redirect("filing:draft", pk=draft.pk)
    expected = selectors.expected_appointment(draft.procedure_version, now=draft.dossier.submitted_at)
    return render(
        request, "filing/submitted.html", {"draft": draft, "dossier": draft.dossier, "expected": expected}
    )


# --- my dossiers ---------------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    dossiers = list(selectors.my_dossiers(request.user)[:200])
    downloadable = results_for_applicant(request.user)
    for dossier in dossiers:
        dossier.status_label = selectors.STATUS_LABELS.get(dossier.status, dossier.status)
        dossier.result_downloadable = dossier.code in downloadable
    return render(
        request, "filing/mine.html", {"drafts": selectors.drafts_of(request.user), "dossiers": dossiers}
    )


def _dossier_context(request: HttpRequest, dossier, *, supplement_form=None, rating_form=None, errors=None):
    asked = selectors.supplement_request(dossier)
    forms = [
        {
            "spec": spec,
            "url": reverse(
                "dossier_documents:form_pdf", kwargs={"code": dossier.code, "number": spec.number}
            ),
        }
        for spec in available_forms(dossier, for_applicant=True)
    ]
    rating = getattr(dossier, "rating", None)
    can_rate = dossier.status == DossierStatus.RETURNED and rating is None
    return {
        "dossier": dossier,
        "status_label": selectors.STATUS_LABELS.get(dossier.status, dossier.status),
        "progress": selectors.dossier_progress(dossier),
        "timeline": selectors.dossier_timeline(dossier),
        "asked": asked,
        "documents": list(dossier.procedure_version.documents.all()),
        "supplement_form": supplement_form or SupplementForm(initial={"version": dossier.version}),
        "file_errors": errors or [],
        "attachments": list(selectors.attachments_for(request.user, dossier)),
        "issued_forms": forms,
        "rating": rating,
        "rating_form": (rating_form or RatingForm()) if can_rate else None,
        "result_file": result_file_shown(request.user, dossier),
    }


def _my_dossier(request: HttpRequest, code: str):
    return selectors.my_dossier(request.user, code)


@login_required
@require_GET
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _my_dossier(request, code)
    return render(request, "filing/dossier.html", _dossier_context(request, dossier))


@csrf_exempt  # checked below, once the body is parsed with the sent file names recorded
@login_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    sent = record_sent_names_by_field(request)
    return _supplement(request, code, sent)


@csrf_protect
def _supplement(request: HttpRequest, code: str, sent: dict[str, list[str]]) -> HttpResponse:
    dossier = _my_dossier(request, code)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "filing/dossier.html",
            _dossier_context(request, dossier, supplement_form=form),
            status=400,
        )
    files = [
        services.FileIn(upload, _position(field), sent_name)
        for field in _file_fields(request)
        for upload, sent_name in _files_of(request, field, sent)
    ]
    try:
        services.dossier_supplement_submit(
            actor=request.user,
            dossier_code=dossier.code,
            version=form.cleaned_data["version"],
            files=files,
            note=form.cleaned_data.get("note") or "",
        )
    except DomainError as exc:
        dossier = _my_dossier(request, code)
        status = 409 if isinstance(exc, Conflict) else 400
        context = _dossier_context(request, dossier, supplement_form=form, errors=[exc.message])
        return render(request, "filing/dossier.html", context, status=status)
    messages.success(
        request, _("Your supplement was sent. The dossier keeps its code %(code)s.") % {"code": code}
    )
    return redirect("filing:dossier", code=code)


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _my_dossier(request, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating_submit(
                dossier_code=dossier.code,
                user=request.user,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data.get("comment") or "",
                contacts=form.cleaned_data["contacts"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for rating the service."))
            return redirect("filing:dossier", code=code)
    return render(
        request, "filing/dossier.html", _dossier_context(request, dossier, rating_form=form), status=400
    )


@login_required
@require_GET
def result_file(request: HttpRequest, code: str) -> FileResponse:
    """The electronic result of one of the user's dossiers, once it was returned online; 404 otherwise."""
    dossier = _my_dossier(request, code)
    row = result_file_for(request.user, dossier.code)
    return result_file_response(row)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file, to its owner or to staff who may see its dossier; always as a download, under its safe name."""
    row = selectors.attachment_for_download(request.user, pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("File not found.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
