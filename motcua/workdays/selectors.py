"""Reads: the deployment's working calendar, built from the database and settings, and thin helpers
other apps call for due moments.

The calendar is cached in the process. Services bump a version key in Django's cache when the
declarations change; every process compares it on each call, and rebuilds anyway after
`CALENDAR_TTL_SECONDS` in case the cache is per process (LocMemCache) or was flushed.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from motcua.workdays.calendar import Number, Schedule, WorkCalendar
from motcua.workdays.choices import DayKind
from motcua.workdays.models import DayOverride, OfficeSession

CALENDAR_VERSION_KEY = "motcua:workdays:calendar-version"
CALENDAR_TTL_SECONDS = 60

_lock = threading.Lock()
_cached: dict[str, object] = {"calendar": None, "version": None, "built_at": 0.0}
_clock: Callable[[], float] = time.monotonic


def get_calendar() -> WorkCalendar:
    """The working calendar: national holidays, declared day overrides and office sessions.

    Cached in the process; rebuilt when the shared version changes or the cache is older than
    CALENDAR_TTL_SECONDS.
    """
    version = cache.get(CALENDAR_VERSION_KEY)
    calendar = _fresh_cached(version)
    if calendar is not None:
        return calendar
    with _lock:
        calendar = _fresh_cached(version)  # another thread may have rebuilt it meanwhile
        if calendar is None:
            calendar = build_calendar()
            _cached.update(calendar=calendar, version=version, built_at=_clock())
    return calendar


def _fresh_cached(version: object) -> WorkCalendar | None:
    calendar = _cached["calendar"]
    if (
        calendar is not None
        and _cached["version"] == version
        and _clock() - _cached["built_at"] < CALENDAR_TTL_SECONDS
    ):
        return calendar
    return None


def forget_calendar() -> None:
    """Drop this process's cached calendar (tests call it between cases; services via invalidation)."""
    _cached.update(calendar=None, version=None, built_at=0.0)


def invalidate_calendar() -> None:
    """Make every process rebuild its calendar: bump the shared version and forget the local copy."""
    cache.set(CALENDAR_VERSION_KEY, time.time_ns(), timeout=None)
    forget_calendar()


def build_calendar() -> WorkCalendar:
    """A fresh calendar from the database (overrides, office sessions) and settings (no caching)."""
    days_off: dict[date, str] = {}
    working_days: dict[date, str] = {}
    for day, kind, reason in DayOverride.objects.values_list("day", "kind", "reason"):
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

    return WorkCalendar(
        sessions=all_year,
        seasons=seasons,
        days_off=days_off,
        working_days=working_days,
        time_zone=settings.TIME_ZONE,
        workday_hours=settings.MOTCUA_WORKDAY_HOURS,
        language=_holiday_language(),
    )


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
