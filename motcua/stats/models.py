"""The form 06 snapshot: one row per (day, competent agency, procedure version) of daily changes.

Like djangoproject.com's dashboard (`Metric` + one `Datum` per measurement), the statistics read rows a
command or task filled beforehand (`motcua.stats.snapshot.refresh`), not the 10 million dossiers.

Each column is chosen so that every base column of form 06 over a period [start, end) of whole local days
is *one sum of one column* over a range of days (proof in `motcua.stats.snapshot`):

- flow columns (received online, received at a desk or by post, resolved early / on time / late, stopped
  or withdrawn): the number of dossiers whose moment falls on the day; the figure is the sum over the
  days of the period;
- stock columns (carried over, in progress within deadline, in progress overdue): the day's *change* of a
  count of dossiers that holds at an instant ("open", "open and not yet due", "open and past due"); the
  figure at a moment m (a local midnight) is the sum over every day before m. These can be negative.

Rows whose columns are all zero are not stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigure(models.Model):
    """The day's form 06 flows and stock changes of one (competent agency, procedure version)."""

    day = models.DateField(_("day"), help_text=_("A local day of Asia/Ho_Chi_Minh."))
    # No FK indexes: the report scans a range of days, the refresh deletes one; `day` leads the index.
    agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        help_text=_("The competent agency (cơ quan giải quyết)."),
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        help_text=_("The procedure version the dossiers were received under (gives field and procedure)."),
    )
    # Flows: dossiers whose moment falls on `day`.
    received_online = models.IntegerField(default=0, help_text=_("Received online (tiếp nhận trực tuyến)."))
    received_desk_post = models.IntegerField(default=0, help_text=_("Received at a desk or by post."))
    resolved_early = models.IntegerField(default=0, help_text=_("Result ready, before the due day."))
    resolved_on_time = models.IntegerField(default=0, help_text=_("Result ready on the due day, in time."))
    resolved_late = models.IntegerField(default=0, help_text=_("Result ready after the due moment."))
    closed_without_result = models.IntegerField(default=0, help_text=_("Stopped or withdrawn."))
    # Stock changes: Σ over the days before a midnight m = the stock at m.
    open_change = models.IntegerField(
        default=0, help_text=_("Change of the received and not finished count (carried over).")
    )
    within_change = models.IntegerField(
        default=0, help_text=_("Change of the open and not yet due count (in progress within deadline).")
    )
    overdue_change = models.IntegerField(
        default=0, help_text=_("Change of the open and past due count (in progress overdue).")
    )

    class Meta:
        verbose_name = _("daily form 06 figure")
        indexes = [models.Index(fields=["day"], name="stats_dailyfigure_day")]

    def __str__(self) -> str:
        return f"{self.day} agency={self.agency_id} version={self.procedure_version_id}"


class SnapshotState(models.Model):
    """The one row saying what `DailyFigure` holds: every day before `horizon`, computed from the dossier
    rows as they were at `refreshed_at`. The report uses the snapshot only for periods ending by then."""

    horizon = models.DateField(_("horizon"), help_text=_("Days before this local date are in the snapshot."))
    refreshed_at = models.DateTimeField(
        _("refreshed at"), help_text=_("When the last refresh started reading the dossiers.")
    )
    built_at = models.DateTimeField(_("full build at"), help_text=_("When the last full build started."))
    recomputed_from = models.DateField(
        _("recomputed from"), null=True, help_text=_("The first day the last refresh recomputed.")
    )

    class Meta:
        verbose_name = _("form 06 snapshot state")

    def __str__(self) -> str:
        return f"days < {self.horizon} as of {self.refreshed_at:%Y-%m-%d %H:%M}"
