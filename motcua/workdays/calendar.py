"""Working-time arithmetic: the pure, table-driven engine behind every legal time limit.

No Django here: the engine takes plain values (office sessions, declared days) and answers in
O(log n) per call from a precomputed table, so it can be unit-tested, benchmarked and reused alone.
`motcua.workdays.selectors.get_calendar()` builds the deployment's calendar from the database.

Working days are Monday to Friday, minus the public holidays of the `holidays` package's Vietnam
calendar (Tết and the lunar Hùng Kings' day included, with their in-lieu "observed" days and the
bridge days "Day off (substituted from …)"), minus the days off the province declares, plus the
make-up working days it declares (a Saturday worked in exchange for a bridge day: the package lists
the bridge day but not the Saturday, so the province must declare it).

Conventions (each one is tested):

* Time is local wall-clock time in the calendar's time zone. Aware datetimes are converted to it;
  naive datetimes are taken as local time. Results are aware datetimes in that time zone.
* A session is half-open, `[starts_at, ends_at)`: 11:30 is not working time when the morning ends at
  11:30. A moment outside office hours starts counting at the next session start.
* A due moment that lands exactly at a session end is that session end (11:30 or 17:30), not the
  start of the next session: 4 working hours from 07:30 are due at 11:30 the same day.
* Adding 0 minutes returns `next_working_moment(start)`: the moment itself in working time,
  otherwise the next session start. This is also the limit of adding ever smaller amounts.
* `working_minutes_between(a, b)` is signed: it is negative when `b` is before `a`, zero when they are
  equal or no working time lies between them. It is an `int` when the amount is a whole number of
  minutes, a `float` otherwise (amounts are exact to the microsecond internally).
* `subtract_working_time(end, minutes)` counts backwards: the latest moment that still leaves `minutes`
  working minutes before `end` (a session start rather than the end of the gap before it).
* `due_after(start, days=…)` counts a day as `workday_hours` working hours ("30 ngày | 240 giờ"), so
  fractions work: ¼ day = 2 hours. Amounts must be finite and not negative.

How it stays fast: for every day of a range of years the table holds the working time elapsed
before that day (`cumulative`, in microseconds) and the office plan of the day. The working time up
to a moment is `cumulative[day] + elapsed within the day`; a due moment is found by bisecting
`cumulative` for the target. No call loops over days. The range (2015–2040 by default) grows
automatically, within the years the `holidays` package covers, when a moment falls outside it.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_SESSIONS",
    "DEFAULT_TIME_ZONE",
    "DEFAULT_WORKDAY_HOURS",
    "DEFAULT_YEARS",
    "MAX_YEAR",
    "MIN_YEAR",
    "DayNote",
    "Schedule",
    "WorkCalendar",
    "is_regular_working_day",
    "vietnam_public_holidays",
]

Number = int | float | Decimal | Fraction
MonthDay = tuple[int, int]
TimeLike = time | str

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_SESSIONS: tuple[tuple[str, str], ...] = (("07:30", "11:30"), ("13:30", "17:30"))
DEFAULT_WORKDAY_HOURS = 8
DEFAULT_YEARS = (2015, 2040)
# The years the holidays package can compute (lunar dates included); nothing is known outside them.
MIN_YEAR: int = holidays.VN.start_year
MAX_YEAR: int = holidays.VN.end_year

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
# How far the table grows beyond a moment that falls outside it.
_GROWTH_YEARS = 10
# Any leap year: maps (month, day) to a position in the year, 29 February included.
_LEAP_YEAR = 2000


# --- public holidays --------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _holidays_for(first_year: int, last_year: int, language: str | None) -> Mapping[date, str]:
    table = holidays.VN(years=range(first_year, last_year + 1), language=language)
    return MappingProxyType(dict(table.items()))


def vietnam_public_holidays(
    first_year: int, last_year: int, language: str | None = "vi"
) -> Mapping[date, str]:
    """Public holidays, in-lieu days and bridge days off in Vietnam for the years, inclusive.

    Read-only mapping date → name (in `language`: "vi", "en_US" or "th"), cached per arguments.
    """
    if first_year < MIN_YEAR or last_year > MAX_YEAR:
        raise ValueError(f"Public holidays are known for {MIN_YEAR}–{MAX_YEAR} only.")
    return _holidays_for(first_year, last_year, language)


def is_regular_working_day(day: date) -> bool:
    """Whether `day` is a working day before any provincial declaration: Monday to Friday and not a
    public holiday, in-lieu day or bridge day of the national calendar."""
    return day.weekday() < 5 and day not in vietnam_public_holidays(day.year, day.year)


# --- office hours -----------------------------------------------------------------------------------


def _parse_time(value: TimeLike) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError("Office session times are local wall-clock times, without a time zone.")
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"Not a time of day: {value!r} (use HH:MM).") from None
    raise TypeError(f"Expected a time or 'HH:MM', got {type(value).__name__}.")


def _day_of_year(month_day: MonthDay) -> int:
    """Position of (month, day) in a leap year, 1-based; raises ValueError for impossible days."""
    month, day = month_day
    return date(_LEAP_YEAR, month, day).timetuple().tm_yday


@dataclass(frozen=True)
class Schedule:
    """Office sessions, optionally for a season.

    `sessions` are (start, end) local times, e.g. `[("07:00", "11:00"), ("13:30", "17:00")]`.
    A season runs from `valid_from` to `valid_to`, both (month, day) and inclusive; it may wrap over
    New Year (from (10, 1) to (3, 31)). A schedule without a season applies all year.
    """

    sessions: tuple[tuple[time, time], ...]
    valid_from: MonthDay | None = None
    valid_to: MonthDay | None = None
    _season_days: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sessions = tuple(sorted((_parse_time(start), _parse_time(end)) for start, end in self.sessions))
        for start, end in sessions:
            if not start < end:
                raise ValueError(f"An office session must end after it starts ({start}–{end}).")
        for (_, previous_end), (next_start, _) in zip(sessions, sessions[1:], strict=False):
            if next_start < previous_end:
                raise ValueError(f"Office sessions overlap ({previous_end} is after {next_start}).")
        object.__setattr__(self, "sessions", sessions)
        if (self.valid_from is None) != (self.valid_to is None):
            raise ValueError("A season needs both its first and its last day.")
        season_days: frozenset[int] = frozenset()
        if self.valid_from is not None and self.valid_to is not None:
            first, last = _day_of_year(tuple(self.valid_from)), _day_of_year(tuple(self.valid_to))
            if first <= last:
                season_days = frozenset(range(first, last + 1))
            else:
                season_days = frozenset(range(first, 367)) | frozenset(range(1, last + 1))
            object.__setattr__(self, "valid_from", tuple(self.valid_from))
            object.__setattr__(self, "valid_to", tuple(self.valid_to))
        object.__setattr__(self, "_season_days", season_days)

    @property
    def is_seasonal(self) -> bool:
        return self.valid_from is not None

    def covers(self, month_day: MonthDay) -> bool:
        """Whether the schedule applies on (month, day); an all-year schedule always does."""
        return not self.is_seasonal or _day_of_year(month_day) in self._season_days

    def overlaps(self, other: Schedule) -> bool:
        """Whether two seasons share a day (all-year schedules overlap everything)."""
        if not self.is_seasonal or not other.is_seasonal:
            return True
        return bool(self._season_days & other._season_days)


class _Plan(NamedTuple):
    """One day's office plan, as microseconds since local midnight."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]  # working time of the day before each session starts
    reach: tuple[int, ...]  # working time of the day when each session ends
    total: int


