"""Online filing (nộp hồ sơ trực tuyến): the applicant's drafts and every uploaded file.

A draft lives on the server, so it can be resumed from any device. Once submitted it becomes a
dossier (through `motcua.dossiers.services.dossier_submit`) and its attachments are linked to that
dossier; the files the applicant adds later in answer to a supplement request carry the round number.
Only `motcua.filing.services` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.core.models import TimeStampedModel
from motcua.dossiers.models import Dossier
from motcua.filing.choices import DraftStatus
from motcua.org.models import Agency


class Draft(TimeStampedModel):
    """An online application being filled in by its owner (hồ sơ nháp)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="filing_drafts",
        verbose_name=_("owner"),
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="filing_drafts",
        verbose_name=_("procedure version"),
        help_text=_(
            "The version in force when the draft was started; its required documents shape the form."
        ),
    )
    competent_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filing_drafts",
        verbose_name=_("competent agency"),
        help_text=_("Chosen by the applicant only for commune procedures, which name no competent agency."),
    )
    applicant = models.JSONField(
        _("applicant"), default=dict, blank=True, help_text=_("The applicant's data for Form 01, as typed.")
    )
    answers = models.JSONField(
        _("answers"), default=dict, blank=True, help_text=_("Other answers of the form (a note to the desk).")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    dossier = models.OneToOneField(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filing_draft",
        verbose_name=_("dossier"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Bumped by every save: a save from a stale page is refused.")
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("online filing draft")
        verbose_name_plural = _("online filing drafts")
        constraints = [
            # Starting the same procedure again resumes the open draft instead of forking a second one.
            models.UniqueConstraint(
                fields=["owner", "procedure_version"],
                condition=Q(status=DraftStatus.DRAFT),
                name="filing_one_open_draft_per_procedure",
            ),
            models.CheckConstraint(
                condition=(Q(status=DraftStatus.DRAFT) & Q(dossier__isnull=True))
                | (Q(status=DraftStatus.SUBMITTED) & Q(dossier__isnull=False)),
                name="filing_draft_submitted_iff_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.procedure_version.procedure.code} ({self.status})"


class Attachment(TimeStampedModel):
    """One file the applicant uploaded, for a draft and then its dossier (thành phần hồ sơ điện tử).

    The file is stored under a random name; `name` is the sender's name, checked and kept for display.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="filing_attachments",
        verbose_name=_("owner"),
    )
    draft = models.ForeignKey(
        Draft,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("draft"),
    )
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_attachments",
        verbose_name=_("dossier"),
    )
    document_position = models.PositiveSmallIntegerField(
        _("required document"),
        null=True,
        blank=True,
        help_text=_("Position of the required document it answers; empty for another document."),
    )
    document_name = models.CharField(
        _("document"), max_length=500, blank=True, help_text=_("The required document's name when uploaded.")
    )
    file = models.FileField(_("file"), upload_to="filing/%Y/%m/", max_length=200)
    name = models.CharField(
        _("file name"), max_length=120, help_text=_("The sender's file name, for display.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Detected from the content.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    supplement_round = models.PositiveSmallIntegerField(
        _("supplement round"), default=0, help_text=_("0 for the files filed with the dossier, then 1, 2, …")
    )

    class Meta:
        ordering = ["supplement_round", "document_position", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=False) | Q(dossier__isnull=False),
                name="filing_attachment_has_owner_record",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="filing_attachment_not_empty"),
        ]
        indexes = [models.Index(fields=["dossier", "supplement_round"], name="filing_attachment_dossier")]

    def __str__(self) -> str:
        return self.name

    @property
    def uploaded_at(self):
        return self.created_at
