from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.workdays.models import DayOverride, OfficeSession
from motcua.workdays.services import calendar_changed


class CalendarChangingAdmin(admin.ModelAdmin):
    """Every write invalidates the cached working calendar (bulk deletes included)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_changed()


@admin.register(DayOverride)
class DayOverrideAdmin(CalendarChangingAdmin):
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
