"""Public content of the portal: the Office's announcements and the glossary of abbreviations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.core.text import fold


class Announcement(TimeStampedModel):
    """News or a notice (tin tức, thông báo) the Office publishes on the portal.

    The body is plain text: it is always rendered escaped, paragraphs split on blank lines, so no
    stored HTML ever reaches a page unescaped (docs/design.md §7).
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Address of the page: /tin-tuc/<slug>/; made from the title when left empty."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in the list.")
    )
    body = models.TextField(
        _("body"), help_text=_("Plain text; a blank line separates paragraphs. HTML is shown as text.")
    )
    published_at = models.DateTimeField(_("published at"), db_index=True)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the portal once this is set and the publication time has come."),
    )
    search_text = models.TextField(
        editable=False, default="", help_text="Folded title, summary and body for search."
    )

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["is_published", "-published_at"], name="portal_ann_public_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs on blank lines; line breaks inside a paragraph are kept."""
        blocks = self.body.replace("\r\n", "\n").split("\n\n")
        return [block.strip("\n") for block in blocks if block.strip()]


class GlossaryTerm(TimeStampedModel):
    """An abbreviation or term of the trade explained wherever it appears (thuật ngữ, từ viết tắt)."""

    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=60,
        unique=True,
        help_text=_("As written in texts, e.g. TTHC, UBND, VP UBND."),
    )
    expansion = models.CharField(
        _("expansion"), max_length=200, help_text=_("The words in full, e.g. thủ tục hành chính.")
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("What it means, in plain words.")
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["abbreviation"]

    def __str__(self) -> str:
        return self.abbreviation

    @property
    def anchor(self) -> str:
        """The fragment id of this term on the glossary page."""
        return "t-" + "-".join(fold(self.abbreviation).split())
