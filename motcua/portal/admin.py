from django.contrib import admin

from motcua.portal.models import Announcement, GlossaryTerm
from motcua.portal.services import announcement_prepare


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "published_at", "is_published"]

    def save_model(self, request, obj, form, change):
        # NFC text and the folded search key, as the service keeps them.
        announcement_prepare(obj)
        super().save_model(request, obj, form, change)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "expansion"]
    search_fields = ["abbreviation", "expansion", "explanation"]
