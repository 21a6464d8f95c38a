"""Writes on dossiers: the one workflow service (docs/design.md §4).

Every change goes through `dossier_submit`, `dossier_receive` or `dossier_act`. Each runs in one
transaction, locks the dossier row, checks the caller's version, the actor's scope and roles and
the transition table (`workflow.guard`), applies the change with a version-checked UPDATE, appends
one hash-chained event and recomputes the stored due moments. Side effects run after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.choices import SupplementPolicy
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unprocessable
from motcua.core.text import nfc
from motcua.core.uploads import CheckedUpload
from motcua.dossiers import deadlines, routing
from motcua.dossiers.audit import dossier_state, event_digest, json_native, signing_key
from motcua.dossiers.choices import (
    Channel,
    DossierAction,
    DossierStatus,
    LateApologyPolicy,
    ReturnMethod,
    StepKind,
)
from motcua.dossiers.codes import allocate_code
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, HandOver, ResultFile
from motcua.dossiers.participants import participants_sync, participating_agency_ids
from motcua.dossiers.search import search_key
from motcua.dossiers.workflow import NEW, TRANSITIONS, UNDECIDED, Facts, Side, guard
from motcua.org import second_factor
from motcua.org.choices import Role
from motcua.org.models import Agency, Desk, User
from motcua.org.selectors import (
    account_by_verified_identifier,
    oversees_province,
    user_by_identifier,
    user_roles,
)
from motcua.workdays.selectors import (
    add_working_time,
    calendar_for_write,
    get_calendar,
    next_working_moment,
    working_minutes_between,
)

A = DossierAction
S = DossierStatus

# Called inside the action's transaction with each new event (its `dossier` attached): notifications plug
# in here (issue 3, item 8) and decide themselves what must wait for the commit.
EVENT_HOOKS: list[Callable[[DossierEvent], None]] = []

# Actions that approve, sign or return a result: officials whose role needs a second factor enter it first.
SECOND_FACTOR_ACTIONS = frozenset(
    {A.APPROVE, A.MARK_RESULT_READY, A.ATTACH_RESULT, A.RETURN_RESULT, A.STOP, A.APOLOGISE_EXTEND}
)

# Fields the workflow never rewrites once the row exists.
_IMMUTABLE = {"id", "code", "created_at", "idempotency_key", "procedure_version"}


@dataclass(frozen=True)
class ApplicantData:
    """Who files the dossier (Form 01)."""

    name: str
    identifier: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    authorised_person: str = ""


# --- helpers ------------------------------------------------------------------------------------------


def actor_name(user: User) -> str:
    return user.full_name or user.get_username()


def _roles_in(memberships: set[tuple[str, int | None]], agency_ids: set[int | None]) -> set[str]:
    return {role for role, agency_id in memberships if agency_id is not None and agency_id in agency_ids}


def _workday_minutes() -> int:
    return settings.MOTCUA_WORKDAY_HOURS * 60


def _minutes_of_days(days: Decimal) -> int:
    return int((Decimal(days) * _workday_minutes()).to_integral_value())


def _scoped_key(actor: User, key: str | None) -> str | None:
    return f"{actor.pk}:{key}" if key else None


def _applicant_user_id(applicant: ApplicantData) -> int | None:
    """The account of the applicant: the one whose *verified* identifier (personal identifier or tax
    code, vouched for by the identity provider) is the applicant's. Never one typed on a profile: that
    would hand the dossier to whoever typed someone else's number (issue 10, item 1)."""
    account = account_by_verified_identifier(applicant.identifier)
    return account.pk if account is not None else None


def _check_applicant(applicant: ApplicantData) -> ApplicantData:
    name = nfc(applicant.name.strip())
    if not name:
        raise InvalidInput(_("The applicant's name is required."), code="applicant_required")
    return ApplicantData(
        name=name,
        identifier=applicant.identifier.strip(),
        phone=applicant.phone.strip(),
        email=applicant.email.strip(),
        address=nfc(applicant.address.strip()),
        authorised_person=nfc(applicant.authorised_person.strip()),
    )


def _step_agency(step, *, receiving_agency: Agency, competent_agency: Agency) -> Agency:
    """A step without an agency belongs to the competent agency, except the reception step, which
    belongs to whichever desk received the dossier (any desk may receive, docs/design.md §4)."""
    if step.agency_id:
        return step.agency
    if step.role == Role.RECEIVING_OFFICER:
        return receiving_agency
    return competent_agency


def event_row(
    *,
    dossier_id: int | None,
    dossier_code: str,
    seq: int,
    action: str,
    from_status: str,
    to_status: str,
    actor: User | None,
    actor_name_as_was: str,
    payload: dict,
    at: dt.datetime,
    prev_hash: str,
    state: dict,
) -> DossierEvent:
    """The (unsaved) event `seq` of a dossier, chained to `prev_hash`, under the signing key: the one place
    an event's digest is computed. `_chain_event` (every workflow action) and `events_append_bulk` (the
    calendar recompute) both build their rows here. `payload` must already be JSON-native (`json_native`),
    `state` the dossier's audited columns as the event leaves them (`audit.dossier_state`)."""
    key_id, _key = signing_key()
    digest = event_digest(
        dossier_code=dossier_code,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor_name_as_was,
        payload=payload,
        created_at=at,
        prev_hash=prev_hash,
        state=state,
        key_id=key_id,
    )
    return DossierEvent(
        dossier_id=dossier_id,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_name=actor_name_as_was,
        payload=payload,
        created_at=at,
        prev_hash=prev_hash,
        hash=digest,
        key_id=key_id,
        state=state,
    )


def _chain_event(
    dossier: Dossier, *, action: str, from_status: str, actor: User, payload: dict, at: dt.datetime
) -> DossierEvent:
    """The (unsaved) event numbered `dossier.version`, chained to `dossier.last_event_hash`; sets the
    dossier's `last_event_hash` to its digest. No database work: the digest needs only the code, so
    a new dossier's row can be inserted already carrying it (one UPDATE fewer per reception).

    The event records `dossier`'s audited columns as they are now (`audit.dossier_state`): call it once the
    instance holds the state the row is about to be written with, or verify_audit reports the row as edited."""
    event = event_row(
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        seq=dossier.version,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor,
        actor_name_as_was=actor_name(actor),
        payload=json_native(payload),
        at=at,
        prev_hash=dossier.last_event_hash,
        state=dossier_state(dossier),
    )
    event.dossier = dossier
    dossier.last_event_hash = event.hash
    return event


