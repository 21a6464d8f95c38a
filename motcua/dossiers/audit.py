"""The tamper-evident audit of dossiers (docs/design.md §4 Audit; issue 10, item 2).

Three layers, each catching what the one before cannot:

1. **Keyed chain.** Each event's digest is an HMAC-SHA256, under a key kept outside the database
   (`AUDIT_KEY_FILE`), of the canonical JSON of its fields, the previous event's digest and `state`: the
   dossier row's audited columns as the event left them. Someone with write access to the database but not
   the key cannot recompute a digest after editing an event, nor make an edited dossier row (a moved due
   moment, a changed status) agree with its last event.
2. **Replay.** `verify_audit` walks each dossier's events: numbers without gaps, each from-status the
   previous to-status, each state's status and version the event's, and the last state equal to the row.
3. **Ledger.** Every hour `audit_checkpoint` appends a checkpoint to an append-only ledger: the chain head
   (last number and digest) of every dossier that changed in the hour, summed up in a Merkle root, and the
   running counts of events and dossiers, each checkpoint keyed and chained to the one before. The public
   page `/kiem-toan/so-cai/` publishes the roots and counts for anyone to copy; `verify_audit --ledger
   copy.json` compares a copy with the database. A deleted dossier or a chain cut back to an earlier event
   no longer matches the checkpoints that recorded it, even for someone who holds the key.

Keys: `AUDIT_KEY_FILE` names a file of lines `<key id> <secret>`; the first line signs, every line verifies.
To rotate, put a new line first and keep the old ones (each event records the id of its key). Without the
file (development and tests) a key derived from SECRET_KEY, id "dev", is used; the deploy check refuses that
in production.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = ""
DEV_KEY_ID = "dev"

# The dossier columns an event vouches for: what the statistics, the forms, the tracking page and the
# permission checks read. Columns that are only caches of the chain itself (last_event_hash), bookkeeping
# (updated_at) or set once before the first event (code, idempotency_key) are left out.
AUDITED_FIELDS = (
    "status",
    "version",
    "channel",
    "procedure_version_id",
    "receiving_desk_id",
    "receiving_agency_id",
    "competent_agency_id",
    "current_agency_id",
    "current_step_position",
    "current_step_due_at",
    "applicant_user_id",
    "applicant_name",
    "applicant_identifier",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "authorised_person",
    "submitted_at",
    "received_at",
    "clock_started_at",
    "budget_minutes",
    "paused_at",
    "paused_minutes",
    "status_before_pause",
    "due_at",
    "appointment_at",
    "apology_issued",
    "extension_minutes",
    "extended_due_at",
    "proposed_at",
    "decision_issued_at",
    "result_ready_at",
    "returned_at",
    "return_method",
    "result_code",
    "closed_at",
    "closing_reason",
    "fees_amount",
)


def json_native(value: object) -> object:
    """`value` as the JSON database column will give it back (datetimes and decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _canonical_moment(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def dossier_state(dossier: object) -> dict:
    """The audited columns of `dossier` (a model instance or a mapping of the same names), JSON-native and
    time-zone independent, so the state an event recorded compares equal to the row read back later."""
    read = dossier.get if isinstance(dossier, Mapping) else lambda name: getattr(dossier, name)
    state = {}
    for name in AUDITED_FIELDS:
        value = read(name)
        if name == "fees_amount" and value is not None:
            value = str(int(value))
        state[name] = _canonical_moment(value)
    return json_native(state)


# --- keys -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _keys_from(path: str | None, secret_key: str) -> tuple[tuple[str, bytes], ...]:
    if not path:
        derived = hashlib.sha256(f"motcua.audit:{secret_key}".encode()).digest()
        return ((DEV_KEY_ID, derived),)
    keys = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _sep, secret = line.partition(" ")
        if not secret.strip() or len(key_id) > 16:
            raise ImproperlyConfigured(f"AUDIT_KEY_FILE: each line is '<key id (≤16)> <secret>': {key_id!r}")
        keys.append((key_id, secret.strip().encode()))
    if not keys:
        raise ImproperlyConfigured("AUDIT_KEY_FILE holds no key.")
    return tuple(keys)


def audit_keys() -> tuple[tuple[str, bytes], ...]:
    """(key id, secret) pairs, the signing key first."""
    return _keys_from(settings.AUDIT_KEY_FILE or None, settings.SECRET_KEY)


def signing_key() -> tuple[str, bytes]:
    return audit_keys()[0]


def key_for(key_id: str) -> bytes | None:
    return dict(audit_keys()).get(key_id)


def _mac(key: bytes, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


# --- events ---------------------------------------------------------------------------------------------


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
    state: object = None,
    key_id: str | None = None,
) -> str:
    """HMAC-SHA256 (hex) of one event chained to the previous one, under the key `key_id` (default: the
    signing key). An unknown key id gives "" (never equal to a stored digest)."""
    if key_id is None:
        key_id, key = signing_key()
    else:
        key = key_for(key_id)
        if key is None:
            return ""
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
        "state": state,
        "key": key_id,
    }
    return _mac(key, body)


def digest_of(event, dossier_code: str) -> str:
    """The digest an event row should carry, recomputed from its stored fields and its own key."""
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
        state=event.state,
        key_id=event.key_id,
    )


# --- the checkpoint ledger --------------------------------------------------------------------------------


def leaf_hash(code: str, seq: int, head: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{code}|{seq}|{head}".encode()).digest()


def merkle_root(heads: Mapping[str, Iterable]) -> str:
    """The Merkle root (hex) over the chain heads {code: (seq, digest)}, leaves in code order; an odd node
    is carried up unpaired. Leaves and nodes are domain-separated (0x00 / 0x01) against second preimages."""
    level = [leaf_hash(code, *heads[code]) for code in sorted(heads)]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def checkpoint_body(checkpoint) -> dict:
    """What a checkpoint's MAC covers; also the entry of the public ledger."""
    return {
        "number": checkpoint.number,
        "period_start": checkpoint.period_start.astimezone(dt.UTC).isoformat(),
        "period_end": checkpoint.period_end.astimezone(dt.UTC).isoformat(),
        "events": checkpoint.events,
        "dossiers": checkpoint.dossiers,
        "total_events": checkpoint.total_events,
        "total_dossiers": checkpoint.total_dossiers,
        "root": checkpoint.root,
        "prev_mac": checkpoint.prev_mac,
        "key_id": checkpoint.key_id,
    }


def checkpoint_mac(checkpoint) -> str:
    key = key_for(checkpoint.key_id)
    return _mac(key, checkpoint_body(checkpoint)) if key is not None else ""
