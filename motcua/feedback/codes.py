"""Petition tracking codes `PAKN-YYMMDD-NNNN`, allocated without races.

The same single-statement upsert as dossier codes: PostgreSQL locks the day's row until the
caller's transaction ends, SQLite serialises writers. A rolled-back submission leaves a gap.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from motcua.feedback.models import PetitionSequence

PREFIX = "PAKN"
SEQUENCE_DIGITS = 4


def next_number(day: dt.date) -> int:
    """The next petition number of `day` (1, 2, …). Call inside the submission's transaction."""
    table = connection.ops.quote_name(PetitionSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        return cursor.fetchone()[0]


def format_code(day: dt.date, number: int) -> str:
    return f"{PREFIX}-{day:%y%m%d}-{number:0{SEQUENCE_DIGITS}d}"


def allocate_code(moment: dt.datetime) -> str:
    """A new tracking code for the local day of `moment`."""
    day = timezone.localtime(moment).date()
    return format_code(day, next_number(day))