# Called inside the transaction with the list of events written by `events_append_bulk` (a calendar
# change moves thousands of dossiers at once): the per-event hooks are not called for them, so a consumer
# (notifications, the national portal's outbox) handles the batch in a few statements.
EVENT_BATCH_HOOKS: list[Callable[[list[DossierEvent]], None]] = []


def events_append_bulk(events: list[DossierEvent], *, batch_size: int = 5000) -> None:
    """Insert events built by `event_row` for many dossiers in a few statements and hand them to the
    batch hooks. The caller has locked and version-checked the dossiers and stores their new
    `version` (= the event's seq) and `last_event_hash` (= its hash) in the same transaction."""
    DossierEvent.objects.bulk_create(events, batch_size=batch_size)
    for hook in EVENT_BATCH_HOOKS:
        hook(events)


def _save_event(event: DossierEvent) -> None:
    """Insert a chained event (the dossier row exists) and hand it to the hooks."""
    event.dossier = event.dossier  # takes a new dossier's id; setting dossier_id would drop the instance
    event.save(force_insert=True)
    for hook in EVENT_HOOKS:
        hook(event)


def _append_event(
    dossier: Dossier, *, action: str, from_status: str, actor: User, payload: dict, at: dt.datetime
) -> DossierEvent:
    """Append the event numbered `dossier.version`, chained to `dossier.last_event_hash`, recording the
    instance's audited columns (set them, and the new version, first; then write the row)."""
    event = _chain_event(dossier, action=action, from_status=from_status, actor=actor, payload=payload, at=at)
    _save_event(event)
    return event


@dataclass(frozen=True)
class DueMoments:
    """A dossier's stored due moments: the legal one, the extended one (Form 04), the appointment."""

    due_at: dt.datetime | None
    extended_due_at: dt.datetime | None
    appointment_at: dt.datetime | None


def due_moments(
    calendar,
    *,
    clock_started_at: dt.datetime,
    budget_minutes: int,
    paused_minutes: int,
    apology_issued: bool,
    extension_minutes: int,
    extended_due_at: dt.datetime | None = None,
) -> DueMoments:
    """due_at = clock start + (limit + paused) working minutes in `calendar`; the appointment adds the
    extension once Form 04 is issued. The one formula behind every stored due moment of a dossier: the
    workflow applies it on each change, the calendar recompute (`recalendar`) on each calendar change."""
    total = budget_minutes + paused_minutes
    due = calendar.add_working_time(clock_started_at, total)
    if apology_issued:
        extended_due_at = calendar.add_working_time(clock_started_at, total + extension_minutes)
        return DueMoments(due, extended_due_at, extended_due_at)
    return DueMoments(due, extended_due_at, due)


def _recompute_due(dossier: Dossier) -> None:
    """due_at = clock start + (limit + paused) working minutes; the appointment adds the extension."""
    if dossier.clock_started_at is None:
        return
    moments = due_moments(
        get_calendar(),
        clock_started_at=dossier.clock_started_at,
        budget_minutes=dossier.budget_minutes,
        paused_minutes=dossier.paused_minutes,
        apology_issued=dossier.apology_issued,
        extension_minutes=dossier.extension_minutes,
        extended_due_at=dossier.extended_due_at,
    )
    dossier.due_at = moments.due_at
    dossier.extended_due_at = moments.extended_due_at
    dossier.appointment_at = moments.appointment_at


