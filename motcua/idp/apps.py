from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    """The demo stand-in for the national identity provider (VNeID), an OpenID Connect provider built on
    django-oauth-toolkit. Its tables always exist; its pages are served only when MOTCUA_LOCAL_IDP is on
    (the demo and the tests), never in production."""

    name = "motcua.idp"
    label = "idp"
    verbose_name = _("Demo identity provider (VNeID stand-in)")
