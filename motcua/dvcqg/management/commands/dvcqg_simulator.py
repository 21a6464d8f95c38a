from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.dvcqg.simulator import PortalSimulator


class Command(BaseCommand):
    help = "Serve the local National Public Service Portal simulator (for the demo and the tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="Default: the port of DVCQG_URL.")
        parser.add_argument("--db", default=settings.DVCQG_SIMULATOR_DB)

    def handle(self, *args, **options):
        from urllib.parse import urlsplit

        port = options["port"] or urlsplit(settings.DVCQG_URL).port or 8091
        sim = PortalSimulator(
            host=options["host"],
            port=port,
            db_path=options["db"],
            username=settings.DVCQG_USERNAME,
            password=settings.DVCQG_PASSWORD,
        )
        self.stdout.write(f"DVCQG simulator on {sim.url} (records in {options['db']})")
        try:
            sim.server.serve_forever()
        except KeyboardInterrupt:
            sim.stop()
