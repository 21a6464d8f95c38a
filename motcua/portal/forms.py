"""Forms of the public pages. They only parse and validate input; selectors do the reading."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.dates import validate_day

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class AnnouncementSearchForm(forms.Form):
    """Search of the announcements: words, and a range of publication days (both ends included)."""

    q = forms.CharField(label=_("Words to find"), required=False, max_length=200, strip=True)
    date_from = forms.DateField(
        label=_("Published from"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter the start date as dd/mm/yyyy, e.g. 01/06/2021.")},
        validators=[validate_day],
    )
    date_to = forms.DateField(
        label=_("Published until"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter the end date as dd/mm/yyyy, e.g. 30/06/2021.")},
        validators=[validate_day],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned
