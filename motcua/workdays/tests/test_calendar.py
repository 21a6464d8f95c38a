"""Named cases for the working-time engine: holidays, declarations, office hours, conventions."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from motcua.workdays.calendar import MAX_YEAR, Schedule, WorkCalendar, is_regular_working_day

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


@pytest.fixture(scope="module")
def plain():
    """The national calendar and the default office hours, nothing declared."""
    return WorkCalendar()


@pytest.fixture(scope="module")
def declared():
    """With the province's make-up Saturdays for the 2024 and 2025 bridge days."""
    return WorkCalendar(
        working_days={date(2024, 5, 4): "Làm bù 29/4/2024", date(2025, 4, 26): "Làm bù 2/5/2025"}
    )


# --- holidays ---------------------------------------------------------------------------------------


def test_tet_2025_pushes_three_days_past_the_holiday(plain):
    # Friday 24 January 2025 10:00: 5.5 h that day, then Tết from Monday 27 to Saturday 1 February.
    due = plain.due_after(at(2025, 1, 24, 10), days=3)
    assert due == at(2025, 2, 5, 10)
    assert not any(plain.is_working_day(date(2025, 1, d)) for d in range(27, 32))


def test_hung_kings_day_is_lunar_and_not_worked(plain):
    assert not plain.is_working_day(date(2025, 4, 7))  # Monday, 10th of the 3rd lunar month
    assert plain.due_after(at(2025, 4, 4, 17, 30), days=1) == at(2025, 4, 8, 17, 30)


def test_hung_kings_day_on_sunday_is_observed_on_monday(plain):
    assert not plain.is_working_day(date(2026, 4, 26))  # Sunday
    assert not plain.is_working_day(date(2026, 4, 27))  # observed
    assert plain.is_working_day(date(2026, 4, 28))
    assert plain.due_after(at(2026, 4, 24, 17, 30), days=1) == at(2026, 4, 28, 17, 30)


def test_in_lieu_day_for_new_year_on_sunday(plain):
    assert not plain.is_working_day(date(2023, 1, 2))
    # Friday 30 December 2022 16:00: 1.5 h, then Tuesday 3 January from 07:30.
    assert plain.add_working_time(at(2022, 12, 30, 16), 4 * 60) == at(2023, 1, 3, 10)


def test_bridge_day_off_from_the_package(plain):
    assert not plain.is_working_day(date(2025, 5, 2))
    assert not plain.is_working_day(date(2024, 4, 29))


@pytest.mark.parametrize(
    ("makeup", "start", "due_declared", "due_plain"),
    [
        (date(2025, 4, 26), at(2025, 4, 25, 13, 30), at(2025, 4, 26, 11, 30), at(2025, 4, 28, 11, 30)),
        (date(2024, 5, 4), at(2024, 5, 3, 13, 30), at(2024, 5, 4, 11, 30), at(2024, 5, 6, 11, 30)),
    ],
)
def test_declared_make_up_saturday_counts(plain, declared, makeup, start, due_declared, due_plain):
    assert makeup.weekday() == 5
    assert not plain.is_working_day(makeup)
    assert declared.is_working_day(makeup)
    assert declared.is_working_time(datetime.combine(makeup, time(9), VN))
    assert declared.due_after(start, days=1) == due_declared
    assert plain.due_after(start, days=1) == due_plain


def test_declared_day_off():
    calendar = WorkCalendar(days_off={date(2025, 3, 12): "Bầu cử"})
    assert not calendar.is_working_day(date(2025, 3, 12))
    assert calendar.due_after(at(2025, 3, 11, 7, 30), days=2) == at(2025, 3, 13, 17, 30)


def test_declaration_wins_over_a_holiday():
    calendar = WorkCalendar(working_days=[date(2025, 5, 2)])
    assert calendar.is_working_day(date(2025, 5, 2))


def test_is_regular_working_day():
    assert is_regular_working_day(date(2025, 3, 11))
    assert not is_regular_working_day(date(2025, 3, 15))  # Saturday
    assert not is_regular_working_day(date(2025, 9, 2))  # National Day


# --- office hours and conventions -------------------------------------------------------------------


