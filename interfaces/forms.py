"""The office's forms: a new API token, and what the public results page shows."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("用途或对接单位，例如：市大数据局数据共享"),
        error_messages={"required": _("请填写令牌名称")},
    )
    scope = forms.ChoiceField(
        label=_("权限"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_(
            "“报送任务进展”：供某个部门自己的业务系统（如市住建局的项目管理系统）写入该部门月报草稿中的任务进展，提交仍由联络员完成"
        ),
    )
    department = forms.ModelChoiceField(
        label=_("报送部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（不选）"),
        help_text=_("只用于“报送任务进展”：该令牌代为填写哪个部门的月报"),
        error_messages={"invalid_choice": _("所选部门不是本行政区在用的成员单位")},
    )
    days = forms.IntegerField(
        label=_("有效天数"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        # formatted per request: a lazy string formatted at import would stay in Chinese
        self.fields["days"].help_text = gettext("到期后令牌自动失效；最长%(max)s天") % {
            "max": settings.API_TOKEN_MAX_DAYS
        }
        self.fields["department"].queryset = (
            Department.objects.units().active().filter(jurisdiction=jurisdiction)
        )


class PublicationForm(forms.Form):
    is_published = forms.BooleanField(label=_("公开结果公示页面"), required=False)
    plans = forms.ModelMultipleChoiceField(
        label=_("公开的工作方案"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只公开所选方案的目标状态；草稿方案不能公开"),
    )
    show_task_statuses = forms.BooleanField(label=_("公开各项任务的进展状态"), required=False)
    show_indicator_values = forms.BooleanField(label=_("公开指标的当前数值"), required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plans"].queryset = plans
