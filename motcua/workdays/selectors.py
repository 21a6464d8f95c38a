"""Reads: the deployment's working calendar, built from the database and settings, and thin helpers
other apps call for due moments.

The calendar is kept in the process (`motcua.core.localcache`): services drop it in every process when
the declarations change, and it is rebuilt anyway after `CALENDAR_TTL_SECONDS` in case the cache is per
process (LocMemCache).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from motcua.core.localcache import LocalCache
from motcua.workdays.calendar import Number, Schedule, WorkCalendar
from motcua.workdays.choices import DayKind
from motcua.workdays.models import CalendarLock, DayOverride, OfficeSession

CALENDAR_TTL_SECONDS = 60
calendar_cache = LocalCache("workdays:calendar", ttl=CALENDAR_TTL_SECONDS)
CALENDAR_VERSION_KEY = calendar_cache.key  # the shared generation every process compares


def get_calendar() -> WorkCalendar:
    """The working calendar: national holidays, declared day overrides and office sessions. Kept in the
    process; rebuilt when another process changed the declarations or after CALENDAR_TTL_SECONDS."""
    return calendar_cache.get("calendar", build_calendar)


def forget_calendar() -> None:
    """Drop this process's calendar (tests call it between cases)."""
    calendar_cache.clear()


def build_calendar(
    *, declare: tuple[date, str, str] | None = None, remove: date | None = None
) -> WorkCalendar:
    """A fresh calendar from the database (overrides, office sessions) and settings (no caching), tagged
    with its `revision` (the id of the latest `CalendarChange`).

    `declare=(day, kind, reason)` or `remove=day` give the calendar as it would be after that change,
    without writing it: the preview of a declaration is computed on it.
    """
    days_off: dict[date, str] = {}
    working_days: dict[date, str] = {}
    for day, kind, reason in DayOverride.objects.values_list("day", "kind", "reason"):
        (working_days if kind == DayKind.WORKING_DAY else days_off)[day] = reason
    if declare is not None or remove is not None:
        changed_day = declare[0] if declare is not None else remove
        days_off.pop(changed_day, None)
        working_days.pop(changed_day, None)
        if declare is not None:
            day, kind, reason = declare
            (working_days if kind == DayKind.WORKING_DAY else days_off)[day] = reason

    all_year: list[tuple] = []
    by_season: dict[tuple, list[tuple]] = defaultdict(list)
    for session in OfficeSession.objects.all():
        pair = (session.starts_at, session.ends_at)
        if session.is_seasonal:
            by_season[session.season].append(pair)
        else:
            all_year.append(pair)
    if not all_year:
        all_year = list(settings.MOTCUA_DEFAULT_OFFICE_SESSIONS)
    seasons = [
        Schedule(tuple(pairs), valid_from, valid_to) for (valid_from, valid_to), pairs in by_season.items()
    ]

    calendar = WorkCalendar(
        sessions=all_year,
        seasons=seasons,
        days_off=days_off,
        working_days=working_days,
        time_zone=settings.TIME_ZONE,
        workday_hours=settings.MOTCUA_WORKDAY_HOURS,
        language=_holiday_language(),
    )
    calendar.revision = CalendarLock.objects.filter(pk=1).values_list("revision", flat=True).first() or 0
    return calendar


_LOCK_SHARED_SQL = {
    "postgresql": "SELECT revision FROM workdays_calendarlock WHERE id = 1 FOR SHARE",
    # SQLite has one writer at a time: a recompute holds the database's write lock until it commits.
    "sqlite": "SELECT revision FROM workdays_calendarlock WHERE id = 1",
}


def calendar_for_write() -> WorkCalendar:
    """The working calendar a write must compute its due moments with, called inside its transaction.

    Locks the calendar's revision FOR SHARE (PostgreSQL) until the transaction ends, so no calendar change
    can commit meanwhile, and an action that starts while a change recomputes the open dossiers waits for
    it. If this process still holds a calendar older than the committed revision (another process changed
    it and the shared cache has not told this one yet), it is rebuilt: no due moment is computed from the
    old calendar.
    """
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SHARED_SQL.get(connection.vendor, _LOCK_SHARED_SQL["sqlite"]))
        row = cursor.fetchone()
    revision = row[0] if row else 0
    calendar = get_calendar()
    if getattr(calendar, "revision", None) != revision:
        calendar_cache.clear()
        calendar = get_calendar()
    return calendar


def _holiday_language() -> str:
    return "vi" if settings.LANGUAGE_CODE.lower().startswith("vi") else "en_US"


def day_overrides(*, year: int | None = None) -> QuerySet[DayOverride]:
    """Declared days off and make-up working days, by date; public data (no user scope)."""
    overrides = DayOverride.objects.order_by("day")
    if year is not None:
        overrides = overrides.filter(day__year=year)
    return overrides


# --- helpers for other apps --------------------------------------------------------------------------


def due_after(start: datetime, *, days: Number | None = None, hours: Number | None = None) -> datetime:
    """The due moment of a limit of `days` working days (8 hours each) or `hours` working hours."""
    return get_calendar().due_after(start, days=days, hours=hours)


def add_working_time(start: datetime, minutes: Number) -> datetime:
    """The moment `minutes` working minutes after `start`."""
    return get_calendar().add_working_time(start, minutes)


def subtract_working_time(end: datetime, minutes: Number) -> datetime:
    """The latest moment that still leaves `minutes` working minutes before `end` (e.g. the last moment
    to act "at least one working day before the deadline")."""
    return get_calendar().subtract_working_time(end, minutes)


def working_minutes_between(start: datetime, end: datetime) -> int | float:
    """Working minutes from `start` to `end` (negative when `end` is earlier)."""
    return get_calendar().working_minutes_between(start, end)


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in this province."""
    return get_calendar().is_working_day(day)


def is_working_time(moment: datetime) -> bool:
    """Whether `moment` falls in office hours of a working day."""
    return get_calendar().is_working_time(moment)


def next_working_moment(moment: datetime) -> datetime:
    """`moment` if it is working time, else the next session start."""
    return get_calendar().next_working_moment(moment)
