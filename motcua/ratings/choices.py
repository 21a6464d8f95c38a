"""Timeliness of a dossier or a step, and the legal 2/1/0 score of each (DESIGN §3 Rating)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    EARLY = "early", _("early")  # trước hạn: finished on a day before the due day
    ON_TIME = "on_time", _("on time")  # đúng hạn: on the due day, by the due moment
    LATE = "late", _("late")  # quá hạn: after the due moment


# The legal indices score 2 / 1 / 0 points (Circular 01/2018/TT-VPCP Annex, kept by Decree 118/2025).
SCORE = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1, Timeliness.LATE: 0}
