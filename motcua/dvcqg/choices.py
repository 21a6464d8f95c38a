"""States of an outbox message, the portal's services, and why a message exists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # waiting for its turn or its next attempt
    DELIVERED = "delivered", _("delivered")  # the portal answered error_code "00"
    PARKED = "parked", _("parked")  # retrying cannot mend it: waits for an administrator's replay


UNDELIVERED = (MessageStatus.PENDING, MessageStatus.PARKED)


class Service(models.TextChoices):
    """The portal's method names (docs/dvcqg.md)."""

    SYNC_DOSSIER = "DongBoHoSoMC", _("dossier (DongBoHoSoMC)")
    PROGRESS = "CapNhatTienDoHoSoMC", _("progress (CapNhatTienDoHoSoMC)")


class Source(models.TextChoices):
    EVENT = "event", _("dossier event")
    FEE = "fee", _("fee paid")
    REPAIR = "repair", _("reconciliation repair")


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("delivered")
    DUPLICATE = "duplicate", _("already held by the portal")
    TIMEOUT = "timeout", _("timeout")
    CONNECTION = "connection", _("connection failed")
    SERVER_ERROR = "server_error", _("server error (5xx)")
    MALFORMED = "malformed", _("malformed answer")
    REFUSED = "refused", _("refused by the portal")
    UNMAPPED = "unmapped", _("no mapping")


RETRYABLE = frozenset(
    {AttemptOutcome.TIMEOUT, AttemptOutcome.CONNECTION, AttemptOutcome.SERVER_ERROR, AttemptOutcome.MALFORMED}
)


class FilingStatus(models.TextChoices):
    RECEIVED = "received", _("taken in")
    FAILED = "failed", _("could not be taken in")
