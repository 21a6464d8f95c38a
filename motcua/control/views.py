"""Staff pages for the control plan and meetings (login required). No rules here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.control import selectors, services
from motcua.control.choices import TaskStatus
from motcua.control.forms import MeetingForm
from motcua.control.workflow import task_next_statuses
from motcua.core.errors import InvalidInput
from motcua.core.pages import errors_to_messages
from motcua.org.decorators import staff_required
from motcua.org.selectors import agencies_list, agency_by_identifier, staff_agency_ids


def _errors_to_messages(back: str) -> Callable:
    """A domain error in a POST view becomes a message on the page named `back` (given the view's pk)."""
    return errors_to_messages(lambda **kwargs: reverse(back, kwargs=kwargs) if kwargs else reverse(back))


def _int(value: str | None, label: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise InvalidInput(
            _("%(field)s: give a whole number.") % {"field": label}, code="invalid_number"
        ) from exc


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.control_plans_visible_to(request.user))
    this_year = timezone.localdate().year
    return render(
        request,
        "control/plan_list.html",
        {
            "plans": plans,
            "may_draw_up": selectors.is_office_reviewer(request.user),
            "this_year": this_year,
            "has_this_year": any(p.year == this_year for p in plans),
        },
    )


def _plan_url(plan) -> str:
    return (
        reverse("control:plan_detail", kwargs={"year": plan.year})
        + f"?agency={plan.issuing_agency.identifier}"
    )


def _date_or_none(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(_("%(field)s: give a date.") % {"field": label}, code="invalid_date") from exc


@staff_required
@require_POST
@_errors_to_messages("control:plan_list")
def plan_create(request: HttpRequest) -> HttpResponse:
    """Draw up a year's plan, empty or as a copy of an earlier one."""
    year = _int(request.POST.get("year"), _("Year"))
    source_id = request.POST.get("copy_from")
    if source_id:
        source = (
            selectors.control_plans_visible_to(request.user)
            .filter(pk=_int(source_id, _("Copy from")))
            .first()
        )
        if source is None:
            raise InvalidInput(_("Choose the plan to copy."), code="plan_not_found")
        plan = services.control_plan_copy(
            actor=request.user, source=source, year=year, title=request.POST.get("title", "")
        )
        messages.success(
            request,
            _("The %(year)d plan is a copy of %(source)d's: adjust its tasks and deadlines.")
            % {"year": plan.year, "source": source.year},
        )
    else:
        plan = services.control_plan_create(
            actor=request.user,
            year=year,
            title=request.POST.get("title", ""),
            decision_number=request.POST.get("decision_number", ""),
            decision_date=_date_or_none(request.POST.get("decision_date"), _("Decision date")),
        )
        messages.success(request, _("Plan created. Add its groups and tasks."))
    return redirect(_plan_url(plan))


@staff_required
def plan_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.control_plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return redirect(_plan_url(plan))


@staff_required
@require_POST
@_errors_to_messages("control:plan_by_id")
def group_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.control_plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    services.task_group_add(actor=request.user, plan=plan, name=request.POST.get("name", ""))
    return redirect(_plan_url(plan) + "#add-task")


@staff_required
@require_POST
@_errors_to_messages("control:plan_by_id")
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.control_plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    group = plan.groups.filter(pk=_int(request.POST.get("group"), _("Group"))).first()
    if group is None:
        raise InvalidInput(_("Choose the task's group."), code="task_bad_group")
    services.plan_task_add(
        actor=request.user,
        group=group,
        name=request.POST.get("name", ""),
        owner_agency=agency_by_identifier(request.POST.get("owner_agency", "")),
        deadline=_date_or_none(request.POST.get("deadline"), _("Deadline")),
    )
    messages.success(request, _("Task added."))
    return redirect(_plan_url(plan) + "#add-task")


@staff_required
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The plan's groups and tasks with progress (a bar that is also text) and overdue flags."""
    overview = selectors.control_plan_overview(request.user, year=year, agency=request.GET.get("agency"))
    return render(
        request,
        "control/plan_detail.html",
        {
            "overview": overview,
            "plan": overview.plan,
            "may_draw_up": selectors.is_office_reviewer(request.user),
            "agencies": agencies_list(),
        },
    )


@staff_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.plan_task_for(request.user, pk=pk)
    return render(
        request,
        "control/task_detail.html",
        {
            "task": task,
            "overdue": task.is_overdue(timezone.localdate()),
            "may_edit": selectors.plan_task_editable_by(request.user, task),
            "statuses": [
                (s, TaskStatus(s).label)
                for s in task_next_statuses(task.status, office=selectors.is_office_reviewer(request.user))
            ],
        },
    )


@staff_required
@require_POST
@_errors_to_messages("control:task_detail")
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.plan_task_for(request.user, pk=pk)
    services.plan_task_update(
        actor=request.user,
        task=task,
        progress=_int(request.POST.get("progress"), _("Progress")),
        status=request.POST.get("status", ""),
        result_note=request.POST.get("result_note", ""),
    )
    messages.success(request, _("The task was updated."))
    return redirect("control:task_detail", pk=pk)


@staff_required
@require_POST
@_errors_to_messages("control:task_detail")
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.plan_task_for(request.user, pk=pk)
    services.plan_task_report(
        actor=request.user,
        task=task,
        period=request.POST.get("period", ""),
        text=request.POST.get("text", ""),
        progress=_int(request.POST.get("progress"), _("Progress")),
    )
    messages.success(request, _("The report was filed."))
    return redirect("control:task_detail", pk=pk)


@staff_required
@require_POST
@_errors_to_messages("control:task_detail")
def task_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.plan_task_for(request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose a file."), code="upload_refused")
    services.plan_task_evidence_add(
        actor=request.user, task=task, upload=upload, description=request.POST.get("description", "")
    )
    messages.success(request, _("The file was attached."))
    return redirect("control:task_detail", pk=pk)


def _download(file, name: str, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.task_evidence_for(request.user, pk=pk)
    return _download(evidence.file, evidence.original_name, evidence.content_type)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _subjects(request: HttpRequest) -> dict:
    """The agenda's subjects as the form sends them: decision and task ids, petition codes (one field,
    separated by commas or spaces)."""
    raw_codes = request.POST.get("petition_codes", "").replace(",", " ").split()
    return {
        "decision_ids": _ids(request.POST.getlist("decisions")),
        "petition_codes": raw_codes,
        "task_ids": _ids(request.POST.getlist("plan_tasks")),
    }


def _subject_choices(user) -> dict:
    from motcua.catalog.publication_selectors import publication_decisions_visible_to
    from motcua.control.models import PlanTask

    return {
        "decision_choices": publication_decisions_visible_to(user).select_related("drafting_agency")[:100],
        "task_choices": PlanTask.objects.filter(group__plan__in=selectors.control_plans_visible_to(user))
        .select_related("group__plan")
        .order_by("-group__plan__year", "group__position", "position")[:200],
    }


@staff_required
@require_POST
@_errors_to_messages("control:meeting_detail")
def meeting_subjects(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk=pk)
    services.meeting_subjects_set(actor=request.user, meeting=meeting, **_subjects(request))
    messages.success(request, _("The agenda's subjects were saved."))
    return redirect("control:meeting_detail", pk=pk)


@staff_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = selectors.meetings_visible_to(request.user)
    return render(
        request,
        "control/meeting_list.html",
        {
            "upcoming": meetings.filter(ends_at__gte=now).order_by("starts_at"),
            "past": meetings.filter(ends_at__lt=now)[:50],
            "organisers": selectors.meeting_organisers(request.user),
            "own_agencies": staff_agency_ids(request.user),
            "agencies": agencies_list(),
            **_subject_choices(request.user),
        },
    )


@staff_required
@require_POST
@_errors_to_messages("control:meeting_list")
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST, user=request.user)
    if not form.is_valid():
        for message in form.error_messages_flat():
            messages.error(request, message)
        return redirect("control:meeting_list")
    data = form.cleaned_data
    meeting = services.meeting_create(
        actor=request.user, **{**data, "invited": list(data["invited"])}, **_subjects(request)
    )
    return redirect("control:meeting_detail", pk=meeting.pk)


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk=pk)
    return render(
        request,
        "control/meeting_detail.html",
        {
            "meeting": meeting,
            "may_edit": selectors.meeting_editable_by(request.user, meeting),
            "subjects": selectors.meeting_subjects(request.user, meeting),
            "linked_decisions": set(meeting.decisions.values_list("pk", flat=True)),
            "linked_tasks": set(meeting.plan_tasks.values_list("pk", flat=True)),
            "linked_petitions": " ".join(meeting.petitions.values_list("code", flat=True)),
            **_subject_choices(request.user),
        },
    )


@staff_required
@require_POST
@_errors_to_messages("control:meeting_detail")
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose a file."), code="upload_refused")
    services.meeting_minutes_attach(actor=request.user, meeting=meeting, upload=upload)
    messages.success(request, _("The minutes were attached."))
    return redirect("control:meeting_detail", pk=pk)


@staff_required
def minutes_download(request: HttpRequest, pk: int) -> FileResponse:
    meeting = selectors.meeting_for(request.user, pk=pk)
    if not meeting.minutes:
        raise Http404
    return _download(meeting.minutes, meeting.minutes_name or "minutes", "application/octet-stream")
