"""Reads of online filing, always limited to what the caller may see (docs/design.md §4 Tracking, §7).

A citizen sees only their own drafts, dossiers and files; staff see a dossier's files when they may
see the dossier (`motcua.dossiers.selectors.dossiers_visible_to`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.choices import TimeLimitUnit
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import NotFound
from motcua.dossiers.choices import TERMINAL_STATUSES
from motcua.dossiers.choices import DossierAction as A
from motcua.dossiers.choices import DossierStatus as S
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import dossiers_visible_to
from motcua.filing.choices import DraftStatus
from motcua.filing.models import Attachment, Draft
from motcua.org.models import User
from motcua.workdays.selectors import due_after

# Every state in the applicant's words (docs/design.md §4's table), not the desk's.
STATUS_LABELS = {
    S.SUBMITTED: pgettext_lazy("dossier status for the applicant", "submitted, awaiting reception"),
    S.NEEDS_COMPLETION: pgettext_lazy("dossier status for the applicant", "waiting for you to complete it"),
    S.REJECTED: pgettext_lazy("dossier status for the applicant", "refused"),
    S.RECEIVED: pgettext_lazy("dossier status for the applicant", "received"),
    S.IN_PROGRESS: pgettext_lazy("dossier status for the applicant", "being processed"),
    S.AWAITING_SUPPLEMENT: pgettext_lazy("dossier status for the applicant", "waiting for your supplement"),
    S.SUSPENDED: pgettext_lazy("dossier status for the applicant", "on hold"),
    S.RESULT_READY: pgettext_lazy("dossier status for the applicant", "result ready"),
    S.RETURNED: pgettext_lazy("dossier status for the applicant", "result returned"),
    S.STOPPED: pgettext_lazy("dossier status for the applicant", "processing stopped"),
    S.WITHDRAWN: pgettext_lazy("dossier status for the applicant", "withdrawn"),
}

EVENT_TITLES = {
    A.SUBMIT: pgettext_lazy("applicant timeline", "The dossier was filed"),
    A.REQUEST_COMPLETION: pgettext_lazy("applicant timeline", "The desk asked you to complete the dossier"),
    A.REFUSE: pgettext_lazy("applicant timeline", "The desk refused to receive the dossier"),
    A.RECEIVE: pgettext_lazy("applicant timeline", "The dossier was received"),
    A.FORWARD: pgettext_lazy("applicant timeline", "Moved on to the next processing step"),
    A.CONSULT: pgettext_lazy("applicant timeline", "Other agencies are being consulted"),
    A.APPROVE: pgettext_lazy("applicant timeline", "The result was approved"),
    A.REQUEST_SUPPLEMENT: pgettext_lazy("applicant timeline", "The agency asked you for more documents"),
    A.SUPPLEMENT: pgettext_lazy("applicant timeline", "The dossier was supplemented"),
    A.SUSPEND: pgettext_lazy("applicant timeline", "Processing was put on hold"),
    A.RESUME: pgettext_lazy("applicant timeline", "Processing resumed"),
    A.MARK_RESULT_READY: pgettext_lazy("applicant timeline", "The result is ready"),
    A.RETURN_RESULT: pgettext_lazy("applicant timeline", "The result was returned"),
    A.STOP: pgettext_lazy("applicant timeline", "Processing was stopped"),
    A.WITHDRAW: pgettext_lazy("applicant timeline", "The dossier was withdrawn"),
    A.APOLOGISE_EXTEND: pgettext_lazy(
        "applicant timeline", "The agency apologised and set a new appointment"
    ),
}
RESUBMITTED = pgettext_lazy("applicant timeline", "You completed the dossier and filed it again")
# Internal work the applicant has no use for (assignments, proposals, answers of consulted agencies).
_INTERNAL = {A.ASSIGN, A.SEND_BACK, A.JOIN, A.PROPOSE}
# Actions whose reason is addressed to the applicant and shown word for word.
_REASONED = {
    A.REQUEST_COMPLETION,
    A.REFUSE,
    A.REQUEST_SUPPLEMENT,
    A.SUSPEND,
    A.STOP,
    A.WITHDRAW,
    A.APOLOGISE_EXTEND,
}
# The usual path; a dossier in another state shows it after the last stage it reached.
MAIN_PATH = (S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.RESULT_READY, S.RETURNED)


# --- drafts and files -------------------------------------------------------------------------------


def drafts_of(user: User) -> QuerySet[Draft]:
    """The user's open drafts, most recently changed first."""
    if not user.is_authenticated:
        return Draft.objects.none()
    return (
        Draft.objects.filter(owner=user, status=DraftStatus.DRAFT)
        .select_related("procedure_version__procedure")
        .order_by("-updated_at", "-id")
    )


def draft_for(user: User, draft_id: int) -> Draft:
    """One of the user's drafts (open or submitted) with its procedure, documents and files;
    NotFound for anyone else's (no hint whether it exists)."""
    draft = (
        Draft.objects.filter(pk=draft_id, owner=user)
        .select_related("procedure_version__procedure", "procedure_version__competent_agency", "dossier")
        .prefetch_related("procedure_version__documents", "attachments")
        .first()
        if user.is_authenticated
        else None
    )
    if draft is None:
        raise NotFound(_("Draft not found."), code="draft_not_found")
    return draft


def open_draft(user: User, version: ProcedureVersion) -> Draft | None:
    """The user's open draft for this procedure version, if any."""
    return drafts_of(user).filter(procedure_version=version).first()


