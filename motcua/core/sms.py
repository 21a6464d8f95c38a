"""Text messages to applicants, behind one small interface.

A real deployment plugs in its gateway (a class with `send(phone, text)`) through MOTCUA_SMS_BACKEND.
The default backend logs the message, so the demo and the tests exercise the whole path without a gateway;
`LocmemSMSBackend` keeps them in `outbox` for tests to read, like Django's locmem mail backend.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("motcua.sms")


class SMSBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSMSBackend:
    """Writes each message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


outbox: list[tuple[str, str]] = []


class LocmemSMSBackend:
    """Keeps messages in `motcua.core.sms.outbox`."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


@cache
def _backend(path: str) -> SMSBackend:
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    """Send `text` to `phone` through the configured backend."""
    _backend(settings.MOTCUA_SMS_BACKEND).send(phone, text)


# --- notifications: quiet hours and mobiles only (issue 9 item 12) -------------------------------------------

# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, 03x, 05x, 07x, 08x or 09x. Landlines
# (02xx area codes) cannot receive a text message.
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def is_mobile(phone: str) -> bool:
    """True for a Vietnamese mobile number in any common spelling ('+84 912 345 678', '0912.345.678')."""
    from django.core.exceptions import ValidationError

    from motcua.org.phones import normalize_phone

    try:
        return bool(_MOBILE.match(normalize_phone(phone)))
    except ValidationError:
        return False


def quiet_hours() -> tuple[dt.time, dt.time] | None:
    """MOTCUA_SMS_QUIET_HOURS ('21:00-07:00' by default; empty turns them off) as (start, end), local time."""
    value = (settings.MOTCUA_SMS_QUIET_HOURS or "").strip()
    if not value:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-", 1))
    return start, end


def quiet_until(moment: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `moment` falls in (local time), or None outside them."""
    hours = quiet_hours()
    if hours is None:
        return None
    start, end = hours
    local = timezone.localtime(moment)
    at = local.time()
    inside = (start <= at or at < end) if start > end else (start <= at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end))


def notify_sms(phone: str, text: str, *, now: dt.datetime | None = None) -> str:
    """A notification by text message, as a courtesy to the person: only to a mobile number ("landline"
    otherwise), and never during the quiet hours: then it is queued for their end when the task backend
    can defer ("deferred"), else left unsent ("quiet_hours"; the e-mail and the person's account carry
    it). Codes the person is waiting for (sign-in, password reset) use `send_sms` and are sent at once."""
    if not is_mobile(phone):
        return "landline"
    until = quiet_until(now or timezone.now())
    if until is None:
        send_sms(phone, text)
        return "sent"
    from motcua.core.tasks import send_sms_task

    backend = send_sms_task.get_backend()
    if getattr(backend, "supports_defer", False):
        send_sms_task.using(run_after=until).enqueue(phone, text)
        return "deferred"
    logger.info("SMS to %s not sent during the quiet hours (the task backend cannot defer)", phone)
    return "quiet_hours"
