from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from motcua.dossiers import services
        from motcua.dossiers.notifications import on_dossier_event

        # Applicants hear of each public status change once the action has committed (issue 3, item 8).
        if on_dossier_event not in services.AFTER_EVENT_HOOKS:
            services.AFTER_EVENT_HOOKS.append(on_dossier_event)
