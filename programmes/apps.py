from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("工作方案与任务")

    def ready(self):
        # receivers: moves assignments when departments merge; cache: renews plan pages when
        # plan rows, departments or indicators change, in every process (web, worker, shell).
        from . import cache, receivers  # noqa: F401
