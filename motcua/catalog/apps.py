from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"

    def ready(self) -> None:
        from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep
        from motcua.catalog.selectors import intake_cache
        from motcua.org.models import Agency

        intake_cache.watch(Procedure, ProcedureVersion, ProcessStep, Agency)
