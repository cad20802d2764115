from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from responsibilities.forms_auth import LoginForm
from responsibilities.views import PasswordChangeView

from . import views

admin.site.site_header = _("质量强市工作平台 · 系统管理")
admin.site.site_title = _("质量强市工作平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("-/ping", views.ping, name="ping"),
    path("-/healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("reports.urls")),
    path("", include("responsibilities.urls")),
]
