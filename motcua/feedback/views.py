"""Petition (PAKN) pages: public submit, list, detail and status lookup; staff queue and actions.

Views parse forms, call selectors and services, and render; rules live in the services.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError, NotFound
from motcua.core.uploads import record_sent_file_names
from motcua.feedback import selectors, services, workflow
from motcua.feedback.choices import PetitionAction, PetitionStatus
from motcua.feedback.forms import (
    AnswerForm,
    AssignForm,
    ClassifyForm,
    LookupForm,
    PetitionSubmitForm,
    PublicSearchForm,
    PublishForm,
    RejectForm,
)
from motcua.org.decorators import staff_required

PAGE_SIZE = 20

ACTION_FORMS = {
    PetitionAction.CLASSIFY: ClassifyForm,
    PetitionAction.ASSIGN: AssignForm,
    PetitionAction.ANSWER: AnswerForm,
    PetitionAction.PUBLISH: PublishForm,
    PetitionAction.REJECT: RejectForm,
}


def _add_domain_error(form, exc: DomainError) -> None:
    form.add_error(None, exc.message)


# --- public pages --------------------------------------------------------------------------------------


@csrf_exempt  # checked below, once the body is parsed with the sent file names recorded
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    sent_names = record_sent_file_names(request)
    return _submit(request, sent_names)


@csrf_protect
def _submit(request: HttpRequest, sent_names: list[str]) -> HttpResponse:
    form = (
        PetitionSubmitForm(request.POST, request.FILES) if request.method == "POST" else PetitionSubmitForm()
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                petition = services.petition_submit(
                    category=data["category"],
                    subject=data["subject"],
                    content=data["content"],
                    submitter_name=data["submitter_name"],
                    submitter_phone=data["submitter_phone"],
                    submitter_email=data["submitter_email"],
                    submitter_address=data["submitter_address"],
                    is_public=data["is_public"],
                    attachment=data.get("attachment"),
                    attachment_sent_name=sent_names[-1] if data.get("attachment") and sent_names else None,
                    user=request.user,
                )
            except DomainError as exc:
                field = "attachment" if exc.code.startswith("upload_") else None
                form.add_error(field, exc.message)
            else:
                return redirect("feedback:submitted", code=petition.code)
        status = 400
    return render(request, "feedback/submit.html", {"form": form}, status=status)


def submitted(request: HttpRequest, code: str) -> HttpResponse:
    petition = selectors.petition_status(code=code)
    return render(request, "feedback/submitted.html", {"petition": petition})


def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicSearchForm(request.GET or None)
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "category": data["category"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    qs = selectors.petitions_public(**filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "feedback/public_list.html",
        {
            "form": form,
            "page": page,
            "categories": selectors.categories_active(),
            "selected_category": request.GET.get("category", ""),
            "query_string": params.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    petition = selectors.petition_public_detail(code=code)
    return render(request, "feedback/public_detail.html", {"petition": petition})


def lookup(request: HttpRequest) -> HttpResponse:
    """The status of any petition by its code; with the last 4 digits of the phone it was sent with, its
    content and answer too (a private answer is read here by the person who asked)."""
    form = LookupForm(request.GET or None)
    petition = None
    private = False
    if form.is_valid():
        code, last4 = form.cleaned_data["code"], form.cleaned_data["phone_last4"]
        try:
            if last4:
                petition, private = selectors.petition_private(code=code, phone_last4=last4), True
            else:
                petition = selectors.petition_status(code=code)
        except NotFound as exc:
            form.add_error("phone_last4" if last4 else "code", exc.message)
    return render(request, "feedback/lookup.html", {"form": form, "petition": petition, "private": private})


@login_required
def my_petitions(request: HttpRequest) -> HttpResponse:
    """The petitions the signed-in person sent, with their answers."""
    petitions = Paginator(selectors.petitions_of_submitter(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "feedback/mine.html", {"page": petitions})


@login_required
def my_petition(request: HttpRequest, code: str) -> HttpResponse:
    petition = selectors.petition_for_submitter(request.user, code=code)
    return render(request, "feedback/mine_detail.html", {"petition": petition})


# --- staff pages ---------------------------------------------------------------------------------------


@staff_required
def staff_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PetitionStatus.values:
        status = ""
    overdue_only = request.GET.get("overdue") == "1"
    qs = selectors.petitions_queue(request.user, status=status, overdue_only=overdue_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "feedback/staff_queue.html",
        {
            "page": page,
            "statuses": PetitionStatus.choices,
            "selected_status": status,
            "overdue_only": overdue_only,
            "query_string": params.urlencode(),
        },
    )


def _staff_petition(request: HttpRequest, code: str):
    petition = selectors.with_overdue(selectors.petitions_visible_to(request.user)).filter(code=code).first()
    if petition is None:
        raise Http404(_("No petition has the code %(code)s.") % {"code": code})
    return petition


def _action_forms(petition, capacities, bound=None) -> dict:
    """An unbound form for each action the user may take now (the bound one replaces its own)."""
    forms = {}
    for action in workflow.allowed_actions(petition.status, capacities):
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            continue
        initial = {"version": petition.version}
        if action == PetitionAction.CLASSIFY:
            initial["category"] = petition.category.code
        if action == PetitionAction.ASSIGN:
            initial["agency"] = petition.agency_id or petition.category.default_agency_id
        forms[action] = form_class(initial=initial, prefix=action)
    if bound is not None:
        forms[bound.prefix] = bound
    return forms


def _render_staff_detail(request, petition, *, bound=None, status=200) -> HttpResponse:
    capacities = selectors.actor_capacities(request.user, petition)
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "petition": petition,
            "events": selectors.petition_history(petition),
            "action_forms": _action_forms(petition, capacities, bound),
        },
        status=status,
    )


@staff_required
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_staff_detail(request, _staff_petition(request, code))


@staff_required
def staff_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("Unknown action."))
    petition = _staff_petition(request, code)
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        common = {"actor": request.user, "code": petition.code, "expected_version": data["version"]}
        try:
            if action == PetitionAction.CLASSIFY:
                services.petition_classify(category=data["category"], note=data["note"], **common)
            elif action == PetitionAction.ASSIGN:
                due_at = None
                if data["due_date"]:
                    due_at = timezone.make_aware(dt.datetime.combine(data["due_date"], dt.time(23, 59)))
                services.petition_assign(agency=data["agency"], due_at=due_at, note=data["note"], **common)
            elif action == PetitionAction.ANSWER:
                services.petition_answer(answer=data["answer"], **common)
            elif action == PetitionAction.PUBLISH:
                services.petition_publish(**common)
            elif action == PetitionAction.REJECT:
                services.petition_reject(reason=data["reason"], **common)
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, _("Done."))
            return redirect("feedback:staff_detail", code=petition.code)
    return _render_staff_detail(request, petition, bound=form, status=400)
