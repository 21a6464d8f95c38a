"""Signatures between motcua and the payment platform: HMAC-SHA256 over the fields in a fixed order, with
the secret the platform gives the merchant (PAYMENT_SECRET). Compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

NOTICE_FIELDS = ("merchant", "order", "transaction", "amount", "status", "sent_at")
REQUEST_FIELDS = ("merchant", "order", "amount", "return_url", "notify_url")


def sign(data: dict, fields: tuple[str, ...], secret: str) -> str:
    message = "|".join(str(data.get(name, "")) for name in fields)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify(data: dict, fields: tuple[str, ...], secret: str) -> bool:
    given = str(data.get("signature") or "")
    return bool(given) and hmac.compare_digest(given, sign(data, fields, secret))
