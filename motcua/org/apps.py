from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "motcua.org"
    label = "org"

    def ready(self) -> None:
        from motcua.org.models import Agency, ApiToken, Desk, Membership, User
        from motcua.org.selectors import desk_cache
        from motcua.org.services import token_cache

        desk_cache.watch(Desk, Agency)
        token_cache.watch(ApiToken, User, Membership)
