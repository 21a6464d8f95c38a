"""Vietnamese phone numbers: one stored form (0xxxxxxxxx), whatever the person typed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
# 0 followed by 9 digits (mobile, e.g. 0912345678) or 10 digits (landline with area code, e.g. 02123856789).
_NATIONAL = re.compile(r"^0[1-9]\d{8,9}$")


def normalize_phone(raw: str) -> str:
    """The national form of a Vietnamese number: '+84 912 345 678', '84912345678' and '0912.345.678'
    all become '0912345678'. ValidationError when it is not a Vietnamese number."""
    text = _SEPARATORS.sub("", raw or "")
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    if not _NATIONAL.match(text):
        raise ValidationError(_("Enter a Vietnamese phone number, e.g. 0912 345 678."), code="invalid_phone")
    return text


def looks_like_phone(raw: str) -> bool:
    try:
        normalize_phone(raw)
    except ValidationError:
        return False
    return True


def international_phone(phone: str) -> str:
    """'0912345678' → '+84912345678', the form SMS gateways expect."""
    return "+84" + normalize_phone(phone)[1:]