@pytest.mark.parametrize("received", [at(2025, 3, 14, 18), at(2025, 3, 15, 9), at(2025, 3, 16, 23, 59)])
def test_outside_office_hours_counts_from_monday_morning(plain, received):
    assert not plain.is_working_time(received)
    assert plain.next_working_moment(received) == at(2025, 3, 17, 7, 30)
    assert plain.add_working_time(received, 0) == at(2025, 3, 17, 7, 30)
    assert plain.add_working_time(received, 1) == at(2025, 3, 17, 7, 31)
    assert plain.due_after(received, days=1) == at(2025, 3, 17, 17, 30)


def test_hours_limit_crosses_lunch(plain):
    assert plain.due_after(at(2025, 3, 11, 10), hours=4) == at(2025, 3, 11, 16)


def test_due_on_a_session_end_stays_there(plain):
    assert plain.due_after(at(2025, 3, 11, 7, 30), hours=4) == at(2025, 3, 11, 11, 30)
    assert plain.due_after(at(2025, 3, 11, 7, 30), days=1) == at(2025, 3, 11, 17, 30)
    assert plain.due_after(at(2025, 3, 11, 13, 30), hours=4) == at(2025, 3, 11, 17, 30)


def test_adding_zero_during_office_hours_is_the_moment_itself(plain):
    assert plain.add_working_time(at(2025, 3, 11, 9, 15), 0) == at(2025, 3, 11, 9, 15)
    assert plain.add_working_time(at(2025, 3, 11, 11, 30), 0) == at(2025, 3, 11, 13, 30)


def test_sessions_are_half_open(plain):
    assert plain.is_working_time(at(2025, 3, 11, 7, 30))
    assert plain.is_working_time(at(2025, 3, 11, 11, 29, 59))
    assert not plain.is_working_time(at(2025, 3, 11, 11, 30))
    assert not plain.is_working_time(at(2025, 3, 11, 7, 29, 59))
    assert not plain.is_working_time(at(2025, 3, 11, 17, 30))


@pytest.mark.parametrize("quarter", [0.25, Decimal("0.25"), Fraction(1, 4)])
def test_quarter_day_is_two_hours(plain, quarter):
    assert plain.due_after(at(2025, 3, 11, 10), days=quarter) == at(2025, 3, 11, 14)
    assert plain.due_after(at(2025, 3, 11, 10), days=quarter) == plain.due_after(at(2025, 3, 11, 10), hours=2)


def test_son_la_free_sale_certificate_steps_add_up_to_three_days(plain):
    # Decision 2969/QĐ-UBND (2025): nine internal steps in quarters of a day, 3 working days in all.
    steps = [Decimal(x) for x in ("0.25", "0.25", "1", "0.25", "0.25", "0.25", "0.25", "0.25", "0.25")]
    assert sum(steps) == 3
    received = at(2025, 1, 23, 15, 10)
    moment = received
    for step in steps:
        moment = plain.due_after(moment, days=step)
    assert moment == plain.due_after(received, days=3)
    assert plain.working_minutes_between(received, moment) == 3 * 8 * 60


def test_thirty_days_is_two_hundred_forty_hours(plain):
    start = at(2025, 6, 2, 8)
    assert plain.due_after(start, days=30) == plain.due_after(start, hours=240)
    assert plain.working_minutes_between(start, plain.due_after(start, days=30)) == 240 * 60


def test_between_is_signed(plain):
    assert plain.working_minutes_between(at(2025, 3, 11, 7, 30), at(2025, 3, 11, 11, 30)) == 240
    assert plain.working_minutes_between(at(2025, 3, 11, 11, 30), at(2025, 3, 11, 7, 30)) == -240
    assert plain.working_minutes_between(at(2025, 3, 14, 17, 30), at(2025, 3, 17, 7, 30)) == 0
    assert plain.working_minutes_between(at(2025, 3, 11, 9), at(2025, 3, 11, 9)) == 0


def test_between_is_an_int_for_whole_minutes_and_a_float_otherwise(plain):
    whole = plain.working_minutes_between(at(2025, 3, 11, 8), at(2025, 3, 11, 9))
    assert whole == 60 and isinstance(whole, int)
    part = plain.working_minutes_between(at(2025, 3, 11, 8), at(2025, 3, 11, 8, 0, 30))
    assert part == 0.5 and isinstance(part, float)


# --- time zones -------------------------------------------------------------------------------------


def test_naive_input_is_local_time(plain):
    assert plain.due_after(datetime(2025, 3, 11, 10), hours=4) == at(2025, 3, 11, 16)


