"""The demo provider's own sign-in session: a signed cookie scoped to its path, apart from motcua's session
(signing in at the provider must not sign anyone in to motcua, as with the real national provider)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse

from motcua.idp.models import Identity

COOKIE = "vneid_demo"
PATH = "/vneid-demo/"
MAX_AGE = 8 * 3600
_SALT = "motcua.idp.session"


def current_identity(request: HttpRequest) -> Identity | None:
    """The identity signed in at the demo provider from this browser, or None."""
    try:
        pk = request.get_signed_cookie(COOKIE, salt=_SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    return Identity.objects.filter(pk=pk, is_active=True).select_related("representative").first()


def remember(response: HttpResponse, identity: Identity, *, secure: bool) -> None:
    response.set_signed_cookie(
        COOKIE,
        str(identity.pk),
        salt=_SALT,
        max_age=MAX_AGE,
        path=PATH,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=PATH)
