"""Property tests: the table-driven engine against a naive reference that walks day by day, session by
session (and minute by minute for short spans), written as plainly as possible."""

from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.workdays.calendar import Schedule, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ZONES = [VN, ZoneInfo("UTC"), ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")]

# --- the naive reference ----------------------------------------------------------------------------

NATIONAL_HOLIDAYS = set(holidays.VN(years=range(2019, 2033)))
MAKE_UP_DAYS = {date(2024, 5, 4), date(2025, 4, 26), date(2023, 12, 30)}
DECLARED_DAYS_OFF = {date(2022, 3, 15), date(2027, 6, 1)}
ALL_YEAR = [(time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))]
SUMMER = [(time(7, 0), time(11, 0)), (time(13, 30), time(17, 30))]


def all_year_sessions(day):
    return ALL_YEAR


def seasonal_sessions(day):
    if date(day.year, 5, 1) <= day <= date(day.year, 9, 30):
        return SUMMER
    return ALL_YEAR


def naive_is_working_day(day):
    if day in MAKE_UP_DAYS:
        return True
    return day.weekday() < 5 and day not in NATIONAL_HOLIDAYS and day not in DECLARED_DAYS_OFF


def naive_is_working_time(moment, sessions_for=all_year_sessions):
    if not naive_is_working_day(moment.date()):
        return False
    return any(start <= moment.time() < end for start, end in sessions_for(moment.date()))


def naive_add(start, minutes, sessions_for=all_year_sessions):
    """Walk forward one day and one session at a time. `start` is a naive local datetime."""
    remaining = timedelta(minutes=minutes)
    day, moment = start.date(), start
    while True:
        if naive_is_working_day(day):
            for session_start, session_end in sessions_for(day):
                opens, closes = datetime.combine(day, session_start), datetime.combine(day, session_end)
                if closes <= moment:
                    continue
                begin = max(moment, opens)
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0))


def naive_between(a, b, sessions_for=all_year_sessions):
    """Working time from a to b, summed day by day; negative when b is before a."""
    if b < a:
        return -naive_between(b, a, sessions_for)
    total = timedelta(0)
    day = a.date()
    while day <= b.date():
        if naive_is_working_day(day):
            for session_start, session_end in sessions_for(day):
                opens = max(a, datetime.combine(day, session_start))
                closes = min(b, datetime.combine(day, session_end))
                if closes > opens:
                    total += closes - opens
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


def minute_walk_between(a, b):
    """Count the working minutes in [a, b) one minute at a time (a, b on whole minutes)."""
    count, moment = 0, a
    while moment < b:
        count += naive_is_working_time(moment)
        moment += timedelta(minutes=1)
    return count


# --- the engine under test --------------------------------------------------------------------------

CALENDAR = WorkCalendar(working_days=MAKE_UP_DAYS, days_off=DECLARED_DAYS_OFF)
SEASONAL = WorkCalendar(
    working_days=MAKE_UP_DAYS, days_off=DECLARED_DAYS_OFF, seasons=[Schedule(tuple(SUMMER), (5, 1), (9, 30))]
)

local_moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31, 23, 59, 59))
minute_moments = local_moments.map(lambda moment: moment.replace(second=0, microsecond=0))
# Up to 60 working days, in whole minutes.
minutes = st.integers(min_value=0, max_value=60 * 8 * 60)
zones = st.sampled_from(ZONES)


def as_aware(local, zone):
    """The same instant as the local Vietnamese wall time `local`, expressed in `zone`."""
    return local.replace(tzinfo=VN).astimezone(zone)


def as_local(moment):
    assert moment.utcoffset() == timedelta(hours=7)
    return moment.replace(tzinfo=None)


@given(local_moments, minutes, zones)
def test_add_matches_the_naive_walk(start, amount, zone):
    assert as_local(CALENDAR.add_working_time(as_aware(start, zone), amount)) == naive_add(start, amount)


@given(local_moments, st.integers(min_value=0, max_value=60 * 4).map(lambda quarters: Fraction(quarters, 4)))
def test_due_after_quarter_days_matches_the_naive_walk(start, days):
    due = CALENDAR.due_after(start, days=days)
    assert as_local(due) == naive_add(start, int(days * 8 * 60))


@given(local_moments, minutes)
def test_seasonal_add_matches_the_naive_walk(start, amount):
    assert as_local(SEASONAL.add_working_time(start, amount)) == naive_add(start, amount, seasonal_sessions)


@given(local_moments, st.integers(min_value=-90 * 24 * 3600, max_value=90 * 24 * 3600), zones)
def test_between_matches_the_naive_sum(start, seconds, zone):
    end = start + timedelta(seconds=seconds)
    engine = CALENDAR.working_minutes_between(as_aware(start, zone), as_aware(end, zone))
    assert engine == naive_between(start, end)


@given(local_moments, st.integers(min_value=-30 * 24 * 3600, max_value=30 * 24 * 3600))
def test_seasonal_between_matches_the_naive_sum(start, seconds):
    end = start + timedelta(seconds=seconds)
    assert SEASONAL.working_minutes_between(start, end) == naive_between(start, end, seasonal_sessions)


