from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"

    def ready(self) -> None:
        from motcua.catalog.models import (
            Fee,
            Field,
            Procedure,
            ProcedureVersion,
            ProcessStep,
            RequiredDocument,
        )
        from motcua.catalog.selectors import catalog_cache
        from motcua.org.models import Agency, UnitLevel

        catalog_cache.watch(
            Procedure,
            ProcedureVersion,
            ProcedureVersion.levels.through,
            ProcessStep,
            RequiredDocument,
            Fee,
            Field,
            Agency,
            UnitLevel,
        )
