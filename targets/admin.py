from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programmes.admin import TaskAdmin, department_picker
from programmes.models import Task
from qualitycity.formats import decimal_text
from responsibilities.department_forms import DepartmentChoiceField, department_label

from .models import Indicator, Target


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["indicator", "comparator", "value", "value_max", "stretch", "baseline", "due_date", "text"]
    autocomplete_fields = ["indicator"]
    extra = 0


OTHER_JURISDICTION = _("报送部门：%(department)s不是%(jurisdiction)s的部门，只能选择指标所属行政区的部门")
INACTIVE = _("报送部门：%(department)s已停用，请选择在用的部门")


class IndicatorAdminForm(forms.ModelForm):
    """An indicator is reported by a department of its own jurisdiction, and a newly chosen one is in use."""

    class Meta:
        model = Indicator
        fields = [
            "jurisdiction",
            "name",
            "unit",
            "reporting_department",
            "aggregation",
            "source",
            "description",
        ]

    def clean(self):
        cleaned = super().clean()
        jurisdiction, department = cleaned.get("jurisdiction"), cleaned.get("reporting_department")
        if jurisdiction is None or department is None:
            return cleaned
        if department.jurisdiction_id != jurisdiction.pk:
            self.add_error(
                "reporting_department",
                OTHER_JURISDICTION
                % {"department": department_label(department), "jurisdiction": jurisdiction.name},
            )
        elif not department.is_active and "reporting_department" in self.changed_data:
            self.add_error("reporting_department", INACTIVE % {"department": department.name})
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ["name", "unit", "jurisdiction", "reporting_department", "aggregation", "source"]
    list_filter = ["jurisdiction", "aggregation", "source"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["reporting_department"].queryset = department_picker(
                request, jurisdiction_id=obj.jurisdiction_id, keep=[obj.reporting_department_id]
            ).select_related("jurisdiction")
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reporting_department":
            kwargs.update(form_class=DepartmentChoiceField, queryset=department_picker(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "comparator", "value_text", "value_max_text", "stretch_text", "task"]
    list_filter = ["comparator", "task__plan"]
    search_fields = ["indicator__name", "text"]
    autocomplete_fields = ["task", "indicator"]
    list_select_related = ["indicator", "task"]

    # The numbers as people write them (93, not 93.0000).
    @admin.display(description=_("目标值"), ordering="value")
    def value_text(self, obj) -> str:
        return _number(obj.value)

    @admin.display(description=_("区间上限"), ordering="value_max")
    def value_max_text(self, obj) -> str:
        return _number(obj.value_max)

    @admin.display(description=_("力争值"), ordering="stretch")
    def stretch_text(self, obj) -> str:
        return _number(obj.stretch)


def _number(value) -> str:
    return decimal_text(value) if value is not None else "—"


class TaskWithTargetsAdmin(TaskAdmin):
    """The task admin with its targets inline: added here, so programmes never imports targets."""

    inlines = [*TaskAdmin.inlines, TargetInline]


admin.site.unregister(Task)
admin.site.register(Task, TaskWithTargetsAdmin)
