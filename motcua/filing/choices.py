"""States of an online filing draft."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("draft")  # being filled in; resumable from any device
    SUBMITTED = "submitted", _("submitted")  # became a dossier; read-only from then on
