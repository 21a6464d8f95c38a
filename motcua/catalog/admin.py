from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from motcua.catalog import validation
from motcua.catalog.models import Fee, Field, Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.catalog.services import version_search_text


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "name", "valid_from", "valid_to", "is_current"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "created_at"]
    search_fields = ["code", "versions__name"]
    inlines = [VersionInline]


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class StepFormSet(BaseInlineFormSet):
    """The steps' shares must add up to the version's time limit, as at import (catalog.validation)."""

    def clean(self) -> None:
        super().clean()
        version = self.instance
        if any(self.errors) or version.time_limit_value is None:
            return
        shares = [
            form.cleaned_data["duration_days"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("duration_days")
        ]
        problem = validation.steps_total_problem(
            shares,
            time_limit=version.time_limit_value,
            unit=version.time_limit_unit,
            workday_hours=settings.MOTCUA_WORKDAY_HOURS,
        )
        if problem:
            raise ValidationError(problem)


class StepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = [
        "procedure",
        "number",
        "name",
        "field",
        "competent_agency",
        "valid_from",
        "valid_to",
        "is_current",
    ]
    list_filter = ["is_current", "field", "levels", "online_service"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure", "field", "competent_agency"]
    autocomplete_fields = ["competent_agency", "field"]
    readonly_fields = ["is_current"]
    inlines = [DocumentInline, FeeInline, StepInline]

    def save_model(self, request, obj, form, change):
        # Keep the folded search key in step with the name edited here.
        obj.search_text = version_search_text(
            code=obj.procedure.code, name=obj.name, field_name=obj.field.name
        )
        super().save_model(request, obj, form, change)


# --- Publication decisions: read-mostly in the admin; transitions go through the staff pages and services.
from motcua.catalog.models import PublicationDecision, PublicationEvent, PublicationItem, ReviewComment  # noqa: E402


class PublicationItemInline(admin.TabularInline):
    model = PublicationItem
    fields = [
        "position",
        "change",
        "procedure_code",
        "replaces_code",
        "name",
        "previous_version",
        "applied_version",
    ]
    readonly_fields = ["previous_version", "applied_version"]
    extra = 0


class ReviewCommentInline(admin.TabularInline):
    model = ReviewComment
    fields = ["item", "author", "text", "resolved"]
    extra = 0


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "drafting_agency", "status", "signed_on", "effective_on", "applied_on"]
    list_filter = ["status", "drafting_agency"]
    search_fields = ["number", "title"]
    list_select_related = ["drafting_agency"]
    autocomplete_fields = ["drafting_agency"]
    # The status, signature and application are the workflow's: never edited by hand here.
    readonly_fields = [
        "status",
        "version",
        "number",
        "signed_on",
        "effective_on",
        "signer",
        "applied_on",
        "created_by",
    ]
    inlines = [PublicationItemInline, ReviewCommentInline, PublicationEventInline]


@admin.register(PublicationItem)
class PublicationItemAdmin(admin.ModelAdmin):
    list_display = ["procedure_code", "name", "change", "decision"]
    list_filter = ["change"]
    search_fields = ["procedure_code", "name", "decision__number"]
    list_select_related = ["decision"]
    raw_id_fields = ["decision", "previous_version", "applied_version"]
