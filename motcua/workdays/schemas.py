from datetime import date, datetime

from ninja import Schema


class DueOut(Schema):
    start: datetime
    due_at: datetime


class CalendarDayOut(Schema):
    date: date
    is_working: bool
    kind: str  # public_holiday, day_off (declared) or working_day (declared make-up day)
    name: str


class CalendarOut(Schema):
    year: int
    days: list[CalendarDayOut]
