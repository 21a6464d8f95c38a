from decimal import Decimal

from django.db import models
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class TimeLimitUnit(models.TextChoices):
    """How a procedure's legal time limit is counted: always in working time (docs/design.md §5)."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


def working_time_label(value: Decimal | int | float, unit: str = TimeLimitUnit.WORKING_DAYS) -> str:
    """ "1 working day", "0.25 working days", "8 working hours": the number as the language writes it
    (decimal comma in Vietnamese) and the unit agreeing with it (never "1 working days")."""
    number = floatformat(value, "-2")
    count = 1 if Decimal(str(value)) == 1 else 2
    if unit == TimeLimitUnit.WORKING_HOURS:
        return ngettext("%(n)s working hour", "%(n)s working hours", count) % {"n": number}
    return ngettext("%(n)s working day", "%(n)s working days", count) % {"n": number}


class DocumentForm(models.TextChoices):
    """In which form a required document is handed in (thành phần hồ sơ)."""

    ORIGINAL = "original", _("original")
    CERTIFIED_COPY = "certified_copy", _("certified copy")
    COPY = "copy", _("copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("original or copy")


class OnlineService(models.TextChoices):
    """How far the procedure can be done online (dịch vụ công trực tuyến toàn trình / một phần)."""

    FULL = "full", _("online in full")
    PARTIAL = "partial", _("online in part")
    NONE = "none", _("not online")


class SupplementPolicy(models.TextChoices):
    """What happens to the clock when the agency asks for more documents."""

    PAUSE = "pause", _("pause and resume (time already spent counts)")
    RESTART = "restart", _("restart from the supplement")