def test_aware_input_is_converted_and_output_is_local(plain):
    due = plain.due_after(datetime(2025, 3, 11, 3, tzinfo=UTC), hours=4)  # 10:00 in Hà Nội
    assert due == at(2025, 3, 11, 16)
    assert due.tzinfo == VN
    assert due.isoformat() == "2025-03-11T16:00:00+07:00"


def test_utc_evening_is_next_local_morning(plain):
    # 23:00 UTC on Monday is 06:00 on Tuesday in Vietnam: before office hours.
    assert plain.next_working_moment(datetime(2025, 3, 10, 23, tzinfo=UTC)) == at(2025, 3, 11, 7, 30)


# --- seasons ----------------------------------------------------------------------------------------


def test_seasonal_office_hours():
    summer = Schedule((("07:00", "11:00"), ("13:30", "17:30")), (5, 1), (9, 30))
    calendar = WorkCalendar(seasons=[summer])
    assert calendar.is_working_time(at(2025, 5, 5, 7, 10))
    assert not calendar.is_working_time(at(2025, 4, 28, 7, 10))
    assert not calendar.is_working_time(at(2025, 9, 30, 11, 15))
    assert calendar.is_working_time(at(2025, 10, 1, 11, 15))
    # Tuesday 30 September ends at 17:30, Wednesday 1 October follows winter hours.
    assert calendar.add_working_time(at(2025, 9, 30, 16, 30), 120) == at(2025, 10, 1, 8, 30)
    assert calendar.schedule_for(date(2025, 7, 1)) is summer


def test_season_may_wrap_over_new_year():
    winter = Schedule((("08:00", "12:00"), ("13:00", "17:00")), (11, 1), (2, 28))
    calendar = WorkCalendar(seasons=[winter])
    assert calendar.is_working_time(at(2025, 1, 6, 12, 30)) is False
    assert calendar.is_working_time(at(2025, 1, 6, 13, 0))
    assert calendar.is_working_time(at(2025, 12, 1, 16, 59))
    assert not calendar.is_working_time(at(2025, 2, 28, 7, 45))  # Friday, still winter: from 08:00
    assert calendar.is_working_time(at(2025, 3, 3, 7, 45))  # Monday, all-year hours again


def test_leap_day_follows_its_season():
    calendar = WorkCalendar(seasons=[Schedule((("08:00", "16:00"),), (2, 29), (2, 29))])
    assert calendar.is_working_time(at(2028, 2, 29, 12))  # Tuesday, in season: no lunch break
    assert not calendar.is_working_time(at(2028, 3, 1, 12))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sessions": [("11:30", "07:30")]},
        {"sessions": [("07:30", "11:30"), ("11:00", "17:30")]},
        {"sessions": [("7h30", "11:30")]},
        {"sessions": []},
        {
            "seasons": [
                Schedule((("07:00", "11:00"),), (5, 1), (9, 30)),
                Schedule((("07:00", "11:00"),), (9, 1), (10, 31)),
            ]
        },
        {"seasons": [Schedule((("07:00", "11:00"),))]},
        {"days_off": [date(2025, 4, 26)], "working_days": [date(2025, 4, 26)]},
        {"workday_hours": 0},
        {"years": (1800, 2000)},
    ],
)
def test_invalid_calendars_are_refused(kwargs):
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)


def test_impossible_season_day_is_refused():
    with pytest.raises(ValueError):
        Schedule((("07:00", "11:00"),), (2, 30), (3, 31))
    with pytest.raises(ValueError):
        Schedule((("07:00", "11:00"),), (2, 1), None)


# --- amounts and ranges -----------------------------------------------------------------------------


# --- counting backwards -----------------------------------------------------------------------------


def test_one_working_day_before_monday_is_friday(plain):
    # Monday 9 March 2026 10:00: the weekend does not count.
    assert plain.subtract_working_time(at(2026, 3, 9, 10), 8 * 60) == at(2026, 3, 6, 10)
    assert plain.subtract_working_time(at(2026, 3, 10, 10), 8 * 60) == at(2026, 3, 9, 10)