def _start_processing(dossier: Dossier, *, at: dt.datetime) -> list[DossierStep]:
    """Start the clock and lay out the internal process: planned due moments from the shares, the
    first step started now."""
    version = dossier.procedure_version
    dossier.received_at = at
    dossier.clock_started_at = at
    dossier.budget_minutes = int((Decimal(version.time_limit_hours) * 60).to_integral_value())
    _recompute_due(dossier)

    process = _process_steps(version)
    rows: list[DossierStep] = []
    if process:
        elapsed = 0
        for step in process:
            share = _minutes_of_days(step.duration_days)
            elapsed += share
            rows.append(
                DossierStep(
                    dossier=dossier,
                    position=step.position,
                    name=step.name,
                    role=step.role,
                    agency=_step_agency(
                        step,
                        receiving_agency=dossier.receiving_agency,
                        competent_agency=dossier.competent_agency,
                    ),
                    share_minutes=share,
                    planned_due_at=add_working_time(at, elapsed),
                )
            )
    else:
        # A procedure published without an internal process: reception, then the competent agency.
        reception = min(120, dossier.budget_minutes // 4)
        rows = [
            DossierStep(
                dossier=dossier,
                position=1,
                name=_("Reception"),
                role=Role.RECEIVING_OFFICER,
                agency=dossier.receiving_agency,
                share_minutes=reception,
                planned_due_at=add_working_time(at, reception),
            ),
            DossierStep(
                dossier=dossier,
                position=2,
                name=_("Processing"),
                role=Role.SPECIALIST,
                agency=dossier.competent_agency,
                share_minutes=dossier.budget_minutes - reception,
                planned_due_at=dossier.due_at,
            ),
        ]
    first = rows[0]
    first.started_at = at
    first.due_at = add_working_time(at, first.share_minutes)
    dossier.current_step_position = first.position
    dossier.current_agency = first.agency
    dossier.current_step_due_at = first.due_at
    return rows


def _process_steps(version: ProcedureVersion) -> list:
    """The version's internal process in order; from the caller's `prefetch_related("steps")` when it
    made one (the intake API does, before the transaction), else one query."""
    if "steps" in getattr(version, "_prefetched_objects_cache", {}):
        return sorted(version.steps.all(), key=lambda step: step.position)
    return list(version.steps.select_related("agency").order_by("position"))


def _save_new_steps(rows: list[DossierStep], dossier: Dossier) -> None:
    for row in rows:
        row.dossier = dossier
    DossierStep.objects.bulk_create(rows)


def _request_digest(**request) -> str:
    """SHA-256 of what a creating request asked for, in canonical JSON: an idempotency key is bound to it."""
    canonical = json.dumps(json_native(request), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_reused() -> Unprocessable:
    return Unprocessable(
        _(
            "This Idempotency-Key was already used for a different request. Send the same request again to "
            "get its dossier, or use a new key for a new dossier."
        ),
        code="idempotency_key_reused",
    )


def _create(
    *,
    actor: User,
    key: str | None,
    dossier: Dossier,
    steps: list[DossierStep],
    action: str,
    payload: dict,
    request: dict | None = None,
) -> Dossier:
    """Store a new dossier once per idempotency key: a retried request gets the first dossier back.

    The write path is kept lean (it is benchmarked, bench/bench_intake.py): every read and all the
    working-time arithmetic happen before. The code comes first, from the daily-sequence upsert in a
    statement of its own: the counter row is locked for that statement only, not for the whole
    reception, so receptions at one desk do not queue behind each other (outside a caller's transaction;
    inside one, it commits with it). A reception that then fails leaves a gap in the day's numbers,
    which the law allows (codes are unique, not dense). The transaction is then four INSERTs — the
    dossier already carrying its first event's digest, its steps in one statement, its participants,
    the event — and the notification's outbox row when the task queue lives in the database.
    A retry is rare, so the key is not looked up first: the unique constraint on `idempotency_key`
    rejects the second INSERT and the first dossier is returned. The returned instance's `created`
    tells which case it was. The key is bound to `request` (what the caller asked for): its digest is kept
    in the first event, and the same key with another request is refused (422 idempotency_key_reused)
    instead of silently answering with a dossier the caller did not ask for.
    """
    if key and request is not None:
        payload = {**payload, "request_digest": _request_digest(**request)}
    dossier.code = allocate_code(
        agency=dossier.receiving_agency, moment=dossier.received_at or dossier.submitted_at
    )
    dossier.idempotency_key = scoped = _scoped_key(actor, key)
    dossier.search_text = search_key(
        code=dossier.code,
        name=dossier.applicant_name,
        identifier=dossier.applicant_identifier,
        phone=dossier.applicant_phone,
        authorised_person=dossier.authorised_person,
    )
    event = _chain_event(
        dossier, action=action, from_status=NEW, actor=actor, payload=payload, at=timezone.now()
    )
    try:
        with transaction.atomic():
            dossier.save(force_insert=True)
            _save_new_steps(steps, dossier)
            participants_sync(dossier, steps)
            _save_event(event)
    except IntegrityError:
        # Only a concurrent or repeated request with the same key can collide here (codes come from the upsert).
        if scoped and (existing := Dossier.objects.filter(idempotency_key=scoped).first()):
            first = existing.events.filter(seq=1).values_list("payload", flat=True).first() or {}
            recorded = first.get("request_digest")
            if recorded is not None and recorded != payload.get("request_digest"):
                raise _key_reused() from None
            existing.created = False
            return existing
        raise
    dossier.created = True
    return dossier


# --- creation -------------------------------------------------------------------------------------------


def dossier_receive(
    *,
    actor: User,
    desk: Desk,
    procedure_version: ProcedureVersion,
    applicant: ApplicantData,
    channel: str = Channel.DESK,
    competent_agency: Agency | None = None,
    fees_amount: Decimal = Decimal(0),
    fees_note: str = "",
    idempotency_key: str | None = None,
    received_at: dt.datetime | None = None,
    documents_received: list[int] | None = None,
    sets: int = 1,
) -> Dossier:
    """A receiving officer receives a dossier at `desk` (Form 01): a new code, the receipt moment,
    the legal due moment and appointment, and the internal process laid out with per-step due moments.

    `documents_received` are the positions, in the procedure version's list, of the documents the officer
    checked as handed in (None: not recorded); `sets` how many sets. Form 01 lists them.

    The competent agency is the procedure's, or (for commune procedures, which name none) the
    desk's agency unless given. `idempotency_key` makes a retried request return the same dossier.
    """
    applicant = _check_applicant(applicant)
    guard(NEW, A.RECEIVE, _roles_in(user_roles(actor), {desk.agency_id}))
    competent = _deciding(procedure_version, competent_agency, desk.agency)
    if fees_amount < 0:
        raise InvalidInput(_("Fees cannot be negative."), code="invalid_fees")
    if not 1 <= sets <= 20:
        raise InvalidInput(_("The number of sets must be between 1 and 20."), code="invalid_sets")
    if documents_received is not None:
        positions = set(procedure_version.documents.values_list("position", flat=True))
        if not set(documents_received) <= positions:
            raise InvalidInput(
                _("A received document is not on the procedure's list."), code="invalid_documents"
            )
        documents_received = sorted(set(documents_received))
    applicant_user_id = _applicant_user_id(applicant)
    at = received_at or timezone.now()
    dossier = Dossier(
        procedure_version=procedure_version,
        status=S.RECEIVED,
        channel=channel,
        receiving_desk=desk,
        receiving_agency=desk.agency,
        competent_agency=competent,
        applicant_user_id=applicant_user_id,
        **_applicant_fields(applicant),
        fees_amount=fees_amount,
        fees_note=fees_note,
    )
    steps = _start_processing(dossier, at=at)
    payload = {
        "channel": channel,
        "desk": desk.pk,
        "procedure": procedure_version.procedure.code,
        "procedure_version": procedure_version.number,
        "received_at": at,
        "due_at": dossier.due_at,
        "fees_amount": fees_amount,
        "sets": sets,
    }
    if documents_received is not None:
        payload["documents_received"] = documents_received
    request = {
        "action": A.RECEIVE,
        "desk": desk.pk,
        "procedure_version": procedure_version.pk,
        "applicant": _applicant_fields(applicant),
        "channel": channel,
        "competent_agency": competent.pk,
        "fees_amount": fees_amount,
        "fees_note": fees_note,
        "received_at": received_at,
        "documents_received": documents_received,
        "sets": sets,
    }
    return _create(
        actor=actor,
        key=idempotency_key,
        dossier=dossier,
        steps=steps,
        action=A.RECEIVE,
        payload=payload,
        request=request,
    )


def dossier_submit(
    *,
    actor: User,
    procedure_version: ProcedureVersion,
    applicant: ApplicantData,
    channel: str = Channel.ONLINE,
    competent_agency: Agency | None = None,
    receiving_agency: Agency | None = None,
    idempotency_key: str | None = None,
) -> Dossier:
    """A citizen files a dossier online (or an officer records one that came by post): it gets its
    code now and waits for the desk's check (`receive`, `request_completion` or `refuse`).

    Commune procedures name no competent agency: the caller must then give the commune's People's
    Committee (`routing.deciding_agencies`). Without `receiving_agency` the dossier goes to the desk that
    serves the procedure (`routing.filing_desk_agency`); InvalidInput `no_receiving_desk` when no desk
    with a receiving officer would receive it, so no dossier waits where no one can see it.
    """
    applicant = _check_applicant(applicant)
    competent = routing.check_deciding_agency(procedure_version, competent_agency)
    receiving = receiving_agency or routing.filing_desk_agency(competent)
    if receiving_agency is not None and not routing.can_receive(receiving_agency):
        raise routing.no_receiving_desk()
    memberships = user_roles(actor)
    roles = _roles_in(memberships, {receiving.pk})
    on_own_behalf = not roles
    if on_own_behalf:
        roles = {Role.CITIZEN}
    guard(NEW, A.SUBMIT, roles)
    applicant_user_id = actor.pk if on_own_behalf else _applicant_user_id(applicant)
    dossier = Dossier(
        procedure_version=procedure_version,
        status=S.SUBMITTED,
        channel=channel,
        receiving_agency=receiving,
        competent_agency=competent,
        applicant_user_id=applicant_user_id,
        submitted_at=timezone.now(),
        **_applicant_fields(applicant),
    )
    payload = {
        "channel": channel,
        "procedure": procedure_version.procedure.code,
        "procedure_version": procedure_version.number,
    }
    request = {
        "action": A.SUBMIT,
        "procedure_version": procedure_version.pk,
        "applicant": _applicant_fields(applicant),
        "channel": channel,
        "competent_agency": competent.pk,
        "receiving_agency": receiving.pk,
    }
    return _create(
        actor=actor,
        key=idempotency_key,
        dossier=dossier,
        steps=[],
        action=A.SUBMIT,
        payload=payload,
        request=request,
    )


def _deciding(version: ProcedureVersion, given: Agency | None, desk_agency: Agency) -> Agency:
    """The deciding agency of a dossier received at a desk of `desk_agency`: the one given, else the
    procedure's, else the desk's own agency when it may decide (a commune receiving its own procedure).
    A commune procedure received at the province centre must name its commune."""
    own_commune = given is None and version.competent_agency_id is None
    if own_commune and routing.deciding_agencies(version).filter(pk=desk_agency.pk).exists():
        return desk_agency
    return routing.check_deciding_agency(version, given)


def _applicant_fields(applicant: ApplicantData) -> dict:
    return {
        "applicant_name": applicant.name,
        "applicant_identifier": applicant.identifier,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "applicant_address": applicant.address,
        "authorised_person": applicant.authorised_person,
    }


# --- the workflow ---------------------------------------------------------------------------------------


@dataclass
class _Context:
    dossier: Dossier
    steps: list[DossierStep]
    actor: User
    memberships: set[tuple[str, int | None]]
    from_status: str
    now: dt.datetime
    payload: dict

    @property
    def process_steps(self) -> list[DossierStep]:
        return [s for s in self.steps if s.kind == StepKind.PROCESS]

    @property
    def open_consultations(self) -> list[DossierStep]:
        return [s for s in self.steps if s.kind == StepKind.CONSULTATION and s.finished_at is None]

    def step_at(self, position: int | None) -> DossierStep | None:
        return next((s for s in self.process_steps if s.position == position), None)

    @property
    def current(self) -> DossierStep | None:
        return self.step_at(self.dossier.current_step_position)


_DECIDING_ROLES = (Role.CHAIRMAN, Role.LEADER)


def deciding_step(steps: list[DossierStep]) -> DossierStep | None:
    """The step whose approval is the decision: the process's last Chairman step, else its last leader
    step, else its last step that is not the desk's (None for a process of desk steps only)."""
    process = sorted((s for s in steps if s.kind == StepKind.PROCESS), key=lambda s: s.position)
    for role in _DECIDING_ROLES:
        if found := [s for s in process if s.role == role]:
            return found[-1]
    others = [s for s in process if s.role != Role.RECEIVING_OFFICER]
    return others[-1] if others else None


def dossier_facts(dossier: Dossier, steps: list[DossierStep], now: dt.datetime | None = None) -> Facts:
    """What `workflow.guard` needs to know beyond the status, at `now` (default: the present)."""
    positions = sorted(s.position for s in steps if s.kind == StepKind.PROCESS)
    current = dossier.current_step_position
    apology_deadline_passed = None
    if (
        dossier.status in UNDECIDED
        and not dossier.apology_issued
        and deadlines.late_apology_policy() == LateApologyPolicy.REFUSE
        and deadlines.apology_is_late(dossier, now or timezone.now())
    ):
        apology_deadline_passed = deadlines.apology_deadline(dossier)
    deciding = deciding_step(steps)
    current_step = next((s for s in steps if s.kind == StepKind.PROCESS and s.position == current), None)
    return Facts(
        at_deciding_step=deciding is not None and current_step is deciding,
        decided_later_elsewhere=(
            deciding is not None
            and current_step is not None
            and deciding.position > current_step.position
            and deciding.agency_id != current_step.agency_id
        ),
        has_next_step=current is not None and any(p > current for p in positions),
        # Never back to the reception step: asking the applicant for more is request_supplement.
        can_send_back=current is not None and any(positions[0] < p < current for p in positions),
        open_consultations=sum(1 for s in steps if s.kind == StepKind.CONSULTATION and s.finished_at is None),
        proposed=dossier.proposed_at is not None,
        decision_issued=dossier.decision_issued_at is not None,
        extended=dossier.apology_issued,
        status_before_pause=dossier.status_before_pause or S.IN_PROGRESS,
        apology_deadline_passed=apology_deadline_passed,
        apology_notice_days=deadlines.apology_notice_days(),
    )


def acting_roles(
    dossier: Dossier, actor: User, side: Side, steps: list[DossierStep], memberships: set | None = None
) -> set[str]:
    """The roles `actor` holds on `side` of this dossier: the receiving agency's (plus citizen for
    the applicant) at the desk, the current step's agency in processing, an open consultation's agency."""
    memberships = user_roles(actor) if memberships is None else memberships
    if side == Side.DESK:
        roles = _roles_in(memberships, {dossier.receiving_agency_id})
        if dossier.applicant_user_id is not None and dossier.applicant_user_id == actor.pk:
            roles.add(Role.CITIZEN)
        return roles
    if side == Side.PROCESS:
        return _roles_in(memberships, {dossier.current_agency_id})
    if side == Side.ADMIN:
        return {Role.ADMINISTRATOR} if is_administrator(actor, memberships) else set()
    open_agencies = {s.agency_id for s in steps if s.kind == StepKind.CONSULTATION and s.finished_at is None}
    return _roles_in(memberships, open_agencies)


def is_administrator(actor: User, memberships: set | None = None) -> bool:
    """An administrator who may correct a dossier they see: a superuser (who sees every dossier), or
    the administrator role held in an agency (scoped to that agency's dossiers like any staff role)."""
    memberships = user_roles(actor) if memberships is None else memberships
    return actor.is_superuser or any(role == Role.ADMINISTRATOR for role, _agency in memberships)


def _can_see(dossier: Dossier, actor: User, memberships, steps: list[DossierStep]) -> bool:
    """The same rule as `selectors.dossiers_visible_to`, on a row already loaded."""
    if dossier.applicant_user_id is not None and dossier.applicant_user_id == actor.pk:
        return True
    agencies = {a for role, a in memberships if a is not None and role != Role.CITIZEN}
    if {dossier.competent_agency_id, dossier.current_agency_id, dossier.receiving_agency_id} & agencies:
        return True
    return any(s.agency_id in agencies for s in steps) or oversees_province(actor)


def dossier_act(*, dossier_code: str, action: str, actor: User, version: int, **payload) -> Dossier:
    """Take `action` on the dossier `dossier_code`, which the caller saw at `version`.

    Raises NotFound when the actor may not see the dossier, Conflict `stale_version` when it changed
    since `version`, Conflict (`transition_not_allowed` or a precise code) when the action is not
    possible now, PermissionDenied when the actor's roles do not allow it, InvalidInput for a bad
    payload. On success: one event appended, version + 1, due moments recomputed.
    """
    if action not in TRANSITIONS:
        raise InvalidInput(_("Unknown action."), code="unknown_action")
    with transaction.atomic():
        # First the calendar (shared), then the dossier: a calendar change that is recomputing the open
        # dossiers holds the calendar exclusively, so this action waits for it and then computes with the
        # new calendar; taking the locks in the recompute's order means the two never deadlock.
        calendar_for_write()
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "current_agency", "receiving_agency", "competent_agency")
            .filter(code=dossier_code)
            .first()
        )
        if dossier is None:
            raise NotFound(_("Dossier not found."), code="dossier_not_found")
        steps = list(dossier.steps.all())
        memberships = user_roles(actor)
        if not _can_see(dossier, actor, memberships, steps):
            raise NotFound(_("Dossier not found."), code="dossier_not_found")
        if dossier.version != version:
            if not _only_calendar_moves_since(dossier, version):
                raise _stale()
            # The officer saw the dossier before a calendar change moved its due moments: nothing they
            # decided on changed, so the action goes ahead (on the new calendar) instead of being refused.
            version = dossier.version

        roles = acting_roles(dossier, actor, TRANSITIONS[action].side, steps, memberships)
        now = timezone.now()
        to_status = guard(dossier.status, action, roles, dossier_facts(dossier, steps, now))
        if action in SECOND_FACTOR_ACTIONS:
            second_factor.require(actor)

        known_agencies = participating_agency_ids(dossier, steps)
        due_before = dossier.due_at
        ctx = _Context(dossier, steps, actor, memberships, dossier.status, now, payload)
        _acknowledge_hand_overs(ctx)
        event_payload = _HANDLERS[action](ctx) or {}
        if payload.get("note"):
            event_payload.setdefault("note", str(payload["note"]))

        dossier.status = to_status
        dossier.version = version + 1
        _append_event(
            dossier,
            action=action,
            from_status=ctx.from_status,
            actor=actor,
            payload=event_payload,
            at=ctx.now,
        )
        fields = {
            f.attname: getattr(dossier, f.attname)
            for f in Dossier._meta.concrete_fields
            if f.name not in _IMMUTABLE and f.attname not in _IMMUTABLE
        }
        fields["updated_at"] = ctx.now
        if Dossier.objects.filter(pk=dossier.pk, version=version).update(**fields) != 1:
            raise _stale()
        for step in ctx.steps:
            if step.pk is None or getattr(step, "_dirty", False):
                step.save()
        participants_sync(dossier, ctx.steps, known=known_agencies, due_changed=dossier.due_at != due_before)
    return dossier


