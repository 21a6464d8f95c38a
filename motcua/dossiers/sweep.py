"""The deadline sweep and the overdue board (issue 3, item 3; docs/design.md §4 Deadlines).

`sweep_deadlines` is healthchecks' `sendalerts` in miniature: it finds every running dossier past its
legal due moment and every open step past its own, records each as a `DeadlineBreach` exactly once (the
table's partial unique constraints make a repeated or concurrent run harmless), then claims the breaches
nobody has announced yet with one conditional UPDATE and, after commit, e-mails them to the leaders of the
agency answerable. A breach a calendar change has withdrawn (`recalendar`: the due moment moved past now)
no longer counts: the sweep records the dossier again if its new due moment passes too. Run it from cron (`manage.py sweep_deadlines`) or as the django-tasks task
`tasks.sweep_deadlines_task`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.choices import RUNNING_STATUSES
from motcua.dossiers.models import DeadlineBreach, Dossier, DossierStep
from motcua.dossiers.selectors import dossiers_visible_to
from motcua.dossiers.timeliness import overdue_q
from motcua.org.choices import Role
from motcua.org.models import Agency, User
from motcua.workdays.selectors import working_minutes_between

logger = logging.getLogger("motcua.dossiers.sweep")


@dataclass(frozen=True)
class SweepReport:
    dossiers: int  # whole-dossier breaches recorded by this run
    steps: int  # step breaches recorded by this run
    claimed: int  # breaches this run claimed for the leaders' e-mail

    def as_dict(self) -> dict[str, int]:
        return {"dossiers": self.dossiers, "steps": self.steps, "claimed": self.claimed}


def sweep_deadlines(*, now: dt.datetime | None = None) -> SweepReport:
    """Record every passed due moment once and queue the leaders' e-mail for the new ones.

    Only running clocks count: a dossier awaiting a supplement or suspended has its due moments moved
    when it resumes, so it is judged then. Idempotent: a second run at any later moment records nothing
    already recorded and notifies nothing already notified.
    """
    now = now or timezone.now()
    recorded = DeadlineBreach.objects.filter(
        dossier=OuterRef("pk"), step__isnull=True, withdrawn_at__isnull=True
    )
    late_dossiers = (
        Dossier.objects.filter(overdue_q(now))
        .exclude(Exists(recorded))
        .values_list("pk", "competent_agency_id", "due_at")
    )
    dossier_rows = [
        DeadlineBreach(dossier_id=pk, step=None, agency_id=agency_id, due_at=due_at, detected_at=now)
        for pk, agency_id, due_at in late_dossiers.iterator(chunk_size=2000)
    ]
    late_steps = (
        DossierStep.objects.filter(
            started_at__isnull=False,
            finished_at__isnull=True,
            due_at__lt=now,
            dossier__status__in=RUNNING_STATUSES,
        )
        .exclude(Exists(DeadlineBreach.objects.filter(step=OuterRef("pk"), withdrawn_at__isnull=True)))
        .values_list("pk", "dossier_id", "agency_id", "due_at")
    )
    step_rows = [
        DeadlineBreach(dossier_id=dossier_id, step_id=pk, agency_id=agency_id, due_at=due_at, detected_at=now)
        for pk, dossier_id, agency_id, due_at in late_steps.iterator(chunk_size=2000)
    ]
    # A concurrent sweep may record the same breach between our read and this insert: the unique
    # constraints keep one row and ignore_conflicts drops ours.
    last_id = DeadlineBreach.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    DeadlineBreach.objects.bulk_create(dossier_rows + step_rows, ignore_conflicts=True, batch_size=1000)
    mine = DeadlineBreach.objects.filter(pk__gt=last_id, detected_at=now)
    report = SweepReport(
        dossiers=mine.filter(step__isnull=True).count(),
        steps=mine.filter(step__isnull=False).count(),
        claimed=_claim_and_notify(now),
    )
    if report.dossiers or report.steps:
        logger.info("Deadline sweep: %s", report.as_dict())
    return report


def _claim_and_notify(now: dt.datetime) -> int:
    """Claim the breaches nobody has announced and e-mail them after commit. On PostgreSQL concurrent
    sweeps lock disjoint rows (SKIP LOCKED); SQLite serialises writers anyway."""
    from motcua.dossiers.tasks import notify_breaches_task

    with transaction.atomic():
        ids = list(
            DeadlineBreach.objects.select_for_update(skip_locked=True)
            .filter(notified_at__isnull=True, withdrawn_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        claimed = DeadlineBreach.objects.filter(pk__in=ids, notified_at__isnull=True).update(notified_at=now)
        transaction.on_commit(lambda: _enqueue(notify_breaches_task, ids))
    return claimed


def _enqueue(task, ids: list[int]) -> None:
    try:
        task.enqueue(ids)
    except Exception:
        logger.exception("Could not queue the e-mail for %s deadline breaches", len(ids))


def leaders_emails(agency_id: int) -> list[str]:
    """The e-mail addresses of the active leaders of one agency."""
    return sorted(
        set(
            User.objects.filter(
                is_active=True, memberships__role=Role.LEADER, memberships__agency_id=agency_id
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_breaches(breach_ids: list[int]) -> int:
    """E-mail each agency's leaders one message listing its breaches among `breach_ids`; returns the
    number of messages sent. A failed e-mail is logged; its breaches stay claimed (at most once)."""
    by_agency: dict[int, list[DeadlineBreach]] = defaultdict(list)
    for breach in DeadlineBreach.objects.filter(pk__in=breach_ids).select_related(
        "dossier__procedure_version", "step", "agency"
    ):
        by_agency[breach.agency_id].append(breach)
    sent = 0
    for agency_id, breaches in by_agency.items():
        recipients = leaders_emails(agency_id)
        if not recipients:
            continue
        agency = breaches[0].agency
        lines = []
        for breach in sorted(breaches, key=lambda b: (b.due_at, b.dossier.code)):
            due = timezone.localtime(breach.due_at).strftime("%H:%M %d/%m/%Y")
            scope = breach.step.name if breach.step_id else _("legal time limit")
            lines.append(
                f"- {breach.dossier.code} — {breach.dossier.procedure_version.name} — {scope} — {due}"
            )
        subject = _("%(count)s deadline(s) passed at %(agency)s") % {
            "count": len(breaches),
            "agency": agency.name,
        }
        body = "\n".join([_("These due moments have passed without the work being done:"), "", *lines, ""])
        try:
            send_mail(subject, body, None, recipients)
            sent += 1
        except Exception:
            logger.exception("Deadline e-mail to the leaders of agency %s failed", agency_id)
    return sent


# --- the overdue board -------------------------------------------------------------------------------------


@dataclass
class AgencyOverdue:
    agency: Agency | None
    dossiers: list[Dossier] = field(default_factory=list)

    @property
    def legal_count(self) -> int:
        return sum(1 for d in self.dossiers if d.past_legal_due)

    @property
    def step_count(self) -> int:
        return sum(1 for d in self.dossiers if d.past_step_due)


def overdue_dossiers(user: User, *, now: dt.datetime, agency: str | None = None) -> QuerySet[Dossier]:
    """Running dossiers `user` may see whose legal due moment or current step's due moment has passed,
    most overdue first; `agency` (an identifier) keeps those held by that agency now."""
    qs = dossiers_visible_to(user).filter(
        Q(due_at__lt=now) | Q(current_step_due_at__lt=now), status__in=RUNNING_STATUSES
    )
    if agency:
        qs = qs.filter(current_agency__identifier=agency)
    return (
        qs.select_related("current_assignee")
        .prefetch_related(
            Prefetch(
                "breaches",
                queryset=DeadlineBreach.objects.filter(step__isnull=True, withdrawn_at__isnull=True),
                to_attr="dossier_breaches",
            )
        )
        .order_by("due_at", "code")
    )


def overdue_board(
    user: User, *, now: dt.datetime | None = None, agency: str | None = None, limit: int = 500
) -> list[AgencyOverdue]:
    """The overdue board: the overdue dossiers `user` may see, grouped by the agency holding them now,
    the agency with the most first. Each dossier carries `past_legal_due`, `past_step_due`,
    `late_minutes` (working minutes past its legal due moment) and `detected_at` (first recorded)."""
    now = now or timezone.now()
    groups: dict[int | None, AgencyOverdue] = {}
    for dossier in overdue_dossiers(user, now=now, agency=agency)[:limit]:
        dossier.past_legal_due = dossier.due_at is not None and dossier.due_at < now
        dossier.past_step_due = dossier.current_step_due_at is not None and dossier.current_step_due_at < now
        dossier.late_minutes = (
            int(working_minutes_between(dossier.due_at, now)) if dossier.past_legal_due else 0
        )
        dossier.detected_at = dossier.dossier_breaches[0].detected_at if dossier.dossier_breaches else None
        group = groups.setdefault(dossier.current_agency_id, AgencyOverdue(agency=dossier.current_agency))
        group.dossiers.append(dossier)
    return sorted(groups.values(), key=lambda g: (-len(g.dossiers), g.agency.name if g.agency else ""))
