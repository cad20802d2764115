from django.contrib import admin

from .models import Assignment, Heading, Plan, PlanImport, Task


class HeadingInline(admin.TabularInline):
    model = Heading
    fields = ["position", "number", "title", "parent"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "kind", "document_number", "year_start", "year_end", "status"]
    list_filter = ["jurisdiction", "kind", "status", "reporting_frequency"]
    search_fields = ["title", "document_number"]
    date_hierarchy = "issued_on"
    inlines = [HeadingInline]


@admin.register(Heading)
class HeadingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["title"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["department", "role", "printed_name", "position"]
    autocomplete_fields = ["department"]
    extra = 1


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["path_label", "title", "plan", "status", "due"]
    list_filter = ["plan__jurisdiction", "plan", "status"]
    search_fields = ["title", "text"]
    list_select_related = ["plan"]
    inlines = [AssignmentInline]

    def get_inlines(self, request, obj):
        # Targets belong to the targets app, which depends on this one; its admin adds the
        # inline so the dependency keeps pointing one way.
        from targets.admin import TargetInline

        return [AssignmentInline, TargetInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "role", "printed_name"]
    list_filter = ["role", "task__plan"]
    search_fields = ["task__title", "department__name", "printed_name"]
    autocomplete_fields = ["task", "department"]
    list_select_related = ["task", "department"]


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
