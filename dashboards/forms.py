"""The dashboards' one form: a recipient of the monthly summary."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    title = forms.CharField(label=_("职务"), max_length=64, required=False)
    email = forms.EmailField(label=_("电子邮箱"))
