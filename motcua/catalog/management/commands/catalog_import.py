"""Import procedures from a spreadsheet (.xlsx or .csv); the format is in docs/catalog-import.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.catalog.spreadsheet import import_procedures, parse_procedures
from motcua.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Import procedures from an .xlsx or .csv file: every row, or nothing if any row has an error."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .xlsx or .csv file.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only validate the file and report its errors; store nothing.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day (YYYY-MM-DD) that decides which version is current; default: today.",
        )

    def handle(self, *args, file: Path, check: bool, today: dt.date | None, **options):
        try:
            with file.open("rb") as handle:
                if check:
                    result = parse_procedures(handle, file.name)
                    if result.errors:
                        self._report([error.as_dict() for error in result.errors])
                        count = len(result.errors)
                        raise CommandError(
                            ngettext("%(count)d error.", "%(count)d errors.", count) % {"count": count}
                        )
                    count = len(result.rows)
                    self.stdout.write(
                        ngettext("%(count)d procedure is valid.", "%(count)d procedures are valid.", count)
                        % {"count": count}
                    )
                    return
                summary = import_procedures(handle, file.name, today=today)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        except InvalidInput as exc:
            self._report(exc.details or [])
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))

    def _report(self, details: list[dict]) -> None:
        for error in details:
            self.stderr.write(
                _("line %(line)d, %(column)s: %(reason)s")
                % {"line": error["line"], "column": error["column"], "reason": error["message"]}
            )
