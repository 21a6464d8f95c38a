"""Generate realistic dossiers fast, for benchmarks and volume tests.

    manage.py generate_dossiers --count 1000000 [--seed 1] [--days 365]

Uses the agencies, desks, procedures in force (with their internal process) and staff already in the
database (the demo or `bench/common.seed`). Each dossier is received at a random desk during office
hours over the last `--days` days and has walked part or all of a typical path — receive, forward
through the process steps, propose, approve, result ready, returned — with a hash-chained event per
action that `verify_audit` accepts, its steps (started, finished, due) and its stored due moments.
About 2% are returned late, half of those with an apology and a new appointment (Form 04).

PostgreSQL: rows go in with COPY (about a minute per million dossiers on 2 cores). SQLite: bulk
inserts, slower. Ids are given explicitly, so run it while nothing else writes dossiers; the id
sequences and the daily code counters are moved past the generated rows at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.audit import dossier_state, event_digest, signing_key
from motcua.dossiers.choices import Channel, DossierAction, DossierStatus, ReturnMethod, StepKind
from motcua.dossiers.codes import format_code
from motcua.dossiers.deadlines import apology_notice_days
from motcua.dossiers.models import DailySequence, Dossier, DossierEvent, DossierStep
from motcua.dossiers.participants import FILL_FROM_ID_SQL
from motcua.dossiers.search import search_key
from motcua.org.choices import Role
from motcua.org.models import Desk, Membership
from motcua.workdays.selectors import get_calendar

A = DossierAction
S = DossierStatus
BATCH = 5_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Cầm", "Quàng", "Hà", "Lường"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hoa", "Lan", "Linh", "Mai", "Nam", "Phúc", "Sơn", "Tâm", "Vân"]
PLACES = ["Chiềng Mung", "Mường Bú", "Hát Lót", "Chiềng Sinh", "Tô Hiệu", "Phù Yên", "Mộc Châu"]


@dataclass
class Plan:
    """One procedure at one desk: what a reception there lays out."""

    version: ProcedureVersion
    desk: Desk
    competent_id: int
    steps: list[tuple[int, str, str, int, int]]  # position, name, role, agency id, share minutes
    budget: int
    actors: dict[int, tuple[int, str]]  # agency id -> (user id, name as it was)


def _minutes(days) -> int:
    return int((Decimal(days) * settings.MOTCUA_WORKDAY_HOURS * 60).to_integral_value())


def _encoder(value):
    """`value` as the service stores a payload (datetimes and decimals as DjangoJSONEncoder writes them)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class Progress:
    def __init__(self, total: int, out):
        self.total, self.out, self.start = total, out, time.monotonic()

    def show(self, done: int) -> None:
        width = 30
        filled = int(width * done / max(self.total, 1))
        rate = done / max(time.monotonic() - self.start, 1e-6)
        self.out.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done:,}/{self.total:,} ({rate:,.0f}/s)")
        self.out.flush()


