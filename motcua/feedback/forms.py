"""Forms of the petition pages. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.dates import validate_day
from motcua.feedback.selectors import categories_active
from motcua.org.models import Agency


class CategoryChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=categories_active(), to_field_name="code", **kwargs)


class PetitionSubmitForm(forms.Form):
    category = CategoryChoiceField(label=_("Category"), empty_label=_("— choose —"))
    subject = forms.CharField(label=_("Subject"), max_length=255)
    content = forms.CharField(label=_("Content"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("One PDF, PNG or JPEG file."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )
    submitter_name = forms.CharField(label=_("Full name"), max_length=150)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    submitter_email = forms.EmailField(label=_("E-mail"), required=False)
    submitter_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    is_public = forms.BooleanField(
        label=_("I agree that my petition and its answer may be published (without my contact details)."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("submitter_phone") and not data.get("submitter_email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address so we can answer you."))
        return data


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = forms.CharField(required=False, max_length=40)
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_day],
    )
    date_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_day],
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30)
    phone_last4 = forms.RegexField(
        label=_("Last 4 digits of your phone (to read your answer)"),
        regex=r"^\d{4}$",
        required=False,
        max_length=4,
        error_messages={"invalid": _("Enter the last 4 digits of the phone number you gave.")},
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClassifyForm(VersionForm):
    category = CategoryChoiceField(label=_("Category"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AssignForm(VersionForm):
    agency = forms.ModelChoiceField(
        label=_("Handling agency"), queryset=Agency.objects.filter(is_active=True)
    )
    due_date = forms.DateField(
        label=_("Deadline (default: 10 working days)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AnswerForm(VersionForm):
    answer = forms.CharField(label=_("Answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))


class PublishForm(VersionForm):
    pass


class RejectForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
