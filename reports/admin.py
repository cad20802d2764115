from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qualitycity.formats import decimal_text
from responsibilities.admin import JurisdictionScopedAdmin

from .models import (
    DepartmentReport,
    Evidence,
    IndicatorValue,
    Notification,
    ReportingPeriod,
    ReportingRule,
    TaskEntry,
    WorkUpdate,
)


@admin.register(ReportingRule)
class ReportingRuleAdmin(JurisdictionScopedAdmin):
    """The system administrator sets the deadline rule of his own jurisdictions only."""

    list_display = ["jurisdiction", "deadline_day", "reminder_days_before"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "end", "deadline", "status"]
    list_filter = ["jurisdiction", "status"]
    date_hierarchy = "start"


class TaskEntryInline(admin.StackedInline):
    model = TaskEntry
    extra = 0
    fields = ["task", "role", "status", "progress", "problems", "next_steps", "office_comment", "returned"]
    readonly_fields = ["task", "role"]


@admin.register(DepartmentReport)
class DepartmentReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "is_late", "submitted_at", "reviewed_at", "rating"]
    list_filter = ["period__jurisdiction", "status", "is_late"]
    search_fields = ["department__name"]
    list_select_related = ["department", "period"]
    readonly_fields = ["submitted_by", "signed_off_by", "reviewed_by", "supersedes"]
    inlines = [TaskEntryInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["report", "indicator", "value_text"]
    list_select_related = ["report__department", "report__period", "indicator"]

    @admin.display(description=_("数值"), ordering="value")
    def value_text(self, obj) -> str:
        """The value as people write it (95.2, not 95.2000)."""
        return decimal_text(obj.value) if obj.value is not None else "—"


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "entry", "content_type", "size", "uploaded_at"]
    readonly_fields = ["file", "sha256", "size", "content_type", "uploaded_by"]


@admin.register(WorkUpdate)
class WorkUpdateAdmin(admin.ModelAdmin):
    list_display = ["date", "department", "title"]
    list_filter = ["department__jurisdiction"]
    search_fields = ["title", "body"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    # the title says what happened in words; the kind is the code the dedupe key is built from
    list_display = ["created_at", "user", "title", "read_at"]
