from django.contrib import admin

from .models import PlanImport


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    """Import drafts are read here; they change only through the import pages and services."""

    list_display = ["__str__", "jurisdiction", "source_name", "status", "created_by", "created_at"]
    list_filter = ["status", "jurisdiction"]
    search_fields = ["title", "source_name"]
    list_select_related = ["jurisdiction", "created_by"]
    readonly_fields = [f.name for f in PlanImport._meta.fields]

    def has_add_permission(self, request):
        return False