class Command(BaseCommand):
    help = "Generate --count realistic dossiers (steps, hash-chained events, some late) over the last year."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, count: int, seed: int, days: int, quiet: bool, **options):
        if count < 1:
            raise CommandError("--count must be positive.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.days = days
        # One calendar for the whole run (the selector's per-call cache check costs more than the sum).
        self.add = get_calendar().add_working_time
        self.subtract = get_calendar().subtract_working_time
        self.notice = _minutes(apology_notice_days())
        plans = self._plans()
        self.postgres = connection.vendor == "postgresql"
        start_ids = {
            model: (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            for model in (Dossier, DossierStep, DossierEvent)
        }
        self.next_id = dict(start_ids)
        self.first_dossier_id = start_ids[Dossier]
        self.numbers: dict[tuple[int, dt.date], int] = defaultdict(int)
        for agency_id, day, last in DailySequence.objects.values_list("agency_id", "day", "last"):
            self.numbers[(agency_id, day)] = last
        progress = None if quiet else Progress(count, self.stderr)
        done = 0
        while done < count:
            n = min(BATCH, count - done)
            rows = [self._dossier(self.rng.choice(plans)) for _ in range(n)]
            with transaction.atomic():
                self._write(rows)
            done += n
            if progress:
                progress.show(done)
        if progress:
            self.stderr.write("\n")
        with transaction.atomic():
            self._finish()
        self.stdout.write(f"{count:,} dossiers generated.")

    # --- the world -------------------------------------------------------------------------------

    def _plans(self) -> list[Plan]:
        staff: dict[int, tuple[int, str]] = {}
        for agency_id, user_id, full_name, username in (
            Membership.objects.filter(agency__isnull=False, user__is_active=True)
            .exclude(role=Role.CITIZEN)
            .order_by("id")
            .values_list("agency_id", "user_id", "user__full_name", "user__username")
        ):
            staff.setdefault(agency_id, (user_id, full_name or username))
        if not staff:
            raise CommandError("No staff: load the demo (or bench/common.seed) first.")
        anyone = next(iter(staff.values()))
        desks = list(Desk.objects.filter(is_active=True).select_related("agency"))
        versions = list(
            ProcedureVersion.objects.filter(is_current=True).prefetch_related("steps").order_by("id")
        )
        if not desks or not versions:
            raise CommandError(
                "No desk or no procedure in force: load the demo (or bench/common.seed) first."
            )
        plans = []
        for version in versions:
            for desk in desks:
                competent = version.competent_agency_id or desk.agency_id
                process = sorted(version.steps.all(), key=lambda s: s.position)
                if process:
                    steps = []
                    for s in process:
                        agency = s.agency_id or (
                            desk.agency_id if s.role == Role.RECEIVING_OFFICER else competent
                        )
                        steps.append((s.position, s.name, s.role, agency, _minutes(s.duration_days)))
                else:
                    budget = int(Decimal(version.time_limit_hours) * 60)
                    reception = min(120, budget // 4)
                    steps = [
                        (1, "Tiếp nhận", Role.RECEIVING_OFFICER, desk.agency_id, reception),
                        (2, "Giải quyết", Role.SPECIALIST, competent, budget - reception),
                    ]
                agencies = {a for *_x, a, _m in steps} | {desk.agency_id, competent}
                plans.append(
                    Plan(
                        version=version,
                        desk=desk,
                        competent_id=competent,
                        steps=steps,
                        budget=int((Decimal(version.time_limit_hours) * 60).to_integral_value()),
                        actors={a: staff.get(a, anyone) for a in agencies},
                    )
                )
        return plans

    # --- one dossier -----------------------------------------------------------------------------

    def _received_at(self) -> dt.datetime:
        rng = self.rng
        day = timezone.localtime(self.now).date() - dt.timedelta(days=rng.randrange(self.days))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        minute = rng.choice((7 * 60 + 30 + rng.randrange(240), 13 * 60 + 30 + rng.randrange(240)))
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)))
        return timezone.make_aware(local) + dt.timedelta(microseconds=rng.randrange(1_000_000))

    def _dossier(self, plan: Plan) -> tuple[dict, list[dict], list[dict]]:
        rng = self.rng
        at = self._received_at()
        day = timezone.localtime(at).date()
        key = (plan.desk.agency_id, day)
        self.numbers[key] += 1
        code = format_code(plan.desk.agency.identifier, day, self.numbers[key])
        dossier_id = self._take(Dossier)
        due = self.add(at, plan.budget)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.randrange(10**8):08d}"
        identifier = f"0{rng.randrange(10**11):011d}"
        d = {
            "id": dossier_id,
            "created_at": at,
            "updated_at": at,
            "code": code,
            "procedure_version_id": plan.version.pk,
            "status": S.RECEIVED,
            "version": 0,
            "channel": rng.choice((Channel.DESK,) * 4 + (Channel.POST,)),
            "idempotency_key": None,
            "receiving_desk_id": plan.desk.pk,
            "receiving_agency_id": plan.desk.agency_id,
            "competent_agency_id": plan.competent_id,
            "current_agency_id": None,
            "current_step_position": None,
            "current_step_due_at": None,
            "current_assignee_id": None,
            "applicant_user_id": None,
            "applicant_name": name,
            "applicant_identifier": identifier,
            "applicant_phone": phone,
            "applicant_email": "",
            "applicant_address": f"Bản {rng.randrange(1, 30)}, xã {rng.choice(PLACES)}",
            "authorised_person": "",
            "search_text": search_key(code=code, name=name, identifier=identifier, phone=phone),
            "submitted_at": None,
            "received_at": at,
            "clock_started_at": at,
            "budget_minutes": plan.budget,
            "paused_at": None,
            "paused_minutes": 0,
            "status_before_pause": "",
            "due_at": due,
            "appointment_at": due,
            "apology_issued": False,
            "extension_minutes": 0,
            "extended_due_at": None,
            "proposed_at": None,
            "decision_issued_at": None,
            "result_ready_at": None,
            "returned_at": None,
            "return_method": "",
            "result_code": "",
            "closed_at": None,
            "closing_reason": "",
            "fees_amount": 0,
            "fees_note": "",
            "register_volume": None,
            "register_sequence": None,
            "last_event_hash": "",
        }
        events: list[dict] = []
        key_id = signing_key()[0]

        def seal(row: dict) -> str:
            return event_digest(
                dossier_code=code,
                seq=row["seq"],
                action=row["action"],
                from_status=row["from_status"],
                to_status=row["to_status"],
                actor_id=row["actor_id"],
                actor_name=row["actor_name"],
                payload=row["payload"],
                created_at=row["created_at"],
                prev_hash=row["prev_hash"],
                state=row["state"],
                key_id=row["key_id"],
            )

        def event(action, to_status, actor_agency, moment, payload):
            user_id, actor_name = plan.actors[actor_agency]
            d["version"] += 1
            state = dossier_state({**d, "status": to_status})
            digest = event_digest(
                dossier_code=code,
                seq=d["version"],
                action=action,
                from_status=d["status"] if events else "",
                to_status=to_status,
                actor_id=user_id,
                actor_name=actor_name,
                payload=payload,
                created_at=moment,
                prev_hash=d["last_event_hash"],
                state=state,
                key_id=key_id,
            )
            events.append(
                {
                    "id": self._take(DossierEvent),
                    "dossier_id": dossier_id,
                    "seq": d["version"],
                    "action": action,
                    "from_status": d["status"] if events else "",
                    "to_status": to_status,
                    "actor_id": user_id,
                    "actor_name": actor_name,
                    "payload": payload,
                    "created_at": moment,
                    "prev_hash": d["last_event_hash"],
                    "hash": digest,
                    "key_id": key_id,
                    "state": state,
                }
            )
            d["status"], d["last_event_hash"], d["updated_at"] = to_status, digest, moment

        # How far along: the older the dossier, the likelier it is returned.
        age = (self.now - at).total_seconds() / 86400
        late = rng.random() < 0.02
        stage = 6 if age > 30 and rng.random() < 0.97 else rng.randrange(1, 7)
        steps = []
        elapsed = 0
        for position, step_name, role, agency, share in plan.steps:
            elapsed += share
            steps.append(
                {
                    "id": self._take(DossierStep),
                    "created_at": at,
                    "updated_at": at,
                    "dossier_id": dossier_id,
                    "kind": StepKind.PROCESS,
                    "position": position,
                    "name": step_name,
                    "agency_id": agency,
                    "role": role,
                    "assignee_id": None,
                    "share_minutes": share,
                    "planned_due_at": self.add(at, elapsed),
                    "started_at": None,
                    "due_at": None,
                    "finished_at": None,
                    "parallel_group": None,
                    "note": "",
                }
            )
        first = steps[0]
        first["started_at"], first["due_at"] = at, self.add(at, first["share_minutes"])
        event(
            A.RECEIVE,
            S.RECEIVED,
            plan.desk.agency_id,
            at,
            _encoder(
                {
                    "channel": d["channel"],
                    "desk": plan.desk.pk,
                    "procedure": plan.version.procedure.code,
                    "procedure_version": plan.version.number,
                    "received_at": at,
                    "due_at": due,
                    "fees_amount": Decimal(0),
                }
            ),
        )
        # The total span: on time ends before due_at, late ends after it.
        span = plan.budget * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.3, 0.95))
        # Half the late dossiers that get far enough have Form 04 with a new appointment, issued by its
        # deadline (the notice before the legal due moment), never after: one that would come later is
        # not given at all.
        extension = _minutes(rng.choice((1, 2, 3, 5))) if late and stage >= 3 and rng.random() < 0.5 else 0
        notice_by = self.subtract(due, self.notice) if extension else None

        def apologise(after: dt.datetime, current: dict) -> dt.datetime:
            moment = min(notice_by, self.add(after, 60))
            d["apology_issued"], d["extension_minutes"] = True, extension
            d["extended_due_at"] = d["appointment_at"] = self.add(at, plan.budget + extension)
            event(
                A.APOLOGISE_EXTEND,
                d["status"],
                current["agency_id"],
                moment,
                _encoder(
                    {
                        "reason": "Hồ sơ cần xác minh thêm",
                        "extended_due_at": d["extended_due_at"],
                        "notice_deadline": notice_by,
                        "late_notice": False,
                    }
                ),
            )
            return moment

        moment, current = at, first
        for nxt in steps[1:]:
            if stage < 2:
                break
            following = self.add(moment, max(1, int(span * current["share_minutes"] / plan.budget)))
            if extension and not d["apology_issued"] and moment <= notice_by < following:
                apologise(moment, current)
            moment = following
            current["finished_at"], nxt["started_at"] = moment, moment
            nxt["due_at"] = self.add(moment, nxt["share_minutes"])
            event(
                A.FORWARD,
                S.IN_PROGRESS,
                current["agency_id"],
                moment,
                _encoder(
                    {
                        "from_step": current["position"],
                        "to_step": nxt["position"],
                        "to_agency": nxt["agency_id"],
                        "step_due_at": nxt["due_at"],
                    }
                ),
            )
            current = nxt
        if extension and not d["apology_issued"] and moment <= notice_by:
            moment = apologise(moment, current)
        if stage >= 4 and d["status"] == S.IN_PROGRESS:
            d["proposed_at"] = moment
            event(A.PROPOSE, S.IN_PROGRESS, current["agency_id"], moment, {})
            d["decision_issued_at"] = moment
            event(A.APPROVE, S.IN_PROGRESS, current["agency_id"], moment, {})
        if stage >= 5 and d["decision_issued_at"]:
            moment = self.add(moment, max(1, int(span * current["share_minutes"] / plan.budget)))
            current["finished_at"] = moment
            d["result_ready_at"], d["current_step_due_at"] = moment, None
            event(A.MARK_RESULT_READY, S.RESULT_READY, current["agency_id"], moment, {})
        if stage >= 6 and d["status"] == S.RESULT_READY:
            moment = moment + dt.timedelta(minutes=rng.randrange(5, 600))
            method = rng.choice((ReturnMethod.DESK,) * 3 + (ReturnMethod.POST, ReturnMethod.ONLINE))
            d["return_method"], d["returned_at"] = method, moment
            d["closed_at"] = moment
            d["result_code"] = f"{code}-KQ1" if method == ReturnMethod.ONLINE else ""
            event(
                A.RETURN_RESULT,
                S.RETURNED,
                plan.desk.agency_id,
                moment,
                _encoder(
                    {
                        "method": method,
                        "result_code": d["result_code"],
                        "fees_amount": Decimal(0),
                        "on_time": moment <= due,
                    }
                ),
            )
        if d["status"] in (S.RECEIVED, S.IN_PROGRESS):
            d["current_step_position"] = current["position"]
            d["current_agency_id"] = current["agency_id"]
            d["current_step_due_at"] = current["due_at"]
        elif d["status"] in (S.RESULT_READY, S.RETURNED):
            d["current_step_position"] = current["position"]
            d["current_agency_id"] = current["agency_id"]
        d["updated_at"] = moment
        # The columns set after the last event (the current step) are what the row holds: the last event,
        # which no later one chains to, records them (as the workflow's would).
        last = events[-1]
        last["state"] = dossier_state(d)
        last["hash"] = d["last_event_hash"] = seal(last)
        return d, steps, events

    def _take(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    # --- writing ---------------------------------------------------------------------------------

    def _write(self, rows) -> None:
        dossiers = [r[0] for r in rows]
        steps = [s for r in rows for s in r[1]]
        events = [e for r in rows for e in r[2]]
        for model, batch in ((Dossier, dossiers), (DossierStep, steps), (DossierEvent, events)):
            columns = [f.column for f in model._meta.concrete_fields]
            if self.postgres:
                table = connection.ops.quote_name(model._meta.db_table)
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(
                                [
                                    json.dumps(row[c], ensure_ascii=False)
                                    if c in ("payload", "state")
                                    else row[c]
                                    for c in columns
                                ]
                            )
            else:
                model.objects.bulk_create(
                    [
                        model(**{f.attname: row[f.column] for f in model._meta.concrete_fields})
                        for row in batch
                    ],
                    batch_size=500,
                )

    def _finish(self) -> None:
        DailySequence.objects.bulk_create(
            [DailySequence(agency_id=a, day=day, last=last) for (a, day), last in self.numbers.items()],
            update_conflicts=True,
            unique_fields=["agency", "day"],
            update_fields=["last"],
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute(FILL_FROM_ID_SQL, [self.first_dossier_id])  # who may see the new dossiers
        if self.postgres:
            with connection.cursor() as cursor:
                for model in (Dossier, DossierStep, DossierEvent):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",
                        [table],
                    )
                cursor.execute(
                    "ANALYZE dossiers_dossier, dossiers_dossierstep, dossiers_dossierevent, dossiers_dossieragency"
                )
