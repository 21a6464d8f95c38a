from django.core.management.base import BaseCommand

from motcua.dvcqg.worker import run_worker


class Command(BaseCommand):
    help = (
        "Deliver the outbox to the National Public Service Portal (DVCQG_URL), in order per dossier, "
        "retrying with backoff; pulls new national filings. Runs until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true", help="Stop once nothing is pending.")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        def log(round_):
            if not options["quiet"]:
                self.stdout.write(
                    f"claimed {round_.claimed}, delivered {round_.delivered}, retried {round_.retried}, "
                    f"parked {round_.parked}"
                )

        totals = run_worker(stop_when_idle=options["until_idle"], max_seconds=options["max_seconds"], log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"Delivered {totals.delivered}, retried {totals.retried}, parked {totals.parked}."
            )
        )