def test_one_working_day_before_the_end_of_tet_2026(plain):
    # Monday 23 February 2026 09:00, after Tết (Saturday 14 to Sunday 22 February off).
    assert not any(plain.is_working_day(date(2026, 2, d)) for d in range(16, 21))
    assert plain.subtract_working_time(at(2026, 2, 23, 9), 8 * 60) == at(2026, 2, 13, 9)


def test_one_working_day_before_a_declared_make_up_saturday(plain, declared):
    # 30 April to 4 May 2025 off (2 May a bridge day), Saturday 26 April worked in exchange.
    assert declared.subtract_working_time(at(2025, 5, 5, 10), 8 * 60) == at(2025, 4, 29, 10)
    assert declared.subtract_working_time(at(2025, 4, 28, 10), 8 * 60) == at(2025, 4, 26, 10)
    assert plain.subtract_working_time(at(2025, 4, 28, 10), 8 * 60) == at(2025, 4, 25, 10)


def test_counting_back_into_a_gap_gives_the_session_start_after_it(plain):
    assert plain.subtract_working_time(at(2025, 3, 11, 17, 30), 4 * 60) == at(2025, 3, 11, 13, 30)
    assert plain.subtract_working_time(at(2025, 3, 12, 11, 30), 8 * 60) == at(2025, 3, 11, 13, 30)
    assert plain.subtract_working_time(at(2025, 3, 17, 7, 30), 8 * 60) == at(2025, 3, 14, 7, 30)


def test_counting_back_is_the_latest_moment_that_leaves_the_amount(plain):
    end = at(2025, 3, 17, 9, 0)
    latest = plain.subtract_working_time(end, 8 * 60)
    assert plain.working_minutes_between(latest, end) == 8 * 60
    assert plain.working_minutes_between(latest + timedelta(minutes=1), end) == 8 * 60 - 1


def test_counting_back_zero_is_the_moment_itself(plain):
    assert plain.subtract_working_time(at(2025, 3, 15, 9), 0) == at(2025, 3, 15, 9)
    with pytest.raises(ValueError):
        plain.subtract_working_time(at(2025, 3, 11, 9), -1)


def test_due_after_needs_exactly_one_unit(plain):
    with pytest.raises(ValueError):
        plain.due_after(at(2025, 3, 11, 10))
    with pytest.raises(ValueError):
        plain.due_after(at(2025, 3, 11, 10), days=1, hours=1)


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (-1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (True, TypeError),
        ("1", TypeError),
    ],
)
def test_bad_amounts_are_refused(plain, amount, error):
    with pytest.raises(error):
        plain.add_working_time(at(2025, 3, 11, 10), amount)


def test_dates_are_not_moments(plain):
    with pytest.raises(TypeError):
        plain.add_working_time(date(2025, 3, 11), 10)


def test_table_grows_lazily_and_agrees_with_a_wide_table():
    small = WorkCalendar(years=(2024, 2025))
    wide = WorkCalendar(years=(2000, 2060))
    for start in (at(2035, 2, 1, 9), at(2005, 1, 31, 16), at(2025, 12, 20, 9)):
        assert small.due_after(start, days=45) == wide.due_after(start, days=45)
        assert small.working_minutes_between(
            start, start + timedelta(days=400)
        ) == wide.working_minutes_between(start, start + timedelta(days=400))
    assert small.years[0] <= 2005 and small.years[1] >= 2035


def test_due_after_the_last_known_year_is_refused(plain):
    with pytest.raises(ValueError):
        plain.due_after(at(MAX_YEAR, 12, 1, 9), days=60)
    with pytest.raises(ValueError):
        plain.is_working_day(date(1800, 1, 6))


# --- listing ----------------------------------------------------------------------------------------


def test_year_notes_mark_holidays_and_declarations():
    calendar = WorkCalendar(
        working_days={date(2025, 4, 26): "Làm bù"}, days_off={date(2025, 3, 12): "Bầu cử"}
    )
    notes = {note.day: note for note in calendar.year_notes(2025)}
    assert notes[date(2025, 4, 26)].source == "working_day" and notes[date(2025, 4, 26)].is_working
    assert notes[date(2025, 3, 12)].source == "day_off" and not notes[date(2025, 3, 12)].is_working
    assert notes[date(2025, 4, 7)].source == "public_holiday"
    assert notes[date(2025, 5, 2)].source == "public_holiday"
    assert all(day.year == 2025 for day in notes)
    assert list(notes) == sorted(notes)
