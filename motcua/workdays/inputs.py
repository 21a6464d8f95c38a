"""Parsing what people type (API query strings, command arguments) into dates, moments and amounts,
with messages that say what is wrong. Shared by the API and the `workdays` command."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.workdays.calendar import MAX_YEAR, MIN_YEAR

# Longest accepted limits: ten years of working days, or the same in hours.
MAX_DAYS = 3650
_DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y")
# An unencoded "+07:00" in a query string arrives as " 07:00": put the plus sign back.
_LOST_PLUS = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$")


def parse_day(text: str) -> date:
    """A date as YYYY-MM-DD (ISO 8601) or DD/MM/YYYY."""
    value = (text or "").strip()
    day = None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        for pattern in _DAY_FORMATS:
            try:
                day = datetime.strptime(value, pattern).date()
                break
            except ValueError:
                continue
    if day is None:
        raise InvalidInput(
            _("Not a date: %(value)s. Use YYYY-MM-DD or DD/MM/YYYY.") % {"value": value}, code="invalid_date"
        )
    _check_year(day.year)
    return day


def parse_moment(text: str | None, tz: tzinfo) -> datetime:
    """An ISO 8601 moment ("2025-01-24T10:00:00+07:00", "2025-01-24 10:00", "2025-01-24"); without an
    offset it is local time in `tz`, a bare date is its midnight. Returned aware, in `tz`."""
    value = (text or "").strip()
    if not value:
        raise InvalidInput(_("Give the start moment (ISO 8601)."), code="invalid_start")
    value = _LOST_PLUS.sub(r"\1+\2", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _("Not a moment: %(value)s. Use ISO 8601, e.g. 2025-01-24T10:00:00+07:00.") % {"value": value},
            code="invalid_start",
        ) from None
    moment = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    _check_year(moment.year)
    return moment


def parse_limit(days: str | None, hours: str | None, *, workday_hours: int) -> dict[str, Decimal]:
    """Exactly one positive, bounded limit: {"days": …} or {"hours": …}, ready for `due_after`."""
    given = {name: value for name, value in (("days", days), ("hours", hours)) if value not in (None, "")}
    if len(given) != 1:
        raise InvalidInput(_("Give exactly one of days and hours."), code="invalid_limit")
    ((name, text),) = given.items()
    try:
        amount = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        amount = None
    maximum = MAX_DAYS if name == "days" else MAX_DAYS * workday_hours
    if amount is None or not amount.is_finite() or not 0 < amount <= maximum:
        raise InvalidInput(
            _("%(name)s must be a number greater than 0 and at most %(maximum)s.")
            % {"name": _("Days") if name == "days" else _("Hours"), "maximum": maximum},
            code="invalid_limit",
        )
    return {name: amount}


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            _("Use a date between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="date_out_of_range",
        )
