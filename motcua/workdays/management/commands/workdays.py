"""`manage.py workdays`: list the calendar, declare days off and make-up days, compute due moments."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.workdays.choices import DayKind
from motcua.workdays.inputs import parse_day, parse_limit, parse_moment
from motcua.workdays.selectors import get_calendar
from motcua.workdays.services import day_override_delete, day_override_preview, day_override_set

_MARKS = {"public_holiday": "holiday", "day_off": "declared off", "working_day": "declared make-up"}


class Command(BaseCommand):
    help = "Working days: list holidays and declared days, declare days off or make-up days, compute due moments."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        listing = actions.add_parser("list", help="Public holidays and declared days of a year.")
        listing.add_argument("--year", type=int, help="Default: this year.")

        for name, text in (
            ("add-off", "Declare a day off."),
            ("add-makeup", "Declare a make-up working day."),
        ):
            declare = actions.add_parser(name, help=text)
            declare.add_argument("date", help="YYYY-MM-DD or DD/MM/YYYY.")
            declare.add_argument("--reason", required=True, help="Legal basis, e.g. the announcement.")

        remove = actions.add_parser("remove", help="Remove the declaration for a date.")
        remove.add_argument("date", help="YYYY-MM-DD or DD/MM/YYYY.")

        preview = actions.add_parser(
            "preview",
            help="What a declaration would move (open dossiers and steps, per agency); saves nothing.",
        )
        preview.add_argument("date", help="YYYY-MM-DD or DD/MM/YYYY.")
        preview.add_argument("--kind", choices=["off", "makeup", "remove"], required=True)

        due = actions.add_parser("due", help="Due moment of a time limit counted from START.")
        due.add_argument("start", help="ISO 8601 moment; without an offset it is local time.")
        limit = due.add_mutually_exclusive_group(required=True)
        limit.add_argument("--days", help="Working days (8 hours each); fractions allowed, e.g. 0.25.")
        limit.add_argument("--hours", help="Working hours.")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "handle_" + action.replace("-", "_"))(**options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def handle_list(self, *, year: int | None, **options) -> None:
        year = year or timezone.localdate().year
        try:
            notes = get_calendar().year_notes(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for note in notes:
            mark = _MARKS[note.source]
            worked = "working" if note.is_working else ("weekend" if note.day.weekday() >= 5 else "off")
            line = f"{note.day:%Y-%m-%d} {note.day:%a}  {worked:<7}  [{mark}] {note.name}"
            self.stdout.write(line.rstrip())

    def handle_add_off(self, *, date: str, reason: str, **options) -> None:
        self._declare(date, DayKind.DAY_OFF, reason)

    def handle_add_makeup(self, *, date: str, reason: str, **options) -> None:
        self._declare(date, DayKind.WORKING_DAY, reason)

    def _declare(self, text: str, kind: DayKind, reason: str) -> None:
        override = day_override_set(day=parse_day(text), kind=kind, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Declared {override.day:%Y-%m-%d}: {kind.label}."))

    def handle_remove(self, *, date: str, **options) -> None:
        day = parse_day(date)
        day_override_delete(day=day)
        self.stdout.write(self.style.SUCCESS(f"Removed the declaration for {day:%Y-%m-%d}."))

    def handle_preview(self, *, date: str, kind: str, **options) -> None:
        wanted = {"off": DayKind.DAY_OFF, "makeup": DayKind.WORKING_DAY, "remove": None}[kind]
        result = day_override_preview(day=parse_day(date), kind=wanted, reason="-")
        for summary in result.summaries:
            self.stdout.write(f"{summary.dossiers} open dossiers and {summary.steps} open steps would move.")
            for line in summary.agencies:
                name = line.agency.name if line.agency else "-"
                shifts = (
                    "; ".join(f"{days:+g} working days x {count}" for days, count in line.shift_lines) or "-"
                )
                self.stdout.write(f"  {name}: {line.dossiers} dossiers, {line.steps} steps ({shifts})")

    def handle_due(self, *, start: str, days: str | None, hours: str | None, **options) -> None:
        calendar = get_calendar()
        moment = parse_moment(start, calendar.tz)
        limit = parse_limit(days, hours, workday_hours=calendar.workday_hours)
        try:
            due_at = calendar.due_after(moment, **limit)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(due_at.isoformat())
