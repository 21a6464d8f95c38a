"""The demo's ledger: every public event of the demo year queued for the (simulated) portal, and one
procedure left without a national code so the sync page has a parked message to show.

The demo plays its history with the event hooks off (`dossiers.demo._simulated_clock`), so the outbox
rows are written here, from the events, exactly as the hook would have written them.
"""

from __future__ import annotations

import uuid

from django.db.models import Count

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dvcqg.choices import Source
from motcua.dvcqg.models import OutboxMessage, ProcedureMapping
from motcua.dvcqg.outbox import is_synced, service_for
from motcua.dvcqg.services import mappings_fill_identical, status_mappings_seed


def _unmapped_showcase() -> str | None:
    """The procedure with the fewest demo dossiers (one, if any has one): its dossiers park."""
    counts = (
        Dossier.objects.values("procedure_version__procedure__code")
        .annotate(n=Count("id"))
        .order_by("n", "procedure_version__procedure__code")
    )
    first = counts.first()
    return first["procedure_version__procedure__code"] if first else None


def dvcqg_load_demo() -> dict[str, int]:
    """Queue the demo's public events (once) and map the catalog, but for one showcase procedure."""
    status_mappings_seed()
    if not ProcedureMapping.objects.exists():
        unmapped = _unmapped_showcase()
        mappings_fill_identical(except_procedures={unmapped} if unmapped else set())
    # Events already queued (by the live hook, or an earlier run) are left alone.
    queued = set(
        OutboxMessage.objects.filter(source=Source.EVENT).values_list("dossier_id", "event_seq").iterator()
    )
    rows = []
    events = DossierEvent.objects.order_by("dossier_id", "seq").only(
        "dossier_id", "seq", "action", "from_status", "to_status", "created_at"
    )
    for event in events.iterator(chunk_size=2000):
        if is_synced(event) and (event.dossier_id, event.seq) not in queued:
            rows.append(
                OutboxMessage(
                    dossier_id=event.dossier_id,
                    event_seq=event.seq,
                    action=event.action,
                    service=service_for(event.action, event.seq),
                    idempotency_key=uuid.uuid4().hex,
                    next_attempt_at=event.created_at,
                    created_at=event.created_at,
                )
            )
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    return {"messages": len(rows)}
