"""Walk every dossier's event chain; report the first altered, missing or reordered event of each."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.audit import GENESIS, digest_of
from motcua.dossiers.models import Dossier, DossierEvent


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
        if broken:
            raise CommandError(f"{broken} of {checked} dossiers have a broken audit chain.")
        self.stdout.write(f"{checked} dossiers verified, every event chain intact.")
