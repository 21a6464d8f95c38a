"""Delivering the outbox (`manage.py dvcqg_worker`): exactly once as the portal sees it, in order per dossier.

One round (`deliver_round`):

1. *Claim.* Take the pending messages that are due, and for each of their dossiers the run of messages
   from the dossier's first undelivered one onwards, as long as each is pending, due and unclaimed. A
   parked or not-yet-due message stops its dossier's run: nothing overtakes it. The claim is a lease
   (`locked_until`, `locked_by`) written with one UPDATE; a worker killed mid-round leaves leases that
   expire, and the messages are taken again. Several workers may run: each keeps only what it holds.
2. *Send.* Each dossier's run goes to one thread of a pool, message after message, stopping at the first
   that fails. Every attempt carries the message's idempotency key, so a message whose answer was lost
   (a timeout after the portal filed it, a kill before we recorded it) is filed once however often sent.
3. *Record.* Delivered (or already held): done. Timeout, connection failure, 5xx, malformed answer:
   next attempt after an exponential backoff with jitter (DVCQG_BACKOFF_BASE … DVCQG_BACKOFF_MAX), parked
   after DVCQG_MAX_ATTEMPTS. Refused by the portal, or a code without a mapping: parked with the reason at
   once (retrying cannot mend it; an administrator fixes the cause and replays). One bulk UPDATE, one bulk
   INSERT of attempts.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dvcqg.adapters import PortalAdapter, Reply, portal
from motcua.dvcqg.choices import RETRYABLE, AttemptOutcome, MessageStatus, Service
from motcua.dvcqg.messages import Mappings, Unmapped, message_body
from motcua.dvcqg.models import DeliveryAttempt, OutboxMessage

logger = logging.getLogger("motcua.dvcqg.worker")
M = MessageStatus


@dataclass
class RoundResult:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    parked: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def backoff_seconds(attempts: int, *, rng: random.Random = random) -> float:  # type: ignore[assignment]
    """Exponential backoff with equal jitter: half the step for sure, the other half at random (spreads
    the retries of many dossiers after an outage instead of sending them all at once)."""
    base, cap = settings.DVCQG_BACKOFF_BASE, settings.DVCQG_BACKOFF_MAX
    step = min(cap, base * (2 ** max(0, attempts - 1)))
    return step / 2 + rng.uniform(0, step / 2)


def _free(now) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lt=now)


def _claim(*, worker_id: str, limit: int, now) -> list[list[OutboxMessage]]:
    """The runs (one list per dossier, in order) this worker now holds."""
    due = list(
        OutboxMessage.objects.filter(status=M.PENDING, next_attempt_at__lte=now)
        .filter(_free(now))
        .order_by("next_attempt_at", "id")
        .values_list("dossier_id", flat=True)[: limit * 2]
    )
    if not due:
        return []
    dossier_ids = list(dict.fromkeys(due))
    undelivered = (
        OutboxMessage.objects.filter(dossier_id__in=dossier_ids)
        .exclude(status=M.DELIVERED)
        .order_by("dossier_id", "id")
        .values_list("id", "dossier_id", "status", "next_attempt_at", "locked_until")
    )
    runs: dict[int, list[int]] = {}
    blocked: set[int] = set()
    total = 0
    for message_id, dossier_id, status, next_at, locked_until in undelivered:
        if dossier_id in blocked or total >= limit:
            continue
        if status != M.PENDING or next_at is None or next_at > now or (locked_until and locked_until >= now):
            blocked.add(dossier_id)
            continue
        runs.setdefault(dossier_id, []).append(message_id)
        total += 1
    ids = [i for run in runs.values() for i in run]
    if not ids:
        return []
    lease = now + dt.timedelta(seconds=settings.DVCQG_LEASE_SECONDS)
    with transaction.atomic():
        claimable = OutboxMessage.objects.filter(id__in=ids, status=M.PENDING).filter(_free(now))
        if connection.vendor == "postgresql":
            claimable = OutboxMessage.objects.filter(
                id__in=list(claimable.select_for_update(skip_locked=True).values_list("id", flat=True))
            )
        claimable.update(locked_until=lease, locked_by=worker_id)
    held = set(
        OutboxMessage.objects.filter(id__in=ids, locked_by=worker_id, locked_until=lease).values_list(
            "id", flat=True
        )
    )
    messages = {m.id: m for m in OutboxMessage.objects.filter(id__in=held)}
    claimed: list[list[OutboxMessage]] = []
    release: list[int] = []
    for run in runs.values():
        prefix: list[OutboxMessage] = []
        for message_id in run:
            if message_id in held and len(prefix) == run.index(message_id):
                prefix.append(messages[message_id])
            elif message_id in held:
                release.append(message_id)
        if prefix:
            claimed.append(prefix)
    if release:
        OutboxMessage.objects.filter(id__in=release, locked_by=worker_id).update(
            locked_until=None, locked_by=""
        )
    return claimed


def _prepare(
    runs: list[list[OutboxMessage]],
) -> tuple[dict[int, Dossier], dict[tuple[int, int], DossierEvent]]:
    dossier_ids = {run[0].dossier_id for run in runs}
    dossiers = {
        d.pk: d
        for d in Dossier.objects.filter(pk__in=dossier_ids).select_related(
            "procedure_version__procedure", "competent_agency", "current_agency", "national_filing"
        )
    }
    wanted = {(m.dossier_id, m.event_seq) for run in runs for m in run if m.event_seq is not None}
    events: dict[tuple[int, int], DossierEvent] = {}
    if wanted:
        seqs = {seq for _d, seq in wanted}
        for event in DossierEvent.objects.filter(dossier_id__in=dossier_ids, seq__in=seqs):
            if (event.dossier_id, event.seq) in wanted:
                events[(event.dossier_id, event.seq)] = event
    return dossiers, events


def _send_run(
    adapter: PortalAdapter, run: list[tuple[OutboxMessage, dict | None, str]]
) -> list[tuple[OutboxMessage, Reply]]:
    """Send a dossier's messages in order; stop at the first that is not delivered."""
    results = []
    for message, body, problem in run:
        if body is None:
            results.append((message, Reply(AttemptOutcome.UNMAPPED, detail=problem)))
            break
        reply = adapter.send(body, idempotency_key=message.idempotency_key)
        results.append((message, reply))
        if not reply.ok:
            break
    return results


