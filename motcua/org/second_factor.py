"""Officials' second factor (DESIGN §7, issue 12 item 5): TOTP through django-otp, with single-use recovery
codes, required by role (MOTCUA_SECOND_FACTOR_ROLES) before an action that approves, signs, returns a
result, publishes or changes master data, and for the admin.

Where the check lives: the services call `require(actor)`. The session layer (SecondFactorMiddleware) and
the API token layer (`api_token_user`) mark every actor of a request with `second_factor_verified`; an actor
without the mark did not come from a request (the demo loader, a management command) and is not asked.
"""

from __future__ import annotations

import contextlib
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import ratelimit
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.org.models import User
from motcua.org.selectors import user_roles

RECOVERY_CODES = 10
DEVICE_NAME = "motcua"


def required_for(user: User) -> bool:
    """The user holds a role that needs a second factor (or is a superuser, who reaches the admin)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and "administrator" in settings.MOTCUA_SECOND_FACTOR_ROLES:
        return True
    return any(role in settings.MOTCUA_SECOND_FACTOR_ROLES for role, _agency in user_roles(user))


def require(actor: User) -> None:
    """PermissionDenied `second_factor_required` when `actor` came from a request without a second factor
    and holds a role that needs one."""
    verified = getattr(actor, "second_factor_verified", None)
    if verified is None or verified:
        return
    if required_for(actor):
        raise PermissionDenied(
            _("This action needs your second factor: enter the code from your authenticator app first."),
            code="second_factor_required",
        )


def has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def _devices(user: User):
    return list(devices_for_user(user, confirmed=True))


def verify(*, user: User, code: str):
    """The confirmed device (TOTP, or a recovery code, used up) that accepts `code`; InvalidInput otherwise.
    Wrong codes count per account, across workers (RateLimited once used up). A TOTP code already used is
    refused within its window (django-otp keeps the last time step)."""
    ratelimit.check("totp", str(user.pk))
    code = "".join((code or "").split())
    if code and len(code) <= 16:
        for device in _devices(user):
            if device.verify_token(code):
                ratelimit.reset("totp", str(user.pk))
                return device
    with contextlib.suppress(
        ratelimit.RateLimited
    ):  # this wrong code used up the allowance: the next is refused
        ratelimit.hit("totp", str(user.pk))
    raise InvalidInput(_("The code is wrong or was already used."), code="second_factor_invalid")


@transaction.atomic
def enrol_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device for `user` (replacing an unconfirmed one); its key goes in the QR code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the unconfirmed device with a code from the app; returns new recovery codes (shown once).
    Any earlier device and recovery codes are replaced."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token("".join((code or "").split())):
        raise InvalidInput(
            _("The code is wrong. Check the time on your phone and try again."), code="second_factor_invalid"
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup = StaticDevice.objects.create(user=user, name=f"{DEVICE_NAME}-recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    return codes


@transaction.atomic
def reset(*, user: User) -> int:
    """A lost device: remove every second-factor device of `user` (an administrator does this from the admin,
    which records it in its history). Returns how many were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: marks the session's user with `second_factor_verified`, and keeps
    anyone whose role needs a second factor out of the admin until they entered one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if user.is_authenticated:
            user.second_factor_verified = user.is_verified()
            if request.path.startswith("/admin/") and not user.second_factor_verified and required_for(user):
                target = "accounts:second_factor" if has_device(user) else "accounts:second_factor_enrol"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
