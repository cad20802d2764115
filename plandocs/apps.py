from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlandocsConfig(AppConfig):
    name = "plandocs"
    verbose_name = _("方案导入与导出")

    def ready(self):
        from qualitycity.todo import todo_register

        from .todo import imports_awaiting

        todo_register("plan_imports", imports_awaiting)
