"""Petition (PAKN) states, actions, kinds and channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionKind(models.TextChoices):
    """What a petition is about (Decree 20/2008/NĐ-CP, Art. 3)."""

    REGULATION = "regulation", _("Administrative regulation")
    CONDUCT = "conduct", _("Conduct of officials")
    OTHER = "other", _("Other")


class PetitionChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    DESK = "desk", _("At a desk")
    PHONE = "phone", _("By phone")
    OPEN311 = "open311", _("Open311 client")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    ASSIGNED = "assigned", _("Assigned to an agency")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")
    REJECTED = "rejected", _("Not within scope")


class PetitionAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    RECORD = "record", _("Record")
    CLASSIFY = "classify", _("Classify")
    ASSIGN = "assign", _("Assign")
    ANSWER = "answer", _("Answer")
    PUBLISH = "publish", _("Publish")
    REJECT = "reject", _("Reject")


# Waiting for the administration: the deadline runs and an overdue one is flagged.
OPEN_STATUSES = frozenset({PetitionStatus.RECEIVED, PetitionStatus.CLASSIFIED, PetitionStatus.ASSIGNED})
TERMINAL_STATUSES = frozenset({PetitionStatus.PUBLISHED, PetitionStatus.REJECTED})
