from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .models import Department, Role


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()])
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(Role.LIAISON, Role.LIAISON.label), (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_HEAD.label)],
    )
    phone = forms.RegexField(
        label=_("联系电话"),
        regex=r"^[0-9+\-() ]{0,32}$",
        required=False,
        error_messages={"invalid": _("电话号码只能包含数字、空格和 + - ( )")},
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )


class MoveForm(forms.Form):
    department = forms.ModelChoiceField(label=_("调整到"), queryset=Department.objects.none())

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )
