"""The province's declarations about working time: day overrides and office sessions.

The arithmetic lives in `calendar.py`; `selectors.get_calendar()` turns these rows into a calendar.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.workdays.calendar import MAX_YEAR, MIN_YEAR, Schedule, is_regular_working_day
from motcua.workdays.choices import DayKind

_MONTH = [MinValueValidator(1), MaxValueValidator(12)]
_DAY = [MinValueValidator(1), MaxValueValidator(31)]


class DayOverride(TimeStampedModel):
    """A date the province declares a day off, or a make-up working day (ngày làm bù: a Saturday
    worked in exchange for a bridge day off). It wins over the national calendar for that date."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("The legal basis, e.g. the announcement or decision of the People's Committee."),
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="workdays_dayoverride_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.day, date) or not self.kind:
            return
        if not MIN_YEAR <= self.day.year <= MAX_YEAR:
            raise ValidationError(
                {
                    "day": _("Use a date between %(first)s and %(last)s.")
                    % {"first": MIN_YEAR, "last": MAX_YEAR}
                }
            )
        regular = is_regular_working_day(self.day)
        if self.kind == DayKind.WORKING_DAY and regular:
            raise ValidationError({"kind": _("This date is already a working day.")})
        if self.kind == DayKind.DAY_OFF and not regular:
            raise ValidationError({"kind": _("This date is already a day off (weekend or public holiday).")})


class OfficeSession(TimeStampedModel):
    """An office session (buổi làm việc), e.g. morning 07:30–11:30. Sessions without a season apply all
    year; a season (from month/day to month/day, inclusive, may wrap over New Year) overrides them on
    its days, e.g. summer hours. With no session rows at all, settings.MOTCUA_DEFAULT_OFFICE_SESSIONS apply."""

    name = models.CharField(_("name"), max_length=60, help_text=_("E.g. Sáng, Chiều."))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    valid_from_month = models.PositiveSmallIntegerField(
        _("season starts (month)"), null=True, blank=True, validators=_MONTH
    )
    valid_from_day = models.PositiveSmallIntegerField(
        _("season starts (day)"), null=True, blank=True, validators=_DAY
    )
    valid_to_month = models.PositiveSmallIntegerField(
        _("season ends (month)"), null=True, blank=True, validators=_MONTH
    )
    valid_to_day = models.PositiveSmallIntegerField(
        _("season ends (day)"), null=True, blank=True, validators=_DAY
    )

    class Meta:
        ordering = ["valid_from_month", "valid_from_day", "starts_at"]
        verbose_name = _("office session")
        verbose_name_plural = _("office sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="workdays_session_starts_before_end"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        valid_from_month__isnull=True,
                        valid_from_day__isnull=True,
                        valid_to_month__isnull=True,
                        valid_to_day__isnull=True,
                    )
                    | Q(
                        valid_from_month__isnull=False,
                        valid_from_day__isnull=False,
                        valid_to_month__isnull=False,
                        valid_to_day__isnull=False,
                    )
                ),
                name="workdays_session_season_complete",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        if self.is_seasonal:
            text += f" ({self.valid_from_day:02d}/{self.valid_from_month:02d}–{self.valid_to_day:02d}/{self.valid_to_month:02d})"
        return text

    @property
    def is_seasonal(self) -> bool:
        return self.valid_from_month is not None

    @property
    def season(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """((month, day), (month, day)) of the season, or None for all year."""
        if not self.is_seasonal:
            return None
        return (self.valid_from_month, self.valid_from_day), (self.valid_to_month, self.valid_to_day)

    def clean(self) -> None:
        super().clean()
        if self.starts_at is None or self.ends_at is None:
            return  # the field errors say it
        if not self.starts_at < self.ends_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})
        season_fields = [self.valid_from_month, self.valid_from_day, self.valid_to_month, self.valid_to_day]
        if any(value is not None for value in season_fields) and any(
            value is None for value in season_fields
        ):
            raise ValidationError(_("Give the whole season (first and last month and day), or none of it."))
        season = self.season
        try:
            this = Schedule(((self.starts_at, self.ends_at),), *(season or ()))
        except (ValueError, TypeError):
            raise ValidationError(_("The season's first or last day does not exist.")) from None
        for other in OfficeSession.objects.exclude(pk=self.pk):
            if other.season == season:
                if other.starts_at < self.ends_at and self.starts_at < other.ends_at:
                    raise ValidationError(_("This session overlaps %(other)s.") % {"other": other})
            elif (
                season is not None
                and other.season is not None
                and this.overlaps(Schedule(((other.starts_at, other.ends_at),), *other.season))
            ):
                raise ValidationError(
                    _(
                        "This season overlaps the season of %(other)s; seasons must share all their days or none."
                    )
                    % {"other": other}
                )


class CalendarChange(models.Model):
    """One change of the working calendar, kept for the record: which declaration, by whom, when, and how
    many open dossiers and steps it moved. The events of the moved dossiers name it.

    Its id is the calendar's revision: a calendar built from the database carries the id of the latest
    change, and the workflow compares it before computing a due moment (`selectors.calendar_for_write`).
    """

    class Action(models.TextChoices):
        DECLARED = "declared", _("declared")
        REMOVED = "removed", _("removed")
        SESSIONS = "sessions", _("office sessions changed")

    action = models.CharField(_("change"), max_length=20, choices=Action.choices)
    day = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty for office sessions."))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)
    moved_dossiers = models.PositiveIntegerField(_("dossiers moved"), default=0)
    moved_steps = models.PositiveIntegerField(_("steps moved"), default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["declared", "removed", "sessions"]),
                name="workdays_change_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """One line for a citizen: what changed on which day, and why."""
        if self.action == self.Action.SESSIONS:
            return str(_("Office hours changed"))
        kind = DayKind(self.kind).label if self.kind in DayKind.values else self.kind
        if self.action == self.Action.REMOVED:
            text = _("%(day)s is no longer declared (%(kind)s)")
        else:
            text = _("%(day)s declared: %(kind)s")
        line = text % {"day": f"{self.day:%d/%m/%Y}", "kind": str(kind).lower()}
        return f"{line} — {self.reason}" if self.reason else line


class CalendarLock(models.Model):
    """The one row (pk=1) that orders calendar changes against the workflow: a change locks it FOR UPDATE
    for its whole transaction; each workflow action locks it FOR SHARE before it computes a due moment. An
    officer acting during a recompute therefore waits for it (seconds at most) and then computes with the
    new calendar; actions never wait for each other."""

    revision = models.PositiveIntegerField(default=0, help_text="The id of the latest CalendarChange.")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="workdays_calendar_lock_single")]

    def __str__(self) -> str:
        return f"calendar revision {self.revision}"
