"""Writes: the province's declarations of days off and make-up working days, and changes of office hours.

Every change is one operation: in one transaction it locks the calendar (`CalendarLock`), writes the
declaration, records a `CalendarChange`, and hands the calendars before and after to the apps whose stored
due moments follow the calendar (`APPLY_HOOKS`: the dossiers app recomputes every open dossier and step the
change touches, in the same transaction). The cached calendar is invalidated at once in this process and
again when the transaction commits (so other processes rebuild from committed rows).

This app knows nothing of dossiers (dependencies point one way): the dossiers app registers its hooks
when it loads (`motcua.dossiers.apps`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput, NotFound
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.choices import DayKind
from motcua.workdays.models import CalendarChange, CalendarLock, DayOverride
from motcua.workdays.selectors import build_calendar, calendar_cache


@dataclass(frozen=True)
class CalendarShift:
    """What a calendar change does: the calendar before and after it, and the days it touches (both
    None when it may touch every day, as a change of office hours does)."""

    before: WorkCalendar
    after: WorkCalendar
    first_day: date | None
    last_day: date | None


# Called inside the change's transaction with (shift=, change=); each returns (dossiers, steps) moved.
APPLY_HOOKS: list[Callable[..., tuple[int, int]]] = []
# Called with (shift=) for a preview; nothing is written. Each returns a summary for the page.
PREVIEW_HOOKS: list[Callable[..., Any]] = []


def calendar_changed() -> None:
    """Invalidate the working calendar now and after the current transaction commits."""
    calendar_cache.changed()


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    return getattr(actor, "full_name", "") or actor.get_username()


@contextmanager
def calendar_changing(
    *, action: str, actor=None, day: date | None = None, kind: str = "", reason: str = ""
) -> Iterator[CalendarChange]:
    """Run the caller's write to the calendar's rows inside one calendar change (see the module's text).

    Locks the calendar FOR UPDATE: no workflow action computes a due moment until the change commits.
    Yields the unsaved `CalendarChange`; the caller may still adjust it (e.g. the reason).
    """
    with transaction.atomic():
        CalendarLock.objects.get_or_create(pk=1)
        CalendarLock.objects.select_for_update().get(pk=1)
        before = build_calendar()
        change = CalendarChange(
            action=action,
            day=day,
            kind=kind,
            reason=reason,
            actor=actor,
            actor_name=_actor_name(actor),
            created_at=timezone.now(),
        )
        yield change
        change.save()
        CalendarLock.objects.filter(pk=1).update(revision=change.pk)
        after = build_calendar()
        shift = CalendarShift(before=before, after=after, first_day=day, last_day=day)
        for hook in APPLY_HOOKS:
            dossiers, steps = hook(shift=shift, change=change)
            change.moved_dossiers += dossiers
            change.moved_steps += steps
        change.save(update_fields=["moved_dossiers", "moved_steps"])
        calendar_changed()


def _check_kind(kind: str) -> None:
    if kind not in DayKind.values:
        raise InvalidInput(_("Unknown kind of day: %(kind)s.") % {"kind": kind}, code="invalid_day_kind")


def _validated(day: date, kind: str, reason: str) -> DayOverride:
    override = DayOverride.objects.filter(day=day).first() or DayOverride(day=day)
    override.kind = kind
    override.reason = (reason or "").strip()
    try:
        override.full_clean()
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), code="invalid_day_override", details=error.message_dict
        ) from None
    return override


def day_override_set(*, day: date, kind: DayKind | str, reason: str, actor=None) -> DayOverride:
    """Declare `day` a day off or a make-up working day, replacing any declaration for that date, and move
    the due moments of the open dossiers it touches (one event each, the applicant told).

    Raises InvalidInput when the declaration changes nothing (a make-up day on a working day, a day
    off on a weekend or public holiday) or the reason is empty.
    """
    _check_kind(kind)
    _validated(day, kind, reason)  # a bad declaration is refused before anything is locked
    with calendar_changing(
        action=CalendarChange.Action.DECLARED, actor=actor, day=day, kind=kind, reason=(reason or "").strip()
    ):
        override = _validated(day, kind, reason)
        override.save()
    return override


def day_override_delete(*, day: date, actor=None) -> None:
    """Remove the declaration for `day`, which returns to the national calendar; the due moments it had
    moved move back.

    Raises NotFound when nothing was declared for that date.
    """
    existing = DayOverride.objects.filter(day=day).first()
    if existing is None:
        raise NotFound(
            _("Nothing is declared for %(day)s.") % {"day": f"{day:%d/%m/%Y}"}, code="day_override_not_found"
        )
    with calendar_changing(
        action=CalendarChange.Action.REMOVED, actor=actor, day=day, kind=existing.kind, reason=existing.reason
    ):
        deleted, _count = DayOverride.objects.filter(day=day).delete()
        if not deleted:
            raise NotFound(
                _("Nothing is declared for %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
                code="day_override_not_found",
            )


def office_sessions_changing(*, actor=None, reason: str = ""):
    """A context manager around a write to office sessions: the open dossiers' due moments follow it."""
    return calendar_changing(action=CalendarChange.Action.SESSIONS, actor=actor, reason=reason)


@dataclass(frozen=True)
class Preview:
    """What a declaration would do, before it is saved: the calendars and the apps' summaries."""

    shift: CalendarShift
    summaries: list[Any]


def day_override_preview(*, day: date, kind: str | None, reason: str = "") -> Preview:
    """What declaring `day` as `kind` (None: removing its declaration) would move; nothing is written.

    Raises InvalidInput for a declaration `day_override_set` would refuse.
    """
    if kind is None:
        if not DayOverride.objects.filter(day=day).exists():
            raise NotFound(
                _("Nothing is declared for %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
                code="day_override_not_found",
            )
        after = build_calendar(remove=day)
    else:
        _check_kind(kind)
        _validated(day, kind, reason or "-")  # the reason is not needed to preview
        after = build_calendar(declare=(day, kind, reason))
    shift = CalendarShift(before=build_calendar(), after=after, first_day=day, last_day=day)
    return Preview(shift=shift, summaries=[hook(shift=shift) for hook in PREVIEW_HOOKS])
