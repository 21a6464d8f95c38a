"""Writes: the province's declarations of days off and make-up working days.

Every change invalidates the cached working calendar, at once in this process and again when the
transaction commits (so other processes rebuild from committed rows).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput, NotFound
from motcua.workdays.choices import DayKind
from motcua.workdays.models import DayOverride
from motcua.workdays.selectors import calendar_cache


def calendar_changed() -> None:
    """Invalidate the working calendar now and after the current transaction commits.

    Call it after any write to day overrides or office sessions (the admin does).
    """
    calendar_cache.changed()


@transaction.atomic
def day_override_set(*, day: date, kind: DayKind | str, reason: str) -> DayOverride:
    """Declare `day` a day off or a make-up working day, replacing any declaration for that date.

    Raises InvalidInput when the declaration changes nothing (a make-up day on a working day, a day
    off on a weekend or public holiday) or the reason is empty.
    """
    if kind not in DayKind.values:
        raise InvalidInput(_("Unknown kind of day: %(kind)s.") % {"kind": kind}, code="invalid_day_kind")
    override = DayOverride.objects.select_for_update().filter(day=day).first() or DayOverride(day=day)
    override.kind = kind
    override.reason = (reason or "").strip()
    try:
        override.full_clean()
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), code="invalid_day_override", details=error.message_dict
        ) from None
    override.save()
    calendar_changed()
    return override


@transaction.atomic
def day_override_delete(*, day: date) -> None:
    """Remove the declaration for `day`, which returns to the national calendar.

    Raises NotFound when nothing was declared for that date.
    """
    deleted, _count = DayOverride.objects.filter(day=day).delete()
    if not deleted:
        raise NotFound(
            _("Nothing is declared for %(day)s.") % {"day": f"{day:%d/%m/%Y}"}, code="day_override_not_found"
        )
    calendar_changed()
