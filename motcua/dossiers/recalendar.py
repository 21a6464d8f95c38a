"""When the working calendar changes, the open dossiers' due moments follow (issue 15).

A day off or a make-up working day declared or removed, or a change of office hours, changes how much
working time lies between a dossier's clock start and its stored due moments. `apply_calendar_shift`
(registered in `motcua.workdays.services.APPLY_HOOKS`, so it runs inside the change's transaction)
recomputes them for every open dossier and open step the change touches:

* a dossier whose clock runs or is paused (received, in progress, awaiting a supplement, suspended): its
  legal due moment, its extended one (Form 04) and its appointment, with `services.due_moments`, the
  formula the workflow itself applies (clock start + limit + paused time + extension, in working time).
  A paused dossier's clock is judged again when it resumes, with the calendar of that moment.
* an open step (started, not finished): its due moment keeps the working time the old calendar gave it
  from the step's start (`WorkCalendar.remap`), which carries a transfer after the cut-off and the time
  added by earlier pauses. The step plan laid out at receipt (`planned_due_at`) is the record of that
  plan and is left as it was, like every finished dossier and step: history is not rewritten.

Each moved dossier gets one `appointment_moved` event (old and new moments, the declaration that caused
it) through the event writer (`services.event_row` / `services.events_append_bulk`), so the public
history, the control slip and Form 01 reprinted show it, and the applicant is told once by the usual
channels. A breach the deadline sweep recorded that no longer holds (the new due moment is after now) is
withdrawn with the reason.

It is written for a province's scale (bench/bench_recalendar.py: 100,000 open dossiers): a few bulk
reads, the arithmetic in memory, then one UPDATE per batch of dossiers and of steps (a VALUES list joined
on the id, checked against the version read) and one multi-row INSERT per batch of events; no query per
dossier. The change holds the calendar lock (`CalendarLock`) throughout, and every workflow action takes
that lock (shared) before it touches a dossier, so no officer's action can interleave with the recompute:
it waits, then computes with the new calendar. The version check of each UPDATE is a second guard.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.dossiers.audit import AUDITED_FIELDS, dossier_state
from motcua.dossiers.choices import PAUSED_STATUSES, RUNNING_STATUSES, DossierAction, StepKind
from motcua.dossiers.models import DeadlineBreach, Dossier, DossierStep
from motcua.dossiers.services import due_moments, event_row, events_append_bulk
from motcua.org.models import Agency

logger = logging.getLogger("motcua.dossiers.recalendar")

# The clocks a calendar change moves: running or paused. A result ready or a closed dossier keeps its moments.
CLOCKED_STATUSES = RUNNING_STATUSES | PAUSED_STATUSES
# The event's actor when the change was made without a signed-in person (manage.py workdays, a task).
SYSTEM_ACTOR_NAME = "Hệ thống (lịch làm việc)"
BATCH = 2000

# The dossier's audited columns (the event records them as it leaves them), plus what the move needs.
_DOSSIER_FIELDS = tuple(dict.fromkeys(("id", "code", "last_event_hash", *AUDITED_FIELDS)))
_STEP_FIELDS = ("id", "dossier_id", "position", "kind", "agency_id", "started_at", "due_at")


@dataclass
class StepMove:
    id: int
    position: int
    kind: str
    agency_id: int
    due_at: dt.datetime
    new_due_at: dt.datetime


@dataclass
class DossierMove:
    """One open dossier whose due moments a calendar change moves: the old and new values."""

    id: int
    code: str
    version: int
    status: str
    last_event_hash: str
    agency_id: int
    due_at: dt.datetime
    new_due_at: dt.datetime
    extended_due_at: dt.datetime | None
    new_extended_due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    new_appointment_at: dt.datetime | None
    current_step_due_at: dt.datetime | None
    new_current_step_due_at: dt.datetime | None
    steps: list[StepMove] = field(default_factory=list)
    row: dict = field(default_factory=dict, repr=False)  # the audited columns as read

    def state_after(self) -> dict:
        """The audited columns as the move leaves them (what its event records)."""
        row = dict(self.row)
        row.update(
            version=self.version + 1,
            due_at=self.new_due_at,
            extended_due_at=self.new_extended_due_at,
            appointment_at=self.new_appointment_at,
            current_step_due_at=self.new_current_step_due_at,
        )
        return dossier_state(row)

    @property
    def dossier_moved(self) -> bool:
        return (self.due_at, self.extended_due_at, self.appointment_at) != (
            self.new_due_at,
            self.new_extended_due_at,
            self.new_appointment_at,
        )


# --- planning (pure reads and arithmetic; the preview stops here) -----------------------------------------


def _window(shift) -> tuple[dt.datetime, dt.datetime] | None:
    """[first local midnight, last local midnight + 1 day) of the days the change touches, or None."""
    if shift.first_day is None:
        return None
    tz = shift.after.tz
    low = dt.datetime.combine(shift.first_day, dt.time(0), tzinfo=tz)
    high = dt.datetime.combine(shift.last_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return low, high


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_moves(shift) -> list[DossierMove]:
    """Every open dossier and open step whose due moments differ between `shift.before` and `shift.after`,
    with the new values; nothing is written. Three bulk reads (dossiers in the window, open steps in the
    window, then the dossiers of those steps not yet read), whatever the number of dossiers."""
    window = _window(shift)
    dossiers = Dossier.objects.filter(status__in=CLOCKED_STATUSES, clock_started_at__isnull=False)
    steps = DossierStep.objects.filter(
        started_at__isnull=False,
        finished_at__isnull=True,
        due_at__isnull=False,
        dossier__status__in=CLOCKED_STATUSES,
    )
    if window is not None:
        low, high = window
        # The span [clock start, due moment] contains one of the changed days.
        dossiers = dossiers.filter(
            Q(due_at__gte=low) | Q(extended_due_at__gte=low), clock_started_at__lt=high
        )
        steps = steps.filter(due_at__gte=low, started_at__lt=high)
    # Plain fetches, not server-side cursors: one round trip per query instead of one per chunk.
    rows = {row["id"]: row for row in dossiers.values(*_DOSSIER_FIELDS)}
    step_rows = list(steps.values_list(*_STEP_FIELDS))
    missing = list({row[1] for row in step_rows} - rows.keys())
    for chunk in _chunks(missing):
        for row in Dossier.objects.filter(pk__in=chunk, status__in=CLOCKED_STATUSES).values(*_DOSSIER_FIELDS):
            rows[row["id"]] = row

    before, after = shift.before, shift.after
    moved_steps: dict[int, list[StepMove]] = defaultdict(list)
    for step_id, dossier_id, position, kind, agency_id, started_at, due_at in step_rows:
        if dossier_id not in rows or due_at < started_at:
            continue
        new_due = after.remap(started_at, due_at, before)
        if new_due != due_at:
            moved_steps[dossier_id].append(StepMove(step_id, position, kind, agency_id, due_at, new_due))

    moves: list[DossierMove] = []
    for row in rows.values():
        pk = row["id"]
        clock_started_at = row["clock_started_at"]
        budget, paused = row["budget_minutes"], row["paused_minutes"]
        apology_issued, extension = row["apology_issued"], row["extension_minutes"]
        due_at, extended_due_at, appointment_at = row["due_at"], row["extended_due_at"], row["appointment_at"]
        current_position, current_step_due_at = row["current_step_position"], row["current_step_due_at"]
        new = due_moments(
            after,
            clock_started_at=clock_started_at,
            budget_minutes=budget,
            paused_minutes=paused,
            apology_issued=apology_issued,
            extension_minutes=extension,
            extended_due_at=extended_due_at,
        )
        step_moves = moved_steps.get(pk, [])
        new_current = current_step_due_at
        for step in step_moves:
            if step.kind == StepKind.PROCESS and step.position == current_position:
                new_current = step.new_due_at
        move = DossierMove(
            id=pk,
            code=row["code"],
            version=row["version"],
            status=row["status"],
            last_event_hash=row["last_event_hash"],
            agency_id=row["competent_agency_id"],
            due_at=due_at,
            new_due_at=new.due_at,
            extended_due_at=extended_due_at,
            new_extended_due_at=new.extended_due_at,
            appointment_at=appointment_at,
            new_appointment_at=new.appointment_at,
            current_step_due_at=current_step_due_at,
            new_current_step_due_at=new_current,
            steps=step_moves,
            row=row,
        )
        if move.dossier_moved or step_moves:
            moves.append(move)
    moves.sort(key=lambda m: m.id)
    return moves


# --- the preview ------------------------------------------------------------------------------------------


@dataclass
class AgencyPreview:
    """What a change moves at one agency: dossiers by their competent agency, steps by their own."""

    agency: Agency | None
    dossiers: int = 0
    steps: int = 0
    shifts: dict[float, int] = field(default_factory=dict)  # working days moved → dossiers and steps

    @property
    def shift_lines(self) -> list[tuple[float, int]]:
        return sorted(self.shifts.items())


@dataclass
class CalendarPreview:
    dossiers: int
    steps: int
    agencies: list[AgencyPreview]


def _working_days_moved(shift, old: dt.datetime, new: dt.datetime) -> float:
    """How far a due moment moves, in working days of the new calendar (+1: one working day later)."""
    minutes = shift.after.working_minutes_between(old, new)
    return round(minutes / (float(shift.after.workday_hours) * 60), 2)


def preview_calendar_shift(*, shift) -> CalendarPreview:
    """How many open dossiers and steps the change would move, and by how much, per agency (registered in
    `motcua.workdays.services.PREVIEW_HOOKS`: the calendar page and `manage.py workdays` show it before
    anything is saved)."""
    moves = plan_moves(shift)
    by_agency: dict[int, AgencyPreview] = {}

    def line(agency_id: int) -> AgencyPreview:
        return by_agency.setdefault(agency_id, AgencyPreview(agency=None))

    for move in moves:
        if move.dossier_moved:
            entry = line(move.agency_id)
            entry.dossiers += 1
            days = _working_days_moved(shift, move.due_at, move.new_due_at)
            entry.shifts[days] = entry.shifts.get(days, 0) + 1
        for step in move.steps:
            entry = line(step.agency_id)
            entry.steps += 1
    agencies = Agency.objects.in_bulk(list(by_agency))
    for agency_id, entry in by_agency.items():
        entry.agency = agencies.get(agency_id)
    ordered = sorted(
        by_agency.values(), key=lambda e: (-(e.dossiers + e.steps), e.agency.name if e.agency else "")
    )
    return CalendarPreview(
        dossiers=sum(1 for m in moves if m.dossier_moved),
        steps=sum(len(m.steps) for m in moves),
        agencies=ordered,
    )


# --- applying it ------------------------------------------------------------------------------------------

_encoder = DjangoJSONEncoder()


def _json_moment(value: dt.datetime | None) -> str | None:
    """A moment as `json_native` stores it (DjangoJSONEncoder), in local time."""
    return None if value is None else _encoder.default(timezone.localtime(value))


def _payload(move: DossierMove, change, declaration: dict) -> dict:
    payload = {
        "change": change.pk,
        "reason": change.describe(),
        "declaration": declaration,
        "due_at": [_json_moment(move.due_at), _json_moment(move.new_due_at)],
        "appointment_at": [_json_moment(move.appointment_at), _json_moment(move.new_appointment_at)],
    }
    if move.extended_due_at is not None or move.new_extended_due_at is not None:
        payload["extended_due_at"] = [
            _json_moment(move.extended_due_at),
            _json_moment(move.new_extended_due_at),
        ]
    if move.steps:
        payload["steps"] = [
            {
                "position": s.position,
                "kind": s.kind,
                "agency": s.agency_id,
                "due_at": [_json_moment(s.due_at), _json_moment(s.new_due_at)],
            }
            for s in move.steps
        ]
    return payload


def _update_dossiers_sql(count: int) -> str:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * count)
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    return f"""
WITH v(id, version, due_at, extended_due_at, appointment_at, current_step_due_at, hash) AS (VALUES {values})
UPDATE dossiers_dossier
SET due_at = v.due_at{cast}, extended_due_at = v.extended_due_at{cast}, appointment_at = v.appointment_at{cast},
    current_step_due_at = v.current_step_due_at{cast}, version = v.version + 1, last_event_hash = v.hash,
    updated_at = %s
