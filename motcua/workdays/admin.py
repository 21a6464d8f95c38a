from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.workdays.models import CalendarChange, DayOverride, OfficeSession
from motcua.workdays.services import day_override_delete, day_override_set, office_sessions_changing


class DeclaringAdmin(admin.ModelAdmin):
    """Declarations go through the services, so the open dossiers' due moments follow them (the calendar
    page, /ho-so/lich-lam-viec/, shows what a declaration moves before it is saved)."""

    def save_model(self, request, obj, form, change):
        if change and "day" in form.changed_data:
            previous = DayOverride.objects.get(pk=obj.pk).day
            day_override_delete(day=previous, actor=request.user)
        saved = day_override_set(day=obj.day, kind=obj.kind, reason=obj.reason, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        day_override_delete(day=obj.day, actor=request.user)

    def delete_queryset(self, request, queryset):
        for day in list(queryset.values_list("day", flat=True)):
            day_override_delete(day=day, actor=request.user)


class CalendarChangingAdmin(admin.ModelAdmin):
    """Every write to office sessions is a calendar change: the open dossiers' due moments follow it."""

    def save_model(self, request, obj, form, change):
        with office_sessions_changing(actor=request.user, reason=str(obj)):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with office_sessions_changing(actor=request.user, reason=str(obj)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with office_sessions_changing(actor=request.user):
            super().delete_queryset(request, queryset)


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin):
    """The record of calendar changes (read-only: it is written by the services)."""

    list_display = [
        "created_at",
        "action",
        "day",
        "kind",
        "reason",
        "actor_name",
        "moved_dossiers",
        "moved_steps",
    ]
    list_filter = ["action", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOverride)
class DayOverrideAdmin(DeclaringAdmin):
    list_display = ["day", "kind", "reason", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "day"


@admin.register(OfficeSession)
class OfficeSessionAdmin(CalendarChangingAdmin):
    list_display = [
        "name",
        "starts_at",
        "ends_at",
        "valid_from_day",
        "valid_from_month",
        "valid_to_day",
        "valid_to_month",
    ]
    fieldsets = [
        (None, {"fields": ["name", "starts_at", "ends_at"]}),
        (
            _("Season"),
            {
                "description": _("Leave empty for sessions that apply all year."),
                "fields": [("valid_from_day", "valid_from_month"), ("valid_to_day", "valid_to_month")],
            },
        ),
    ]
