"""Back-office dossier pages (issue 3, item 6): my tasks, the desk, the dossier page, the overdue board.

Reads go through the scoped selectors (`dossier_list`, `dossier_for`, `sweep.overdue_board`), writes
through the workflow service (via the forms in `forms.py`). Domain errors become messages or form errors
with the matching status (400, 403, 404, 409), never a server error. Every form works as a plain POST
followed by a redirect; with htmx the dossier page swaps just its body after an action.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.selectors import procedure_detail, procedures_current
from motcua.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from motcua.core.uploads import record_sent_file_names
from motcua.dossiers import deadlines, selectors, sweep
from motcua.dossiers.choices import RUNNING_STATUSES, DossierStatus, LateApologyPolicy
from motcua.dossiers.documents import control_slip
from motcua.dossiers.forms import (
    DeskForm,
    SearchForm,
    TaskFilterForm,
    action_form,
    available_actions,
    receiving_desks,
)
from motcua.dossiers.models import Dossier, ResultFile
from motcua.dossiers.timeliness import is_overdue
from motcua.dossiers.workflow import TRANSITIONS
from motcua.org.decorators import staff_required

S = DossierStatus

# What waits on the desk (receiving agency) and on the agency of the current step.


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _flag_overdue(dossiers, now: dt.datetime) -> None:
    for d in dossiers:
        d.past_legal_due = is_overdue(status=d.status, due_at=d.due_at, now=now)
        d.past_step_due = (
            d.status in RUNNING_STATUSES and d.current_step_due_at is not None and d.current_step_due_at < now
        )


# --- my tasks -----------------------------------------------------------------------------------------


@staff_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    due = request.GET.get("due", "")
    due = due if due in selectors.DUE_BUCKETS else ""
    tasks = selectors.my_tasks(request.user, status=status, due=due or None)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    _flag_overdue(page, timezone.now())
    return render(
        request,
        "dossiers/task_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "due": due,
            "summary": selectors.task_summary(request.user),
        },
    )


# --- search -------------------------------------------------------------------------------------------


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    """Find any dossier the user may see (the staff list's scope) by code, applicant, identifier or phone,
    filtered by procedure, agency, status, due days and overdue."""
    form = SearchForm(request.GET or None)
    page = None
    status_code = 200
    if form.has_criteria:
        if form.is_valid():
            data = form.cleaned_data
            qs = selectors.dossier_list(
                request.user,
                q=data["q"],
                procedure=data["procedure"] or None,
                agency=data["agency"] or None,
                status=data["status"] or None,
                due_from=data["due_from"],
                due_to=data["due_to"],
                overdue=True if data["overdue"] else None,
            ).select_related("current_assignee")
            page = Paginator(qs, 50).get_page(request.GET.get("page"))
            _flag_overdue(page, timezone.now())
        else:
            status_code = 400
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status_code,
    )


# --- the desk -----------------------------------------------------------------------------------------


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    desks = list(receiving_desks(request.user))
    if not desks:
        raise DjangoPermissionDenied
    code = (request.POST.get("procedure") or request.GET.get("procedure") or "").strip()
    if not code:
        q = request.GET.get("q", "").strip()[:200]
        procedures = procedures_current(q=q)
        return render(request, "dossiers/desk_choose.html", {"q": q, "procedures": procedures[:50]})
    try:
        version = procedure_detail(code=code[:60])
    except NotFound as error:
        messages.error(request, error.message)
        return redirect("dossiers:desk")

    form = DeskForm(request.POST or None, user=request.user, procedure_version=version)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = form.save()
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if dossier.status == S.RECEIVED:
                messages.success(
                    request,
                    _("Dossier %(code)s received. Print the receipt (Form 01).") % {"code": dossier.code},
                )
            else:
                messages.success(
                    request,
                    _("Dossier %(code)s recorded; the applicant is asked to complete it (Form 02).")
                    % {"code": dossier.code},
                )
            return redirect("dossiers:detail", code=dossier.code)
    status = 400 if form.errors else 200
    return render(request, "dossiers/desk.html", {"form": form, "version": version}, status=status)


# --- the dossier page ----------------------------------------------------------------------------------


def _render_dossier(request: HttpRequest, dossier: Dossier, *, bound=None, status: int = 200) -> HttpResponse:
    user = request.user
    actions = available_actions(dossier, user)
    forms = [
        bound
        if bound is not None and bound.action == action
        else action_form(action, dossier=dossier, user=user)
        for action in actions
    ]
    now = timezone.now()
    _flag_overdue([dossier], now)
    # While the clock runs, the last moment for Form 04 (a pause moves it with the due moment).
    apology_deadline = None
    if dossier.status in RUNNING_STATUSES and not dossier.apology_issued:
        apology_deadline = deadlines.apology_deadline(dossier)
    context = {
        "dossier": dossier,
        "steps": list(dossier.steps.all()),
        "events": list(dossier.events.all()),
        "slip": control_slip(dossier),
        "action_forms": forms,
        "now": now,
        "apology_deadline": apology_deadline,
        "apology_notice_days": deadlines.apology_notice_days(),
        "late_apology_accepted": deadlines.late_apology_policy() == LateApologyPolicy.ACCEPT,
        "result_file": selectors.result_file_shown(user, dossier),
    }
    if _is_htmx(request):
        # htmx swaps only 2xx answers by default: the message inside the body tells what happened.
        return render(request, "dossiers/_dossier_body.html", context)
    return render(request, "dossiers/dossier_detail.html", context, status=status)


@staff_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dossier(request, selectors.dossier_for(request.user, code))


@csrf_exempt  # checked below, once the body is parsed with the sent file names recorded
@require_POST
@staff_required
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    sent_names = record_sent_file_names(request)
    return _dossier_action(request, code, action, sent_names)


@csrf_protect
def _dossier_action(request: HttpRequest, code: str, action: str, sent_names: list[str]) -> HttpResponse:
    user = request.user
    dossier = selectors.dossier_for(user, code)
    if action not in TRANSITIONS:
        raise Http404(_("Unknown action."))
    form = action_form(action, dossier=dossier, user=user, data=request.POST, files=request.FILES)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, _("The form was incomplete. Reload the page and try again."))
        else:
            messages.error(request, _("Check the form of the action “%(action)s”.") % {"action": form.label})
        return _render_dossier(request, dossier, bound=form, status=400)
    try:
        form.save(sent_names=sent_names)
    except NotFound as error:
        raise Http404(error.message) from error
    except InvalidInput as error:
        # A refused file (empty, too large, not a PDF by its content) is said next to the file field.
        on_file = error.code.startswith("upload_") and "result_file" in form.fields
        form.add_error("result_file" if on_file else None, error.message)
        messages.error(request, _("Check the form of the action “%(action)s”.") % {"action": form.label})
        return _render_dossier(request, dossier, bound=form, status=400)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, error.message)
        return _render_dossier(request, selectors.dossier_for(user, code), status=error.status)
    messages.success(request, _("Done: %(action)s.") % {"action": form.label})
    if _is_htmx(request):
        return _render_dossier(request, selectors.dossier_for(user, code))
    return redirect(reverse("dossiers:detail", kwargs={"code": code}))


# --- the electronic result ------------------------------------------------------------------------------


def result_file_response(row: ResultFile) -> FileResponse:
    """The electronic result as a download under its safe name, never cached by shared caches."""
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("File not found.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required
def result_file_download(request: HttpRequest, code: str) -> FileResponse:
    """The dossier's electronic result, for staff who may see the dossier; 404 as for a missing dossier
    for anyone else."""
    row = selectors.result_file_for(request.user, code)
    return result_file_response(row)


# --- the overdue board ---------------------------------------------------------------------------------


@staff_required
def overdue_board(request: HttpRequest) -> HttpResponse:
    agency = request.GET.get("agency", "").strip()[:20] or None
    now = timezone.now()
    groups = sweep.overdue_board(request.user, now=now, agency=agency)
    return render(
        request,
        "dossiers/overdue_board.html",
        {"groups": groups, "agency": agency, "now": now, "total": sum(len(g.dossiers) for g in groups)},
    )
