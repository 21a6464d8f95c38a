"""Forms of the online filing pages: they parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.routing import deciding_agencies
from motcua.filing.services import APPLICANT_FIELDS, MAX_NOTE

_TEXT = {"autocomplete": "off"}


class ApplicantForm(forms.Form):
    """The applicant's data (Form 01) and a note; nothing is required in a draft, the submit checks."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Full name"),
        max_length=APPLICANT_FIELDS["name"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    identifier = forms.CharField(
        label=_("Personal identifier"),
        max_length=APPLICANT_FIELDS["identifier"],
        required=False,
        help_text=_("The 12 digits of your citizen identity card, or the enterprise code of a business."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", **_TEXT}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=APPLICANT_FIELDS["phone"],
        required=False,
        help_text=_("Needed to submit: the desk calls you, and its last 4 digits let you track the dossier."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=APPLICANT_FIELDS["email"],
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=APPLICANT_FIELDS["address"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    authorised_person = forms.CharField(
        label=_("Authorised person (if any)"),
        max_length=APPLICANT_FIELDS["authorised_person"],
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    competent_agency = forms.ModelChoiceField(
        label=_("Agency that decides"),
        queryset=None,
        required=False,
        help_text=_("This procedure is decided by the People's Committee of your commune or ward."),
    )
    note = forms.CharField(
        label=_("Note to the desk"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, version=None, locked: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (locked or {}).items():
            # Vouched for by VNeID: shown, never taken from the posted form (the service enforces it too).
            self.fields[name].disabled = True
            self.fields[name].initial = value
            self.fields[name].help_text = _("Verified by VNeID; it cannot be changed here.")
        if version is not None and version.competent_agency_id is None:
            # Only the communes and wards whose People's Committee may decide it, never the province's.
            self.fields["competent_agency"].queryset = deciding_agencies(version)
        else:
            del self.fields["competent_agency"]

    def applicant(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in APPLICANT_FIELDS}


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SupplementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Your answer to the request"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    contacts = forms.IntegerField(
        label=_("How many times did you have to contact the agency about this dossier?"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("Visits, calls or messages, besides filing and collecting the result."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
