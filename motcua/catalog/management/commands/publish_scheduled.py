"""Apply the publication decisions whose effective date has come, then refresh the current versions.

Safe to run daily, several times a day, and together with `catalog_refresh` in any order: a decision is
applied once (it becomes "effective"), and refreshing the current versions is idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.publication_services import publication_apply_due
from motcua.catalog.services import catalog_refresh_current


class Command(BaseCommand):
    help = "Apply signed publication decisions due today (or on --date) to the catalog. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(_("--date must be YYYY-MM-DD, not %(value)r.") % {"value": date}) from exc
        report = publication_apply_due(today=today)
        for decision in report.applied:
            self.stdout.write(_("Applied %(decision)s.") % {"decision": decision})
        refreshed = catalog_refresh_current(today=today)
        self.stdout.write(
            _("%(applied)d decision(s) applied; %(refreshed)d procedure(s) switched to the version in force.")
            % {"applied": len(report.applied), "refreshed": refreshed}
        )
        if report.failed:
            for decision, message in report.failed:
                self.stderr.write(
                    _("Not applied %(decision)s: %(error)s") % {"decision": decision, "error": message}
                )
            raise CommandError(
                _("%(count)d decision(s) could not be applied.") % {"count": len(report.failed)}
            )
