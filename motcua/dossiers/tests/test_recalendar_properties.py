"""Property test (issue 15): on random calendars, what a calendar change makes of a stored due moment is what
a naive day-by-day walk on the new calendar gives.

A random province calendar (random days off and make-up days over three months, no national holiday) is
changed by one random declaration (a day off or a make-up day added, or one removed). A dossier's due
moment is recomputed with the workflow's formula (`services.due_moments`), a step's with
`WorkCalendar.remap`; both must equal the naive walk that counts the same working time from the same start
on the new calendar. Pure arithmetic, no database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.services import due_moments
from motcua.workdays.calendar import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SESSIONS = [(time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))]
FIRST = date(2026, 3, 1)
DAYS = [FIRST + timedelta(days=n) for n in range(90)]
WEEKDAYS = [d for d in DAYS if d.weekday() < 5]
WEEKENDS = [d for d in DAYS if d.weekday() >= 5]


def no_holidays(first_year, last_year):
    return {}


def calendar(days_off: set[date], working_days: set[date]) -> WorkCalendar:
    return WorkCalendar(
        days_off=days_off, working_days=working_days, public_holidays=no_holidays, years=(2025, 2027)
    )


def naive_add(start: datetime, minutes: int, days_off: set[date], working_days: set[date]) -> datetime:
    """Walk forward day by day, session by session. `start` is naive local time."""
    remaining = timedelta(minutes=minutes)
    day, moment = start.date(), start
    while True:
        working = day in working_days or (day.weekday() < 5 and day not in days_off)
        if working:
            for opens_at, closes_at in SESSIONS:
                opens, closes = datetime.combine(day, opens_at), datetime.combine(day, closes_at)
                if closes <= moment:
                    continue
                begin = max(moment, opens)
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0))


@st.composite
def change(draw):
    days_off = set(draw(st.lists(st.sampled_from(WEEKDAYS), max_size=8)))
    working_days = set(draw(st.lists(st.sampled_from(WEEKENDS), max_size=4)))
    choice = draw(st.sampled_from(["off", "makeup", "remove"]))
    after_off, after_working = set(days_off), set(working_days)
    if choice == "off":
        after_off.add(draw(st.sampled_from(WEEKDAYS)))
    elif choice == "makeup":
        after_working.add(draw(st.sampled_from(WEEKENDS)))
    elif days_off or working_days:
        day = draw(st.sampled_from(sorted(days_off | working_days)))
        after_off.discard(day)
        after_working.discard(day)
    return (days_off, working_days), (after_off, after_working)


starts = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 4, 15)).map(
    lambda m: m.replace(second=0, microsecond=0)
)
amounts = st.integers(min_value=0, max_value=15 * 8 * 60)


@settings(max_examples=300, deadline=None)
@given(change(), starts, amounts, amounts, amounts)
def test_a_dossier_and_a_step_move_as_the_naive_walk_on_the_new_calendar(
    spec, start, budget, paused, extension
):
    (off, working), (after_off, after_working) = spec
    before, after = calendar(off, working), calendar(after_off, after_working)
    aware = start.replace(tzinfo=VN)

    moments = due_moments(
        after,
        clock_started_at=aware,
        budget_minutes=budget,
        paused_minutes=paused,
        apology_issued=True,
        extension_minutes=extension,
    )
    expected_due = naive_add(start, budget + paused, after_off, after_working)
    assert moments.due_at.replace(tzinfo=None) == expected_due
    expected_extended = naive_add(start, budget + paused + extension, after_off, after_working)
    assert moments.appointment_at.replace(tzinfo=None) == expected_extended

    # A step that started at `start` with `budget` working minutes, stored under the old calendar.
    stored = before.add_working_time(aware, budget)
    assert stored.replace(tzinfo=None) == naive_add(start, budget, off, working)
    moved = after.remap(aware, stored, before)
    assert moved.replace(tzinfo=None) == naive_add(start, budget, after_off, after_working)
