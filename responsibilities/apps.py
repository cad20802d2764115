from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("责任单位与人员")

    def ready(self):
        from . import signals  # noqa: F401 - connects the audit receivers
