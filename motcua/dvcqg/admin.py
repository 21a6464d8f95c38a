from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dvcqg.models import (
    AgencyMapping,
    DeliveryAttempt,
    NationalFiling,
    OutboxMessage,
    ProcedureMapping,
    StatusMapping,
)
from motcua.dvcqg.services import message_replay


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "outcome", "http_status", "detail", "duration_ms"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "dossier",
        "service",
        "action",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
        "parked_reason",
    ]
    list_filter = ["status", "service", "source"]
    search_fields = ["dossier__code", "idempotency_key"]
    list_select_related = ["dossier"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Replay the selected parked messages"))
    def replay(self, request, queryset):
        count = message_replay(actor=request.user, message_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request, _("%(n)d messages are back in the queue.") % {"n": count}, messages.SUCCESS
        )


@admin.register(StatusMapping)
class StatusMappingAdmin(admin.ModelAdmin):
    list_display = ["status", "national_code", "national_name"]


@admin.register(ProcedureMapping)
class ProcedureMappingAdmin(admin.ModelAdmin):
    list_display = ["procedure_code", "national_code"]
    search_fields = ["procedure_code", "national_code"]


@admin.register(AgencyMapping)
class AgencyMappingAdmin(admin.ModelAdmin):
    list_display = ["agency_identifier", "national_code"]
    search_fields = ["agency_identifier", "national_code"]


@admin.register(NationalFiling)
class NationalFilingAdmin(admin.ModelAdmin):
    list_display = ["national_code", "dossier", "status", "received_at", "problem"]
    list_filter = ["status"]
    search_fields = ["national_code", "dossier__code"]
    readonly_fields = [f.name for f in NationalFiling._meta.fields]
