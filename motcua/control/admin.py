from django.contrib import admin

from motcua.control.models import ControlPlan, Meeting, PlanTask, TaskEvidence, TaskGroup, TaskReport


class TaskGroupInline(admin.TabularInline):
    model = TaskGroup
    extra = 0


@admin.register(ControlPlan)
class ControlPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "issuing_agency", "decision_number"]
    list_filter = ["year"]
    search_fields = ["title", "decision_number"]
    autocomplete_fields = ["issuing_agency"]
    inlines = [TaskGroupInline]


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    fields = ["position", "name", "owner_agency", "deadline", "progress", "status"]
    autocomplete_fields = ["owner_agency"]
    extra = 0


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan"]
    inlines = [PlanTaskInline]


class TaskReportInline(admin.StackedInline):
    model = TaskReport
    extra = 0
    raw_id_fields = ["author"]


class TaskEvidenceInline(admin.TabularInline):
    model = TaskEvidence
    fields = ["original_name", "size", "content_type", "description", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "owner_agency", "deadline", "progress", "status"]
    list_filter = ["status", "group__plan", "owner_agency"]
    search_fields = ["name"]
    list_select_related = ["group", "owner_agency"]
    autocomplete_fields = ["owner_agency"]
    inlines = [TaskReportInline, TaskEvidenceInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "starts_at", "ends_at"]
    list_filter = ["organiser"]
    search_fields = ["title", "agenda"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organiser"]
    filter_horizontal = ["invited_agencies"]
    readonly_fields = ["minutes", "minutes_name", "created_by"]
