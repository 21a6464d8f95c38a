"""Dossier codes `<agency identifier>-<YYMMDD>-<NNNN>` (Circular 03/2025 Art. 13), allocated without races.

One statement does the allocation on both databases: an `INSERT ... ON CONFLICT DO UPDATE ...
RETURNING` upsert on the (agency, day) row, which PostgreSQL locks until that statement's transaction
ends; SQLite serialises writers anyway. Concurrent receptions never share a number. The reception
allocates its code in a statement of its own, just before its transaction, so the row is locked for
microseconds rather than for the whole reception; a reception that then fails leaves a gap, which the
law allows (codes are unique, not dense).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.core.sequences import next_in_sequence
from motcua.dossiers.models import DailySequence
from motcua.org.models import Agency

SEQUENCE_DIGITS = 4


def next_daily_number(*, agency_id: int, day: dt.date) -> int:
    """The next number of `agency_id`'s dossiers on `day` (1, 2, …), race-free. Outside a transaction it
    commits at once; inside one, the row stays locked until that transaction ends."""
    return next_in_sequence(DailySequence, agency=agency_id, day=day)


def format_code(identifier: str, day: dt.date, number: int) -> str:
    """`000.00.53.H48-250701-0001`; the sequence grows past 4 digits when a day needs it."""
    return f"{identifier}-{day:%y%m%d}-{number:0{SEQUENCE_DIGITS}d}"


def allocate_code(*, agency: Agency, moment: dt.datetime) -> str:
    """A new dossier code of `agency` for the local day of `moment`."""
    day = timezone.localtime(moment).date()
    return format_code(agency.identifier, day, next_daily_number(agency_id=agency.pk, day=day))
