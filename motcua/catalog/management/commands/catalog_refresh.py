import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import catalog_refresh_current


class Command(BaseCommand):
    help = "Switch every procedure to the version in force today (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from exc
        count = catalog_refresh_current(today=today)
        self.stdout.write(f"{count} procedure(s) switched to the version in force.")
