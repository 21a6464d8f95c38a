from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("awaiting payment")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("online (payment platform)")
    CASH = "cash", _("cash at the desk")


class NoticeOutcome(models.TextChoices):
    """What a notification from the payment platform did (only `accepted`, `cancelled`, `failed` change
    anything)."""

    ACCEPTED = "accepted", _("accepted: payment recorded")
    CANCELLED = "cancelled", _("payment cancelled by the payer")
    FAILED = "failed", _("payment failed")
    FORGED = "forged", _("forged: signature does not match")
    REPEATED = "repeated", _("repeated: already recorded")
    PAID_TWICE = "paid_twice", _("a second payment of an order already paid")
    LATE = "late", _("late: too old or for a closed order")
    AMOUNT_MISMATCH = "amount_mismatch", _("amount differs from the order")
    UNKNOWN_ORDER = "unknown_order", _("unknown order")
    MALFORMED = "malformed", _("malformed")
