"""The calendar days motcua accepts as input (issue 10, item 3).

Python's dates run from year 1 to 9999, but a day at either end cannot become a moment in Vietnam's time
zone (year 1 at 00:00 +07:00 is still year 0 in UTC; the day after 9999-12-31 does not exist): a filter on a
timestamp column would fail with a server error. No procedure, dossier or announcement lies outside the
range below, so a day outside it is refused with a clear message wherever a date comes in.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import InvalidInput

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
OUT_OF_RANGE = gettext_lazy("Enter a date between 01/01/1900 and 31/12/2999.")


def in_range(day: dt.date | None) -> bool:
    return day is None or FIRST_DAY <= (day.date() if isinstance(day, dt.datetime) else day) <= LAST_DAY


def check_days(*days: dt.date | None) -> None:
    """InvalidInput (`date_out_of_range`) when one of `days` lies outside the accepted range."""
    if not all(in_range(day) for day in days):
        raise InvalidInput(str(OUT_OF_RANGE), code="date_out_of_range")


def validate_day(day: dt.date | None) -> None:
    """A form field validator with the same rule."""
    if not in_range(day):
        raise ValidationError(_("Enter a date between 01/01/1900 and 31/12/2999."), code="date_out_of_range")
