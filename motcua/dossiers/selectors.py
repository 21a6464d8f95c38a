"""Reads on dossiers, always limited to what the caller may see (docs/design.md §4 Tracking, §7)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.choices import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    DossierAction,
    DossierStatus,
    ReturnMethod,
    StepKind,
)
from motcua.dossiers.models import Dossier, DossierAgency, DossierEvent, DossierStep, ResultFile
from motcua.dossiers.search import query_terms
from motcua.dossiers.timeliness import is_late, overdue_q
from motcua.org.choices import Role
from motcua.org.models import User
from motcua.org.selectors import oversees_province, staff_agency_ids, user_roles

_LIST_RELATED = (
    "procedure_version__procedure",
    "competent_agency",
    "current_agency",
    "receiving_agency",
)


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """The dossiers `user` may see: staff see those their agencies receive, decide, hold now or took
    part in (a step or a consultation); the Office's reviewers and administrators see every agency's
    (`oversees_province`); everyone sees the dossiers they filed as applicant."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    if oversees_province(user):
        return Dossier.objects.select_related(*_LIST_RELATED)
    visible = Q(applicant_user=user)
    agencies = staff_agency_ids(user)
    if agencies:
        # DossierAgency holds exactly the agencies that received, decide, hold or took part in a dossier.
        # A correlated EXISTS, probed through the (dossier, agency) unique index: PostgreSQL cannot turn an
        # `id IN (subquery)` under OR into a join, and would scan the subquery for every dossier.
        visible |= Exists(DossierAgency.objects.filter(dossier=OuterRef("pk"), agency_id__in=agencies))
    return Dossier.objects.filter(visible).select_related(*_LIST_RELATED)


