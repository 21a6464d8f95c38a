"""Citizens' ratings of finished dossiers (đánh giá mức độ hài lòng, docs/design.md §3 Rating)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency

SCORE_HELP = _("2 points early, 1 on time, 0 late.")


class Rating(TimeStampedModel):
    """One rating per returned dossier, by its applicant: stars, a comment and the legal indices.

    The time-based indices are computed from the dossier's steps and events when the rating is
    submitted (never typed); the number of contacts is the applicant's answer.
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="rating", verbose_name=_("dossier")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("applicant"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("competent agency"),
        help_text=_("The agency that decided the dossier, as it was when rated."),
    )
    stars = models.PositiveSmallIntegerField(_("stars"), help_text=_("1 (very unhappy) to 5 (very happy)."))
    comment = models.TextField(_("comment"), blank=True)

    resolved_at = models.DateTimeField(
        _("result ready at"), help_text=_("When the result was ready (the clock stopped), from the events.")
    )
    due_at = models.DateTimeField(
        _("legal due moment"), help_text=_("The legal due moment, moved by pauses.")
    )
    total_time_score = models.PositiveSmallIntegerField(
        _("total time index"),
        help_text=format_lazy("{}{}", _("Total time against the legal time limit: "), SCORE_HELP),
    )
    unit_time_score = models.PositiveSmallIntegerField(
        _("time per unit index"),
        help_text=_(
            "Time taken by each participating agency against its share: 2 every unit early, "
            "1 none late, 0 at least one late."
        ),
    )
    unit_scores = models.JSONField(
        _("score per unit"), default=dict, help_text=_("Agency identifier → its 2/1/0 score.")
    )
    contacts = models.PositiveSmallIntegerField(
        _("contacts"),
        help_text=_("Số lần phải liên hệ với nơi tiếp nhận để hoàn thiện hồ sơ, as the applicant answered."),
    )
    contacts_score = models.PositiveSmallIntegerField(
        _("contacts index"), help_text=_("2 points for at most 1 contact, 1 for 2, 0 for more.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"),
            models.CheckConstraint(
                condition=Q(total_time_score__lte=2), name="rating_total_time_score_0_to_2"
            ),
            models.CheckConstraint(condition=Q(unit_time_score__lte=2), name="rating_unit_time_score_0_to_2"),
            models.CheckConstraint(condition=Q(contacts_score__lte=2), name="rating_contacts_score_0_to_2"),
        ]
        indexes = [models.Index(fields=["agency", "-created_at"], name="rating_agency_created")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.stars}★"
