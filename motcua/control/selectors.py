"""Reads for the control plan and meetings. Every member of staff may read the plans (they are the
province's plans); meetings are seen by the staff of their organiser and invited agencies, and by
the Office reviewers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.control.choices import OPEN_TASK_STATUSES
from motcua.control.models import ControlPlan, Meeting, PlanTask, TaskEvidence, TaskGroup
from motcua.core.errors import NotFound
from motcua.org.choices import Role
from motcua.org.models import Agency, User
from motcua.org.selectors import agencies_for, agencies_list, staff_agency_ids


def is_office_reviewer(user: User) -> bool:
    return bool(staff_agency_ids(user, roles=frozenset({Role.OFFICE_REVIEWER})))


def task_evidence_for(user: User, *, pk: int) -> TaskEvidence:
    """A piece of evidence of a plan `user` may see; NotFound otherwise."""
    evidence = (
        TaskEvidence.objects.filter(pk=pk, task__group__plan__in=control_plans_visible_to(user))
        .only("file", "original_name", "content_type")
        .first()
    )
    if evidence is None:
        raise NotFound(_("Evidence not found."), code="evidence_not_found")
    return evidence


def meeting_organisers(user: User) -> QuerySet[Agency]:
    """The agencies `user` may organise a meeting for: their own, or every active agency for the Office."""
    return agencies_list() if is_office_reviewer(user) else agencies_for(user)


def plan_tasks_overdue(
    *, today: dt.date | None = None, plan: ControlPlan | None = None
) -> QuerySet[PlanTask]:
    """Tasks whose deadline has passed (before `today`) and that are neither done nor cancelled."""
    today = today or timezone.localdate()
    qs = PlanTask.objects.filter(deadline__lt=today, status__in=OPEN_TASK_STATUSES)
    if plan is not None:
        qs = qs.filter(group__plan=plan)
    return qs.select_related("group__plan", "owner_agency").order_by("deadline", "id")


def control_plans_visible_to(user: User) -> QuerySet[ControlPlan]:
    """The plans a member of staff may read: all of them; none for anyone else."""
    if not staff_agency_ids(user):
        return ControlPlan.objects.none()
    return ControlPlan.objects.select_related("issuing_agency").order_by("-year", "issuing_agency__name")


@dataclass(frozen=True)
class PlanOverview:
    plan: ControlPlan
    groups: list[TaskGroup]
    task_count: int
    done_count: int
    overdue_count: int
    progress: int  # mean progress of the tasks not cancelled, in %


def control_plan_overview(
    user: User, *, year: int, agency: str | None = None, today: dt.date | None = None
) -> PlanOverview:
    """The plan of `year` (of the issuing agency `agency`, an identifier, when several agencies have one)
    with its groups and tasks; each task carries `overdue`. `NotFound` if there is none or it is ambiguous."""
    today = today or timezone.localdate()
    plans = control_plans_visible_to(user).filter(year=year)
    if agency:
        plans = plans.filter(issuing_agency__identifier=agency)
    found = list(
        plans.prefetch_related(
            Prefetch(
                "groups",
                queryset=TaskGroup.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "tasks", queryset=PlanTask.objects.select_related("owner_agency").order_by("position")
                    )
                ),
            )
        )[:2]
    )
    if len(found) != 1:
        raise NotFound(
            _("No single control plan for %(year)d; name the issuing agency.") % {"year": year}
            if found
            else _("There is no control plan for %(year)d.") % {"year": year},
            code="plan_not_found",
        )
    plan = found[0]
    groups = list(plan.groups.all())
    tasks = [task for group in groups for task in group.tasks.all()]
    for task in tasks:
        task.overdue = task.is_overdue(today)
    counted = [t for t in tasks if t.status != "cancelled"]
    return PlanOverview(
        plan=plan,
        groups=groups,
        task_count=len(tasks),
        done_count=sum(t.status == "done" for t in tasks),
        overdue_count=sum(t.overdue for t in tasks),
        progress=round(sum(t.progress for t in counted) / len(counted)) if counted else 0,
    )


def plan_task_for(user: User, *, pk: int) -> PlanTask:
    """One task with its reports and evidence, if `user` is staff; `NotFound` otherwise."""
    task = (
        PlanTask.objects.filter(group__plan__in=control_plans_visible_to(user), pk=pk)
        .select_related("group__plan", "owner_agency")
        .prefetch_related("reports__author", "evidence")
        .first()
    )
    if task is None:
        raise NotFound(_("No task you may see has this number."), code="task_not_found")
    return task


def plan_task_editable_by(user: User, task: PlanTask) -> bool:
    """Owner agency staff update their tasks; Office reviewers any task."""
    return task.owner_agency_id in staff_agency_ids(user) or is_office_reviewer(user)


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Meetings organised by or inviting one of the user's agencies; all of them for an Office reviewer."""
    agencies = staff_agency_ids(user)
    if not agencies:
        return Meeting.objects.none()
    qs = Meeting.objects.all()
    if not is_office_reviewer(user):
        qs = qs.filter(Q(organiser_id__in=agencies) | Q(invited_agencies__in=agencies)).distinct()
    return qs.select_related("organiser").prefetch_related("invited_agencies").order_by("-starts_at")


def meeting_for(user: User, *, pk: int) -> Meeting:
    meeting = meetings_visible_to(user).filter(pk=pk).first()
    if meeting is None:
        raise NotFound(_("No meeting you may see has this number."), code="meeting_not_found")
    return meeting


def meeting_editable_by(user: User, meeting: Meeting) -> bool:
    return meeting.organiser_id in staff_agency_ids(user) or is_office_reviewer(user)


@dataclass(frozen=True)
class MeetingSubjects:
    decisions: list
    petitions: list
    tasks: list
    hidden: int  # subjects linked that `user` may not open (counted, never named)


def meeting_subjects(user: User, meeting: Meeting) -> MeetingSubjects:
    """The subjects of the meeting's agenda that `user` may open: publication decisions, petitions and
    control-plan tasks, each through its own app's scope."""
    from motcua.catalog.publication_selectors import publication_decisions_visible_to
    from motcua.feedback.selectors import petitions_visible_to

    decisions = list(publication_decisions_visible_to(user).filter(meetings=meeting))
    petitions = list(petitions_visible_to(user).filter(meetings=meeting).select_related("category"))
    tasks = list(
        meeting.plan_tasks.filter(group__plan__in=control_plans_visible_to(user)).select_related(
            "group__plan", "owner_agency"
        )
    )
    linked = meeting.decisions.count() + meeting.petitions.count() + meeting.plan_tasks.count()
    return MeetingSubjects(decisions, petitions, tasks, linked - len(decisions) - len(petitions) - len(tasks))
