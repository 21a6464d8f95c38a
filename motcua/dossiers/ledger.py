"""The audit ledger: hourly checkpoints of the dossiers' event chains (writes and reads), and the checks
`verify_audit` runs on the chains, the rows and the ledger (`motcua.dossiers.audit` explains the design).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.audit import (
    GENESIS,
    checkpoint_body,
    checkpoint_mac,
    digest_of,
    dossier_state,
    key_for,
    merkle_root,
    signing_key,
)
from motcua.dossiers.models import AuditCheckpoint, Dossier, DossierEvent

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _period() -> dt.timedelta:
    return dt.timedelta(minutes=max(1, settings.MOTCUA_AUDIT_PERIOD_MINUTES))


def period_of(moment: dt.datetime) -> dt.datetime:
    """The start of the checkpoint period holding `moment` (periods are aligned on EPOCH, in UTC)."""
    length = _period()
    return EPOCH + ((moment - EPOCH) // length) * length


# --- writes ------------------------------------------------------------------------------------------------


def audit_checkpoints_close(*, until: dt.datetime | None = None) -> list[AuditCheckpoint]:
    """Append a checkpoint for every period with events that ended before `until` (default: now less the
    grace, so a transaction that began in the period has committed) and after the last checkpoint.

    Periods without events get no entry; `verify_audit` reports any event in a closed period that no
    checkpoint covers (an event back-dated into the past). Runs under a lock on the ledger's last entry, so
    two runs at once never write the same period twice (the unique `period_end` would refuse it anyway)."""
    limit = until or timezone.now() - dt.timedelta(minutes=settings.MOTCUA_AUDIT_GRACE_MINUTES)
    limit = period_of(limit)  # only whole periods
    made: list[AuditCheckpoint] = []
    with transaction.atomic():
        last = AuditCheckpoint.objects.select_for_update().order_by("-number").first()
        start = last.period_end if last else None
        events = DossierEvent.objects.filter(created_at__lt=limit)
        if start is not None:
            events = events.filter(created_at__gte=start)
        rows = events.order_by("created_at", "id").values_list("dossier__code", "seq", "hash", "created_at")
        periods: dict[dt.datetime, dict] = {}
        for code, seq, digest, created_at in rows.iterator(chunk_size=2000):
            bucket = periods.setdefault(period_of(created_at), {"heads": {}, "events": 0, "new": 0})
            bucket["events"] += 1
            bucket["new"] += seq == 1
            head = bucket["heads"].get(code)
            if head is None or head[0] < seq:
                bucket["heads"][code] = [seq, digest]
        key_id, _key = signing_key()
        number = last.number if last else 0
        total_events = last.total_events if last else 0
        total_dossiers = last.total_dossiers if last else 0
        prev_mac = last.mac if last else GENESIS
        for begin in sorted(periods):
            bucket = periods[begin]
            number += 1
            total_events += bucket["events"]
            total_dossiers += bucket["new"]
            checkpoint = AuditCheckpoint(
                number=number,
                period_start=begin,
                period_end=begin + _period(),
                events=bucket["events"],
                dossiers=len(bucket["heads"]),
                total_events=total_events,
                total_dossiers=total_dossiers,
                root=merkle_root(bucket["heads"]),
                heads=bucket["heads"],
                prev_mac=prev_mac,
                key_id=key_id,
            )
            checkpoint.mac = checkpoint_mac(checkpoint)
            checkpoint.save(force_insert=True)
            prev_mac = checkpoint.mac
            made.append(checkpoint)
    return made


# --- reads -------------------------------------------------------------------------------------------------


def public_ledger() -> QuerySet[AuditCheckpoint]:
    """The ledger as the public page shows it, newest first (the private `heads` left out)."""
    return AuditCheckpoint.objects.defer("heads").order_by("-number")


def public_entry(checkpoint: AuditCheckpoint) -> dict:
    """One entry of the downloadable copy: the fields its MAC covers, and the MAC."""
    return {**checkpoint_body(checkpoint), "mac": checkpoint.mac}


# --- verification -------------------------------------------------------------------------------------------


def _differences(recorded: dict, row: dict) -> list[str]:
    return [name for name in row if recorded.get(name) != row[name]]


def chain_problem(dossier: Dossier, events: list[DossierEvent]) -> str | None:
    """The first break in `dossier`'s chain (events in seq order) or between its last event and its row, or
    None when intact: a missing, altered, reordered or unkeyed event, a status history that does not follow
    on, a dossier row whose audited columns are not those its last event recorded."""
    prev_hash = GENESIS
    prev_status = ""
    last_id = 0
    for expected_seq, event in enumerate(events, start=1):
        where = f"event id={event.pk} seq={event.seq}"
        if event.seq != expected_seq:
            return f"missing event seq={expected_seq} (next is {where})"
        if event.prev_hash != prev_hash or event.pk < last_id:
            return (
                f"{where} is out of place: the chain breaks here (reordered, or an earlier event was altered)"
            )
        if not event.key_id:
            return f"{where} is not keyed (written without the audit key)"
        if key_for(event.key_id) is None:
            return f"{where} is keyed with an unknown audit key {event.key_id!r}"
        if digest_of(event, dossier.code) != event.hash:
            return f"{where} was altered (hash mismatch)"
        if event.from_status != prev_status:
            return f"{where} starts from {event.from_status!r}, but the event before left {prev_status!r}"
        state = event.state or {}
        if state.get("status") != event.to_status or state.get("version") != event.seq:
            return f"{where} records a state that is not its own (status or version)"
        prev_hash, prev_status, last_id = event.hash, event.to_status, event.pk
    if len(events) != dossier.version:
        return f"missing event seq={len(events) + 1} (the dossier is at version {dossier.version})"
    if prev_hash != dossier.last_event_hash:
        return "the last event does not match the dossier's recorded chain head"
    if events:
        changed = _differences(events[-1].state, dossier_state(dossier))
        if changed:
            return (
                f"the dossier row was edited: {', '.join(changed)} differ from what its last event recorded"
            )
    return None


@dataclass
class LedgerReport:
    """What the ledger check found: one line per problem."""

    problems: list[str] = field(default_factory=list)
    checkpoints: int = 0


def verify_ledger(
    observed: dict[dt.datetime, dict[str, list]],
    event_counts: dict[dt.datetime, int],
    *,
    copy: list[dict] | None = None,
) -> LedgerReport:
    """Compare the ledger with what the events hold now.

    `observed` maps a period's start to the chain heads {code: [seq, digest]} the events of that period give
    today, `event_counts` to their number. Each checkpoint must be keyed, chained and numbered in order, its
    root must be that of its heads, and its heads and counts those the events give; a period before the last
    checkpoint's end with events must have a checkpoint. `copy`: a public copy of the ledger (the JSON of
    the ledger page) that the database's entries must still match, entry for entry."""
    report = LedgerReport()
    prev_mac = GENESIS
    total_events = 0
    covered: set[dt.datetime] = set()
    last_end = None
    for expected, checkpoint in enumerate(AuditCheckpoint.objects.order_by("number"), start=1):
        report.checkpoints += 1
        where = f"checkpoint #{checkpoint.number} ({checkpoint.period_start:%Y-%m-%d %H:%M} UTC)"
        problems = report.problems
        if checkpoint.number != expected:
            problems.append(
                f"checkpoint #{expected} is missing from the ledger (next is #{checkpoint.number})"
            )
        if key_for(checkpoint.key_id) is None:
            problems.append(f"{where} is keyed with an unknown audit key {checkpoint.key_id!r}")
        elif checkpoint_mac(checkpoint) != checkpoint.mac:
            problems.append(f"{where} was altered (MAC mismatch)")
        if checkpoint.prev_mac != prev_mac:
            problems.append(f"{where} does not follow the checkpoint before it (ledger rewritten)")
        if merkle_root(checkpoint.heads) != checkpoint.root:
            problems.append(f"{where}: its recorded chain heads do not give its root")
        begin = checkpoint.period_start
        covered.add(begin)
        now_heads = observed.get(begin, {})
        for code in sorted(set(checkpoint.heads) - set(now_heads)):
            problems.append(
                f"{where}: dossier {code} it recorded has no event in the period any more (deleted)"
            )
        for code in sorted(set(now_heads) - set(checkpoint.heads)):
            problems.append(
                f"{where}: dossier {code} has events in the period that the checkpoint did not record"
            )
        for code in sorted(set(now_heads) & set(checkpoint.heads)):
            if list(now_heads[code]) != list(checkpoint.heads[code]):
                seq = checkpoint.heads[code][0]
                problems.append(
                    f"{where}: dossier {code} no longer has the chain head it recorded "
                    f"(seq={seq}; the chain was cut or rewritten)"
                )
        total_events += event_counts.get(begin, 0)
        if event_counts.get(begin, 0) != checkpoint.events or total_events != checkpoint.total_events:
            problems.append(
                f"{where} counted {checkpoint.events} events ({checkpoint.total_events} in all); "
                f"the log holds {event_counts.get(begin, 0)} ({total_events} in all)"
            )
        prev_mac = checkpoint.mac
        last_end = checkpoint.period_end
    if last_end is not None:
        # Past the last checkpoint, a period must be sealed once audit_checkpoint has had time to run: a
        # ledger whose newest entries were deleted, or a stopped cron job, are both reported.
        overdue = timezone.now() - _period() - dt.timedelta(minutes=settings.MOTCUA_AUDIT_GRACE_MINUTES + 5)
        for begin in sorted(observed):
            if begin in covered:
                continue
            if begin < last_end:
                report.problems.append(
                    f"events dated {begin:%Y-%m-%d %H:%M} UTC fall in a closed period that no checkpoint covers "
                    f"(back-dated, or the checkpoint was deleted)"
                )
            elif begin + _period() < overdue:
                report.problems.append(
                    f"events dated {begin:%Y-%m-%d %H:%M} UTC are not sealed in the ledger although the period "
                    f"closed long ago (its checkpoint was deleted, or audit_checkpoint does not run)"
                )
    if copy is not None:
        mine = {c.number: public_entry(c) for c in AuditCheckpoint.objects.defer("heads")}
        for entry in copy:
            number = entry.get("number")
            if number not in mine:
                report.problems.append(f"checkpoint #{number} of the public copy is missing from the ledger")
            elif mine[number] != entry:
                report.problems.append(
                    f"checkpoint #{number} differs from the public copy (ledger rewritten)"
                )
    return report


def observed_heads(events: list[DossierEvent], code: str, observed: dict, counts: dict) -> None:
    """Add one dossier's events to the per-period heads and counts `verify_ledger` compares."""
    per_period: dict[dt.datetime, list] = {}
    for event in events:
        begin = period_of(event.created_at)
        counts[begin] = counts.get(begin, 0) + 1
        head = per_period.get(begin)
        if head is None or head[0] < event.seq:
            per_period[begin] = [event.seq, event.hash]
    for begin, head in per_period.items():
        observed.setdefault(begin, {})[code] = head


def new_observations() -> tuple[dict, dict]:
    return defaultdict(dict), {}
