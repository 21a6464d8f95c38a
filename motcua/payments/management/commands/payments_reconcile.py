from django.core.management.base import BaseCommand

from motcua.payments.selectors import payment_mismatches


class Command(BaseCommand):
    help = "List every difference between our online payments and what the payment platform charged."

    def handle(self, *args, **options):
        found = payment_mismatches()
        for m in found:
            self.stdout.write(f"{m.kind:28} {m.order}  {m.detail}")
        style = self.style.SUCCESS if not found else self.style.WARNING
        self.stdout.write(style(f"{len(found)} mismatches."))
        if found:
            raise SystemExit(1)
