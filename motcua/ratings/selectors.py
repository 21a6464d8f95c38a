"""Reads on ratings. Averages are public (no personal data); single ratings stay with staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.org.models import Agency
from motcua.ratings.models import Rating


@dataclass(frozen=True)
class RatingSummary:
    agency: str | None
    count: int
    stars_average: float | None
    total_time_average: float | None
    unit_time_average: float | None
    contacts_average: float | None
    satisfied_share: float | None  # 4 or 5 stars
    stars: dict[str, int]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)


def rating_averages(*, agency: str | None = None) -> RatingSummary:
    """Count and averages of the ratings, of every agency or of the agency `agency` (identifier).

    NotFound for an unknown agency, so a typo is not read as "no ratings".
    """
    qs = Rating.objects.all()
    if agency:
        if not Agency.objects.filter(identifier=agency).exists():
            raise NotFound(_("Agency not found."), code="agency_not_found")
        qs = qs.filter(agency__identifier=agency)
    figures = qs.aggregate(
        count=Count("id"),
        stars_avg=Avg("stars"),
        total=Avg("total_time_score"),
        unit=Avg("unit_time_score"),
        contacts=Avg("contacts_score"),
        satisfied=Count("id", filter=Q(stars__gte=4)),
        **{f"s{n}": Count("id", filter=Q(stars=n)) for n in range(1, 6)},
    )
    count = figures["count"]
    return RatingSummary(
        agency=agency or None,
        count=count,
        stars_average=_round(figures["stars_avg"]),
        total_time_average=_round(figures["total"]),
        unit_time_average=_round(figures["unit"]),
        contacts_average=_round(figures["contacts"]),
        satisfied_share=_round(figures["satisfied"] / count) if count else None,
        stars={str(n): figures[f"s{n}"] for n in range(1, 6)},
    )
