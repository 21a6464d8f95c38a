"""Export the procedures in force to a spreadsheet that `catalog_import` reads back unchanged."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.spreadsheet import FORMATS, export_procedures


class Command(BaseCommand):
    help = "Export the procedures in force as .xlsx or .csv, in the format catalog_import reads."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True, help="The file to write.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS,
            default=None,
            help="xlsx or csv; by default taken from the output file's extension.",
        )

    def handle(self, *args, output: Path, fmt: str | None, **options):
        fmt = fmt or output.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(_("Name an .xlsx or .csv output file, or give --format xlsx|csv."))
        content = export_procedures(fmt)
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}
            ) from exc
        self.stdout.write(self.style.SUCCESS(_("Wrote %(file)s.") % {"file": output}))
