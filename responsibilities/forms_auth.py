from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

USERNAME_MAX = 150


class LoginForm(AuthenticationForm):
    """Django's login form sets the user name's max_length after building the field, so it is
    never checked; a name longer than any account's is refused here before anything looks it up."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        if len(username) > USERNAME_MAX:
            raise ValidationError(_("用户名不能超过%(count)s个字符") % {"count": USERNAME_MAX})
        return username


def axes_username(request, credentials) -> str:
    """The user name django-axes records, cut to what any account can have (its column holds 255)."""
    raw = (credentials or {}).get("username") or (
        request.POST.get("username", "") if request is not None else ""
    )
    return str(raw)[:USERNAME_MAX]


class OTPTokenForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the recovery codes."""

    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )
