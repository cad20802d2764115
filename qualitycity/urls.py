"""The site's routes. Each app's routes are included by name: the base imports no app."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("质量强市工作平台 · 系统管理")
admin.site.site_title = _("质量强市工作平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("responsibilities.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("-/ping", views.ping, name="ping"),
    path("-/healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("targets.urls")),
    path("", include("plandocs.urls")),
    path("", include("reports.urls")),
    path("", include("dashboards.urls")),
    path("", include("assessment.urls")),
    path("", include("responsibilities.urls")),
    path("", include("interfaces.urls")),
]
