from django.core.management.base import BaseCommand, CommandError

from motcua.dvcqg.adapters import PortalUnavailable
from motcua.dvcqg.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Compare every synced dossier with what the National Public Service Portal holds and list each "
        "difference; --repair queues a full resend of the dossiers missing there or holding another status."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        try:
            report = reconcile(repair=options["repair"])
        except PortalUnavailable as exc:
            raise CommandError(f"The portal did not answer: {exc}") from exc
        for diff in report.differences:
            self.stdout.write(
                f"{diff.kind:8} {diff.code}  ours={diff.ours or '-'}  portal={diff.theirs or '-'}"
            )
        summary = (
            f"Checked {report.checked} dossiers: {len(report.differences)} differences "
            f"({dict(report.kinds)}), {report.in_flight} in flight, {report.parked} with parked messages."
        )
        if report.repaired:
            summary += f" Queued {report.repaired} repairs."
        style = self.style.SUCCESS if not report.differences else self.style.WARNING
        self.stdout.write(style(summary))
        if report.differences and not options["repair"]:
            raise SystemExit(1)