def _only_calendar_moves_since(dossier: Dossier, version: int) -> bool:
    """Whether every event after `version` is a move of the due moments by a calendar change."""
    if not 1 <= version < dossier.version:
        return False
    return not (
        DossierEvent.objects.filter(dossier=dossier, seq__gt=version)
        .exclude(action=A.APPOINTMENT_MOVED)
        .exists()
    )


def _stale() -> Conflict:
    return Conflict(
        _("Someone else changed this dossier meanwhile. Reload it and try again."), code="stale_version"
    )


def _touch(step: DossierStep, **changes) -> DossierStep:
    for name, value in changes.items():
        setattr(step, name, value)
    step._dirty = True
    return step


def _acknowledge_hand_overs(ctx: _Context) -> None:
    """The first action of the receiving agency's staff on a handed-over step records who received it."""
    staff_agencies = {a for _role, a in ctx.memberships if a is not None}
    step_ids = [s.pk for s in ctx.steps if s.finished_at is None and s.agency_id in staff_agencies]
    if step_ids:
        HandOver.objects.filter(dossier=ctx.dossier, step_id__in=step_ids, received_at__isnull=True).update(
            received_by=ctx.actor, received_by_name=actor_name(ctx.actor), received_at=ctx.now
        )


def _hand_over(ctx: _Context, *, step: DossierStep, from_agency_id: int) -> None:
    HandOver.objects.create(
        dossier=ctx.dossier,
        step=step,
        from_agency_id=from_agency_id,
        to_agency_id=step.agency_id,
        given_by=ctx.actor,
        given_by_name=actor_name(ctx.actor),
        given_at=ctx.now,
        event_seq=ctx.dossier.version + 1,
    )


