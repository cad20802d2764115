"""The forms of the channel pages: a person's choice of channels, a group robot, and the
delivery log's filter. The rules (a department of the jurisdiction, an http(s) webhook, a
channel that reaches the person) are checked again in reports.channel_services."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department

from .channel_services import NAME_MAX, NAME_TOO_LONG, OTHER_DEPARTMENT, SECRET_MAX, SECRET_TOO_LONG, URL_MAX
from .channel_services import URL_TOO_LONG as URL_LONG
from .models import Channel, Delivery


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("电子邮件"), required=False)
    sms = forms.BooleanField(label=_("短信"), required=False)
    dingtalk = forms.BooleanField(label=_("政务钉钉"), required=False)
    wecom = forms.BooleanField(label=_("企业微信"), required=False)


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class RobotForm(forms.Form):
    department = DepartmentChoice(
        label=_("所属"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("质强办工作群"),
        error_messages={"invalid_choice": OTHER_DEPARTMENT},
    )
    kind = forms.ChoiceField(
        label=_("渠道"),
        choices=[(Channel.DINGTALK, Channel.DINGTALK.label), (Channel.WECOM, Channel.WECOM.label)],
        error_messages={"invalid_choice": _("渠道：请选择政务钉钉或企业微信")},
    )
    name = forms.CharField(
        label=_("群名称"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("群名称：请填写"),
            "max_length": NAME_TOO_LONG % {"max": NAME_MAX},
        },
    )
    webhook_url = forms.CharField(
        label=_("Webhook 地址"),
        max_length=URL_MAX,
        help_text=_("在群设置的“智能群助手 / 群机器人”中添加自定义机器人后复制"),
        widget=forms.TextInput(attrs={"size": 60, "inputmode": "url"}),
        error_messages={"required": _("Webhook 地址：请填写"), "max_length": URL_LONG % {"max": URL_MAX}},
    )
    secret = forms.CharField(
        label=_("加签密钥"),
        max_length=SECRET_MAX,
        required=False,
        strip=True,
        help_text=_("政务钉钉机器人“加签”的 SEC 开头密钥；企业微信不需要"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        error_messages={"max_length": SECRET_TOO_LONG % {"max": SECRET_MAX}},
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )


class RobotEditForm(RobotForm):
    clear_secret = forms.BooleanField(label=_("清除已保存的加签密钥"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = _("留空则保留已保存的密钥")


class DeliveryFilter(django_filters.FilterSet):
    """The office narrows its delivery log by status and channel."""

    status = django_filters.ChoiceFilter(
        choices=Delivery.Status.choices, label=_("状态"), empty_label=_("全部")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("渠道"), empty_label=_("全部"))

    class Meta:
        model = Delivery
        fields = ["status", "channel"]
