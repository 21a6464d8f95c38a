"""Writes for publication decisions (quyết định công bố): drafting, review, signature and the day the
catalog changes.

Every transition goes through `publication_workflow.guard`, is applied with an optimistic-concurrency
update (`version`) and writes a `PublicationEvent` in the same transaction. The catalog itself is only
changed through `procedure_version_save` / `procedure_refresh_current`, so versions keep their history
and a dossier keeps the version it was received under.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import IO, Annotated, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError

from motcua.catalog import spreadsheet, validation
from motcua.catalog.choices import DocumentForm, OnlineService, SupplementPolicy, TimeLimitUnit
from motcua.catalog.models import (
    PROCEDURE_CODE_RE,
    ChangeKind,
    Procedure,
    ProcedureVersion,
    PublicationDecision,
    PublicationEvent,
    PublicationItem,
    PublicationStatus,
    ReviewComment,
)
from motcua.catalog.publication_selectors import DRAFTING_ROLES, publication_actors
from motcua.catalog.publication_workflow import (
    COMMENT,
    EDIT_ITEMS,
    RESOLVE_COMMENT,
    Actor,
    Facts,
    PublicationAction,
    check,
    guard,
)
from motcua.catalog.services import (
    DocumentData,
    FeeData,
    ProcedureData,
    StepData,
    procedure_refresh_current,
    procedure_version_save,
)
from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.core.text import nfc
from motcua.org.choices import AgencyKind
from motcua.org.models import Agency, UnitLevel, User
from motcua.org.selectors import staff_agency_ids

logger = logging.getLogger(__name__)

# --- the record: a procedure as JSON ---------------------------------------------------------------------------

# The limits are the catalog's own (`motcua.catalog.validation`), shared with the spreadsheet and the admin.
_Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=validation.TEXT_MAX)]
_Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=validation.NAME_MAX)]


def _checked(problem_of) -> AfterValidator:
    """A pydantic check from one of `validation`'s: its reason becomes the field's error."""

    def check(value):
        if problem := problem_of(value):
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _choice(choices: type) -> object:
    """A string field that must be one of `choices` (a TextChoices)."""

    def one_of(value: str) -> str:
        if value not in choices.values:
            raise ValueError(f"must be one of {', '.join(choices.values)}")
        return value

    return Annotated[str, AfterValidator(one_of)]


class _DocumentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: _Name
    form: _choice(DocumentForm) = DocumentForm.ORIGINAL
    count: Annotated[int, _checked(validation.document_count_problem)] = 1
    is_optional: bool = False


class _FeeRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: _Name
    amount: Annotated[Decimal, _checked(validation.fee_amount_problem)]
    note: _Text = ""


class _StepRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=validation.STEP_NAME_MAX)
    ]
    role: Annotated[str, _checked(validation.step_role_problem)]
    duration_days: Annotated[Decimal, _checked(validation.step_days_problem)]
    agency_identifier: str | None = None


class ProcedureRecord(BaseModel):
    """The JSON form of `ProcedureData` without its code and date (the item and the decision give them)."""

    model_config = ConfigDict(extra="forbid")
    name: _Name
    field_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=validation.FIELD_NAME_MAX)
    ]
    level_codes: list[str]
    time_limit_value: Annotated[Decimal, _checked(validation.time_limit_problem)]
    time_limit_unit: _choice(TimeLimitUnit) = TimeLimitUnit.WORKING_DAYS
    competent_agency_identifier: str | None = None
    time_limit_text: _Text = ""
    applicants: _Text = ""
    requirements: str = ""
    result: _Text = ""
    legal_basis: str = ""
    online_service: _choice(OnlineService) = OnlineService.NONE
    accepts_desk: bool = True
    accepts_post: bool = True
    boundary_free: bool = True
    supplement_policy: _choice(SupplementPolicy) = SupplementPolicy.PAUSE
    documents: list[_DocumentRecord] = []
    fees: list[_FeeRecord] = []
    steps: list[_StepRecord] = []

    @field_validator("level_codes")
    @classmethod
    def _levels(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one level")
        return value

    @model_validator(mode="after")
    def _steps_fit_the_limit(self) -> ProcedureRecord:
        problem = validation.steps_total_problem(
            (s.duration_days for s in self.steps),
            time_limit=self.time_limit_value,
            unit=self.time_limit_unit,
            workday_hours=settings.MOTCUA_WORKDAY_HOURS,
        )
        if problem:
            raise ValueError(problem)
        return self


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def record_from_data(data: ProcedureData) -> dict[str, Any]:
    """The JSON record of `data` (its code and effective date left out)."""
    values = dataclasses.asdict(data)
    values.pop("code")
    values.pop("valid_from")
    return _json_safe(values)


def record_validate(record: dict[str, Any]) -> dict[str, Any]:
    """Check a record against the schema and the reference data; return it normalised (NFC, JSON-safe).
    Raise `InvalidInput` (`publication_bad_record`) listing every problem as {field, message}."""
    try:
        parsed = ProcedureRecord.model_validate(record)
    except PydanticValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        raise InvalidInput(
            _("The procedure record is invalid."), code="publication_bad_record", details=details
        ) from exc
    problems = []
    known_levels = set(UnitLevel.objects.filter(code__in=parsed.level_codes).values_list("code", flat=True))
    problems += [
        {"field": "level_codes", "message": _("unknown level %(code)s") % {"code": code}}
        for code in parsed.level_codes
        if code not in known_levels
    ]
    identifiers = {s.agency_identifier for s in parsed.steps if s.agency_identifier}
    if parsed.competent_agency_identifier:
        identifiers.add(parsed.competent_agency_identifier)
    known_agencies = set(
        Agency.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)
    )
    problems += [
        {"field": "agency", "message": _("unknown agency %(identifier)s") % {"identifier": identifier}}
        for identifier in sorted(identifiers - known_agencies)
    ]
    if problems:
        raise InvalidInput(
            _("The procedure record is invalid."), code="publication_bad_record", details=problems
        )
    return _json_safe({key: nfc(v) if isinstance(v, str) else v for key, v in parsed.model_dump().items()})


def data_from_record(*, code: str, record: dict[str, Any], valid_from: dt.date) -> ProcedureData:
    """The `ProcedureData` a stored record publishes on `valid_from`."""
    parsed = ProcedureRecord.model_validate(record)
    values = parsed.model_dump(exclude={"documents", "fees", "steps", "level_codes"})
    return ProcedureData(
        code=code,
        valid_from=valid_from,
        level_codes=tuple(parsed.level_codes),
        documents=tuple(DocumentData(**d.model_dump()) for d in parsed.documents),
        fees=tuple(FeeData(**f.model_dump()) for f in parsed.fees),
        steps=tuple(StepData(**s.model_dump()) for s in parsed.steps),
        **values,
    )


# --- helpers ---------------------------------------------------------------------------------------------------


def _current(code: str) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(is_current=True, procedure__code=code).first()


def _stale() -> Conflict:
    return Conflict(
        _("The decision was changed by someone else meanwhile; reload it and try again."),
        code="publication_stale",
    )


def _bump(locked: PublicationDecision, version: int | None, **fields: Any) -> None:
    """Raise the revision of the (locked) decision and set `fields`, unless the caller saw an older revision."""
    if version is not None and version != locked.version:
        raise _stale()
    updated = PublicationDecision.objects.filter(pk=locked.pk, version=locked.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise _stale()
    locked.refresh_from_db()


def _transition(
    *,
    actor: User | None,
    actors: frozenset[Actor],
    decision: PublicationDecision,
    action: str,
    version: int | None,
    note: str = "",
    **fields: Any,
) -> PublicationDecision:
    """Move `decision` along the table: lock it, check the revision the caller saw (if given), ask the guard,
    update, and record the event. The caller's instance is refreshed."""
    locked = _locked(decision)
    source = locked.status
    target = guard(source, action, actors, _facts(locked))
    _bump(locked, version, status=target, **fields)
    PublicationEvent.objects.create(
        decision=locked, actor=actor, action=action, from_status=source, to_status=target, note=note
    )
    logger.info("Publication decision %s: %s (%s -> %s)", locked.pk, action, source, target)
    decision.refresh_from_db()
    return decision


