"""The demo provider's pages: its sign-in page and django-oauth-toolkit's endpoints bound to `Identity`.

Only mounted when MOTCUA_LOCAL_IDP is on (config/urls.py)."""

from __future__ import annotations

import contextlib

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from oauth2_provider import views as oauth2_views

from motcua.core import ratelimit
from motcua.idp import session
from motcua.idp.models import Identity, IdentityKind
from motcua.idp.services import ensure_demo_client


class IdentitySignInForm(forms.Form):
    login = forms.CharField(
        label=_("Personal identifier or tax code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _next(request: HttpRequest) -> str:
    """Where to go back after signing in: only one of the provider's own pages."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(session.PATH) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return session.PATH + "dang-nhap/"


def sign_in(request: HttpRequest) -> HttpResponse:
    """The demo provider's sign-in page: a personal identifier (or a business's tax code) and a password."""
    form = IdentitySignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip()
        key = f"idp:{ratelimit.client_ip(request)}:{login}"
        try:
            ratelimit.check("login", key)
        except ratelimit.RateLimited as refused:
            form.add_error(None, refused.message)
            status = 429
        else:
            identity = Identity.objects.filter(login=login, is_active=True).first()
            if identity is not None and identity.check_password(form.cleaned_data["password"]):
                ratelimit.reset("login", key)
                Identity.objects.filter(pk=identity.pk).update(last_login=timezone.now())
                response = redirect(_next(request))
                session.remember(response, identity, secure=request.is_secure())
                return response
            _count(key)
            form.add_error(None, _("Wrong identifier or password."))
    context = {
        "form": form,
        "next": _next(request),
        "identity": session.current_identity(request),
        "demo_people": Identity.objects.filter(kind=IdentityKind.PERSON).order_by("full_name"),
        "demo_organisations": Identity.objects.filter(kind=IdentityKind.ORGANISATION).order_by("full_name"),
    }
    return render(request, "idp/sign_in.html", context, status=status)


def _count(key: str) -> None:
    with contextlib.suppress(ratelimit.RateLimited):  # the next try is the one refused
        ratelimit.hit("login", key)


class _AsIdentity:
    """django-oauth-toolkit's views see the identity signed in at the provider as `request.user`."""

    def dispatch(self, request, *args, **kwargs):
        request.user = session.current_identity(request) or AnonymousUser()
        return super().dispatch(request, *args, **kwargs)


class AuthorizationView(_AsIdentity, oauth2_views.AuthorizationView):
    login_url = reverse_lazy("idp:sign_in")

    def dispatch(self, request, *args, **kwargs):
        ensure_demo_client(request)
        return super().dispatch(request, *args, **kwargs)


class UserInfoView(oauth2_views.UserInfoView):
    pass


class LogoutView(_AsIdentity, oauth2_views.RPInitiatedLogoutView):
    """RP-initiated logout: ends the provider's session too, then back to motcua."""

    def do_logout(self, *args, **kwargs):
        response = super().do_logout(*args, **kwargs)
        session.forget(response)
        return response
