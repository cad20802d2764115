from django.contrib import admin

from .models import Assignment, Heading, Plan, Task


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
    # The targets app, which depends on this one, registers this admin again with its inline.
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "role", "printed_name"]
    list_filter = ["role", "task__plan"]
    search_fields = ["task__title", "department__name", "printed_name"]
    autocomplete_fields = ["task", "department"]
    list_select_related = ["task", "department"]
