"""Writing the outbox: one row per public change, in the transaction that records the change.

`on_dossier_event` is registered in the dossier services' `EVENT_HOOKS` (see `apps.py`): the workflow
calls it with each new event inside its transaction, so the message commits or rolls back with the event.
It does one INSERT and nothing else; the message's JSON is built by the worker when it is sent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.choices import DossierAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dvcqg.choices import Service, Source
from motcua.dvcqg.models import OutboxMessage

A = DossierAction

# What the portal hears about: every change the applicant can see, the hand-overs (its progress view
# lists who holds the dossier) and the result. Internal steps (assign, consult, propose, approve) stay here.
SYNCED_ACTIONS = frozenset(
    {
        A.SUBMIT,
        A.REQUEST_COMPLETION,
        A.REFUSE,
        A.RECEIVE,
        A.FORWARD,
        A.SEND_BACK,
        A.REQUEST_SUPPLEMENT,
        A.SUPPLEMENT,
        A.SUSPEND,
        A.RESUME,
        A.APOLOGISE_EXTEND,
        A.MARK_RESULT_READY,
        A.ATTACH_RESULT,
        A.RETURN_RESULT,
        A.STOP,
        A.WITHDRAW,
    }
)
# Actions that resend the whole dossier (its result documents, fees, return moment) rather than a step.
FULL_SYNC_ACTIONS = frozenset({A.RETURN_RESULT})
# Other actions (another app's, e.g. a moved appointment) that change what the applicant is told.
EXTRA_SYNCED_ACTIONS = {"appointment_moved", "reschedule"}


def is_synced(event: DossierEvent) -> bool:
    return (
        event.action in SYNCED_ACTIONS
        or event.action in EXTRA_SYNCED_ACTIONS
        or event.from_status != event.to_status
    )


def service_for(action: str, seq: int | None) -> str:
    if seq == 1 or action in FULL_SYNC_ACTIONS:
        return Service.SYNC_DOSSIER
    return Service.PROGRESS


def on_dossier_event(event: DossierEvent) -> None:
    """Event hook, inside the action's transaction: queue the event for the portal when it is public."""
    if not settings.DVCQG_OUTBOX or not is_synced(event):
        return
    OutboxMessage.objects.create(
        dossier_id=event.dossier.pk,
        event_seq=event.seq,
        action=event.action,
        service=service_for(event.action, event.seq),
        idempotency_key=uuid.uuid4().hex,
        next_attempt_at=event.created_at,
        created_at=event.created_at,
    )


def outbox_enqueue(
    *, dossier: Dossier, source: str, service: str = Service.SYNC_DOSSIER, extra: dict | None = None
) -> OutboxMessage:
    """Queue a message that is not a dossier event (a fee paid, a reconciliation repair).

    Locks the dossier row first, as the workflow does, so the message takes its place after every event
    already committed and before any later one (the worker sends a dossier's messages in id order)."""
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()
        now = timezone.now()
        return OutboxMessage.objects.create(
            dossier_id=dossier.pk,
            action="",
            service=service,
            source=source,
            extra=extra or {},
            idempotency_key=uuid.uuid4().hex,
            next_attempt_at=now,
            created_at=now,
        )


__all__ = ["on_dossier_event", "outbox_enqueue", "Source"]