def _text(ctx: _Context, name: str, *, required: bool = False, max_length: int = 2000) -> str:
    value = ctx.payload.get(name) or ""
    if not isinstance(value, str):
        raise InvalidInput(_("%(field)s must be text.") % {"field": name}, code="invalid_input")
    value = nfc(value.strip())
    if required and not value:
        raise InvalidInput(
            _("A %(field)s is required for this action.") % {"field": name}, code="reason_required"
        )
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s is too long.") % {"field": name}, code="invalid_input")
    return value


def _set_current(ctx: _Context, step: DossierStep | None) -> None:
    d = ctx.dossier
    d.current_step_position = step.position if step else None
    d.current_agency_id = step.agency_id if step else d.current_agency_id
    d.current_step_due_at = step.due_at if step else None
    d.current_assignee_id = step.assignee_id if step else None


def _transfer_clock_start(moment: dt.datetime) -> dt.datetime:
    """Where the clock of a step handed to another agency starts: a transfer received after the cut-off
    (MOTCUA_TRANSFER_CUTOFF, 15:00 by default) starts at the next working session (docs/design.md §4)."""
    local = timezone.localtime(moment)
    if local.time() < settings.MOTCUA_TRANSFER_CUTOFF:
        return moment
    return next_working_moment(
        local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    )


