"""`manage.py sweep_deadlines`: record passed due moments once and notify the agencies' leaders.

Run it every few minutes (cron or a systemd timer); running it more often or twice at once is harmless.
`--enqueue` hands the work to the task backend instead (`manage.py db_worker` runs it).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers.sweep import sweep_deadlines
from motcua.dossiers.tasks import sweep_deadlines_task


class Command(BaseCommand):
    help = "Record each passed dossier or step due moment once and e-mail the agency's leaders."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the sweep as a background task instead of running it.",
        )

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            result = sweep_deadlines_task.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        report = sweep_deadlines()
        self.stdout.write(
            f"recorded {report.dossiers} dossier and {report.steps} step breaches; "
            f"{report.claimed} claimed for the leaders' e-mail"
        )
