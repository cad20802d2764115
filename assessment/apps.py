from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("考核")

    def ready(self):
        from qualitycity.todo import todo_register

        from .todo import appeals_awaiting

        todo_register("appeals", appeals_awaiting)
