"""Administrative units, agencies, desks, users and their roles within agencies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.org.choices import AgencyKind, IdentitySource, Role


class UnitLevel(TimeStampedModel):
    """A tier of administrative units (tỉnh, huyện, xã). Levels are data: since 1 July 2025 there is
    no district tier, but a deployment may keep historical district units."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = province; larger is lower."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self) -> str:
        return self.name


class AdministrativeUnit(TimeStampedModel):
    """An administrative unit (đơn vị hành chính) with its official code (Decision 19/2025/QĐ-TTg:
    2 digits for a province, 5 for a commune)."""

    code = models.CharField(
        _("official code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{2}(\d{3})?$", _("Use the official 2- or 5-digit code."))],
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, help_text=_("Tỉnh, Thành phố, Xã, Phường, Đặc khu…"))
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("level")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("False for dissolved or merged units.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class Agency(TimeStampedModel):
    """An agency (cơ quan, đơn vị) that receives or decides dossiers."""

    identifier = models.CharField(
        _("electronic identifier"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$",
                _("Use the format V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.53.H52."),
            )
        ],
        help_text=_("Mã định danh điện tử (format V1V2V3.Z1Z2.Y1Y2.MX1X2); it prefixes dossier codes."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("administrative unit"),
        help_text=_("The unit whose affairs the agency handles."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Desk(TimeStampedModel):
    """A reception point (Bộ phận Một cửa) of the provincial or a commune centre."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="desks", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="desk_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: a citizen, a business representative or a member of staff."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    personal_identifier = models.CharField(
        _("personal identifier"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("The personal identifier has 12 digits."))],
        help_text=_("Số định danh cá nhân (12 digits, the citizen identity card number)."),
    )
    address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("Địa chỉ: pre-fills the applicant's address.")
    )
    # --- the verified identity (docs/design.md §8): what the identity provider (VNeID) vouched for ------
    identity_source = models.CharField(
        _("identity verified by"), max_length=10, choices=IdentitySource.choices, blank=True
    )
    identity_verified_at = models.DateTimeField(
        _("identity verified at"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the identity provider vouched for the name, date of birth and identifier (or tax "
            "code). Only a verified identifier links dossiers to this account; it cannot be edited by hand."
        ),
    )
    identity_subject = models.CharField(
        _("identity provider subject"),
        max_length=255,
        blank=True,
        help_text=_("The provider's stable identifier of this person or organisation (the `sub` claim)."),
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^\d{10}(-\d{3})?$", _("A tax code has 10 digits, or 10-3."))],
        help_text=_("Mã số thuế of an organisation's account (10 digits, or 10-3 for a branch)."),
    )
    representative_name = models.CharField(
        _("acting person"),
        max_length=150,
        blank=True,
        help_text=_("For an organisation: the person who last signed in for it (người đại diện)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Both sign a person in (the username is one of them), so each belongs to one account.
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_unique_email"),
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_unique_phone"),
            # One account per verified person or organisation: a verified identifier links dossiers, so
            # two accounts holding it would share them (issue 10, item 1).
            models.UniqueConstraint(
                fields=["personal_identifier"],
                condition=Q(identity_verified_at__isnull=False) & ~Q(personal_identifier=""),
                name="user_unique_verified_identifier",
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(identity_verified_at__isnull=False) & ~Q(tax_code=""),
                name="user_unique_verified_tax_code",
            ),
            models.UniqueConstraint(
                fields=["identity_subject"], condition=~Q(identity_subject=""), name="user_unique_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def identity_verified(self) -> bool:
        """The name, date of birth and identifier came from the identity provider (not typed in)."""
        return self.identity_verified_at is not None

    @property
    def is_organisation(self) -> bool:
        return bool(self.tax_code)


class Membership(TimeStampedModel):
    """A role a user holds within an agency. Every staff read and write is scoped by these rows.
    A citizen holds the citizen role with no agency."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(agency__isnull=True), name="membership_one_citizen_role"
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.CITIZEN) & Q(agency__isnull=True))
                | (~Q(role=Role.CITIZEN) & Q(agency__isnull=False)),
                name="membership_agency_iff_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}" + (f" @ {self.agency}" if self.agency_id else "")


class TokenRevocation(models.TextChoices):
    """Why a token stopped working before its expiry."""

    BY_USER = "user", _("revoked by its holder")
    BY_ADMIN = "admin", _("revoked by an administrator")
    PASSWORD_CHANGED = "password", _("the password was changed")
    DEACTIVATED = "deactivated", _("the account was deactivated")


class ApiToken(TimeStampedModel):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored.

    `password_mark` is the user's session hash (Django's `get_session_auth_hash`, a keyed hash of the
    password hash) when the token was issued: any change of the password, by whatever path (reset by
    e-mail or SMS, the admin, `changepassword`), makes it differ, and the token stops working exactly
    as the person's browser sessions do."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    password_mark = models.CharField(max_length=128, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("revoked because"), max_length=20, blank=True, choices=TokenRevocation.choices
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"


class VerificationPurpose(models.TextChoices):
    ACTIVATE = "activate", _("account verification")
    RESET_PASSWORD = "reset_password", _("password reset")
    # A new address asked for on the profile: it waits in the live code's `destination` and replaces
    # the account's e-mail or phone only when the code sent there comes back.
    CHANGE_EMAIL = "change_email", _("e-mail address change")
    CHANGE_PHONE = "change_phone", _("phone number change")


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class VerificationCode(TimeStampedModel):
    """A one-time 6-digit code (mã xác minh) sent by e-mail or SMS to prove a person holds an address.

    Only a keyed hash of the code is stored; it expires, allows a few tries, and a new code for the
    same account and purpose replaces the one before (one live code at a time, kept by the database)."""

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="verification_codes", verbose_name=_("user")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=VerificationPurpose.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=VerificationChannel.choices)
    destination = models.CharField(
        _("sent to"),
        max_length=254,
        help_text=_(
            "The e-mail address or phone number. For an address change, the new address, which the "
            "account takes once the code is confirmed."
        ),
    )
    digest = models.CharField(_("digest"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    consumed_at = models.DateTimeField(
        _("consumed at"),
        null=True,
        blank=True,
        help_text=_("Used, replaced by a newer code, or tried too often."),
    )

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(consumed_at__isnull=True),
                name="verification_one_live_code",
            ),
            models.CheckConstraint(condition=Q(attempts__lte=5), name="verification_attempts_max_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.user}"

    @property
    def has_expired(self) -> bool:
        return self.expires_at <= timezone.now()
