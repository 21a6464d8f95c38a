"""Feedback and petitions (phản ánh, kiến nghị — PAKN) on administrative regulations and on officials'
conduct (Decree 20/2008/NĐ-CP), and the Open311 clients that may file them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.feedback.choices import PetitionAction, PetitionChannel, PetitionKind, PetitionStatus
from motcua.org.models import Agency


class PetitionCategory(TimeStampedModel):
    """A kind of petition. Its code is also the Open311 `service_code`."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Also the Open311 service code.")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PetitionKind.choices, default=PetitionKind.OTHER
    )
    default_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default handling agency"),
        help_text=_("Suggested when the petition is routed; the Office reviewer decides."),
    )
    keywords = models.CharField(_("keywords"), max_length=255, blank=True, help_text=_("Comma-separated."))
    group = models.CharField(_("group"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")

    def __str__(self) -> str:
        return self.name


class Open311Client(TimeStampedModel):
    """An application allowed to file petitions through the Open311 API. Only the SHA-256 digest of
    its `api_key` is stored; the key is shown once when the client is created."""

    name = models.CharField(_("name"), max_length=120)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class Petition(TimeStampedModel):
    """One feedback or petition (PAKN) and where it stands.

    Only the services in `services.py` change `status` (through the table in `workflow.py`); each
    change bumps `version`, so two officers acting at once cannot both win.
    """

    code = models.CharField(_("tracking code"), max_length=30, unique=True, help_text=_("PAKN-YYMMDD-NNNN"))
    category = models.ForeignKey(
        PetitionCategory, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("category")
    )
    subject = models.CharField(_("subject"), max_length=255)
    content = models.TextField(_("content"))
    channel = models.CharField(_("channel"), max_length=20, choices=PetitionChannel.choices)

    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
        verbose_name=_("submitter account"),
    )
    submitter_name = models.CharField(_("name"), max_length=150)
    submitter_phone = models.CharField(_("phone"), max_length=30, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    submitter_address = models.CharField(_("address"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The officer who recorded a petition received by phone or at a desk."),
    )
    open311_client = models.ForeignKey(
        Open311Client,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
        verbose_name=_("Open311 client"),
    )

    # Where the problem is (Open311 requests are located).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_address = models.CharField(_("location"), max_length=255, blank=True)
    location_address_id = models.CharField(_("address identifier"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)

    attachment = models.FileField(_("attachment"), upload_to="feedback/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=120, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
        verbose_name=_("handling agency"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due at"), db_index=True, help_text=_("Answer deadline, counted in working days (default 10).")
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    is_public = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("The submitter agreed to publication of the petition."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    search_text = models.TextField(
        editable=False, blank=True, help_text="Folded text for diacritic-free search."
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["status", "due_at"], name="petition_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.REJECTED) | ~Q(rejection_reason=""),
                name="petition_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PetitionStatus.ANSWERED, PetitionStatus.PUBLISHED]) | ~Q(answer=""),
                name="petition_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.PUBLISHED) | Q(is_public=True, published_at__isnull=False),
                name="petition_published_with_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PetitionStatus.ASSIGNED, PetitionStatus.ANSWERED])
                | Q(agency__isnull=False),
                name="petition_assigned_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"


class PetitionSequence(models.Model):
    """The last petition number given on a day: codes come from an atomic upsert on it."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class PetitionEvent(models.Model):
    """Append-only history of a petition: who did what, with their name as it was then."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="events", verbose_name=_("petition")
    )
    action = models.CharField(_("action"), max_length=20, choices=PetitionAction.choices)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action}"
