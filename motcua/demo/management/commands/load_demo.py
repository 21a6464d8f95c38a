from django.core.management.base import BaseCommand

from motcua.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the Sơn La demo province: units, agencies, desks, working days, procedures, staff. Idempotent."
    )

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo province ready: {units} units, {agencies} agencies, {procedures} procedures "
                "({procedures_created} new), {users} demo users.".format(**counts)
            )
        )
        self.stdout.write(
            f"Demo users (password '{DEMO_PASSWORD}'): admin, vanphong, chutich, motcua, "
            "chuyenvien, lanhdao, congdan."
        )