FROM v
WHERE dossiers_dossier.id = v.id AND dossiers_dossier.version = v.version
RETURNING dossiers_dossier.id
"""


def _update_steps_sql(count: int) -> str:
    values = ", ".join(["(%s, %s)"] * count)
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    return f"""
WITH v(id, due_at) AS (VALUES {values})
UPDATE dossiers_dossierstep SET due_at = v.due_at{cast}, updated_at = %s
FROM v WHERE dossiers_dossierstep.id = v.id
"""


_PARTICIPANTS_SQL = """
UPDATE dossiers_dossieragency SET due_at = (
    SELECT d.due_at FROM dossiers_dossier d WHERE d.id = dossiers_dossieragency.dossier_id
) WHERE dossier_id IN ({ids})
"""


def _adapt(value):
    """Moments as the database adapter wants them in a raw statement (SQLite: naive UTC text)."""
    if isinstance(value, dt.datetime) and connection.vendor == "sqlite":
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _write_dossiers(moves: list[DossierMove], hashes: dict[int, str], now: dt.datetime) -> set[int]:
    """One version-checked UPDATE per batch; the ids it changed (a dossier changed meanwhile is missing)."""
    written: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(moves):
            params: list = []
            for m in chunk:
                params += [
                    m.id,
                    m.version,
                    _adapt(m.new_due_at),
                    _adapt(m.new_extended_due_at),
                    _adapt(m.new_appointment_at),
                    _adapt(m.new_current_step_due_at),
                    hashes[m.id],
                ]
            params.append(_adapt(now))
            cursor.execute(_update_dossiers_sql(len(chunk)), params)
            written.update(row[0] for row in cursor.fetchall())
    return written


def _write_steps(steps: list[StepMove], now: dt.datetime) -> None:
    with connection.cursor() as cursor:
        for chunk in _chunks(steps):
            params: list = []
            for s in chunk:
                params += [s.id, _adapt(s.new_due_at)]
            params.append(_adapt(now))
            cursor.execute(_update_steps_sql(len(chunk)), params)


def _refresh_participants(dossier_ids: list[int]) -> None:
    """The agencies' copy of the due moment (`DossierAgency.due_at`), from the dossiers just written."""
    with connection.cursor() as cursor:
        for chunk in _chunks(dossier_ids, 5000):
            cursor.execute(_PARTICIPANTS_SQL.format(ids=", ".join(str(int(i)) for i in chunk)))