def _facts(decision: PublicationDecision) -> Facts:
    return Facts(
        item_count=decision.items.count(), open_comments=decision.comments.filter(resolved=False).count()
    )


def _locked(decision: PublicationDecision) -> PublicationDecision:
    return PublicationDecision.objects.select_for_update().get(pk=decision.pk)


# --- drafting --------------------------------------------------------------------------------------------------


@transaction.atomic
def publication_decision_create(
    *, actor: User, drafting_agency: Agency, title: str, summary: str = ""
) -> PublicationDecision:
    """Start a draft decision for `drafting_agency`; `actor` must be its specialist or leader."""
    if drafting_agency.pk not in staff_agency_ids(actor, roles=DRAFTING_ROLES):
        raise PermissionDenied(
            _("Only the drafting department's specialists and leaders may draft its decisions."),
            code="publication_forbidden",
        )
    if drafting_agency.kind not in (AgencyKind.DEPARTMENT, AgencyKind.COMMITTEE_OFFICE, AgencyKind.OTHER):
        raise InvalidInput(
            _("A publication decision is drafted by a department."), code="publication_bad_agency"
        )
    title = nfc(title.strip())
    if not title:
        raise InvalidInput(_("Give the decision a title."), code="publication_no_title")
    decision = PublicationDecision.objects.create(
        drafting_agency=drafting_agency, title=title[:500], summary=nfc(summary.strip()), created_by=actor
    )
    PublicationEvent.objects.create(
        decision=decision, actor=actor, action="create", from_status="", to_status=decision.status
    )
    return decision


