from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.org import selectors, services
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    ApiToken,
    Desk,
    Membership,
    TokenRevocation,
    UnitLevel,
    User,
)


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated person's programs stop too, and stay stopped if the account comes back.
            services.api_tokens_revoke_all(user=obj, reason=TokenRevocation.DEACTIVATED)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at", "state"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["user", "digest", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a token is issued by signing in through the API, never typed in

    @admin.display(description=_("state"))
    def state(self, token: ApiToken) -> str:
        reason = selectors.token_dead_reason(token)
        return str(TokenRevocation(reason).label) if reason else str(_("active"))

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = sum(
            services.api_token_revoke(user=token.user, token_id=token.pk, by_admin=True)
            for token in queryset.select_related("user")
        )
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})