def _withdraw_breaches(moves: list[DossierMove], change, now: dt.datetime) -> int:
    """Withdraw the sweep's breaches that no longer hold: the due moment moved to after now."""
    dossier_ids = [m.id for m in moves if m.dossier_moved and m.new_due_at > now]
    step_ids = [s.id for m in moves for s in m.steps if s.new_due_at > now]
    if not dossier_ids and not step_ids:
        return 0
    reason = (_("The due moment moved to after now: %(change)s") % {"change": change.describe()})[:300]
    withdrawn = 0
    for chunk in _chunks(dossier_ids, 5000):
        withdrawn += DeadlineBreach.objects.filter(
            dossier_id__in=chunk, step__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawn_reason=reason)
    for chunk in _chunks(step_ids, 5000):
        withdrawn += DeadlineBreach.objects.filter(step_id__in=chunk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_reason=reason
        )
    return withdrawn


def build_events(moves: list[DossierMove], change) -> list:
    """One `appointment_moved` event per moved dossier (unsaved), chained and keyed by the event writer."""
    actor = change.actor
    name = change.actor_name or SYSTEM_ACTOR_NAME
    declaration = {
        "action": change.action,
        "day": change.day.isoformat() if change.day else None,
        "kind": change.kind,
        "reason": change.reason,
    }
    return [
        event_row(
            dossier_id=move.id,
            dossier_code=move.code,
            seq=move.version + 1,
            action=DossierAction.APPOINTMENT_MOVED,
            from_status=move.status,
            to_status=move.status,
            actor=actor,
            actor_name_as_was=name,
            payload=_payload(move, change, declaration),
            at=change.created_at,
            prev_hash=move.last_event_hash,
            state=move.state_after(),
        )
        for move in moves
    ]


