"""Append the hour's checkpoints to the audit ledger (run it every few minutes or hourly, from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers.ledger import audit_checkpoints_close


class Command(BaseCommand):
    help = "Close every finished period of the audit ledger: chain heads, Merkle root and counts, keyed."

    def handle(self, *args, **options):
        made = audit_checkpoints_close()
        for checkpoint in made:
            self.stdout.write(
                f"#{checkpoint.number} {checkpoint.period_start:%Y-%m-%d %H:%M} UTC: {checkpoint.events} events, "
                f"{checkpoint.dossiers} dossiers, root {checkpoint.root}"
            )
        self.stdout.write(f"{len(made)} checkpoint(s) appended.")
