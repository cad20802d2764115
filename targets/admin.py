from django.contrib import admin

from programmes.admin import TaskAdmin
from programmes.models import Task

from .models import Indicator, Target


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["indicator", "comparator", "value", "value_max", "stretch", "baseline", "due_date", "text"]
    autocomplete_fields = ["indicator"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "jurisdiction", "reporting_department", "aggregation", "source"]
    list_filter = ["jurisdiction", "aggregation", "source"]
    search_fields = ["name"]
    autocomplete_fields = ["reporting_department"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "comparator", "value", "value_max", "stretch", "task"]
    list_filter = ["comparator", "task__plan"]
    search_fields = ["indicator__name", "text"]
    autocomplete_fields = ["task", "indicator"]
    list_select_related = ["indicator", "task"]


class TaskWithTargetsAdmin(TaskAdmin):
    """The task admin with its targets inline: added here, so programmes never imports targets."""

    inlines = [*TaskAdmin.inlines, TargetInline]


admin.site.unregister(Task)
admin.site.register(Task, TaskWithTargetsAdmin)
