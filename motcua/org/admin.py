from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.org.models import AdministrativeUnit, Agency, ApiToken, Desk, Membership, UnitLevel, User


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name", "level", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["level", "parent"]


class DeskInline(admin.TabularInline):
    model = Desk
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["identifier", "name", "short_name"]
    autocomplete_fields = ["unit", "parent"]
    list_select_related = ["unit"]
    inlines = [DeskInline]


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "is_active"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Citizen data"), {"fields": ("full_name", "phone", "personal_identifier")}),
        (
            _("Verified identity"),
            {
                "fields": (
                    "identity_source",
                    "identity_verified_at",
                    "identity_subject",
                    "birth_date",
                    "tax_code",
                    "representative_name",
                )
            },
        ),
    )
    # What the identity provider vouched for is never typed in by hand, not even here (issue 10, item 1).
    readonly_fields = [
        "identity_source",
        "identity_verified_at",
        "identity_subject",
        "birth_date",
        "tax_code",
        "representative_name",
    ]
    list_display = ["username", "full_name", "email", "is_staff", "is_active", "identity_source"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["digest", "last_used_at"]
    list_select_related = ["user"]