def attachments_for(user: User, record: Draft | Dossier) -> QuerySet[Attachment]:
    """The files of a draft or a dossier the user may see (none otherwise)."""
    if not user.is_authenticated:
        return Attachment.objects.none()
    if isinstance(record, Draft):
        return Attachment.objects.filter(draft_id=record.pk, draft__owner=user)
    if not dossiers_visible_to(user).filter(pk=record.pk).exists():
        return Attachment.objects.none()
    return Attachment.objects.filter(dossier_id=record.pk)


def attachment_for_download(user: User, attachment_id: int) -> Attachment:
    """A file the user may download: their own, or one of a dossier they may see as staff."""
    row = Attachment.objects.filter(pk=attachment_id).first() if user.is_authenticated else None
    if row is not None and row.owner_id == user.pk:
        return row
    if row is not None and row.dossier_id and dossiers_visible_to(user).filter(pk=row.dossier_id).exists():
        return row
    raise NotFound(_("File not found."), code="attachment_not_found")


# --- my dossiers -------------------------------------------------------------------------------------


def my_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers the user filed as applicant (staff scope excluded), newest first."""
    return (
        dossiers_visible_to(user)
        .filter(applicant_user_id=user.pk)
        .select_related("procedure_version__procedure")
        .order_by("-created_at", "-id")
    )


def my_dossier(user: User, code: str) -> Dossier:
    """One dossier the user filed, with its events; NotFound otherwise (staff included: their pages
    are elsewhere)."""
    dossier = (
        my_dossiers(user)
        .select_related("procedure_version__competent_agency", "receiving_desk")
        .prefetch_related("events", "procedure_version__documents")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound(_("Dossier not found."), code="dossier_not_found")
    return dossier


def _events(dossier: Dossier) -> list[DossierEvent]:
    return sorted(dossier.events.all(), key=lambda e: e.seq)


@dataclass(frozen=True)
class SupplementRequest:
    at: dt.datetime
    reason: str
    by_desk: bool  # the desk before reception (request to complete), else the competent agency


def supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """What the applicant is asked for now, word for word; None when nothing is asked."""
    if dossier.status not in (S.AWAITING_SUPPLEMENT, S.NEEDS_COMPLETION):
        return None
    for event in reversed(_events(dossier)):
        if event.action in (A.REQUEST_SUPPLEMENT, A.REQUEST_COMPLETION):
            return SupplementRequest(
                at=event.created_at,
                reason=str(event.payload.get("reason") or ""),
                by_desk=event.action == A.REQUEST_COMPLETION,
            )
    return None


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    title: str
    status: str  # the status label after the event
    reason: str = ""
    appointment_at: dt.datetime | None = None


def _moment(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) else None


def dossier_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's history in the applicant's words, oldest first: one entry per event that means
    something to them, with the reason they were given and any appointment."""
    entries = []
    for event in _events(dossier):
        if event.action in _INTERNAL or event.action not in EVENT_TITLES:
            continue
        title = EVENT_TITLES[event.action]
        if event.action == A.SUBMIT and event.from_status == S.NEEDS_COMPLETION:
            title = RESUBMITTED
        payload = event.payload or {}
        appointment = None
        if event.action == A.RECEIVE:
            appointment = _moment(payload.get("due_at"))
        elif event.action == A.APOLOGISE_EXTEND:
            appointment = _moment(payload.get("extended_due_at"))
        entries.append(
            TimelineEntry(
                at=event.created_at,
                title=str(title),
                status=str(STATUS_LABELS.get(event.to_status, event.to_status)),
                reason=str(payload.get("reason") or "") if event.action in _REASONED else "",
                appointment_at=appointment,
            )
        )
    return entries


@dataclass(frozen=True)
class Stage:
    label: str
    state: str  # done | current | todo | final (where a closed dossier ended)


def dossier_progress(dossier: Dossier) -> list[Stage]:
    """The stages of the usual path, marked done / current / to come; a state off the path (waiting
    for a supplement, on hold, refused, stopped, withdrawn) is shown where the dossier is."""
    reached = {e.to_status for e in _events(dossier)} | {dossier.status}
    current = dossier.status
    stages: list[Stage] = []
    last_reached = max((i for i, s in enumerate(MAIN_PATH) if s in reached), default=0)
    for index, status in enumerate(MAIN_PATH):
        if status == current:
            state = "current"
        elif index <= last_reached:
            state = "done"
        else:
            state = "todo"
        stages.append(Stage(str(STATUS_LABELS[status]), state))
        if index == last_reached and current not in MAIN_PATH:
            stages.append(Stage(str(STATUS_LABELS[current]), "current"))
    if current not in MAIN_PATH and current in (S.REJECTED, S.STOPPED, S.WITHDRAWN):
        stages = [s for s in stages if s.state != "todo"]
    if current in TERMINAL_STATUSES:
        # Where a closed dossier ended is not a stage under way: it reads "closed", not "now".
        stages = [Stage(s.label, "final") if s.state == "current" else s for s in stages]
    return stages


def expected_appointment(version: ProcedureVersion, *, now: dt.datetime | None = None) -> dt.datetime:
    """When the result would be due if the dossier were received now ("dự kiến": the legal clock
    starts only at reception)."""
    start = now or timezone.now()
    if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
        return due_after(start, hours=version.time_limit_value)
    return due_after(start, days=version.time_limit_value)
