"""Public working-time endpoints: due moments and the year's non-working days."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from motcua.core.errors import InvalidInput
from motcua.workdays.calendar import MAX_YEAR, MIN_YEAR
from motcua.workdays.inputs import parse_limit, parse_moment
from motcua.workdays.schemas import CalendarOut, DueOut
from motcua.workdays.selectors import get_calendar

router = Router(tags=["workdays"])


@router.get("/workdays/due", response=DueOut, auth=None, summary="Due moment of a time limit")
def due(request: HttpRequest, start: str | None = None, days: str | None = None, hours: str | None = None):
    """Counts `days` working days (8 working hours each; fractions allowed) or `hours` working hours from
    `start` (ISO 8601; without an offset it is local time). Outside office hours counting starts at
    the next session."""
    calendar = get_calendar()
    moment = parse_moment(start, calendar.tz)
    limit = parse_limit(days, hours, workday_hours=calendar.workday_hours)
    try:
        due_at = calendar.due_after(moment, **limit)
    except ValueError:
        raise InvalidInput(
            _("The due moment falls outside the known calendar."), code="date_out_of_range"
        ) from None
    return {"start": moment, "due_at": due_at}


@router.get(
    "/workdays/calendar", response=CalendarOut, auth=None, summary="Holidays and declared days of a year"
)
def year_calendar(request: HttpRequest, year: int | None = None):
    """Public holidays (with in-lieu and bridge days) and the province's declared days off and make-up
    working days of `year` (default: this year)."""
    if year is None:
        year = timezone.localdate().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            _("Use a year between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="date_out_of_range",
        )
    notes = get_calendar().year_notes(year)
    return {
        "year": year,
        "days": [
            {"date": n.day, "is_working": n.is_working, "kind": n.source, "name": n.name} for n in notes
        ],
    }