def _check_item(*, change: str, code: str, replaces_code: str) -> ProcedureVersion | None:
    """Check the change against the catalog in force; return the version it starts from, if any."""
    for value in filter(None, (code, replaces_code)):
        if not re.match(PROCEDURE_CODE_RE, value):
            raise InvalidInput(
                _("%(code)s is not a procedure code such as 1.000894.") % {"code": value},
                code="publication_bad_code",
            )
    in_force = _current(code)
    if change == ChangeKind.NEW and in_force:
        raise InvalidInput(
            _("%(code)s is already in the catalog: list it as amended.") % {"code": code},
            code="publication_exists",
        )
    if change in (ChangeKind.AMENDED, ChangeKind.ABOLISHED) and not in_force:
        raise InvalidInput(
            _("%(code)s is not in the catalog in force.") % {"code": code}, code="publication_unknown_code"
        )
    if change == ChangeKind.REPLACED:
        if not replaces_code or replaces_code == code:
            raise InvalidInput(
                _("A replacement names the code it replaces, different from its own."),
                code="publication_bad_code",
            )
        if in_force:
            raise InvalidInput(
                _("%(code)s is already in the catalog: a replacement brings a new code.") % {"code": code},
                code="publication_exists",
            )
        replaced = _current(replaces_code)
        if replaced is None:
            raise InvalidInput(
                _("%(code)s is not in the catalog in force.") % {"code": replaces_code},
                code="publication_unknown_code",
            )
        return replaced
    if replaces_code:
        raise InvalidInput(_("Only a replacement names a code it replaces."), code="publication_bad_code")
    return in_force


