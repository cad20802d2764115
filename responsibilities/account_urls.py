"""Sign-in (password, then the second factor), sign-out and password change, at the site's root (no namespace: Django's auth views
and LOGIN_URL name them so)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views
from .forms_auth import LoginForm
from .views import PasswordChangeView

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", two_factor_views.two_factor_home, name="two_factor"),
    path("accounts/two-factor/enrol/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/two-factor/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
]