def apply_calendar_shift(*, shift, change) -> tuple[int, int]:
    """Move the due moments of every open dossier and step `change` touches, inside its transaction: one
    event per dossier, the applicant told after commit, breaches that no longer hold withdrawn. Returns
    (dossiers, steps) moved. Raises Conflict if a dossier changed under it (it cannot while the calendar
    lock is held: every action takes it first), which rolls the whole change back."""
    moves = plan_moves(shift)
    if not moves:
        return 0, 0
    now = change.created_at
    events = build_events(moves, change)
    hashes = {event.dossier_id: event.hash for event in events}
    written = _write_dossiers(moves, hashes, now)
    if len(written) != len(moves):
        raise Conflict(
            _("Some dossiers changed during the recompute; the calendar change was not saved. Try again."),
            code="recalendar_conflict",
        )
    steps = [s for m in moves for s in m.steps]
    _write_steps(steps, now)
    _refresh_participants([m.id for m in moves if m.due_at != m.new_due_at])
    events_append_bulk(events)
    withdrawn = _withdraw_breaches(moves, change, now)
    logger.info(
        "Calendar change %s moved %s dossiers and %s steps; %s breaches withdrawn",
        change.pk,
        len(moves),
        len(steps),
        withdrawn,
    )
    return len(moves), len(steps)