def _start_step(ctx: _Context, step: DossierStep, *, from_agency_id: int | None = None) -> None:
    start = ctx.now
    if from_agency_id is not None and from_agency_id != step.agency_id:
        start = _transfer_clock_start(ctx.now)
    _touch(step, started_at=ctx.now, finished_at=None, due_at=add_working_time(start, step.share_minutes))


def _finish_open_steps(ctx: _Context) -> None:
    for step in ctx.steps:
        if step.started_at is not None and step.finished_at is None:
            _touch(step, finished_at=ctx.now)


def _pause(ctx: _Context) -> dict:
    ctx.dossier.paused_at = ctx.now
    ctx.dossier.status_before_pause = ctx.from_status
    return {}


def _unpause(ctx: _Context, *, policy: str) -> dict:
    """End a pause: under the pause policy the working time spent waiting moves every due moment;
    under the restart policy the clock starts again from now with the full time limit."""
    d = ctx.dossier
    paused = max(0, int(working_minutes_between(d.paused_at, ctx.now)))
    if policy == SupplementPolicy.RESTART:
        d.clock_started_at = ctx.now
        d.paused_minutes = 0
        for step in ctx.steps:
            if step.started_at is not None and step.finished_at is None:
                _touch(step, due_at=add_working_time(ctx.now, step.share_minutes))
    else:
        d.paused_minutes += paused
        for step in ctx.steps:
            if (
                step.started_at is not None
                and step.finished_at is None
                and step.due_at
                and step.due_at > d.paused_at
            ):
                _touch(step, due_at=add_working_time(step.due_at, paused))
    d.paused_at = None
    d.status_before_pause = ""
    _recompute_due(d)
    if ctx.current is not None:
        d.current_step_due_at = ctx.current.due_at
    return {"paused_working_minutes": paused, "policy": policy, "due_at": d.due_at}


# --- one handler per action: apply the change to ctx.dossier / ctx.steps, return the event payload ---------


def _on_submit(ctx: _Context) -> dict:
    ctx.dossier.submitted_at = ctx.now
    return {}


def _on_request_completion(ctx: _Context) -> dict:
    return {"reason": _text(ctx, "reason", required=True)}


def _on_refuse(ctx: _Context) -> dict:
    reason = _text(ctx, "reason", required=True)
    ctx.dossier.closing_reason = reason
    ctx.dossier.closed_at = ctx.now
    return {"reason": reason}


def _on_receive(ctx: _Context) -> dict:
    desk_id = ctx.payload.get("desk")
    if desk_id is not None:
        desk = Desk.objects.filter(
            pk=desk_id, agency_id=ctx.dossier.receiving_agency_id, is_active=True
        ).first()
        if desk is None:
            raise InvalidInput(_("Choose a desk of the receiving agency."), code="invalid_desk")
        ctx.dossier.receiving_desk = desk
    rows = _start_processing(ctx.dossier, at=ctx.now)
    for row in rows:
        row._dirty = True
    ctx.steps.extend(rows)
    return {"received_at": ctx.now, "due_at": ctx.dossier.due_at}


def _on_assign(ctx: _Context) -> dict:
    assignee_ref = ctx.payload.get("assignee")
    current = ctx.current
    assignee = None
    if assignee_ref:
        lookup = {"pk": assignee_ref} if isinstance(assignee_ref, int) else {"username": str(assignee_ref)}
        assignee = User.objects.filter(
            **lookup, is_active=True, memberships__agency_id=current.agency_id
        ).first()
    if assignee is None:
        raise InvalidInput(_("Choose a member of staff of the current agency."), code="invalid_assignee")
    step = _assigned_step(ctx, current, assignee)
    _touch(step, assignee=assignee)
    if step is current:
        ctx.dossier.current_assignee = assignee
    return {"assignee": assignee.pk, "assignee_name": actor_name(assignee), "step": step.position}


def _assigned_step(ctx: _Context, current: DossierStep, assignee: User) -> DossierStep:
    """The step an assignment is for: the first step from the current one on, in the same agency, whose
    role the assignee holds there. A head of division assigning at his own step ("phân công") names the
    specialist of the next step, who then finds the dossier assigned to him when it arrives."""
    held = set(assignee.memberships.filter(agency_id=current.agency_id).values_list("role", flat=True))
    for step in sorted(ctx.process_steps, key=lambda s: s.position):
        if step.position < current.position or step.agency_id != current.agency_id:
            continue
        if step.finished_at is None and step.role in held:
            return step
    return current


def _on_forward(ctx: _Context) -> dict:
    current = ctx.current
    following = min((s for s in ctx.process_steps if s.position > current.position), key=lambda s: s.position)
    _touch(current, finished_at=ctx.now)
    _start_step(ctx, following, from_agency_id=current.agency_id)
    _set_current(ctx, following)
    _hand_over(ctx, step=following, from_agency_id=current.agency_id)
    return {
        "from_step": current.position,
        "to_step": following.position,
        "to_agency": following.agency_id,
        "step_due_at": following.due_at,
    }


def _on_send_back(ctx: _Context) -> dict:
    current = ctx.current
    previous = max((s for s in ctx.process_steps if s.position < current.position), key=lambda s: s.position)
    _touch(current, started_at=None, finished_at=None, due_at=None, assignee=None)
    _start_step(ctx, previous, from_agency_id=current.agency_id)
    _set_current(ctx, previous)
    ctx.dossier.proposed_at = None
    _hand_over(ctx, step=previous, from_agency_id=current.agency_id)
    return {"from_step": current.position, "to_step": previous.position, "reason": _text(ctx, "reason")}