_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=settings.DVCQG_WORKER_THREADS, thread_name_prefix="dvcqg")
    return _pool


def deliver_round(
    *, adapter: PortalAdapter | None = None, limit: int | None = None, worker_id: str | None = None
) -> RoundResult:
    """Claim, send and record one round of messages (module docstring)."""
    adapter = adapter or portal()
    worker_id = worker_id or uuid.uuid4().hex
    now = timezone.now()
    runs = _claim(worker_id=worker_id, limit=limit or settings.DVCQG_BATCH, now=now)
    result = RoundResult(claimed=sum(len(r) for r in runs))
    if not runs:
        return result
    dossiers, events = _prepare(runs)
    mappings = Mappings.load()
    prepared: list[list[tuple[OutboxMessage, dict | None, str]]] = []
    for run in runs:
        items = []
        for message in run:
            dossier = dossiers[message.dossier_id]
            event = events.get((message.dossier_id, message.event_seq)) if message.event_seq else None
            try:
                items.append((message, message_body(message, dossier, event, mappings), ""))
            except Unmapped as exc:
                items.append((message, None, str(exc)))
                break
        prepared.append(items)

    sent = list(_executor().map(lambda items: _send_run(adapter, items), prepared))

    finished = timezone.now()
    updates: list[OutboxMessage] = []
    attempts: list[DeliveryAttempt] = []
    touched: set[int] = set()
    max_attempts = settings.DVCQG_MAX_ATTEMPTS
    for results in sent:
        for message, reply in results:
            touched.add(message.id)
            result.outcomes[reply.outcome] += 1
            message.locked_until, message.locked_by = None, ""
            if reply.outcome != AttemptOutcome.UNMAPPED:
                message.attempts += 1
            attempts.append(
                DeliveryAttempt(
                    message=message,
                    at=finished,
                    outcome=reply.outcome,
                    http_status=reply.http_status,
                    detail=reply.detail,
                    duration_ms=reply.duration_ms,
                )
            )
            if reply.ok:
                message.status, message.delivered_at, message.last_error = M.DELIVERED, finished, ""
                result.delivered += 1
            elif reply.outcome in RETRYABLE and message.attempts < max_attempts:
                message.last_error = f"{AttemptOutcome(reply.outcome).label}: {reply.detail}"[:2000]
                message.next_attempt_at = finished + dt.timedelta(seconds=backoff_seconds(message.attempts))
                result.retried += 1
            else:
                if reply.outcome in RETRYABLE:
                    reason = _("Gave up after %(n)d attempts: %(error)s") % {
                        "n": message.attempts,
                        "error": f"{AttemptOutcome(reply.outcome).label}: {reply.detail}",
                    }
                elif reply.outcome == AttemptOutcome.UNMAPPED:
                    reason = reply.detail
                else:
                    reason = _("The portal refused the message: %(detail)s") % {"detail": reply.detail}
                message.status, message.parked_reason = M.PARKED, reason[:2000]
                message.last_error = reason[:2000]
                result.parked += 1
                logger.warning(
                    "DVCQG message %s of dossier %s parked: %s", message.id, message.dossier_id, reason
                )
            updates.append(message)
    # Claimed but not tried (behind a failure in its run): back to the queue as it was.
    unsent = [m.id for run in runs for m in run if m.id not in touched]
    with transaction.atomic():
        OutboxMessage.objects.bulk_update(
            updates,
            [
                "status",
                "attempts",
                "next_attempt_at",
                "locked_until",
                "locked_by",
                "last_error",
                "parked_reason",
                "delivered_at",
            ],
            batch_size=500,
        )
        DeliveryAttempt.objects.bulk_create(attempts, batch_size=500)
        if unsent:
            OutboxMessage.objects.filter(id__in=unsent, locked_by=worker_id).update(
                locked_until=None, locked_by=""
            )
    return result


