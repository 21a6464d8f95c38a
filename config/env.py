"""Reading settings from the environment, strictly: a value that is not what the setting expects stops
start-up with a message naming the variable, instead of silently meaning something else (a typo in a
boolean used to mean False).

Each value is parsed once here, by `config/settings.py`; code reads `settings.X` already typed.
A secret may come from the file named by the variable with `_FILE` appended (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class BadSetting(ImproperlyConfigured):
    """A setting from the environment has a value that cannot mean what the setting needs."""

    def __init__(self, name: str, raw: str, expected: str) -> None:
        super().__init__(f"Setting {name}={raw!r} is invalid: expected {expected}.")


def env(name: str, default: str | None = None) -> str | None:
    """The raw value of `name` from the environment, or from the file named by `name`_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"Setting {name}_FILE={file_name!r}: cannot read it ({exc}).") from exc
    return os.environ.get(name, default)


def _raw(name: str) -> str | None:
    """The value set for `name`, stripped; None when unset or empty (the default applies)."""
    raw = env(name)
    return raw.strip() if raw is not None and raw.strip() else None


def envbool(name: str, default: bool | str) -> bool:
    """true/false, yes/no, on/off or 1/0 (any case); anything else is refused. A default written as text
    ("True") is read by the same rule, so it can never be a truthy "False"."""
    raw = _raw(name)
    if raw is None:
        if isinstance(default, str):
            if default.strip().lower() not in TRUE | FALSE:
                raise BadSetting(name, default, "a boolean default")
            return default.strip().lower() in TRUE
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise BadSetting(name, raw, "a boolean: true or false (also yes/no, on/off, 1/0)")


def envint(name: str, default: int, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """A whole number within [minimum, maximum] (non-negative by default)."""
    raw = _raw(name)
    if raw is None:
        return default
    if minimum is not None and maximum is not None:
        expected = f"a whole number from {minimum} to {maximum}"
    elif minimum is not None:
        expected = f"a whole number of at least {minimum}"
    else:
        expected = "a whole number" + (f" of at most {maximum}" if maximum is not None else "")
    try:
        value = int(raw)
    except ValueError:
        raise BadSetting(name, raw, expected) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadSetting(name, raw, expected)
    return value


def envfloat(name: str, default: float, *, minimum: float | None = 0.0) -> float:
    """A finite number (non-negative by default), e.g. 0.5 or 5."""
    raw = _raw(name)
    if raw is None:
        return default
    expected = "a number" + (f" of at least {minimum:g}" if minimum is not None else "")
    try:
        value = float(raw)
    except ValueError:
        raise BadSetting(name, raw, expected) from None
    if value != value or value in (float("inf"), float("-inf")) or (minimum is not None and value < minimum):
        raise BadSetting(name, raw, expected)
    return value


def envchoice(name: str, default: str, choices: Iterable[str]) -> str:
    """One of `choices` (exact spelling)."""
    choices = tuple(choices)
    raw = _raw(name)
    if raw is None:
        return default
    if raw not in choices:
        raise BadSetting(name, raw, "one of " + ", ".join(choices))
    return raw


def envtime(name: str, default: str) -> dt.time:
    """A local time of day written HH:MM (24-hour clock)."""
    raw = _raw(name) or default
    try:
        return dt.datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        raise BadSetting(name, raw, "a time of day as HH:MM, e.g. 15:00") from None


def envlist(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    raw = env(name, default) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]
