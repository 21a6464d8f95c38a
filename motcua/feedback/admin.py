from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.feedback.models import Open311Client, Petition, PetitionCategory, PetitionEvent
from motcua.feedback.services import open311_key_digest, open311_new_key


@admin.register(PetitionCategory)
class PetitionCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "group", "default_agency", "is_active", "position"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "keywords"]
    autocomplete_fields = ["default_agency"]


class PetitionEventInline(admin.TabularInline):
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor_name", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    """Read-mostly: the workflow changes petitions through the staff pages; the admin corrects nothing
    that the services own."""

    list_display = ["code", "subject", "category", "status", "agency", "received_at", "due_at"]
    list_filter = ["status", "channel", "category"]
    search_fields = ["code", "subject", "submitter_name", "submitter_email", "submitter_phone"]
    date_hierarchy = "received_at"
    inlines = [PetitionEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "is_active", "last_used_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact"]
    actions = ["issue_new_key"]

    def save_model(self, request, obj, form, change):
        if not obj.key_digest:
            key = open311_new_key()
            obj.key_digest = open311_key_digest(key)
            messages.warning(
                request,
                _("The api_key of %(name)s is %(key)s — copy it now, it is not shown again.")
                % {"name": obj.name, "key": key},
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Issue a new api_key"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            key = open311_new_key()
            Open311Client.objects.filter(pk=client.pk).update(key_digest=open311_key_digest(key))
            messages.warning(
                request,
                _("The api_key of %(name)s is %(key)s — copy it now, it is not shown again.")
                % {"name": client.name, "key": key},
            )