@settings(max_examples=50)
@given(minute_moments, st.integers(min_value=0, max_value=4 * 24 * 60))
def test_between_matches_a_minute_walk(start, span):
    assert CALENDAR.working_minutes_between(start, start + timedelta(minutes=span)) == minute_walk_between(
        start, start + timedelta(minutes=span)
    )


@given(local_moments, zones)
def test_is_working_time_matches_the_reference(moment, zone):
    assert CALENDAR.is_working_time(as_aware(moment, zone)) == naive_is_working_time(moment)
    assert SEASONAL.is_working_time(moment) == naive_is_working_time(moment, seasonal_sessions)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_is_working_day_matches_the_reference(day):
    assert CALENDAR.is_working_day(day) == naive_is_working_day(day)


# --- consistency ------------------------------------------------------------------------------------


@given(local_moments, minutes)
def test_between_start_and_due_is_the_amount(start, amount):
    assert CALENDAR.working_minutes_between(start, CALENDAR.add_working_time(start, amount)) == amount


@given(local_moments, st.integers(min_value=0, max_value=600_000).map(lambda seconds: Fraction(seconds, 60)))
def test_fractional_amounts_round_trip(start, amount):
    # Amounts are exact to the microsecond; 1/60 minute is one second.
    due = CALENDAR.add_working_time(start, amount)
    assert CALENDAR.working_minutes_between(start, due) == float(amount)


@given(local_moments, minutes, minutes)
def test_due_is_monotonic_in_the_amount(start, first, second):
    low, high = sorted((first, second))
    assert CALENDAR.add_working_time(start, low) <= CALENDAR.add_working_time(start, high)


@given(local_moments, local_moments, minutes)
def test_due_is_monotonic_in_the_start(first, second, amount):
    early, late = sorted((first, second))
    assert CALENDAR.add_working_time(early, amount) <= CALENDAR.add_working_time(late, amount)


@given(local_moments, minutes, st.integers(min_value=1, max_value=30 * 8 * 60))
def test_adding_in_two_steps_is_adding_once(start, first, second):
    step = CALENDAR.add_working_time(CALENDAR.add_working_time(start, first), second)
    assert step == CALENDAR.add_working_time(start, first + second)


@given(local_moments, local_moments)
def test_between_is_antisymmetric(a, b):
    assert CALENDAR.working_minutes_between(a, b) == -CALENDAR.working_minutes_between(b, a)


@given(local_moments, minutes)
def test_due_is_never_before_start_and_never_in_a_gap_start(start, amount):
    due = CALENDAR.add_working_time(start, amount)
    assert as_local(due) >= start
    if amount > 0:
        # A due moment is working time or the end of a session.
        assert CALENDAR.is_working_time(due) or CALENDAR.is_working_time(due - timedelta(microseconds=1))


@given(local_moments)
def test_next_working_moment(moment):
    following = CALENDAR.next_working_moment(moment)
    assert as_local(following) >= moment
    assert CALENDAR.is_working_time(following)
    assert CALENDAR.working_minutes_between(moment, following) == 0
    assume(not CALENDAR.is_working_time(moment))
    # Nothing earlier qualifies: the minute before is outside office hours, or before `moment`.
    before = following - timedelta(minutes=1)
    assert not CALENDAR.is_working_time(before) or as_local(before) < moment


# --- counting backwards -----------------------------------------------------------------------------


def naive_subtract(end, minutes, sessions_for=all_year_sessions):
    """Walk backwards one day and one session at a time; the latest moment leaving `minutes` before `end`."""
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return end
    day, moment = end.date(), end
    while True:
        if naive_is_working_day(day):
            for session_start, session_end in reversed(sessions_for(day)):
                opens, closes = datetime.combine(day, session_start), datetime.combine(day, session_end)
                if opens >= moment:
                    continue
                stop = min(moment, closes)
                if remaining <= stop - opens:
                    return stop - remaining
                remaining -= stop - opens
        day -= timedelta(days=1)
        moment = datetime.combine(day, time(23, 59, 59, 999999)) + timedelta(microseconds=1)


@given(local_moments, minutes, zones)
def test_subtract_matches_the_naive_walk(end, amount, zone):
    assert as_local(CALENDAR.subtract_working_time(as_aware(end, zone), amount)) == naive_subtract(
        end, amount
    )


@given(local_moments, minutes)
def test_seasonal_subtract_matches_the_naive_walk(end, amount):
    found = as_local(SEASONAL.subtract_working_time(end, amount))
    assert found == naive_subtract(end, amount, seasonal_sessions)


@given(local_moments, st.integers(min_value=1, max_value=60 * 8 * 60))
def test_subtract_leaves_the_amount_and_no_later_moment_does(end, amount):
    latest = CALENDAR.subtract_working_time(end, amount)
    assert CALENDAR.working_minutes_between(latest, end) == amount
    assert CALENDAR.working_minutes_between(latest + timedelta(microseconds=1), end) < amount
    # Adding the amount back reaches `end`, or the session end just before it when `end` is in a gap.
    assert CALENDAR.working_minutes_between(CALENDAR.add_working_time(latest, amount), end) == 0
