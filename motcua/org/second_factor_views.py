"""The official's second factor pages: enrol an authenticator app (QR code), enter a code or a recovery code."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from motcua.core import ratelimit
from motcua.core.errors import DomainError
from motcua.org import second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/ho-so/"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the second factor for this session."""
    if not second_factor.has_device(request.user):
        return redirect(f"/tai-khoan/xac-thuc-hai-buoc/dang-ky/?next={_next(request)}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = 429 if isinstance(error, ratelimit.RateLimited) else 400
        else:
            otp_login(request, device)
            return redirect(_next(request))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next(request)}, status=status
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, enter a code to confirm; the recovery codes follow."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.enrol_confirm(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = 400
        else:
            device = second_factor.TOTPDevice.objects.get(user=request.user, confirmed=True)
            otp_login(request, device)
            return render(
                request, "accounts/second_factor_codes.html", {"codes": codes, "next": _next(request)}
            )
    device = (
        second_factor.TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if request.method == "POST"
        else None
    ) or second_factor.enrol_start(user=request.user)
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=str(_("QR code for your authenticator app"))
    )
    context = {
        "form": form,
        "qr": mark_safe(qr),  # segno's own SVG markup of our own URL
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=status)
