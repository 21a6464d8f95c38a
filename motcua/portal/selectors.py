"""Reads of the portal's public content. Everything here is public: no user scoping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.selectors import catalog_cache
from motcua.core.errors import NotFound
from motcua.core.text import search_terms
from motcua.portal.models import Announcement, GlossaryTerm


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def announcements_public(
    *, q: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Announcement]:
    """Published announcements whose time has come, newest first.

    `q` matches every folded word (so "ke hoach kiem soat" finds "Kế hoạch kiểm soát", NFC or NFD);
    `date_from` and `date_to` are local calendar days, both included.
    """
    qs = Announcement.objects.filter(is_published=True, published_at__lte=timezone.now())
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if date_from:
        qs = qs.filter(published_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(published_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-published_at", "-id")


def announcement_public(*, slug: str) -> Announcement:
    """The published announcement at `slug`."""
    announcement = announcements_public().filter(slug=slug).first()
    if announcement is None:
        raise NotFound(_("There is no such announcement."), code="announcement_not_found")
    return announcement


@dataclass(frozen=True)
class Term:
    abbreviation: str
    expansion: str
    explanation: str

    @property
    def title(self) -> str:
        """What a reader sees on hovering the abbreviation."""
        return f"{self.expansion}: {self.explanation}" if self.explanation else self.expansion


def glossary_terms() -> tuple[Term, ...]:
    """Every glossary term: the `glossary` filter runs on every page that shows a name. Kept in the process
    in `catalog_cache`, beside the procedure pages rendered with it, so that one change to the glossary
    (any save or delete of a term: signals, apps.py) drops both at the same instant and no page is kept
    with old explanations."""
    return catalog_cache.get(("glossary",), _load_glossary)


def _load_glossary() -> tuple[Term, ...]:
    return tuple(
        Term(t.abbreviation, t.expansion, t.explanation)
        for t in GlossaryTerm.objects.order_by("abbreviation").only(
            "abbreviation", "expansion", "explanation"
        )
    )


def glossary_page() -> QuerySet[GlossaryTerm]:
    """The glossary as the public page lists it."""
    return GlossaryTerm.objects.order_by("abbreviation")
