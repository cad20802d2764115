"""The office's forms: a new API token, and what the public results page shows."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("用途或对接单位，例如：市大数据局数据共享"),
        error_messages={"required": _("请填写令牌名称")},
    )
    scope = forms.ChoiceField(label=_("权限"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    days = forms.IntegerField(
        label=_("有效天数"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
        help_text=_("到期后令牌自动失效；最长%(max)s天") % {"max": settings.API_TOKEN_MAX_DAYS},
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
