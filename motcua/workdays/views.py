"""The calendar page: the administrator declares or removes a day off or a make-up working day, after a
preview of what it moves (how many open dossiers and steps, by how much, per agency)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError
from motcua.org.choices import Role
from motcua.org.selectors import user_roles
from motcua.workdays.choices import DayKind
from motcua.workdays.models import CalendarChange
from motcua.workdays.selectors import day_overrides, get_calendar
from motcua.workdays.services import day_override_delete, day_override_preview, day_override_set
from motcua.workdays.tasks import calendar_change_task

REMOVE = "remove"


def may_manage_calendar(user) -> bool:
    """Administrators (superusers or the administrator role) declare days."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role == Role.ADMINISTRATOR for role, _agency in user_roles(user))


class DeclarationForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=gettext_lazy("Declaration"),
        choices=[*DayKind.choices, (REMOVE, gettext_lazy("Remove the declaration of this date"))],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (legal basis)"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("E.g. the announcement or decision of the People's Committee."),
    )


@staff_member_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """GET: the declared days and the form. POST `preview`: what the declaration would move, nothing saved.
    POST `save`: the declaration, in one operation with the recompute (or queued as a task when it moves
    more than MOTCUA_CALENDAR_INLINE_LIMIT dossiers)."""
    if not may_manage_calendar(request.user):
        raise PermissionDenied(_("Only administrators change the working calendar."))
    form = DeclarationForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["day"]
        kind = form.cleaned_data["kind"]
        reason = form.cleaned_data["reason"]
        try:
            result = day_override_preview(day=day, kind=None if kind == REMOVE else kind, reason=reason)
            preview = result.summaries[0] if result.summaries else None
            if "save" in request.POST:
                moved = preview.dossiers if preview is not None else 0
                if moved > settings.MOTCUA_CALENDAR_INLINE_LIMIT:
                    calendar_change_task.enqueue(day.isoformat(), kind, reason, request.user.pk)
                    messages.success(
                        request,
                        _("The change moves %(n)d dossiers: it is being applied in the background.")
                        % {"n": moved},
                    )
                    return redirect("workdays_calendar")
                if kind == REMOVE:
                    day_override_delete(day=day, actor=request.user)
                else:
                    day_override_set(day=day, kind=kind, reason=reason, actor=request.user)
                change = CalendarChange.objects.order_by("-pk").first()
                messages.success(
                    request,
                    _("Saved: %(change)s. %(dossiers)d open dossiers and %(steps)d steps moved.")
                    % {
                        "change": change.describe(),
                        "dossiers": change.moved_dossiers,
                        "steps": change.moved_steps,
                    },
                )
                return redirect("workdays_calendar")
        except DomainError as error:
            form.add_error(None, error.message)
    year = timezone.localdate().year
    context = {
        **admin.site.each_context(request),
        "title": _("Working calendar"),
        "form": form,
        "preview": preview,
        "overrides": list(day_overrides().filter(day__year__gte=year - 1)),
        "changes": list(CalendarChange.objects.order_by("-pk")[:20]),
        "holidays": [n for n in get_calendar().year_notes(year) if n.source == "public_holiday"],
        "year": year,
    }
    return render(request, "workdays/calendar.html", context)
