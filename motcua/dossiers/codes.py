"""Dossier codes `<agency identifier>-<YYMMDD>-<NNNN>` (Circular 03/2025 Art. 13), allocated without races.

One statement does the allocation on both databases: an `INSERT ... ON CONFLICT DO UPDATE ...
RETURNING` upsert on the (agency, day) row. PostgreSQL locks the row until the caller's
transaction ends, so concurrent receptions queue on it and never share a number; SQLite serialises
writers anyway. A rolled-back reception leaves a gap, which the law allows (codes are unique, not
dense), and which keeps the lock short.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.core.sequences import next_in_sequence
from motcua.dossiers.models import DailySequence
from motcua.org.models import Agency

SEQUENCE_DIGITS = 4


def next_daily_number(*, agency_id: int, day: dt.date) -> int:
    """The next number of `agency_id`'s dossiers on `day` (1, 2, …), race-free. Call inside the
    reception's transaction so the number and the dossier commit together."""
    return next_in_sequence(DailySequence, agency=agency_id, day=day)


def format_code(identifier: str, day: dt.date, number: int) -> str:
    """`000.00.53.H48-250701-0001`; the sequence grows past 4 digits when a day needs it."""
    return f"{identifier}-{day:%y%m%d}-{number:0{SEQUENCE_DIGITS}d}"


def allocate_code(*, agency: Agency, moment: dt.datetime) -> str:
    """A new dossier code of `agency` for the local day of `moment`."""
    day = timezone.localtime(moment).date()
    return format_code(agency.identifier, day, next_daily_number(agency_id=agency.pk, day=day))
