from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

USERNAME_MAX = 150


class LoginForm(AuthenticationForm):
    """Django's login form sets the user name's max_length after building the field, so it is
    never checked; a name longer than any account's is refused here before anything looks it up."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        if len(username) > USERNAME_MAX:
            raise ValidationError(f"用户名不能超过{USERNAME_MAX}个字符")
        return username


def axes_username(request, credentials) -> str:
    """The user name django-axes records, cut to what any account can have (its column holds 255)."""
    raw = (credentials or {}).get("username") or (
        request.POST.get("username", "") if request is not None else ""
    )
    return str(raw)[:USERNAME_MAX]
