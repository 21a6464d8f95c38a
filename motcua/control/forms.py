"""Forms of the control pages: what a user typed, parsed and checked before a service sees it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.control.selectors import meeting_organisers
from motcua.org.models import User
from motcua.org.selectors import agencies_list


class MeetingForm(forms.Form):
    """Schedule an online meeting (the services check who may organise it and that it ends after it starts)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Starts at"))
    ends_at = forms.DateTimeField(label=_("Ends at"))
    video_url = forms.CharField(label=_("Video room (https://…)"), max_length=500, required=False)
    invited = forms.ModelMultipleChoiceField(label=_("Invited agencies"), queryset=None, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = meeting_organisers(user)
        self.fields["invited"].queryset = agencies_list()

    def error_messages_flat(self) -> list[str]:
        """Each problem as "Field: reason", for the page's messages."""
        return [
            f"{self.fields[name].label}: {error}" if name in self.fields else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]
