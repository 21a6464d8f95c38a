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
from motcua.control.models import TaskEvidence
from motcua.control.workflow import task_next_statuses
from motcua.core.errors import InvalidInput
from motcua.core.pages import errors_to_messages
from motcua.org.decorators import staff_required
from motcua.org.models import Agency
from motcua.org.selectors import staff_agency_ids


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


def _datetime(value: str | None, label: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value or "")
    except ValueError as exc:
        raise InvalidInput(
            _("%(field)s: give a date and time.") % {"field": label}, code="invalid_datetime"
        ) from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "control/plan_list.html", {"plans": selectors.control_plans_visible_to(request.user)}
    )


@staff_required
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The plan's groups and tasks with progress (a bar that is also text) and overdue flags."""
    overview = selectors.control_plan_overview(request.user, year=year, agency=request.GET.get("agency"))
    return render(request, "control/plan_detail.html", {"overview": overview, "plan": overview.plan})


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
    evidence = (
        TaskEvidence.objects.filter(
            pk=pk, task__group__plan__in=selectors.control_plans_visible_to(request.user)
        )
        .only("file", "original_name", "content_type")
        .first()
    )
    if evidence is None:
        raise Http404
    return _download(evidence.file, evidence.original_name, evidence.content_type)


@staff_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = selectors.meetings_visible_to(request.user)
    organisers = Agency.objects.filter(pk__in=staff_agency_ids(request.user))
    if selectors.is_office_reviewer(request.user):
        organisers = Agency.objects.filter(is_active=True)
    return render(
        request,
        "control/meeting_list.html",
        {
            "upcoming": meetings.filter(ends_at__gte=now).order_by("starts_at"),
            "past": meetings.filter(ends_at__lt=now)[:50],
            "organisers": organisers,
            "agencies": Agency.objects.filter(is_active=True).only("id", "name"),
        },
    )


@staff_required
@require_POST
@_errors_to_messages("control:meeting_list")
def meeting_create(request: HttpRequest) -> HttpResponse:
    organiser = Agency.objects.filter(pk=_int(request.POST.get("organiser"), _("Organiser"))).first()
    if organiser is None:
        raise InvalidInput(_("Choose the organiser."), code="meeting_bad_organiser")
    invited = list(Agency.objects.filter(pk__in=[v for v in request.POST.getlist("invited") if v.isdigit()]))
    meeting = services.meeting_create(
        actor=request.user,
        organiser=organiser,
        title=request.POST.get("title", ""),
        starts_at=_datetime(request.POST.get("starts_at"), _("Starts at")),
        ends_at=_datetime(request.POST.get("ends_at"), _("Ends at")),
        agenda=request.POST.get("agenda", ""),
        video_url=request.POST.get("video_url", ""),
        invited=invited,
    )
    return redirect("control:meeting_detail", pk=meeting.pk)


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk=pk)
    return render(
        request,
        "control/meeting_detail.html",
        {"meeting": meeting, "may_edit": selectors.meeting_editable_by(request.user, meeting)},
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
