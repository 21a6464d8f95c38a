from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"

    def ready(self) -> None:
        from motcua.dossiers import services
        from motcua.payments.services import on_dossier_event

        # Payment before reception, where a procedure requires it (PaymentPolicy).
        if on_dossier_event not in services.EVENT_HOOKS:
            services.EVENT_HOOKS.append(on_dossier_event)
