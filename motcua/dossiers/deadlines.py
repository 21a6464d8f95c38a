"""Deadlines derived from a dossier's legal due moment, beyond `due_at` itself.

Form 04, the apology and new appointment, is given "at least one working day before the deadline"
(docs/design.md §4; Decree 61/2018 as amended: the agency notifies and apologises no later than one
working day before the due moment). The notice is MOTCUA_APOLOGY_NOTICE_WORKING_DAYS working days; what happens to a
letter asked for later is MOTCUA_LATE_APOLOGY_POLICY: refused (the default) or accepted and flagged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from motcua.dossiers.choices import LateApologyPolicy
from motcua.dossiers.models import Dossier
from motcua.workdays.selectors import subtract_working_time


def apology_notice_days() -> int:
    """How many working days before the legal due moment Form 04 must be issued at the latest."""
    days = settings.MOTCUA_APOLOGY_NOTICE_WORKING_DAYS
    if days < 0:
        raise ImproperlyConfigured("MOTCUA_APOLOGY_NOTICE_WORKING_DAYS must not be negative.")
    return days


def late_apology_policy() -> str:
    """`refuse` or `accept` (and flag) a Form 04 asked for after its deadline."""
    policy = settings.MOTCUA_LATE_APOLOGY_POLICY
    if policy not in LateApologyPolicy.values:
        raise ImproperlyConfigured(
            f"MOTCUA_LATE_APOLOGY_POLICY must be one of {', '.join(LateApologyPolicy.values)}, not {policy!r}."
        )
    return policy


@checks.register(checks.Tags.compatibility)
def check_apology_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check` (and every server start) names a bad Form 04 setting before any dossier needs it."""
    errors = []
    for read in (apology_notice_days, late_apology_policy):
        try:
            read()
        except (ImproperlyConfigured, TypeError, ValueError) as exc:
            errors.append(checks.Error(str(exc), id="motcua.dossiers.E001"))
    return errors


def apology_deadline(dossier: Dossier) -> dt.datetime | None:
    """The latest moment Form 04 may be issued for `dossier`: the notice in working time before its legal
    due moment (not the extended one). None before reception, when there is no due moment yet."""
    if dossier.due_at is None:
        return None
    minutes = apology_notice_days() * settings.MOTCUA_WORKDAY_HOURS * 60
    return subtract_working_time(dossier.due_at, minutes)


def apology_is_late(dossier: Dossier, now: dt.datetime) -> bool:
    """Whether a Form 04 issued at `now` comes after its deadline.

    While the clock is paused (a supplement asked for, a suspension) the working time left stands still
    and `due_at` moves when it resumes, so the question is asked at the moment the clock stopped.
    """
    deadline = apology_deadline(dossier)
    if deadline is None:
        return False
    return (dossier.paused_at or now) > deadline