def _on_consult(ctx: _Context) -> dict:
    identifiers = ctx.payload.get("agencies") or []
    if not isinstance(identifiers, list) or not identifiers or len(identifiers) > 20:
        raise InvalidInput(_("Name the agencies to consult."), code="agencies_required")
    found = {
        a.identifier: a
        for a in Agency.objects.filter(identifier__in=[str(i) for i in identifiers], is_active=True)
    }
    agencies = [found[str(i)] for i in dict.fromkeys(identifiers) if str(i) in found]  # in the order given
    if len(agencies) != len(set(identifiers)) or any(a.pk == ctx.dossier.current_agency_id for a in agencies):
        raise InvalidInput(_("Consult other existing agencies."), code="invalid_agencies")
    try:
        days = Decimal(str(ctx.payload.get("days") or 1))
    except InvalidOperation:
        days = Decimal(0)
    if not Decimal("0.125") <= days <= 60:
        raise InvalidInput(_("Give the consultation time in working days."), code="invalid_days")
    current = ctx.current
    group = ctx.dossier.version + 1
    for agency in agencies:
        step = DossierStep(
            dossier=ctx.dossier,
            kind=StepKind.CONSULTATION,
            position=current.position,
            name=_("Consultation: %(agency)s") % {"agency": agency.name},
            agency=agency,
            role=Role.SPECIALIST,
            share_minutes=_minutes_of_days(days),
            parallel_group=group,
        )
        _start_step(ctx, step, from_agency_id=current.agency_id)
        step.save()
        ctx.steps.append(step)
        _hand_over(ctx, step=step, from_agency_id=current.agency_id)
    return {"agencies": sorted(a.identifier for a in agencies), "days": days, "group": group}


def _on_join(ctx: _Context) -> dict:
    mine = {a for role, a in ctx.memberships if a is not None and role in (Role.SPECIALIST, Role.LEADER)}
    candidates = [s for s in ctx.open_consultations if s.agency_id in mine]
    wanted = ctx.payload.get("agency")
    if wanted:
        candidates = [s for s in candidates if s.agency.identifier == wanted]
    if len(candidates) != 1:
        raise InvalidInput(_("Say which agency's consultation you answer."), code="agency_required")
    step = candidates[0]
    opinion = _text(ctx, "opinion")
    _touch(step, finished_at=ctx.now, note=opinion)
    HandOver.objects.create(
        dossier=ctx.dossier,
        step=ctx.current,
        from_agency_id=step.agency_id,
        to_agency_id=ctx.current.agency_id,
        given_by=ctx.actor,
        given_by_name=actor_name(ctx.actor),
        given_at=ctx.now,
        event_seq=ctx.dossier.version + 1,
    )
    return {"agency": step.agency_id, "opinion": opinion, "open_left": len(ctx.open_consultations)}


def _on_end_consultation(ctx: _Context) -> dict:
    """Close the open consultations (or the one of `agency`) without their answer, with the reason."""
    reason = _text(ctx, "reason", required=True)
    wanted = ctx.payload.get("agency")
    closing = [s for s in ctx.open_consultations if not wanted or s.agency.identifier == wanted]
    if not closing:
        raise InvalidInput(_("Say which agency's consultation you end."), code="agency_required")
    for step in closing:
        _touch(step, finished_at=ctx.now, note=_("Ended without an answer: %(reason)s") % {"reason": reason})
    return {
        "agencies": sorted(s.agency.identifier for s in closing),
        "overdue": sorted(s.agency.identifier for s in closing if s.due_at and s.due_at < ctx.now),
        "reason": reason,
    }


def _on_correct(ctx: _Context) -> dict:
    """An administrator puts the dossier at step `to_step` of its process (optionally at another
    `agency`): the open steps and consultations are finished, the step starts now. Audited like any
    action; the reason is required."""
    reason = _text(ctx, "reason", required=True)
    try:
        position = int(ctx.payload.get("to_step"))
    except (TypeError, ValueError):
        position = None
    target = ctx.step_at(position)
    if target is None:
        raise InvalidInput(_("Choose a step of the dossier's process."), code="invalid_step")
    agency_ref = ctx.payload.get("agency")
    if agency_ref:
        agency = Agency.objects.filter(identifier=str(agency_ref), is_active=True).first()
        if agency is None:
            raise InvalidInput(_("Choose an existing agency."), code="invalid_agencies")
        _touch(target, agency=agency)
    from_step, from_agency = ctx.dossier.current_step_position, ctx.dossier.current_agency_id
    _finish_open_steps(ctx)
    for step in ctx.process_steps:
        if step.position > target.position and step.started_at is not None:
            _touch(step, started_at=None, finished_at=None, due_at=None)
    _start_step(ctx, target)
    _set_current(ctx, target)
    if target.position <= (from_step or 0):
        ctx.dossier.proposed_at = None
    _hand_over(ctx, step=target, from_agency_id=from_agency or target.agency_id)
    return {
        "from_step": from_step,
        "to_step": target.position,
        "to_agency": target.agency_id,
        "reason": reason,
    }


def _on_request_supplement(ctx: _Context) -> dict:
    _pause(ctx)
    return {"reason": _text(ctx, "reason", required=True)}


def _on_supplement(ctx: _Context) -> dict:
    return _unpause(ctx, policy=ctx.dossier.procedure_version.supplement_policy)


def _on_suspend(ctx: _Context) -> dict:
    _pause(ctx)
    return {"reason": _text(ctx, "reason", required=True)}


def _on_resume(ctx: _Context) -> dict:
    return _unpause(ctx, policy=SupplementPolicy.PAUSE)


def _on_propose(ctx: _Context) -> dict:
    ctx.dossier.proposed_at = ctx.now
    return {}


def _on_approve(ctx: _Context) -> dict:
    ctx.dossier.decision_issued_at = ctx.now
    return {}


@dataclass(frozen=True)
class ResultFileIn:
    """An electronic result for `mark_result_ready` or `attach_result` (payload key `result_file`),
    already checked (`results.result_attach` does it: PDF by content, size, name)."""

    upload: CheckedUpload
    sha256: str
    stored: list[str] = field(default_factory=list)  # storage names written, deleted by the caller on failure


def _attach_result_file(ctx: _Context, *, required: bool) -> dict:
    """Store the electronic result in the payload, if any, as a row of the event being appended; the
    event payload records its name, size and SHA-256."""
    result = ctx.payload.get("result_file")
    if result is None and not required:
        return {}
    if not isinstance(result, ResultFileIn):
        raise InvalidInput(
            _("Choose the electronic result to attach (a PDF file)."), code="result_file_required"
        )
    checked = result.upload
    row = ResultFile(
        dossier=ctx.dossier,
        event_seq=ctx.dossier.version + 1,
        name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=result.sha256,
        uploaded_by=ctx.actor,
        uploaded_by_name=actor_name(ctx.actor),
        uploaded_at=ctx.now,
    )
    row.file.save(checked.storage_name, checked.file, save=False)
    result.stored.append(row.file.name)
    row.save()
    return {"result_file": _result_file_record(row)}


def _result_file_record(row: ResultFile) -> dict:
    return {"name": row.name, "size": row.size, "sha256": row.sha256}


def _on_mark_result_ready(ctx: _Context) -> dict:
    _finish_open_steps(ctx)
    ctx.dossier.result_ready_at = ctx.now
    ctx.dossier.current_step_due_at = None
    return _attach_result_file(ctx, required=False)


