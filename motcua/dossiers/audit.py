"""The hash chain of dossier events: canonical JSON of each event's fields plus the previous hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = ""


def json_native(value: object) -> object:
    """`value` as the JSON database column will give it back (datetimes and decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_digest(
    *,
    dossier_code: str,
    seq: int,
    action: str,
    from_status: str,
    to_status: str,
    actor_id: int | None,
    actor_name: str,
    payload: object,
    created_at: dt.datetime,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of one event chained to the previous one."""
    body = {
        "dossier": dossier_code,
        "seq": seq,
        "action": action,
        "from": from_status,
        "to": to_status,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "payload": payload,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "prev": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def digest_of(event, dossier_code: str) -> str:
    """The digest an event row should carry, recomputed from its stored fields."""
    return event_digest(
        dossier_code=dossier_code,
        seq=event.seq,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        payload=event.payload,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
    )