def dossier_list(
    user: User,
    *,
    status: str | None = None,
    agency: str | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
    q: str | None = None,
    procedure: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> QuerySet[Dossier]:
    """The dossiers `user` may see, filtered; most urgent first (due moment, then code).

    `q` is what staff type: a code (or part of it), the applicant's name with or without diacritics,
    the identifier or the phone; every word must match (`search.search_key`, trigram-indexed on
    PostgreSQL). `procedure` is a procedure code; `due_from`/`due_to` bound the legal due moment by
    local day, both included."""
    qs = dossiers_visible_to(user)
    for term in query_terms(q or ""):
        qs = qs.filter(search_text__contains=term)
    if status:
        qs = qs.filter(status=status)
    if agency:
        qs = qs.filter(
            Q(competent_agency__identifier=agency)
            | Q(current_agency__identifier=agency)
            | Q(receiving_agency__identifier=agency)
        )
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    if due_from:
        qs = qs.filter(due_at__gte=_day_start(due_from))
    if due_to:
        qs = qs.filter(due_at__lt=_day_start(due_to + dt.timedelta(days=1)))
    if overdue is not None:
        late = overdue_q(now or timezone.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by("due_at", "id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# What waits on whom: the desk handles filing, completion, supplements and results; the process steps
# run while the dossier is received, in progress or suspended.
_DESK_WAITING = [
    DossierStatus.SUBMITTED,
    DossierStatus.NEEDS_COMPLETION,
    DossierStatus.AWAITING_SUPPLEMENT,
    DossierStatus.RESULT_READY,
]
_PROCESS_WAITING = [DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUSPENDED]


def my_tasks(user: User, *, status: str | None = None, due: str | None = None) -> QuerySet[Dossier]:
    """The dossiers waiting on `user`'s agencies for a role `user` holds there: desk work for receiving
    officers, the current step for its agency's staff, open consultations for the consulted agencies'
    specialists and leaders. Open ones only unless `status` is given; the most urgent due moment first
    (the current step's, else the legal one)."""
    roles = user_roles(user)
    desk = {a for r, a in roles if r == Role.RECEIVING_OFFICER and a is not None}
    process = {
        a for r, a in roles if r in (Role.RECEIVING_OFFICER, Role.SPECIALIST, Role.LEADER) and a is not None
    }
    consulted = {a for r, a in roles if r in (Role.SPECIALIST, Role.LEADER) and a is not None}
    open_consultation = DossierStep.objects.filter(
        dossier=OuterRef("pk"), kind=StepKind.CONSULTATION, finished_at__isnull=True, agency_id__in=consulted
    )
    waiting = (
        Q(receiving_agency_id__in=desk, status__in=_DESK_WAITING)
        | Q(current_agency_id__in=process, status__in=_PROCESS_WAITING)
        | Q(Exists(open_consultation), status=DossierStatus.IN_PROGRESS)
    )
    qs = dossier_list(user, status=status or None).filter(waiting)
    if not status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if due in DUE_BUCKETS:
        qs = qs.annotate(task_due=_task_due()).filter(_due_bucket(due, timezone.now()))
    return qs.select_related("current_assignee").order_by(
        Coalesce("current_step_due_at", "due_at").asc(nulls_last=True),
        F("submitted_at").asc(nulls_last=True),
        "code",
    )


# The summary on my tasks (issue 9 item 7): what is already late, what falls due today, and what falls
# due by the end of the next working day ("at risk": act today or it will be late tomorrow). A task's due
# moment is its current step's when it has one, else the legal one; only running clocks count.
DUE_BUCKETS = ("overdue", "due_today", "at_risk")


def _task_due():
    return Coalesce("current_step_due_at", "due_at")


def _due_bucket(name: str, now: dt.datetime) -> Q:
    from motcua.workdays.selectors import is_working_day

    running = Q(status__in=RUNNING_STATUSES)
    today = timezone.localdate(now)
    end_of_today = _day_start(today + dt.timedelta(days=1))
    next_working_day = today + dt.timedelta(days=1)
    while not is_working_day(next_working_day) and next_working_day < today + dt.timedelta(days=30):
        next_working_day += dt.timedelta(days=1)
    horizon = _day_start(next_working_day + dt.timedelta(days=1))
    if name == "overdue":
        return running & (Q(due_at__lt=now) | Q(current_step_due_at__lt=now))
    not_late = running & ~(Q(due_at__lt=now) | Q(current_step_due_at__lt=now))
    if name == "due_today":
        return not_late & Q(task_due__lt=end_of_today)
    return not_late & Q(task_due__gte=end_of_today, task_due__lt=horizon)


@dataclass(frozen=True)
class TaskSummary:
    overdue: int
    due_today: int
    at_risk: int


def task_summary(user: User, *, now: dt.datetime | None = None) -> TaskSummary:
    """How many of `user`'s open tasks are overdue, due today and at risk: one aggregate query."""
    now = now or timezone.now()
    counts = (
        my_tasks(user)
        .annotate(task_due=_task_due())
        .aggregate(**{name: Count("pk", filter=_due_bucket(name, now)) for name in DUE_BUCKETS})
    )
    return TaskSummary(**counts)


# Counting every visible dossier of a province costs more than the page itself; past this many the
# list says "more than 10,000", as large systems do.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class DossierPage:
    items: list[Dossier]
    count: int  # at most COUNT_CAP
    count_exact: bool  # False when there are more than COUNT_CAP


def dossier_page(
    user: User,
    *,
    status: str | None = None,
    agency: str | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
    q: str | None = None,
    procedure: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> DossierPage:
    """One page of `dossier_list`, in the same order, with a capped count.

    The common case, a member of one agency listing everything without filters, reads the page straight
    from the (agency, due_at, dossier) index of DossierAgency: a few milliseconds at a million dossiers,
    and a fixed number of queries whatever the page size.
    """
    agencies = staff_agency_ids(user)
    unfiltered = not (status or agency or q or procedure or due_from or due_to) and overdue is None
    if (
        unfiltered
        and len(agencies) == 1
        and not oversees_province(user)
        and not Dossier.objects.filter(applicant_user=user).exists()
    ):
        rows = DossierAgency.objects.filter(agency_id=next(iter(agencies)))
        ids = list(
            rows.order_by("due_at", "dossier_id").values_list("dossier_id", flat=True)[
                offset : offset + limit
            ]
        )
        by_id = Dossier.objects.select_related(*_LIST_RELATED).in_bulk(ids)
        items = [by_id[pk] for pk in ids]
        counted = rows[: COUNT_CAP + 1].count()
    else:
        qs = dossier_list(
            user,
            status=status,
            agency=agency,
            overdue=overdue,
            now=now,
            q=q,
            procedure=procedure,
            due_from=due_from,
            due_to=due_to,
        )
        items = list(qs[offset : offset + limit])
        counted = qs[: COUNT_CAP + 1].count()
    return DossierPage(items=items, count=min(counted, COUNT_CAP), count_exact=counted <= COUNT_CAP)


def dossier_for(user: User, code: str) -> Dossier:
    """One dossier `user` may see, with its steps and history; NotFound otherwise (no hint whether it exists)."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("receiving_desk", "current_assignee")
        .prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.select_related("agency", "assignee")),
            Prefetch("events", queryset=DossierEvent.objects.order_by("seq")),
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound(_("Dossier not found."), code="dossier_not_found")
    return dossier


def result_file_for(user: User, code: str) -> ResultFile:
    """The electronic result of dossier `code` that `user` may download: staff who may see the dossier, from
    the moment it is attached; the applicant once the result was returned online. NotFound otherwise, the
    same answer a missing dossier gets."""
    not_found = NotFound(_("Dossier not found."), code="dossier_not_found")
    dossier = dossiers_visible_to(user).filter(code=code).first()
    if dossier is None:
        raise not_found
    agencies = staff_agency_ids(user)
    as_staff = (
        bool(agencies) and DossierAgency.objects.filter(dossier=dossier, agency_id__in=agencies).exists()
    )
    as_applicant = (
        dossier.applicant_user_id == user.pk
        and dossier.status == DossierStatus.RETURNED
        and dossier.return_method == ReturnMethod.ONLINE
    )
    result = dossier.result_files.order_by("-event_seq").first() if as_staff or as_applicant else None
    if result is None:
        raise not_found
    return result


def results_for_applicant(user: User) -> set[str]:
    """Codes of the user's own dossiers whose electronic result they may download (returned online)."""
    if not user.is_authenticated:
        return set()
    return set(
        ResultFile.objects.filter(
            dossier__applicant_user=user,
            dossier__status=DossierStatus.RETURNED,
            dossier__return_method=ReturnMethod.ONLINE,
        ).values_list("dossier__code", flat=True)
    )


def result_file_shown(user: User, dossier: Dossier) -> ResultFile | None:
    """The electronic result to offer `user` on a page showing `dossier` (which they may see), or None."""
    try:
        return result_file_for(user, dossier.code)
    except NotFound:
        return None


@dataclass(frozen=True)
class PublicEvent:
    action: str
    status: str
    at: dt.datetime
    # For an appointment moved by a calendar change: the old and new appointment and why (else None).
    moved: dict | None = None


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    returned_at: dt.datetime | None
    late: bool  # past the legal due moment (an apology's new appointment does not change that)
    history: list[PublicEvent]


_DIGITS = re.compile(r"\D")


def dossier_public_status(code: str, phone_last4: str) -> PublicStatus:
    """Status and history of a dossier for anyone holding its code and the last 4 digits of the
    applicant's phone. A wrong code and a wrong phone give the same NotFound; nothing personal."""
    not_found = NotFound(_("No dossier matches this code and phone number."), code="dossier_not_found")
    if not re.fullmatch(r"\d{4}", phone_last4 or ""):
        raise not_found
    # The public lookup is the busiest read (bench/bench_tracking.py): one hand-written statement (the ORM
    # would spend more time building it than the database spends answering), the history folded into a
    # JSON array by the database, no model instances.
    with connection.cursor() as cursor:
        cursor.execute(_TRACK_SQL[connection.vendor], [code])
        row = cursor.fetchone()
    digits = _DIGITS.sub("", row[4]) if row else ""
    if row is None or len(digits) < 4 or not hmac.compare_digest(digits[-4:], phone_last4):
        raise not_found
    (
        status,
        received_at,
        appointment_at,
        returned_at,
        _phone,
        name,
        procedure_code,
        due_at,
        ready_at,
        history,
    ) = row
    if isinstance(history, str):  # SQLite answers JSON as text
        history = json.loads(history)
    return PublicStatus(
        code=code,
        procedure_code=procedure_code,
        procedure_name=name,
        status=status,
        received_at=_moment(received_at),
        appointment_at=_moment(appointment_at),
        returned_at=_moment(returned_at),
        late=is_late(
            status=status, due_at=_moment(due_at), result_ready_at=_moment(ready_at), now=timezone.now()
        ),
        history=[_public_event(*entry) for entry in history or ()],
    )


_TRACK_SELECT = """
SELECT d.status, d.received_at, d.appointment_at, d.returned_at, d.applicant_phone, v.name, p.code,
       d.due_at, d.result_ready_at, ({history})
FROM dossiers_dossier d
JOIN catalog_procedureversion v ON v.id = d.procedure_version_id
JOIN catalog_procedure p ON p.id = v.procedure_id
WHERE d.code = %s
"""
# The dossier's events as one JSON array of [action, status, moment, moved], in order; `moved` is the
# payload of an appointment moved by a calendar change (old and new appointment, why), else null.
_TRACK_SQL = {
    "postgresql": _TRACK_SELECT.format(
        history="SELECT json_agg(json_build_array(e.action, e.to_status, e.created_at, "
        "CASE WHEN e.action = 'appointment_moved' THEN e.payload END) ORDER BY e.seq) "
        "FROM dossiers_dossierevent e WHERE e.dossier_id = d.id"
    ),
    # SQLite before 3.44 has no ORDER BY inside an aggregate; it aggregates an ordered subquery in order.
    "sqlite": _TRACK_SELECT.format(
        history="SELECT json_group_array(json_array(e.action, e.to_status, e.created_at, "
        "CASE WHEN e.action = 'appointment_moved' THEN json(e.payload) END)) FROM "
        "(SELECT action, to_status, created_at, payload FROM dossiers_dossierevent WHERE dossier_id = d.id "
        "ORDER BY seq) e"
    ),
}


def _public_event(action: str, status: str, at, payload=None) -> PublicEvent:
    moved = None
    if isinstance(payload, str):
        payload = json.loads(payload)
    if isinstance(payload, dict) and action == DossierAction.APPOINTMENT_MOVED:
        old, new = (payload.get("appointment_at") or [None, None])[:2]
        moved = {"old": _moment(old), "new": _moment(new), "reason": str(payload.get("reason") or "")}
    return PublicEvent(action=action, status=status, at=_moment(at), moved=moved)


def _moment(value: dt.datetime | str | None) -> dt.datetime | None:
    """A moment as the raw statement gives it: PostgreSQL an aware datetime (or, inside JSON, text with
    its offset), SQLite a naive UTC datetime (or, inside JSON, naive UTC text)."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(value)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)
