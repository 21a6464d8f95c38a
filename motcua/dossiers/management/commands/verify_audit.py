"""Walk every dossier's event chain; report the first altered, missing or reordered event of each.

Then check every electronic result against the event that attached it (name, size, SHA-256) and re-hash
the stored file, so a replaced or altered PDF is found as surely as an altered event.
"""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.audit import GENESIS, digest_of
from motcua.dossiers.models import Dossier, DossierEvent, ResultFile


def chain_problem(dossier: Dossier, events: list[DossierEvent]) -> str | None:
    """The first break in `dossier`'s chain (events in seq order), or None when intact."""
    prev_hash = GENESIS
    last_id = 0
    for expected_seq, event in enumerate(events, start=1):
        where = f"event id={event.pk} seq={event.seq}"
        if event.seq != expected_seq:
            return f"missing event seq={expected_seq} (next is {where})"
        if event.prev_hash != prev_hash or event.pk < last_id:
            return (
                f"{where} is out of place: the chain breaks here (reordered, or an earlier event was altered)"
            )
        if digest_of(event, dossier.code) != event.hash:
            return f"{where} was altered (hash mismatch)"
        prev_hash, last_id = event.hash, event.pk
    if len(events) != dossier.version:
        return f"missing event seq={len(events) + 1} (the dossier is at version {dossier.version})"
    if prev_hash != dossier.last_event_hash:
        return "the last event does not match the dossier's recorded chain head"
    return None


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
    help = "Verify the hash chain of every dossier's events; exit non-zero naming the first bad event."

    def add_arguments(self, parser):
        parser.add_argument("--code", help="Only this dossier.")

    def handle(self, *args, code: str | None = None, **options):
        dossiers = Dossier.objects.only("id", "code", "version", "last_event_hash").order_by("id")
        if code:
            dossiers = dossiers.filter(code=code)
        checked = broken = 0
        for dossier in dossiers.iterator(chunk_size=500):
            events = list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("seq", "id"))
            problem = chain_problem(dossier, events)
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
        if broken or bad_files:
            raise CommandError(
                f"{broken} of {checked} dossiers have a broken audit chain; "
                f"{bad_files} of {files} electronic results do not match it."
            )
        self.stdout.write(
            f"{checked} dossiers verified, every event chain intact; {files} electronic results match their events."
        )
