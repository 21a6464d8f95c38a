"""Writes of the demo provider: the relying-party registration of motcua itself."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from motcua.idp.models import Application

CALLBACK_NAME = "accounts:vneid_callback"


@transaction.atomic
def ensure_demo_client(request: HttpRequest) -> Application:
    """motcua's registration at the demo provider, with this host's callback and sign-out return URIs.

    The demo and the tests serve motcua on whatever host and port they were started with; the stand-in
    registers the address it is reached at (only its own host: it is the same server), so `make run`
    needs no set-up. A real provider registers exact URIs once, by hand."""
    base = f"{request.scheme}://{request.get_host()}"
    callback = base + reverse(CALLBACK_NAME)
    after_logout = base + "/"
    app = Application.objects.select_for_update().filter(client_id=settings.MOTCUA_VNEID_CLIENT_ID).first()
    if app is None:
        app = Application(
            client_id=settings.MOTCUA_VNEID_CLIENT_ID,
            client_secret=settings.MOTCUA_VNEID_CLIENT_SECRET,
            name="motcua (demo)",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,  # like the national single sign-on: no consent page each time
            redirect_uris="",
            post_logout_redirect_uris="",
        )
    changed = False
    for field, uri in (("redirect_uris", callback), ("post_logout_redirect_uris", after_logout)):
        uris = getattr(app, field).split()
        if uri not in uris:
            setattr(app, field, " ".join([*uris, uri]))
            changed = True
    if changed or app.pk is None:
        app.save()
    return app
