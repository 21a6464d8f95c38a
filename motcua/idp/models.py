"""The identities the demo provider knows, and django-oauth-toolkit's tables pointed at them.

The provider's people are not motcua's accounts: a person exists here before motcua ever saw them, exactly
as with the national provider. django-oauth-toolkit keeps grants and tokens against "a user"; its models
are swapped (OAUTH2_PROVIDER_*_MODEL) so that user is an `Identity`, never a motcua account.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider import models as oauth2


class IdentityKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class Identity(models.Model):
    """A person (by personal identifier) or an organisation (by tax code) with an electronic identity."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=IdentityKind.choices, default=IdentityKind.PERSON
    )
    login = models.CharField(
        _("sign-in name"), max_length=20, unique=True, help_text=_("Personal identifier, or the tax code.")
    )
    password = models.CharField(_("password"), max_length=128)
    full_name = models.CharField(_("full name"), max_length=200, help_text=_("An organisation's name."))
    personal_identifier = models.CharField(_("personal identifier"), max_length=12, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    representative = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("legal representative"),
        help_text=_("For an organisation: the person who acts for it."),
    )
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    # What django-oauth-toolkit's views ask of "a user".
    is_authenticated = True
    is_anonymous = False

    class Meta:
        verbose_name = _("electronic identity")
        verbose_name_plural = _("electronic identities")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.login})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class Application(oauth2.AbstractApplication):
    """A relying party registered with the demo provider (motcua itself)."""


class Grant(oauth2.AbstractGrant):
    user = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+")


class AccessToken(oauth2.AbstractAccessToken):
    user = models.ForeignKey(Identity, on_delete=models.CASCADE, blank=True, null=True, related_name="+")


class RefreshToken(oauth2.AbstractRefreshToken):
    user = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+")


class IDToken(oauth2.AbstractIDToken):
    user = models.ForeignKey(Identity, on_delete=models.CASCADE, blank=True, null=True, related_name="+")


class DeviceGrant(oauth2.AbstractDeviceGrant):
    user = models.ForeignKey(Identity, on_delete=models.CASCADE, blank=True, null=True, related_name="+")