def waiting_messages():
    """Pending messages that will go without an administrator: not behind a parked one of their dossier."""
    parked = OutboxMessage.objects.filter(status=M.PARKED).values("dossier_id")
    return OutboxMessage.objects.filter(status=M.PENDING).exclude(dossier_id__in=parked)


def run_worker(
    *,
    adapter: PortalAdapter | None = None,
    stop_when_idle: bool = False,
    max_seconds: float | None = None,
    poll_seconds: float | None = None,
    pull_filings_every: float | None = None,
    log=None,
) -> RoundResult:
    """Deliver until stopped (or, with `stop_when_idle`, until nothing is pending); pull the portal's new
    filings every `pull_filings_every` seconds. Returns the totals."""
    from motcua.dvcqg.services import filings_pull

    adapter = adapter or portal()
    worker_id = uuid.uuid4().hex
    poll = float(poll_seconds if poll_seconds is not None else settings.DVCQG_POLL_SECONDS)
    pull_every = float(pull_filings_every if pull_filings_every is not None else settings.DVCQG_PULL_SECONDS)
    started = time.monotonic()
    last_pull = 0.0
    totals = RoundResult()
    while True:
        if not connection.in_atomic_block:  # (a test's transaction holds it open)
            close_old_connections()
        if pull_every and time.monotonic() - last_pull >= pull_every:
            last_pull = time.monotonic()
            try:
                filings_pull(adapter=adapter)
            except Exception:  # the portal being away must not stop the deliveries
                logger.exception("Pulling national filings failed")
        round_ = deliver_round(adapter=adapter, worker_id=worker_id)
        for name in ("claimed", "delivered", "retried", "parked"):
            setattr(totals, name, getattr(totals, name) + getattr(round_, name))
        for outcome, n in round_.outcomes.items():
            totals.outcomes[outcome] += n
        if log and round_.claimed:
            log(round_)
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            return totals
        if not round_.claimed:
            if stop_when_idle and not waiting_messages().exists():
                return totals
            time.sleep(poll)


__all__ = ["deliver_round", "run_worker", "backoff_seconds", "Service"]