@transaction.atomic
def publication_item_add(
    *,
    actor: User,
    decision: PublicationDecision,
    change: str,
    procedure_code: str,
    record: dict[str, Any] | None = None,
    replaces_code: str = "",
    version: int | None = None,
) -> PublicationItem:
    """Add a procedure to a draft (or returned) decision. New, amended and replaced procedures carry their
    full record; an abolition carries none."""
    decision = _locked(decision)
    check(EDIT_ITEMS, decision.status, publication_actors(actor, decision))
    if change not in ChangeKind.values:
        raise InvalidInput(_("Unknown kind of change."), code="publication_bad_change")
    code, replaces_code = procedure_code.strip(), replaces_code.strip()
    start = _check_item(change=change, code=code, replaces_code=replaces_code)
    if decision.items.filter(procedure_code=code).exists():
        raise InvalidInput(
            _("%(code)s is already listed in this decision.") % {"code": code}, code="publication_duplicate"
        )
    if change == ChangeKind.ABOLISHED:
        if record:
            raise InvalidInput(_("An abolition carries no record."), code="publication_bad_record")
        record, name = {}, start.name if start else code
    else:
        if not record:
            raise InvalidInput(_("Give the full record of the procedure."), code="publication_bad_record")
        record = record_validate(record)
        name = record["name"]
    position = (decision.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = PublicationItem.objects.create(
        decision=decision,
        position=position,
        change=change,
        procedure_code=code,
        replaces_code=replaces_code,
        name=name,
        record=record,
    )
    _bump(decision, version)
    return item


@transaction.atomic
def publication_item_update(
    *, actor: User, item: PublicationItem, record: dict[str, Any], version: int | None = None
) -> PublicationItem:
    """Replace the record of a new, amended or replaced item in a draft (or returned) decision."""
    decision = _locked(item.decision)
    check(EDIT_ITEMS, decision.status, publication_actors(actor, decision))
    if item.change == ChangeKind.ABOLISHED:
        raise InvalidInput(_("An abolition carries no record."), code="publication_bad_record")
    item.record = record_validate(record)
    item.name = item.record["name"]
    item.save(update_fields=["record", "name", "updated_at"])
    _bump(decision, version)
    return item


@transaction.atomic
def publication_item_remove(*, actor: User, item: PublicationItem, version: int | None = None) -> None:
    """Take an item off a draft (or returned) decision."""
    decision = _locked(item.decision)
    check(EDIT_ITEMS, decision.status, publication_actors(actor, decision))
    item.delete()
    _bump(decision, version)


@transaction.atomic
def publication_items_import(
    *,
    actor: User,
    decision: PublicationDecision,
    file_obj: IO[bytes],
    filename: str,
    version: int | None = None,
) -> list[PublicationItem]:
    """Add (or update) items from a catalog spreadsheet (the `catalog_import` format): a code in force
    becomes an amendment, an unknown code a new procedure. All rows or nothing; `InvalidInput`
    (`import_invalid`) lists every problem by line and column. The sheet's effective-date column is
    ignored: the decision's effective date rules."""
    decision = _locked(decision)
    check(EDIT_ITEMS, decision.status, publication_actors(actor, decision))
    result = spreadsheet.parse_procedures(file_obj, filename)
    errors = [error.as_dict() for error in result.errors]
    records = {}
    for row in result.rows if not errors else ():
        # The record the decision will publish passes the same check as one typed in: what is stored
        # here can always take effect once the decision is signed.
        try:
            records[row.line] = record_validate(record_from_data(row.data))
        except InvalidInput as exc:
            errors += [{"line": row.line, "column": d["field"], "message": d["message"]} for d in exc.details]
    if errors:
        raise InvalidInput(
            _("The file has %(count)d errors; nothing was imported.") % {"count": len(errors)},
            code="import_invalid",
            details=errors,
        )
    existing = {item.procedure_code: item for item in decision.items.all()}
    position = max((item.position for item in existing.values()), default=0)
    items = []
    for row in result.rows:
        record = records[row.line]
        item = existing.get(row.data.code)
        if item is not None:
            if item.change == ChangeKind.ABOLISHED:
                raise InvalidInput(
                    _("%(code)s is listed as abolished in this decision.") % {"code": row.data.code},
                    code="publication_duplicate",
                )
            item.record, item.name = record, record["name"]
            item.save(update_fields=["record", "name", "updated_at"])
        else:
            position += 1
            change = ChangeKind.AMENDED if _current(row.data.code) else ChangeKind.NEW
            item = PublicationItem.objects.create(
                decision=decision,
                position=position,
                change=change,
                procedure_code=row.data.code,
                name=record["name"],
                record=record,
            )
        items.append(item)
    _bump(decision, version)
    return items


# --- review ----------------------------------------------------------------------------------------------------


@transaction.atomic
def publication_submit_for_review(
    *, actor: User, decision: PublicationDecision, version: int | None = None
) -> PublicationDecision:
    """The drafting department sends its draft (again) to the Office for review (thẩm tra)."""
    return _transition(
        actor=actor,
        actors=publication_actors(actor, decision),
        decision=decision,
        action=PublicationAction.SUBMIT_FOR_REVIEW,
        version=version,
    )


@transaction.atomic
def publication_comment(
    *, actor: User, decision: PublicationDecision, text: str, item: PublicationItem | None = None
) -> ReviewComment:
    """The Office reviewer remarks on one item or on the whole decision under review."""
    check(COMMENT, decision.status, publication_actors(actor, decision))
    text = nfc(text.strip())
    if not text:
        raise InvalidInput(_("Write the comment."), code="publication_empty_comment")
    if item is not None and item.decision_id != decision.pk:
        raise InvalidInput(_("The item is not part of this decision."), code="publication_bad_item")
    return ReviewComment.objects.create(decision=decision, item=item, author=actor, text=text)


@transaction.atomic
def publication_comment_resolve(*, actor: User, comment: ReviewComment) -> ReviewComment:
    """Mark a comment as dealt with (the reviewer, or the drafter once the draft was revised)."""
    check(RESOLVE_COMMENT, comment.decision.status, publication_actors(actor, comment.decision))
    if not comment.resolved:
        comment.resolved, comment.resolved_by, comment.resolved_at = True, actor, timezone.now()
        comment.save(update_fields=["resolved", "resolved_by", "resolved_at", "updated_at"])
    return comment


@transaction.atomic
def publication_return_for_revision(
    *, actor: User, decision: PublicationDecision, reason: str, version: int | None = None
) -> PublicationDecision:
    """The Office sends the draft back to its department; `reason` becomes a comment on the whole decision."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_("Say what must be revised."), code="publication_no_reason")
    _transition(
        actor=actor,
        actors=publication_actors(actor, decision),
        decision=decision,
        action=PublicationAction.RETURN_FOR_REVISION,
        version=version,
        note=reason,
    )
    ReviewComment.objects.create(decision=decision, author=actor, text=reason)
    return decision


@transaction.atomic
def publication_accept(
    *, actor: User, decision: PublicationDecision, version: int | None = None
) -> PublicationDecision:
    """The Office accepts the reviewed draft; every comment must be resolved first."""
    return _transition(
        actor=actor,
        actors=publication_actors(actor, decision),
        decision=decision,
        action=PublicationAction.ACCEPT,
        version=version,
    )


@transaction.atomic
def publication_submit_to_chairman(
    *, actor: User, decision: PublicationDecision, version: int | None = None
) -> PublicationDecision:
    """The Office submits the accepted draft to the Chairman (trình Chủ tịch UBND tỉnh)."""
    return _transition(
        actor=actor,
        actors=publication_actors(actor, decision),
        decision=decision,
        action=PublicationAction.SUBMIT_TO_CHAIRMAN,
        version=version,
    )


@transaction.atomic
def publication_sign(
    *,
    actor: User,
    decision: PublicationDecision,
    number: str,
    signed_on: dt.date,
    effective_on: dt.date,
    version: int | None = None,
) -> PublicationDecision:
    """The Chairman signs: the decision gets its number and dates; the catalog changes on `effective_on`,
    at once when that day has already come."""
    number = nfc(number.strip())
    if not number:
        raise InvalidInput(_("Give the decision's number."), code="publication_no_number")
    if effective_on < signed_on:
        raise InvalidInput(
            _("The effective date cannot come before the signature."), code="publication_bad_dates"
        )
    if PublicationDecision.objects.filter(number=number).exclude(pk=decision.pk).exists():
        raise InvalidInput(
            _("Another decision already has the number %(number)s.") % {"number": number},
            code="publication_duplicate_number",
        )
    try:
        with transaction.atomic():
            signed = _transition(
                actor=actor,
                actors=publication_actors(actor, decision),
                decision=decision,
                action=PublicationAction.SIGN,
                version=version,
                number=number,
                signed_on=signed_on,
                effective_on=effective_on,
                signer=actor,
            )
    except IntegrityError as exc:  # a concurrent signature took the number
        raise InvalidInput(
            _("Another decision already has the number %(number)s.") % {"number": number},
            code="publication_duplicate_number",
        ) from exc
    return _sign_then_apply(signed)


def _sign_then_apply(signed: PublicationDecision) -> PublicationDecision:
    """A decision signed on or after its effective date changes the catalog at once (issue 9 item 9)."""
    today = timezone.localdate()
    if signed.effective_on <= today:
        publication_apply(decision=signed, today=today)
        signed.refresh_from_db()
    return signed


# --- the effective date ----------------------------------------------------------------------------------------


def _in_force_on(code: str, day: dt.date) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.filter(procedure__code=code, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from")
        .first()
    )


def _abolish(*, code: str, on: dt.date, today: dt.date) -> None:
    """End the validity of `code` on `on`: the version open then gets valid_to = `on` and leaves the catalog."""
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        return
    open_then = procedure.versions.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    if open_then.filter(valid_from=on).exists():
        # A version starting the very day it is abolished never was in force: there is nothing to close.
        logger.warning("Procedure %s has a version starting on its abolition date %s", code, on)
    open_then.filter(valid_from__lt=on).update(valid_to=on, updated_at=timezone.now())
    procedure_refresh_current(procedure=procedure, today=today)


@transaction.atomic
def publication_apply(*, decision: PublicationDecision, today: dt.date) -> bool:
    """Change the catalog as the signed `decision` says, if its effective date has come.

    New and amended procedures (and the new code of a replacement) get a version valid from the effective
    date through `procedure_version_save`; the version before it ends that day and is kept. Abolished ones
    (and the code a replacement replaces) have their version in force end that day. Returns False, changing
    nothing, when the decision is not (or no longer) waiting: applying twice is harmless.
    """
    decision = _locked(decision)
    if decision.status != PublicationStatus.SIGNED or decision.effective_on > today:
        return False
    on = decision.effective_on
    for item in decision.items.order_by("position"):
        if item.change == ChangeKind.ABOLISHED:
            item.previous_version = _in_force_on(item.procedure_code, on)
            _abolish(code=item.procedure_code, on=on, today=today)
        else:
            if item.change == ChangeKind.REPLACED:
                item.previous_version = _in_force_on(item.replaces_code, on)
                _abolish(code=item.replaces_code, on=on, today=today)
            else:
                item.previous_version = _in_force_on(item.procedure_code, on)
            data = data_from_record(code=item.procedure_code, record=item.record, valid_from=on)
            item.applied_version = procedure_version_save(data=data, today=today)
        item.save(update_fields=["previous_version", "applied_version", "updated_at"])
    _transition(
        actor=None,
        actors=frozenset({Actor.SYSTEM}),
        decision=decision,
        action=PublicationAction.APPLY,
        version=None,
        applied_on=today,
    )
    return True


@dataclass
class ApplyReport:
    """What `publication_apply_due` did: the decisions applied and those that failed, with why."""

    applied: list[PublicationDecision] = dataclass_field(default_factory=list)
    failed: list[tuple[PublicationDecision, str]] = dataclass_field(default_factory=list)


def publication_apply_due(*, today: dt.date | None = None) -> ApplyReport:
    """Apply every signed decision whose effective date is `today` or earlier, oldest first, each in its own
    transaction so that one faulty decision does not hold the others back. Run daily (`publish_scheduled`);
    running it again the same day changes nothing."""
    today = today or timezone.localdate()
    report = ApplyReport()
    due = PublicationDecision.objects.filter(
        status=PublicationStatus.SIGNED, effective_on__lte=today
    ).order_by("effective_on", "id")
    for decision in due:
        try:
            if publication_apply(decision=decision, today=today):
                report.applied.append(decision)
        except Exception as exc:  # noqa: BLE001 - a sweep records the failure and goes on
            logger.exception("Publication decision %s could not be applied", decision.pk)
            report.failed.append((decision, getattr(exc, "message", str(exc))))
    return report


def publication_apply_due_throttled(*, now: dt.datetime | None = None) -> ApplyReport | None:
    """Apply the signed decisions whose effective date has come, checked at most once a minute per process
    and always on the first request of a new day: the catalog changes on its effective date without
    waiting for the nightly `publish_scheduled` (issue 9 item 9). Returns None when it did not look."""
    global _last_due_check
    now = now or timezone.now()
    today = timezone.localdate(now)
    checked_day, checked_at = _last_due_check
    if checked_day == today and (now - checked_at) < DUE_CHECK_INTERVAL:
        return None
    _last_due_check = (today, now)
    if not PublicationDecision.objects.filter(
        status=PublicationStatus.SIGNED, effective_on__lte=today
    ).exists():
        return ApplyReport()
    return publication_apply_due(today=today)


DUE_CHECK_INTERVAL = dt.timedelta(minutes=1)
_last_due_check: tuple[dt.date | None, dt.datetime] = (None, dt.datetime.min.replace(tzinfo=dt.UTC))


def forget_due_check() -> None:
    """Make the next request look again (tests, and after a signature in this process)."""
    global _last_due_check
    _last_due_check = (None, dt.datetime.min.replace(tzinfo=dt.UTC))


def data_from_version(version: ProcedureVersion) -> ProcedureData:
    """The `ProcedureData` of a version in the catalog: the starting record of a replacement."""
    return ProcedureData(
        code=version.procedure.code,
        name=version.name,
        field_name=version.field.name,
        level_codes=tuple(
            level.code for level in sorted(version.levels.all(), key=lambda lv: (lv.rank, lv.code))
        ),
        time_limit_value=version.time_limit_value,
        time_limit_unit=version.time_limit_unit,
        competent_agency_identifier=version.competent_agency.identifier if version.competent_agency else None,
        time_limit_text=version.time_limit_text,
        applicants=version.applicants,
        requirements=version.requirements,
        result=version.result,
        legal_basis=version.legal_basis,
        online_service=version.online_service,
        accepts_desk=version.accepts_desk,
        accepts_post=version.accepts_post,
        boundary_free=version.boundary_free,
        supplement_policy=version.supplement_policy,
        documents=tuple(
            DocumentData(name=d.name, form=d.form, count=d.count, is_optional=d.is_optional)
            for d in sorted(version.documents.all(), key=lambda d: d.position)
        ),
        fees=tuple(
            FeeData(description=f.description, amount=f.amount, note=f.note)
            for f in sorted(version.fees.all(), key=lambda f: f.position)
        ),
        steps=tuple(
            StepData(
                name=s.name,
                role=s.role,
                duration_days=s.duration_days,
                agency_identifier=s.agency.identifier if s.agency else None,
            )
            for s in sorted(version.steps.all(), key=lambda s: s.position)
        ),
    )


@transaction.atomic
def publication_item_replace(
    *,
    actor: User,
    decision: PublicationDecision,
    replaces_code: str,
    procedure_code: str,
    name: str = "",
    version: int | None = None,
) -> PublicationItem:
    """Add a replacement to a draft (or returned) decision from the UI: the new code starts from the record
    of the procedure it replaces (renamed if `name` is given); a spreadsheet upload listing the new code
    then replaces that record with the new one."""
    replaced = _current(replaces_code.strip())
    record = None
    if replaced is not None:
        record = record_from_data(data_from_version(replaced))
        if name.strip():
            record["name"] = name.strip()
    return publication_item_add(
        actor=actor,
        decision=decision,
        change=ChangeKind.REPLACED,
        procedure_code=procedure_code,
        replaces_code=replaces_code,
        record=record,
        version=version,
    )


@transaction.atomic
def publication_attach_signed_file(
    *, actor: User, decision: PublicationDecision, upload, sent_name: str | None = None
) -> PublicationDecision:
    """Attach the signed decision's file (a PDF, checked by its content), replacing any earlier one; the
    Chairman or the Office, once signed. One event records it."""
    from motcua.catalog.publication_workflow import ATTACH_FILE
    from motcua.core.uploads import check_upload

    decision = _locked(decision)
    check(ATTACH_FILE, decision.status, publication_actors(actor, decision))
    checked = check_upload(upload, kinds={"pdf"}, sent_name=sent_name)
    if decision.signed_file:
        decision.signed_file.delete(save=False)
    decision.signed_file.save(checked.storage_name, upload, save=False)
    decision.signed_file_name = checked.name[:200]
    decision.save(update_fields=["signed_file", "signed_file_name", "updated_at"])
    PublicationEvent.objects.create(
        decision=decision,
        actor=actor,
        action="attach_file",
        from_status=decision.status,
        to_status=decision.status,
        note=checked.name,
    )
    return decision
