from django.apps import AppConfig


class DvcqgConfig(AppConfig):
    name = "motcua.dvcqg"
    label = "dvcqg"
    verbose_name = "Cổng Dịch vụ công quốc gia"

    def ready(self) -> None:
        from motcua.dossiers import services
        from motcua.dvcqg.outbox import on_dossier_event

        # Every public change is queued for the national portal in the transaction that records it.
        if on_dossier_event not in services.EVENT_HOOKS:
            services.EVENT_HOOKS.append(on_dossier_event)
