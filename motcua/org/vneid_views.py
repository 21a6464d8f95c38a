"""Sign-in with VNeID: the redirect to the provider, its callback, linking a local account, signing out.

Every failure of the exchange (a tampered or replayed `state`, a wrong `nonce`, issuer, audience or
signature, an expired or reused code, a provider that is down or slow) ends on one page that says what
happened in plain words, with a way back; nothing is signed in and nothing is changed.
"""

from __future__ import annotations

import logging
import time

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from joserfc.errors import JoseError

from motcua.core import ratelimit
from motcua.core.errors import DomainError
from motcua.org import vneid
from motcua.org.identity_services import LinkNeeded, vneid_sign_in

logger = logging.getLogger("motcua.org.vneid")

NEXT_KEY = "motcua_vneid_next"
PENDING_KEY = "motcua_vneid_pending"  # an identity waiting for its local account to be linked
ID_TOKEN_KEY = "motcua_vneid_id_token"  # kept for the provider's sign-out (id_token_hint)
PENDING_SECONDS = 600
BACKEND = "motcua.org.backends.EmailOrPhoneBackend"


def _failure(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(request, "accounts/vneid_failed.html", {"message": message}, status=status)


def _provider_down(request: HttpRequest) -> HttpResponse:
    return _failure(
        request,
        _(
            "VNeID is not answering right now (it is down or too slow). Nothing was changed. Try again in a "
            "few minutes."
        ),
        status=503,
    )


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("filing:mine")


def vneid_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (authorization code flow with PKCE, `state` and `nonce`)."""
    if not vneid.is_available(request):
        raise Http404
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    callback = request.build_absolute_uri(reverse("accounts:vneid_callback"))
    try:
        return vneid.client(request).authorize_redirect(request, callback)
    except (requests.RequestException, ValueError, KeyError):
        logger.warning("VNeID discovery failed", exc_info=True)
        return _provider_down(request)


def vneid_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code: check everything, then sign in."""
    if not vneid.is_available(request):
        raise Http404
    try:
        ratelimit.hit("vneid_callback", ratelimit.client_ip(request))
    except ratelimit.RateLimited as refused:
        return _failure(request, refused.message, status=429)
    if request.GET.get("error"):
        # The person cancelled at the provider, or it refused: say so, change nothing.
        return _failure(request, _("Sign-in with VNeID was cancelled or refused. Nothing was changed."))
    try:
        token = vneid.client(request).authorize_access_token(request)
    except requests.RequestException:
        logger.warning("VNeID token exchange failed", exc_info=True)
        return _provider_down(request)
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError):
        # Tampered or replayed state, wrong nonce/issuer/audience/signature, expired or reused code.
        logger.warning("VNeID callback refused", exc_info=True)
        return _failure(
            request,
            _(
                "The answer from VNeID could not be verified (it may be outdated, used twice or not meant for "
                "this site). Nothing was changed; start the sign-in again."
            ),
        )
    claims = token.get("userinfo")
    if not claims:
        return _failure(request, _("VNeID did not send a signed identity. Nothing was changed."))
    try:
        identity = vneid.identity_from_claims(dict(claims))
    except DomainError as error:
        return _failure(request, error.message)
    return _finish(request, identity, id_token=token.get("id_token", ""))


def _finish(request: HttpRequest, identity: vneid.VerifiedIdentity, *, id_token: str, new_account=False):
    signed_in = request.user if request.user.is_authenticated else None
    try:
        user = vneid_sign_in(identity=identity, signed_in=signed_in, new_account=new_account)
    except LinkNeeded:
        request.session[PENDING_KEY] = {
            "identity": identity.to_session(),
            "at": time.time(),
            "id_token": id_token,
        }
        return redirect("accounts:vneid_link")
    except DomainError as error:
        return _failure(request, error.message, status=error.status)
    next_url = request.session.pop(NEXT_KEY, None)
    login(request, user, backend=BACKEND)
    request.session[ID_TOKEN_KEY] = id_token
    if signed_in is not None:
        messages.success(request, _("Your account is now linked to VNeID."))
    return redirect(_safe_next(request, next_url))


def pending_identity(request: HttpRequest) -> tuple[vneid.VerifiedIdentity, str] | None:
    """The identity waiting to be linked in this session (for a few minutes), or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return vneid.VerifiedIdentity.from_session(pending["identity"]), pending.get("id_token", "")


def vneid_link(request: HttpRequest) -> HttpResponse:
    """A local account holds this person's e-mail or phone: sign in to it to link it, or go on without it."""
    pending = pending_identity(request)
    if pending is None:
        return _failure(request, _("The VNeID sign-in has expired. Start it again."))
    identity, id_token = pending
    if request.method == "POST" and request.POST.get("choice") == "new":
        request.session.pop(PENDING_KEY, None)
        return _finish(request, identity, id_token=id_token, new_account=True)
    login_url = f"{reverse('accounts:login')}?next={reverse('accounts:vneid_link_done')}"
    return render(
        request,
        "accounts/vneid_link.html",
        {"identity": identity, "login_url": login_url, "passwords": settings.MOTCUA_CITIZEN_PASSWORDS},
    )


def vneid_link_done(request: HttpRequest) -> HttpResponse:
    """Back from the password sign-in: link the waiting identity to the account now signed in."""
    pending = pending_identity(request)
    if pending is None or not request.user.is_authenticated:
        return redirect("accounts:login")
    request.session.pop(PENDING_KEY, None)
    identity, id_token = pending
    return _finish(request, identity, id_token=id_token)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out of motcua and, for a VNeID sign-in, of the provider too (RP-initiated logout)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    logout(request)
    home = request.build_absolute_uri("/")
    if id_token and settings.MOTCUA_VNEID_LOGOUT and vneid.is_available(request):
        try:
            client = vneid.client(request)
            if client.load_server_metadata().get("end_session_endpoint"):
                return client.logout_redirect(request, post_logout_redirect_uri=home, id_token_hint=id_token)
        except (requests.RequestException, AuthlibBaseError, ValueError, KeyError):
            logger.warning("VNeID sign-out could not reach the provider", exc_info=True)
    return HttpResponseRedirect(home)
