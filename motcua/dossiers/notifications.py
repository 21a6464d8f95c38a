"""Messages to the applicant on each public status change (issue 3, item 8).

`on_dossier_event` is registered in `services.EVENT_HOOKS` (see `apps.py`) and sees each event inside the
action's transaction. It enqueues one django-tasks task per public change: with the database queue
(`TASKS_BACKEND=database`, production) the task row is written in that transaction, an outbox that commits
or rolls back with the event at no extra round trip; with any other backend (the immediate one runs the
task at once) the enqueue waits for the commit. Either way a rolled-back action never notifies. The task (`tasks.send_dossier_notification`) renders the messages and sends the e-mail through
Django's mail and the SMS through `motcua.core.sms`. Every failure is logged and swallowed: a notification
never breaks an action that has already been recorded.

The texts are Vietnamese templates (`templates/dossiers/notifications/`): they are letters to citizens,
worded like the forms of Circular 03/2025, whatever language the officer's session uses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db import DatabaseBackend

from motcua.core.sms import notify_sms
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.models import Dossier, DossierEvent

logger = logging.getLogger("motcua.dossiers.notifications")

A = DossierAction

# The actions that change what the applicant sees (docs/design.md §4), with the headline of the message.
PUBLIC_ACTIONS: dict[str, str] = {
    A.RECEIVE: "đã được tiếp nhận",
    A.REQUEST_COMPLETION: "cần bổ sung, hoàn thiện trước khi được tiếp nhận",
    A.REFUSE: "không được tiếp nhận",
    A.REQUEST_SUPPLEMENT: "cần bổ sung giấy tờ",
    A.MARK_RESULT_READY: "đã có kết quả",
    A.RETURN_RESULT: "đã được trả kết quả",
    A.STOP: "đã bị dừng xử lý",
    A.WITHDRAW: "đã được rút theo đề nghị",
    A.APOLOGISE_EXTEND: "chậm so với hẹn: cơ quan xin lỗi và hẹn lại ngày trả kết quả",
    A.APPOINTMENT_MOVED: "có thời gian hẹn trả kết quả mới do thay đổi lịch làm việc",
}
# How many notifications one task sends when a calendar change moves many dossiers at once.
BULK_TASK_SIZE = 500


@dataclass(frozen=True)
class Outcome:
    """What the task did, kept as the task's return value (visible in the database backend's results)."""

    email: str  # "sent", "failed" or "none" (no address)
    sms: str

    def as_dict(self) -> dict[str, str]:
        return {"email": self.email, "sms": self.sms}


def on_dossier_event(event: DossierEvent) -> None:
    """Event hook, inside the action's transaction: queue the applicant's notification when `event` is a
    public change and the applicant left an e-mail address or a phone number."""
    from motcua.dossiers.tasks import send_dossier_notification

    dossier = event.dossier
    if event.action not in PUBLIC_ACTIONS or not (dossier.applicant_email or dossier.applicant_phone):
        return
    if isinstance(send_dossier_notification.get_backend(), DatabaseBackend):
        send_dossier_notification.enqueue(dossier.pk, event.seq)
    else:
        transaction.on_commit(
            partial(_enqueue_after_commit, send_dossier_notification, dossier.pk, event.seq)
        )


def on_events_bulk(events: list[DossierEvent]) -> None:
    """Batch hook (`services.EVENT_BATCH_HOOKS`), inside the transaction of a calendar change that moved
    many dossiers: one task per BULK_TASK_SIZE public events instead of one per event. Each applicant is
    told once per moved dossier; the task skips those who left neither an e-mail address nor a phone."""
    from motcua.dossiers.tasks import send_dossier_notifications

    pairs = [[event.dossier_id, event.seq] for event in events if event.action in PUBLIC_ACTIONS]
    for start in range(0, len(pairs), BULK_TASK_SIZE):
        chunk = pairs[start : start + BULK_TASK_SIZE]
        if isinstance(send_dossier_notifications.get_backend(), DatabaseBackend):
            send_dossier_notifications.enqueue(chunk)
        else:
            transaction.on_commit(partial(_enqueue_batch_after_commit, send_dossier_notifications, chunk))


def _enqueue_batch_after_commit(task, pairs: list[list[int]]) -> None:
    try:
        task.enqueue(pairs)
    except Exception:
        logger.exception("Could not queue %s notifications", len(pairs))


def _enqueue_after_commit(task, dossier_id: int, seq: int) -> None:
    try:
        task.enqueue(dossier_id, seq)
    except Exception:
        # The action has committed: a queue failure is logged, never raised into the caller.
        logger.exception("Could not queue the notification of dossier %s event %s", dossier_id, seq)


def _context(dossier: Dossier, event: DossierEvent) -> dict:
    payload = event.payload or {}
    return {
        "dossier": dossier,
        "event": event,
        "headline": PUBLIC_ACTIONS[event.action],
        "procedure_name": dossier.procedure_version.name,
        "reason": payload.get("reason") or "",
        "appointment_at": timezone.localtime(dossier.appointment_at) if dossier.appointment_at else None,
        "result_code": dossier.result_code,
        "action": event.action,
        "A": {a.name: a.value for a in A},
    }


def _render(name: str, context: dict) -> str:
    return render_to_string(f"dossiers/notifications/{name}", context).strip()


def notify_applicant(dossier_id: int, seq: int) -> Outcome:
    """Send the e-mail and the SMS for event `seq` of the dossier; each failure is logged, not raised."""
    event = (
        DossierEvent.objects.select_related("dossier__procedure_version")
        .filter(dossier_id=dossier_id, seq=seq)
        .first()
    )
    if event is None or event.action not in PUBLIC_ACTIONS:
        return Outcome(email="none", sms="none")
    dossier = event.dossier
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(dossier, event)
        email_outcome = sms_outcome = "none"
        if dossier.applicant_email:
            try:
                subject = " ".join(_render("email_subject.txt", context).split())
                send_mail(
                    subject,
                    _render("email_body.txt", context) + "\n",
                    None,
                    [dossier.applicant_email],
                )
                email_outcome = "sent"
            except Exception:
                logger.exception("E-mail about dossier %s event %s failed", dossier.code, seq)
                email_outcome = "failed"
        if dossier.applicant_phone:
            try:
                # Only to a mobile, and held past the quiet hours (MOTCUA_SMS_QUIET_HOURS).
                sms_outcome = notify_sms(
                    dossier.applicant_phone, " ".join(_render("sms.txt", context).split())
                )
            except Exception:
                logger.exception("SMS about dossier %s event %s failed", dossier.code, seq)
                sms_outcome = "failed"
    return Outcome(email=email_outcome, sms=sms_outcome)
