"""Verify the audit: every dossier's keyed event chain replayed against its row, every electronic result against
the event that attached it (name, size, SHA-256 of the stored file), and the checkpoint ledger against the
events (and against a public copy of it with --ledger). Exits non-zero naming each problem.

Reports: altered, missing, reordered or unkeyed events; dossier rows edited behind the workflow's back (a
moved due moment, a changed status); dossiers deleted and chains cut short after a checkpoint recorded them;
events back-dated into a closed period; a ledger rewritten or cut short (compared with a copy).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.ledger import chain_problem, new_observations, observed_heads, verify_ledger
from motcua.dossiers.models import Dossier, DossierEvent, ResultFile

__all__ = ["chain_problem", "result_file_problem"]


def result_file_problem(row: ResultFile, event: DossierEvent | None) -> str | None:
    """What is wrong with an electronic result: no event, an event that records another file, a stored
    file that is missing or whose content changed; None when it is the file the chain records."""
    where = f"electronic result id={row.pk} (event seq={row.event_seq})"
    if event is None:
        return f"{where} has no event"
    recorded = (event.payload or {}).get("result_file")
    if recorded != {"name": row.name, "size": row.size, "sha256": row.sha256}:
        return f"{where} does not match the file its event records"
    digest = hashlib.sha256()
    try:
        with row.file.open("rb") as handle:
            for chunk in handle.chunks():
                digest.update(chunk)
    except FileNotFoundError:
        return f"{where}: the stored file is missing"
    if digest.hexdigest() != row.sha256:
        return f"{where}: the stored file was altered (SHA-256 mismatch)"
    return None


class Command(BaseCommand):
    help = "Verify the audit (event chains, dossier rows, electronic results, the checkpoint ledger)."

    def add_arguments(self, parser):
        parser.add_argument("--code", help="Only this dossier (the ledger is then not checked).")
        parser.add_argument(
            "--ledger",
            help="A copy of the public ledger (the JSON of /kiem-toan/so-cai.json) to compare with.",
        )

    def handle(self, *args, code: str | None = None, ledger: str | None = None, **options):
        dossiers = Dossier.objects.order_by("id")
        if code:
            dossiers = dossiers.filter(code=code)
        observed, counts = new_observations()
        checked = broken = 0
        for dossier in dossiers.iterator(chunk_size=500):
            events = list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("seq", "id"))
            problem = chain_problem(dossier, events)
            observed_heads(events, dossier.code, observed, counts)
            checked += 1
            if problem:
                broken += 1
                self.stderr.write(f"{dossier.code}: {problem}")
        results = ResultFile.objects.select_related("dossier").order_by("id")
        if code:
            results = results.filter(dossier__code=code)
        files = bad_files = 0
        for row in results.iterator(chunk_size=500):
            event = DossierEvent.objects.filter(dossier_id=row.dossier_id, seq=row.event_seq).first()
            problem = result_file_problem(row, event)
            files += 1
            if problem:
                bad_files += 1
                self.stderr.write(f"{row.dossier.code}: {problem}")
        ledger_problems: list[str] = []
        checkpoints = 0
        if not code:
            copy = None
            if ledger:
                try:
                    copy = json.loads(Path(ledger).read_text(encoding="utf-8"))["checkpoints"]
                except (OSError, ValueError, KeyError, TypeError) as error:
                    raise CommandError(f"--ledger: not a copy of the public ledger ({error})") from error
            report = verify_ledger(observed, counts, copy=copy)
            ledger_problems, checkpoints = report.problems, report.checkpoints
            for line in ledger_problems:
                self.stderr.write(f"ledger: {line}")
        if broken or bad_files or ledger_problems:
            raise CommandError(
                f"{broken} of {checked} dossiers have a broken audit chain; "
                f"{bad_files} of {files} electronic results do not match it; "
                f"{len(ledger_problems)} problems in the ledger of {checkpoints} checkpoints."
            )
        self.stdout.write(
            f"{checked} dossiers verified, every event chain intact and every row as its last event left it; "
            f"{files} electronic results match their events; {checkpoints} checkpoints match the events."
        )
