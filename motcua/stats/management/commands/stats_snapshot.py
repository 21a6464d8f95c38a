"""`manage.py stats_snapshot`: fill or refresh the form 06 daily snapshot (`motcua.stats.snapshot`).

Run it every few minutes and after midnight (cron or a systemd timer): each run recomputes only the days
that dossiers changed since the previous run may have touched, plus the days since the previous horizon.
The first run, or `--full`, builds every day. `--from` forces recomputing every day from that date (after
a correction made outside the workflow); `--to` stops the snapshot before that date (default today).
`--enqueue` hands the work to the task backend (`manage.py db_worker` runs it).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from motcua.stats import snapshot
from motcua.stats.tasks import refresh_snapshot_task


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Fill or refresh the daily form 06 snapshot the statistics reports read."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild every day.")
        parser.add_argument(
            "--from", dest="date_from", type=_date, help="Recompute every day from this date."
        )
        parser.add_argument("--to", dest="date_to", type=_date, help="Snapshot the days before this date.")
        parser.add_argument("--enqueue", action="store_true", help="Queue a refresh as a background task.")

    def handle(self, *args, full=False, date_from=None, date_to=None, enqueue=False, **options) -> None:
        if enqueue:
            if full or date_from or date_to:
                raise CommandError("--enqueue runs the incremental refresh only.")
            result = refresh_snapshot_task.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        try:
            report = snapshot.refresh(full=full, date_from=date_from, horizon=date_to)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        start = report.recomputed_from or "the first dossier"
        self.stdout.write(
            f"recomputed {start} → {report.horizon} (exclusive): {report.rows} rows in {report.seconds:.1f} s"
        )
