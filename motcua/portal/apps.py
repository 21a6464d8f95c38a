from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"

    def ready(self) -> None:
        from motcua.catalog.selectors import catalog_cache
        from motcua.portal.models import GlossaryTerm

        # The procedure pages kept in catalog_cache explain abbreviations from the glossary.
        catalog_cache.watch(GlossaryTerm)
