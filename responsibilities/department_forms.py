"""Department pickers and the office's department forms (create, rename, merge).

`department_choices` is the one place a picker's departments come from: the jurisdiction's
active departments in their printed order. A picker that may show departments of several
jurisdictions (the admin) labels each with its jurisdiction (`DepartmentChoiceField`), so two
cities' 市市场监管局 are never confused.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Department, Jurisdiction


def department_choices(jurisdiction: Jurisdiction | int, *, units_only: bool = False) -> QuerySet[Department]:
    """A picker offers the jurisdiction's active departments (only units when asked), ordered
    as printed (sort order, then name); never another jurisdiction's, never a deactivated one."""
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    departments = Department.objects.filter(jurisdiction_id=jurisdiction_id).active()
    if units_only:
        departments = departments.units()
    return departments.order_by("sort_order", "name")


def department_label(department: Department) -> str:
    """A department named with its jurisdiction: 市市场监管局（太仓市）."""
    return _("%(name)s（%(jurisdiction)s）") % {
        "name": department.name,
        "jurisdiction": department.jurisdiction.name,
    }


class DepartmentChoiceField(forms.ModelChoiceField):
    """A department select whose options name the jurisdiction beside the department."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("jurisdiction"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return department_label(obj)


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several departments, each named with its jurisdiction."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("jurisdiction"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return department_label(obj)


# The office's forms ------------------------------------------------------------------------------


class DepartmentCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64, help_text=_("现用全称，例如：市市场监管局"))
    code = forms.SlugField(
        label=_("代码"),
        max_length=32,
        required=False,
        help_text=_("字母、数字或短横线，用于账号与导出文件名，例如：scjgj"),
        error_messages={"invalid": _("代码：只能包含字母、数字、下划线和短横线")},
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Department.Kind.choices,
        initial=Department.Kind.UNIT,
        help_text=_("集合名称指“各成员单位”这类代表多个单位的名称"),
    )


class DepartmentRenameForm(forms.Form):
    name = forms.CharField(label=_("新名称"), max_length=64)
    note = forms.CharField(
        label=_("旧名称说明"),
        max_length=128,
        required=False,
        help_text=_("旧名称保留为别名，导入文件中的旧名称仍能识别"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].initial = _("%(year)s年更名前名称") % {"year": timezone.localdate().year}


class DepartmentMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("并入"),
        queryset=Department.objects.none(),
        error_messages={"invalid_choice": _("合并对象：请选择本区的单位")},
    )
    reason = forms.CharField(
        label=_("合并依据"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：根据《XX市机构改革方案》，市质监局职责划入市市场监管局"),
    )

    def __init__(self, *args, source: Department, **kwargs):
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        # Any department of the jurisdiction is accepted, so that choosing the source itself, a
        # deactivated unit or a collective name gets the service's own message; another
        # jurisdiction's is no choice at all. The select offers only what may be chosen.
        into.queryset = Department.objects.filter(jurisdiction_id=source.jurisdiction_id)
        offered = department_choices(source.jurisdiction_id, units_only=True).exclude(pk=source.pk)
        into.widget.choices = [("", _("请选择合并后的部门")), *((d.pk, d.name) for d in offered)]
