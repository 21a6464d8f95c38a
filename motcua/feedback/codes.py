"""Petition tracking codes `PAKN-YYMMDD-NNNN`, allocated without races.

Numbers come from `motcua.core.sequences.next_in_sequence`, the same race-free upsert as dossier codes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.core.sequences import next_in_sequence
from motcua.feedback.models import PetitionSequence

PREFIX = "PAKN"
SEQUENCE_DIGITS = 4


def next_number(day: dt.date) -> int:
    """The next petition number of `day` (1, 2, …). Call inside the submission's transaction."""
    return next_in_sequence(PetitionSequence, day=day)


def format_code(day: dt.date, number: int) -> str:
    return f"{PREFIX}-{day:%y%m%d}-{number:0{SEQUENCE_DIGITS}d}"


def allocate_code(moment: dt.datetime) -> str:
    """A new tracking code for the local day of `moment`."""
    day = timezone.localtime(moment).date()
    return format_code(day, next_number(day))
