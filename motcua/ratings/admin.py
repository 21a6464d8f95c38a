from django.contrib import admin

from motcua.ratings.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are the applicants' words and computed indices: readable, never edited here."""

    list_display = [
        "dossier",
        "agency",
        "stars",
        "total_time_score",
        "unit_time_score",
        "contacts_score",
        "created_at",
    ]
    list_filter = ["stars", "total_time_score", "unit_time_score", "agency"]
    search_fields = ["dossier__code", "comment"]
    list_select_related = ["dossier", "agency"]
    readonly_fields = [f.name for f in Rating._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
