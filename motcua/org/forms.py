"""Forms of the citizen account pages. They check the input; the services do the writes."""

from __future__ import annotations

import contextlib

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from motcua.core import ratelimit
from motcua.org.models import User
from motcua.org.phones import normalize_phone

_IDENTIFIER_VALIDATOR = RegexValidator(r"^\d{12}$", _("The personal identifier has 12 digits."))
_CODE_VALIDATOR = RegexValidator(r"^\d{6}$", _("The code has 6 digits."))


def _phone_field(*, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=required,
        help_text=_("A Vietnamese number, e.g. 0912 345 678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


def _identifier_field() -> forms.CharField:
    return forms.CharField(
        label=_("Personal identifier"),
        max_length=12,
        required=False,
        validators=[_IDENTIFIER_VALIDATOR],
        help_text=_("Optional: the 12 digits of your citizen identity card (số định danh cá nhân)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Verification code"),
        max_length=6,
        validators=[_CODE_VALIDATOR],
        help_text=_("The 6 digits we sent you."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class _PhoneCleaning:
    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        return normalize_phone(phone) if phone else ""

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


class _NewPasswordMixin:
    """Two password fields checked against Django's validators (AUTH_PASSWORD_VALIDATORS)."""

    def _check_new_password(self, user: User) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("Password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("At least 8 characters, not only digits, not a common password."),
        ),
        forms.CharField(
            label=_("Password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class RegistrationForm(_PhoneCleaning, _NewPasswordMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("An e-mail address or a phone number is needed; we send the code there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = _phone_field()
    personal_identifier = _identifier_field()
    password1, password2 = _password_fields()

    def clean(self) -> dict:
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and not self.has_error("email")
            and not self.has_error("phone")
        ):
            raise forms.ValidationError(_("Enter an e-mail address or a phone number."), code="no_contact")
        candidate = User(
            username=data.get("email") or data.get("phone") or "",
            email=data.get("email", ""),
            full_name=data.get("full_name", ""),
        )
        self._check_new_password(candidate)
        return data


class VerificationForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or phone number"),
        max_length=254,
        help_text=_("The one you registered with."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = _code_field()


class ContactCodeForm(forms.Form):
    """The code sent to a new e-mail address or phone number asked for on the profile."""

    code = _code_field()


class ResendForm(forms.Form):
    identifier = forms.CharField(max_length=254, widget=forms.HiddenInput)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, by e-mail, phone or username, with failures limited per IP and name."""

    username = forms.CharField(
        label=_("E-mail, phone number or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self) -> dict:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        key = f"{ratelimit.client_ip(self.request)}:{username}" if self.request else username
        try:
            ratelimit.check("login", key)
        except ratelimit.RateLimited as refused:
            raise forms.ValidationError(refused.message, code="rate_limited") from refused
        try:
            data = super().clean()
        except forms.ValidationError:
            # When this failure uses up the allowance, the next try is the one refused.
            with contextlib.suppress(ratelimit.RateLimited):
                ratelimit.hit("login", key)
            raise
        ratelimit.reset("login", key)
        return data


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PhoneResetRequestForm(_PhoneCleaning, forms.Form):
    phone = _phone_field(required=True)


class PhoneResetForm(_PhoneCleaning, _NewPasswordMixin, forms.Form):
    phone = _phone_field(required=True)
    code = _code_field()
    password1, password2 = _password_fields()

    def clean(self) -> dict:
        data = super().clean()
        self._check_new_password(User(username=data.get("phone") or "", phone=data.get("phone") or ""))
        return data


class ProfileForm(_PhoneCleaning, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    personal_identifier = _identifier_field()
    phone = _phone_field()
    email = forms.EmailField(
        label=_("E-mail address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        help_text=_("Where you live or where your business is registered."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args, identity_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if identity_locked:
            # The identity provider's values: shown, never taken from the posted form.
            for name in ("full_name", "personal_identifier"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Verified by VNeID; it cannot be changed here.")
