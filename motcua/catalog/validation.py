"""The rules a procedure record must keep, in one place (docs/design.md §3 Procedure).

Three doors let a record into the catalog, and each asks these functions: the spreadsheet import
(`spreadsheet`, which first turns cells into values and names the column), a publication decision's
JSON record (`publication_services.ProcedureRecord` and `record_validate`, run again when a sheet is
imported into a decision), and the admin (the models' `clean()` and the steps' inline formset). So a
record one door accepts, the others accept too: a signed decision can always take effect.

Each check returns None when the value is fine, or the reason (translated) it is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from motcua.catalog.choices import TimeLimitUnit
from motcua.org.choices import STAFF_ROLES

TIME_LIMIT_MIN = Decimal("0.25")  # a quarter of a working day (2 hours)
TIME_LIMIT_BELOW = Decimal(100000)
DOCUMENT_COUNT_MAX = 100  # copies of one document a dossier holds ("01 bộ", "02 bản")
STEP_DAYS_BELOW = 1000
AMOUNT_BELOW = Decimal(10) ** 14  # VND, the width of the amount column
NAME_MAX, TEXT_MAX, STEP_NAME_MAX, FIELD_NAME_MAX = 500, 500, 300, 200


def time_limit_problem(value: Decimal) -> str | None:
    if value < TIME_LIMIT_MIN or value != value.quantize(Decimal("0.01")) or value >= TIME_LIMIT_BELOW:
        return _("the time limit must be at least 0.25, below 100000, with at most 2 decimals")
    return None


def document_count_problem(count: int) -> str | None:
    if not 1 <= count <= DOCUMENT_COUNT_MAX:
        return _("the count must be between 1 and %(max)d") % {"max": DOCUMENT_COUNT_MAX}
    return None


def step_days_problem(days: Decimal | Fraction) -> str | None:
    share = Fraction(days)
    if share <= 0 or share >= STEP_DAYS_BELOW or (share * 1000).denominator != 1:
        return _("a step takes more than 0 and less than 1000 days, in thousandths of a day (%(value)s)") % {
            "value": format_days(share)
        }
    return None


def step_role_problem(role: str) -> str | None:
    if role not in STAFF_ROLES:
        return _("“%(value)s” is not a staff role; use one of: %(allowed)s") % {
            "value": role,
            "allowed": ", ".join(sorted(STAFF_ROLES)),
        }
    return None


def fee_amount_problem(amount: Decimal) -> str | None:
    if amount < 0 or amount != amount.quantize(Decimal(1)):
        return _("the amount must be a whole, non-negative number of đồng")
    if amount >= AMOUNT_BELOW:
        return _("the amount is too large")
    return None


def steps_total_problem(
    shares: Iterable[Decimal | Fraction], *, time_limit: Decimal, unit: str, workday_hours: int
) -> str | None:
    """The steps' shares of a day must add up to the time limit (in working days), when there are steps."""
    shares = [Fraction(s) for s in shares]
    if not shares:
        return None
    total = sum(shares, Fraction(0))
    limit_days = Fraction(time_limit)
    if unit == TimeLimitUnit.WORKING_HOURS:
        limit_days /= workday_hours
    if total != limit_days:
        return _(
            "the step shares add up to %(total)s working days but the time limit is %(limit)s working days"
        ) % {"total": format_days(total), "limit": format_days(limit_days)}
    return None


def format_days(value: Fraction | Decimal) -> str:
    """A number of days without trailing zeros: 3, 2.5, 0.125."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