def _plan(schedule: Schedule) -> _Plan:
    def us(moment: time) -> int:
        return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * US_PER_SECOND + moment.microsecond

    starts = tuple(us(start) for start, _ in schedule.sessions)
    ends = tuple(us(end) for _, end in schedule.sessions)
    before, reach, total = [], [], 0
    for start, end in zip(starts, ends, strict=True):
        before.append(total)
        total += end - start
        reach.append(total)
    return _Plan(starts, ends, tuple(before), tuple(reach), total)


# --- the table --------------------------------------------------------------------------------------


class _Table(NamedTuple):
    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    days: int
    cumulative: list[int]  # working time before each day; days + 1 entries
    plan_of_day: list[_Plan | None]  # None on non-working days
    working_days: list[int]  # indexes of working days, ascending
    midnights: list[datetime]  # local midnight of each day, aware


class DayNote(NamedTuple):
    """A day that is not what its weekday suggests, or a public holiday, for listings."""

    day: date
    is_working: bool
    source: str  # "public_holiday", "day_off" (declared) or "working_day" (declared make-up day)
    name: str


class WorkCalendar:
    """Working time of one deployment: national holidays, provincial declarations, office hours.

    Immutable once built (build a new one when declarations change); safe to share between threads.
    """

    def __init__(
        self,
        *,
        sessions: Sequence[tuple[TimeLike, TimeLike]] = DEFAULT_SESSIONS,
        seasons: Sequence[Schedule] = (),
        days_off: Iterable[date] | Mapping[date, str] = (),
        working_days: Iterable[date] | Mapping[date, str] = (),
        time_zone: str = DEFAULT_TIME_ZONE,
        workday_hours: Number = DEFAULT_WORKDAY_HOURS,
        years: tuple[int, int] = DEFAULT_YEARS,
        language: str | None = "vi",
        public_holidays: Callable[[int, int], Mapping[date, str]] | None = None,
    ) -> None:
        """Build the calendar and its table for `years` (inclusive).

        `sessions` apply all year unless a schedule in `seasons` covers the day (seasons must not
        overlap each other). `days_off` and `working_days` are the province's declarations, as dates
        or as a mapping date → reason. `public_holidays(first_year, last_year)` replaces the national
        calendar (for tests); by default it is `vietnam_public_holidays` in `language`.
        """
        self.default_schedule = Schedule(tuple(sessions))
        self.seasons: tuple[Schedule, ...] = tuple(seasons)
        for index, season in enumerate(self.seasons):
            if not season.is_seasonal:
                raise ValueError("Each schedule in `seasons` needs valid_from and valid_to.")
            for other in self.seasons[index + 1 :]:
                if season.overlaps(other):
                    raise ValueError(
                        f"Seasons overlap: {season.valid_from}–{season.valid_to} and {other.valid_from}–{other.valid_to}."
                    )
        self._plans_by_day_of_year = self._plans_by_day_of_year_from_schedules()

        self.days_off: Mapping[date, str] = MappingProxyType(_as_reasons(days_off))
        self.working_days: Mapping[date, str] = MappingProxyType(_as_reasons(working_days))
        both = set(self.days_off) & set(self.working_days)
        if both:
            raise ValueError(
                f"Declared both a day off and a working day: {', '.join(map(str, sorted(both)))}."
            )

        self.tz = ZoneInfo(time_zone)
        self.workday_hours = workday_hours
        self._us_per_workday = _to_us(workday_hours, US_PER_HOUR, "workday_hours")
        if self._us_per_workday <= 0:
            raise ValueError("workday_hours must be positive.")
        self.language = language
        self._public_holidays = public_holidays or (
            lambda first, last: vietnam_public_holidays(first, last, self.language)
        )
        first_year, last_year = years
        self._check_years(first_year, last_year)
        self._lock = threading.Lock()
        self._table = self._build(first_year, last_year)

    # --- queries -----------------------------------------------------------------------------------

    def add_working_time(self, start: datetime, minutes: Number) -> datetime:
        """The moment `minutes` working minutes after `start` (the due moment).

        Counting starts at `start` if it is working time, otherwise at the next session start; a
        result on a session end stays there. `minutes` may be fractional (exact to the microsecond)
        and must not be negative; 0 gives `next_working_moment(start)`.
        """
        return self._add(start, _to_us(minutes, US_PER_MINUTE, "minutes"))

    def subtract_working_time(self, end: datetime, minutes: Number) -> datetime:
        """The latest moment from which at least `minutes` working minutes remain until `end`.

        The backward counterpart of `add_working_time`, for limits that run *before* a due moment ("at
        least one working day before the deadline"): `working_minutes_between(result, end) == minutes`,
        and any later moment leaves less. A result landing on a gap (lunch, a night, a weekend or holiday)
        is the start of the session after it, e.g. one working day before Monday 10:00 is the Friday
        10:00 before it, and four working hours before 17:30 is 13:30. `minutes` must not be negative;
        0 gives `end` itself (in local time).
        """
        amount = _to_us(minutes, US_PER_MINUTE, "minutes")
        local = self._to_local(end)
        if amount == 0:
            return local if local.tzinfo is not None else local.replace(tzinfo=self.tz)
        offset = _time_of_day_us(local)
        table = self._covering(local.year, local.year)
        while True:
            target = self._worked(table, local.toordinal() - table.base, offset) - amount
            if target >= 0:
                break
            if table.first_year <= MIN_YEAR:
                raise ValueError(f"The result falls before {MIN_YEAR}, beyond the known public holidays.")
            table = self._covering(table.first_year - 1, table.last_year)
        # The day whose working time goes past the target: cumulative[day] <= target < cumulative[day + 1].
        day = bisect_right(table.cumulative, target) - 1
        plan = table.plan_of_day[day]
        within = target - table.cumulative[day]  # 0 <= within < plan.total
        session = bisect_right(plan.reach, within)
        return table.midnights[day] + timedelta(0, 0, plan.starts[session] + within - plan.before[session])

    def due_after(
        self, start: datetime, *, days: Number | None = None, hours: Number | None = None
    ) -> datetime:
        """The due moment of a time limit of `days` working days or `hours` working hours (exactly one).

        A day is `workday_hours` working hours, so fractions are allowed: ¼ day = 2 hours.
        """
        if (days is None) == (hours is None):
            raise ValueError("Give exactly one of days and hours.")
        if days is not None:
            return self._add(start, _to_us(days, self._us_per_workday, "days"))
        return self._add(start, _to_us(hours, US_PER_HOUR, "hours"))

    def working_minutes_between(self, start: datetime, end: datetime) -> int | float:
        """Working minutes from `start` to `end`; negative when `end` is before `start`.

        An int for a whole number of minutes, otherwise a float.
        """
        local_start, local_end = self._to_local(start), self._to_local(end)
        table = self._covering(min(local_start.year, local_end.year), max(local_start.year, local_end.year))
        elapsed = self._worked(
            table, local_end.toordinal() - table.base, _time_of_day_us(local_end)
        ) - self._worked(table, local_start.toordinal() - table.base, _time_of_day_us(local_start))
        whole, rest = divmod(elapsed, US_PER_MINUTE)
        return whole if rest == 0 else elapsed / US_PER_MINUTE

    def remap(self, start: datetime, due: datetime, previous: WorkCalendar) -> datetime:
        """The due moment, in this calendar, of a limit that `previous` put at `due` counting from `start`:
        the moment that leaves after `start` the working time `previous` counted between `start` and
        `due`. What a stored due moment becomes when the calendar changes (a day off declared between
        `start` and `due` moves it one working day later); exact to the microsecond.

        `due` must not be before `start`.
        """
        amount = previous._working_us(start, due)
        if amount < 0:
            raise ValueError("The due moment comes before its start.")
        return self._add(start, amount)

    def _working_us(self, start: datetime, end: datetime) -> int:
        local_start, local_end = self._to_local(start), self._to_local(end)
        table = self._table
        first, last = local_start.toordinal() - table.base, local_end.toordinal() - table.base
        if not (0 <= first < table.days and 0 <= last < table.days):
            table = self._covering(
                min(local_start.year, local_end.year), max(local_start.year, local_end.year)
            )
            first, last = local_start.toordinal() - table.base, local_end.toordinal() - table.base
        return self._worked(table, last, _time_of_day_us(local_end)) - self._worked(
            table, first, _time_of_day_us(local_start)
        )

    def is_working_time(self, moment: datetime) -> bool:
        """Whether `moment` falls in an office session of a working day (sessions are half-open)."""
        local = self._to_local(moment)
        table = self._covering(local.year, local.year)
        plan = table.plan_of_day[local.toordinal() - table.base]
        if plan is None:
            return False
        offset = _time_of_day_us(local)
        index = bisect_right(plan.starts, offset) - 1
        return index >= 0 and offset < plan.ends[index]

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day. A datetime is first taken to its local date."""
        if isinstance(day, datetime):
            day = self._to_local(day).date()
        table = self._covering(day.year, day.year)
        return table.plan_of_day[day.toordinal() - table.base] is not None

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself (in local time) if it is working time, otherwise the next session start."""
        local = self._to_local(moment)
        table = self._covering(local.year, local.year)
        return self._next_working(table, local.toordinal() - table.base, _time_of_day_us(local))

    def public_holidays(self, year: int) -> Mapping[date, str]:
        """The national calendar's days off in `year` (date → name), whatever the weekday."""
        self._check_years(year, year)
        return {day: name for day, name in self._public_holidays(year, year).items() if day.year == year}

    def year_notes(self, year: int) -> list[DayNote]:
        """Public holidays and declared days of `year`, sorted by date, each with whether it is worked.

        A declaration wins over the national calendar: a make-up day declared on a holiday is worked.
        """
        notes: dict[date, DayNote] = {}
        for day, name in self.public_holidays(year).items():
            notes[day] = DayNote(day, False, "public_holiday", name)
        for day, reason in self.days_off.items():
            if day.year == year:
                notes[day] = DayNote(day, False, "day_off", reason)
        for day, reason in self.working_days.items():
            if day.year == year:
                notes[day] = DayNote(day, True, "working_day", reason)
        return [notes[day] for day in sorted(notes)]

    def schedule_for(self, day: date) -> Schedule:
        """The office schedule that applies on `day` (a season covering it, else the all-year one)."""
        for season in self.seasons:
            if season.covers((day.month, day.day)):
                return season
        return self.default_schedule

    @property
    def years(self) -> tuple[int, int]:
        """The years the table currently covers (it grows on demand)."""
        return self._table.first_year, self._table.last_year

    # --- engine ------------------------------------------------------------------------------------

    def _to_local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"Expected a datetime, got {type(moment).__name__}.")
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.tz)

    @staticmethod
    def _worked(table: _Table, index: int, offset: int) -> int:
        """Working time from the table's first day to `offset` microseconds into day `index`."""
        worked = table.cumulative[index]
        plan = table.plan_of_day[index]
        if plan is None:
            return worked
        session = bisect_right(plan.starts, offset) - 1
        if session < 0:
            return worked
        end = plan.ends[session]
        return worked + plan.before[session] + (offset if offset < end else end) - plan.starts[session]

    def _add(self, start: datetime, amount: int) -> datetime:
        # The hot path of every deadline: a few bisections, no loop over days.
        local = self._to_local(start)
        ordinal = local.toordinal()
        offset = _time_of_day_us(local)
        table = self._table
        if not 0 <= ordinal - table.base < table.days:
            table = self._covering(local.year, local.year)
        if amount == 0:
            return self._next_working(table, ordinal - table.base, offset)
        while True:
            target = self._worked(table, ordinal - table.base, offset) + amount
            # The first day whose end reaches the target: cumulative[day] < target <= cumulative[day + 1].
            day = bisect_left(table.cumulative, target) - 1
            if day < table.days:
                break
            table = self._grow_forward(table)
        plan = table.plan_of_day[day]
        within = target - table.cumulative[day]  # 0 < within <= plan.total
        session = bisect_left(plan.reach, within)
        return table.midnights[day] + timedelta(0, 0, plan.starts[session] + within - plan.before[session])

    def _next_working(self, table: _Table, index: int, offset: int) -> datetime:
        plan = table.plan_of_day[index]
        if plan is not None:
            for start, end in zip(plan.starts, plan.ends, strict=True):
                if offset < end:
                    return table.midnights[index] + timedelta(microseconds=max(offset, start))
        ordinal = table.base + index
        while True:
            position = bisect_right(table.working_days, ordinal - table.base)
            if position < len(table.working_days):
                break
            table = self._grow_forward(table)
        day = table.working_days[position]
        return table.midnights[day] + timedelta(microseconds=table.plan_of_day[day].starts[0])

    def _covering(self, first_year: int, last_year: int) -> _Table:
        table = self._table
        if table.first_year <= first_year and last_year <= table.last_year:
            return table
        self._check_years(first_year, last_year)
        with self._lock:
            table = self._table
            if table.first_year <= first_year and last_year <= table.last_year:
                return table
            new_first = (
                max(MIN_YEAR, first_year - _GROWTH_YEARS)
                if first_year < table.first_year
                else table.first_year
            )
            new_last = (
                min(MAX_YEAR, last_year + _GROWTH_YEARS) if last_year > table.last_year else table.last_year
            )
            self._table = table = self._build(new_first, new_last)
            return table

    def _grow_forward(self, table: _Table) -> _Table:
        """A table reaching further than `table`. Its first year may differ (another thread may have
        grown it backwards meanwhile), so callers recompute their day indexes from it."""
        if table.last_year >= MAX_YEAR:
            raise ValueError(f"The result falls after {MAX_YEAR}, beyond the known public holidays.")
        return self._covering(table.first_year, table.last_year + 1)

    @staticmethod
    def _check_years(first_year: int, last_year: int) -> None:
        if first_year > last_year:
            raise ValueError("The first year must not be after the last year.")
        if first_year < MIN_YEAR or last_year > MAX_YEAR:
            raise ValueError(f"Working time is known for {MIN_YEAR}–{MAX_YEAR} only.")

    def _plans_by_day_of_year_from_schedules(self) -> list[_Plan]:
        default = _plan(self.default_schedule)
        plans = [default] * 367  # index 0 unused
        for season in self.seasons:
            season_plan = _plan(season)
            for day_of_year in season._season_days:
                plans[day_of_year] = season_plan
        missing = [n for n in range(1, 367) if plans[n].total == 0]
        if missing:
            sample = date.fromordinal(date(_LEAP_YEAR, 1, 1).toordinal() + missing[0] - 1)
            raise ValueError(f"No office session applies on {sample:%d/%m} (give all-year sessions).")
        return plans

    def _plan_for(self, day: date) -> _Plan:
        day_of_year = day.timetuple().tm_yday
        if day.month > 2 and not _is_leap(day.year):
            day_of_year += 1  # positions are those of a leap year
        return self._plans_by_day_of_year[day_of_year]

    def _build(self, first_year: int, last_year: int) -> _Table:
        public_holidays = self._public_holidays(first_year, last_year)
        base = date(first_year, 1, 1).toordinal()
        days = date(last_year, 12, 31).toordinal() - base + 1
        cumulative = [0] * (days + 1)
        plan_of_day: list[_Plan | None] = [None] * days
        working_days: list[int] = []
        midnights: list[datetime] = []
        worked = 0
        for index in range(days):
            day = date.fromordinal(base + index)
            midnights.append(datetime(day.year, day.month, day.day, tzinfo=self.tz))
            if day in self.working_days:
                is_working = True
            else:
                is_working = day.weekday() < 5 and day not in public_holidays and day not in self.days_off
            if is_working:
                plan = self._plan_for(day)
                plan_of_day[index] = plan
                working_days.append(index)
                worked += plan.total
            cumulative[index + 1] = worked
        return _Table(first_year, last_year, base, days, cumulative, plan_of_day, working_days, midnights)


# --- helpers ----------------------------------------------------------------------------------------


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _time_of_day_us(local: datetime) -> int:
    return ((local.hour * 60 + local.minute) * 60 + local.second) * US_PER_SECOND + local.microsecond


def _as_reasons(days: Iterable[date] | Mapping[date, str]) -> dict[date, str]:
    reasons = dict(days) if isinstance(days, Mapping) else dict.fromkeys(days, "")
    for day in reasons:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"Declared days must be dates, got {day!r}.")
    return reasons


def _to_us(amount: Number, unit_us: int, name: str) -> int:
    """`amount` units as whole microseconds, exactly (rounded to the nearest microsecond)."""
    if type(amount) is int:  # the common case, kept cheap
        if amount < 0:
            raise ValueError(f"{name} must not be negative.")
        return amount * unit_us
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal | Fraction):
        raise TypeError(f"{name} must be a number, got {type(amount).__name__}.")
    try:
        exact = Fraction(amount)
    except (ValueError, OverflowError):
        raise ValueError(f"{name} must be a finite number.") from None
    if exact < 0:
        raise ValueError(f"{name} must not be negative.")
    return round(exact * unit_us)
