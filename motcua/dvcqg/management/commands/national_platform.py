"""The national platform for the demo: the DVCQG simulator, the payment platform simulator and the
outbox worker in one process (`make run` starts it beside the web server)."""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.dvcqg.simulator import PortalSimulator
from motcua.dvcqg.worker import run_worker


def _port(url: str, default: int) -> int:
    return urlsplit(url).port or default


class Command(BaseCommand):
    help = (
        "Serve the local national portal (DVCQG_URL) and payment platform (PAYMENT_URL) simulators and "
        "run the outbox worker against them, until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-worker", action="store_true", help="Only the simulators.")

    def handle(self, *args, **options):
        portal_sim = PortalSimulator(
            port=_port(settings.DVCQG_URL, 8091),
            db_path=settings.DVCQG_SIMULATOR_DB,
            username=settings.DVCQG_USERNAME,
            password=settings.DVCQG_PASSWORD,
        ).start()
        self.stdout.write(f"DVCQG simulator on {portal_sim.url}")
        try:
            from motcua.payments.simulator import PaymentSimulator
        except ImportError:  # pragma: no cover - the payments app is optional here
            PaymentSimulator = None
        if PaymentSimulator is not None:
            pay_sim = PaymentSimulator(
                port=_port(settings.PAYMENT_URL, 8092), secret=settings.PAYMENT_SECRET
            ).start()
            self.stdout.write(f"Payment platform simulator on {pay_sim.url}")
        if options["no_worker"]:
            threading.Event().wait()
        self.stdout.write("Outbox worker running (Ctrl-C stops).")
        with contextlib.suppress(KeyboardInterrupt):
            run_worker()
