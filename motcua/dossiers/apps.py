from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from motcua.dossiers import services
        from motcua.dossiers.notifications import on_dossier_event
        from motcua.dossiers.task_notices import on_task_event

        # Applicants hear of each public status change, never of an action that rolled back (issue 3, item 8).
        if on_dossier_event not in services.EVENT_HOOKS:
            services.EVENT_HOOKS.append(on_dossier_event)
        # Staff hear when a task reaches them (issue 9 item 7).
        if on_task_event not in services.EVENT_HOOKS:
            services.EVENT_HOOKS.append(on_task_event)

        # The open dossiers' due moments follow every change of the working calendar (issue 15).
        from motcua.dossiers import recalendar
        from motcua.dossiers.notifications import on_events_bulk
        from motcua.workdays import services as workdays_services

        if recalendar.apply_calendar_shift not in workdays_services.APPLY_HOOKS:
            workdays_services.APPLY_HOOKS.append(recalendar.apply_calendar_shift)
        if recalendar.preview_calendar_shift not in workdays_services.PREVIEW_HOOKS:
            workdays_services.PREVIEW_HOOKS.append(recalendar.preview_calendar_shift)
        if on_events_bulk not in services.EVENT_BATCH_HOOKS:
            services.EVENT_BATCH_HOOKS.append(on_events_bulk)
