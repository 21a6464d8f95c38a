"""Writes of the portal's own content: announcements and glossary terms."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from motcua.core.text import fold, nfc
from motcua.portal.models import Announcement


def announcement_search_text(*, title: str, summary: str, body: str) -> str:
    """The folded search key of an announcement: any spelling of its words finds it."""
    return fold(" ".join([title, summary, body]))


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(fold(title))[:180].strip("-") or "thong-bao"
    slug, n = base, 1
    taken = Announcement.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def announcement_prepare(announcement: Announcement) -> Announcement:
    """Normalise an announcement before it is saved: NFC text, a slug when none, the search key."""
    announcement.title = nfc(announcement.title).strip()
    announcement.summary = nfc(announcement.summary).strip()
    announcement.body = nfc(announcement.body).strip()
    if not announcement.slug:
        announcement.slug = _unique_slug(announcement.title, exclude_pk=announcement.pk)
    announcement.search_text = announcement_search_text(
        title=announcement.title, summary=announcement.summary, body=announcement.body
    )
    return announcement


@transaction.atomic
def announcement_save(
    *,
    title: str,
    body: str,
    published_at: dt.datetime,
    summary: str = "",
    is_published: bool = True,
    slug: str = "",
) -> Announcement:
    """Create an announcement, or update the one with this `slug` (so loaders can be re-run)."""
    announcement = Announcement.objects.filter(slug=slug).first() if slug else None
    announcement = announcement or Announcement(slug=slug)
    announcement.title, announcement.summary, announcement.body = title, summary, body
    announcement.published_at, announcement.is_published = published_at, is_published
    announcement_prepare(announcement)
    announcement.save()
    return announcement
