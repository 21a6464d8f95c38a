"""A notice to staff when a task reaches them (issue 9 item 7).

When an action hands a dossier to someone — an online filing reaching the desk, an assignment, a
forward or a send-back to the next step's agency, a consultation, a supplement coming back, a result
ready for return — the people now waited on get an e-mail: the assignee when the step has one, else the
members of the agency holding the step in the step's role (receiving officers for the desk's work), the
consulted agencies' specialists and leaders for a consultation. Never the actor, never for an action that
rolled back (sent after commit, like the applicant's notifications), and a failed e-mail is logged, never
raised into the action.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from motcua.dossiers.choices import DossierAction, DossierStatus, StepKind
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.org.choices import Role
from motcua.org.models import User

logger = logging.getLogger("motcua.dossiers.task_notices")

A = DossierAction
S = DossierStatus

# Actions after which the dossier waits on someone new.
ARRIVALS = frozenset(
    {
        A.SUBMIT,
        A.ASSIGN,
        A.FORWARD,
        A.SEND_BACK,
        A.CONSULT,
        A.SUPPLEMENT,
        A.RESUME,
        A.PROPOSE,
        A.APPROVE,
        A.MARK_RESULT_READY,
    }
)
_DESK_WORK = (S.SUBMITTED, S.RESULT_READY)
_PROCESS_WORK = (S.RECEIVED, S.IN_PROGRESS)


def on_task_event(event: DossierEvent) -> None:
    """Event hook, inside the action's transaction: queue the staff notice after an arrival."""
    from motcua.dossiers.tasks import send_task_notice

    if event.action not in ARRIVALS:
        return
    if isinstance(send_task_notice.get_backend(), DatabaseBackend):
        send_task_notice.enqueue(event.dossier_id, event.seq)
    else:
        transaction.on_commit(partial(_enqueue, send_task_notice, event.dossier_id, event.seq))


def _enqueue(task, dossier_id: int, seq: int) -> None:
    try:
        task.enqueue(dossier_id, seq)
    except Exception:
        logger.exception("Could not queue the staff notice of dossier %s event %s", dossier_id, seq)


def waiting_on(dossier: Dossier, event: DossierEvent) -> list[User]:
    """The active staff a dossier now waits on after `event` (see the module docstring), without the actor."""
    members = User.objects.filter(is_active=True).exclude(pk=event.actor_id)
    if event.action == A.CONSULT:
        agencies = DossierStep.objects.filter(
            dossier=dossier, kind=StepKind.CONSULTATION, finished_at__isnull=True
        ).values("agency_id")
        people = members.filter(
            memberships__agency_id__in=agencies, memberships__role__in=[Role.SPECIALIST, Role.LEADER]
        )
    elif dossier.status in _DESK_WORK:
        people = members.filter(
            memberships__agency_id=dossier.receiving_agency_id, memberships__role=Role.RECEIVING_OFFICER
        )
    elif dossier.status in _PROCESS_WORK and dossier.current_agency_id:
        if dossier.current_assignee_id:
            people = members.filter(pk=dossier.current_assignee_id)
        else:
            step = DossierStep.objects.filter(
                dossier=dossier, kind=StepKind.PROCESS, position=dossier.current_step_position
            ).first()
            role = step.role if step else Role.SPECIALIST
            people = members.filter(memberships__agency_id=dossier.current_agency_id, memberships__role=role)
    else:
        return []
    return list(people.distinct().order_by("pk"))


def notify_staff(dossier_id: int, seq: int) -> int:
    """E-mail each person the dossier now waits on; returns how many were sent."""
    event = (
        DossierEvent.objects.select_related("dossier__procedure_version")
        .filter(dossier_id=dossier_id, seq=seq)
        .first()
    )
    if event is None or event.action not in ARRIVALS:
        return 0
    dossier = event.dossier
    recipients = [u for u in waiting_on(dossier, event) if u.email]
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        due = dossier.current_step_due_at or dossier.due_at
        subject = _("New task: dossier %(code)s") % {"code": dossier.code}
        lines = [
            _("A dossier is waiting for you:"),
            "",
            f"{dossier.code} — {dossier.procedure_version.name}",
            _("Applicant: %(name)s") % {"name": dossier.applicant_name},
            _("Status: %(status)s") % {"status": dossier.get_status_display()},
        ]
        if due:
            lines.append(_("Due: %(due)s") % {"due": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")})
        url = settings.SITE_ROOT.rstrip("/") + reverse("dossiers:detail", kwargs={"code": dossier.code})
        lines += ["", _("Open it: %(url)s") % {"url": url}]
        for user in recipients:
            try:
                send_mail(subject, "\n".join(lines) + "\n", None, [user.email])
                sent += 1
            except Exception:
                logger.exception("Staff notice of dossier %s to user %s failed", dossier.code, user.pk)
    return sent