def _on_attach_result(ctx: _Context) -> dict:
    return _attach_result_file(ctx, required=True)


def _on_return_result(ctx: _Context) -> dict:
    method = ctx.payload.get("method") or ReturnMethod.DESK
    if method not in ReturnMethod.values:
        raise InvalidInput(_("Return at the desk, by post or online."), code="invalid_method")
    d = ctx.dossier
    d.return_method = method
    d.returned_at = d.closed_at = ctx.now
    result_file = None
    if method == ReturnMethod.ONLINE:
        d.result_code = f"{d.code}-KQ1"
        # The file the applicant will download, named in the event so the chain ties the two together.
        result_file = ResultFile.objects.filter(dossier=d).order_by("-event_seq").first()
    fees = ctx.payload.get("fees_amount")
    if fees is not None:
        try:
            amount = Decimal(str(fees))
        except InvalidOperation:
            amount = Decimal(-1)
        if amount < 0 or amount != amount.to_integral_value():
            raise InvalidInput(_("Fees are a whole, non-negative amount in VND."), code="invalid_fees")
        d.fees_amount = amount
    payload = {
        "method": method,
        "result_code": d.result_code,
        "fees_amount": d.fees_amount,
        "on_time": d.due_at is None or ctx.now <= d.due_at,
    }
    if result_file is not None:
        payload["result_file"] = _result_file_record(result_file)
    return payload


def _close(ctx: _Context, *, reason_required: bool) -> dict:
    reason = _text(ctx, "reason", required=reason_required)
    _finish_open_steps(ctx)
    d = ctx.dossier
    d.closing_reason = reason
    d.closed_at = ctx.now
    if d.paused_at is not None:
        d.paused_at = None
        d.status_before_pause = ""
    d.current_step_due_at = None
    return {"reason": reason}


def _on_stop(ctx: _Context) -> dict:
    return _close(ctx, reason_required=True)


def _on_withdraw(ctx: _Context) -> dict:
    return _close(ctx, reason_required=False)


def _on_apologise_extend(ctx: _Context) -> dict:
    """Form 04: a new appointment, given once; `days` working days after the legal due moment.

    The guard refuses it after its deadline (`deadlines.apology_deadline`) unless the late-apology policy
    accepts late letters; the event records the deadline and whether the letter came after it."""
    d = ctx.dossier
    notice_deadline = deadlines.apology_deadline(d)
    late_notice = deadlines.apology_is_late(d, ctx.now)
    if ctx.payload.get("new_appointment_at"):
        moment = ctx.payload["new_appointment_at"]
        moment = parse_datetime(moment) if isinstance(moment, str) else moment
        if not isinstance(moment, dt.datetime) or timezone.is_naive(moment) or moment <= d.due_at:
            raise InvalidInput(
                _("The new appointment must come after the due moment."), code="invalid_appointment"
            )
        d.extension_minutes = max(1, int(working_minutes_between(d.due_at, moment)))
    else:
        try:
            days = Decimal(str(ctx.payload.get("days")))
        except InvalidOperation:
            days = Decimal(0)
        if not Decimal("0.125") <= days <= 60:
            raise InvalidInput(_("Give the extension in working days."), code="invalid_days")
        d.extension_minutes = _minutes_of_days(days)
    d.apology_issued = True
    _recompute_due(d)
    return {
        "reason": _text(ctx, "reason"),
        "extended_due_at": d.extended_due_at,
        "notice_deadline": notice_deadline,
        "late_notice": late_notice,
    }


def _on_link_applicant(ctx: _Context) -> dict:
    """The receiving officer links the dossier to the account the applicant signs in with (`account`: its
    e-mail, phone or username), having checked the applicant's identity papers (`identity_checked`).

    Refused when the account is not an active citizen's, or when the dossier's identifier is verified as
    another account's (that account is the applicant's). The event keeps who was linked before."""
    if ctx.payload.get("identity_checked") is not True:
        raise InvalidInput(
            _("Confirm that you checked the applicant's identity papers."), code="identity_not_checked"
        )
    account_name = ctx.payload.get("account")
    if not isinstance(account_name, str) or not account_name.strip():
        raise InvalidInput(_("Enter the applicant's account (e-mail or phone)."), code="account_required")
    account = user_by_identifier(account_name[:254], active=True)
    if account is None or (Role.CITIZEN, None) not in user_roles(account):
        raise InvalidInput(_("No citizen account has this e-mail or phone."), code="account_not_found")
    d = ctx.dossier
    owner = account_by_verified_identifier(d.applicant_identifier)
    if owner is not None and owner.pk != account.pk:
        raise Conflict(
            _("The applicant's identifier is verified as another account's: the dossier stays with it."),
            code="identifier_verified_elsewhere",
        )
    previous = d.applicant_user_id
    d.applicant_user_id = account.pk
    return {"account": account.pk, "account_name": actor_name(account), "previous_account": previous}


def _on_appointment_moved(ctx: _Context) -> dict:
    # Unreachable: the transition table gives no role this action (the calendar recompute writes it).
    raise PermissionDenied(_("Your role does not allow this action."), code="role_not_allowed")


_HANDLERS: dict[str, Callable[[_Context], dict]] = {
    A.SUBMIT: _on_submit,
    A.REQUEST_COMPLETION: _on_request_completion,
    A.REFUSE: _on_refuse,
    A.RECEIVE: _on_receive,
    A.ASSIGN: _on_assign,
    A.FORWARD: _on_forward,
    A.SEND_BACK: _on_send_back,
    A.CONSULT: _on_consult,
    A.JOIN: _on_join,
    A.END_CONSULTATION: _on_end_consultation,
    A.CORRECT: _on_correct,
    A.REQUEST_SUPPLEMENT: _on_request_supplement,
    A.SUPPLEMENT: _on_supplement,
    A.SUSPEND: _on_suspend,
    A.RESUME: _on_resume,
    A.PROPOSE: _on_propose,
    A.APPROVE: _on_approve,
    A.MARK_RESULT_READY: _on_mark_result_ready,
    A.ATTACH_RESULT: _on_attach_result,
    A.RETURN_RESULT: _on_return_result,
    A.STOP: _on_stop,
    A.WITHDRAW: _on_withdraw,
    A.APOLOGISE_EXTEND: _on_apologise_extend,
    A.LINK_APPLICANT: _on_link_applicant,
    A.APPOINTMENT_MOVED: _on_appointment_moved,
}
assert set(_HANDLERS) == set(A)
