from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responsibilities.admin_roles import administered_jurisdiction_ids
from responsibilities.department_forms import DepartmentChoiceField, department_label
from responsibilities.models import Department

from .models import Assignment, Heading, Plan, Task

OTHER_JURISDICTION = _("部门：%(department)s不是%(jurisdiction)s的部门，只能选择方案所属行政区的部门")
INACTIVE = _("部门：%(department)s已停用，请选择在用的部门")


def department_picker(request, *, jurisdiction_id=None, keep=()):
    """The departments an admin select offers: the active ones of the jurisdiction when it is
    known (else of those the administrator administers), and those already chosen, so a row
    naming a department since deactivated still saves."""
    departments = Department.objects.active()
    if jurisdiction_id is not None:
        departments = departments.filter(jurisdiction_id=jurisdiction_id)
    else:
        ids = administered_jurisdiction_ids(request.user)
        if ids is not None:
            departments = departments.filter(jurisdiction_id__in=ids)
    return Department.objects.filter(Q(pk__in=departments.values("pk")) | Q(pk__in=list(keep))).order_by(
        "jurisdiction__name", "sort_order", "name"
    )


class AssignmentAdminForm(forms.ModelForm):
    """An assignment names a department of its plan's jurisdiction, and a newly chosen one is in use."""

    class Meta:
        model = Assignment
        fields = ["task", "department", "role", "printed_name", "position"]

    def clean(self):
        cleaned = super().clean()
        task, department = cleaned.get("task"), cleaned.get("department")
        if task is None or department is None or task.plan_id is None:
            return cleaned
        plan = task.plan
        if department.jurisdiction_id != plan.jurisdiction_id:
            self.add_error(
                "department",
                OTHER_JURISDICTION
                % {"department": department_label(department), "jurisdiction": plan.jurisdiction.name},
            )
        elif not department.is_active and "department" in self.changed_data:
            self.add_error("department", INACTIVE % {"department": department.name})
        return cleaned


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
    form = AssignmentAdminForm
    fields = ["department", "role", "printed_name", "position"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The task's plan names the jurisdiction once the task exists; a new task's rows are
        # checked against the plan chosen for it when the form is cleaned.
        if obj is not None and obj.plan_id is not None:
            field = formset.form.base_fields["department"]
            field.queryset = department_picker(
                request,
                jurisdiction_id=obj.plan.jurisdiction_id,
                keep=obj.assignments.values_list("department_id", flat=True),
            ).select_related("jurisdiction")
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs.update(form_class=DepartmentChoiceField, queryset=department_picker(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
    form = AssignmentAdminForm
    list_display = ["task", "department", "role", "printed_name"]
    list_filter = ["role", "task__plan"]
    search_fields = ["task__title", "department__name", "printed_name"]
    autocomplete_fields = ["task"]
    list_select_related = ["task", "department"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["department"].queryset = department_picker(
                request, jurisdiction_id=obj.task.plan.jurisdiction_id, keep=[obj.department_id]
            ).select_related("jurisdiction")
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs.update(form_class=DepartmentChoiceField, queryset=department_picker(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
