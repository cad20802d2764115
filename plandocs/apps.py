from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlandocsConfig(AppConfig):
    name = "plandocs"
    verbose_name = _("方案导入与导出")
