"""Text messages to applicants, behind one small interface.

A real deployment plugs in its gateway (a class with `send(phone, text)`) through MOTCUA_SMS_BACKEND.
The default backend logs the message, so the demo and the tests exercise the whole path without a gateway;
`LocmemSMSBackend` keeps them in `outbox` for tests to read, like Django's locmem mail backend.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
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
