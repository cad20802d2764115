from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("责任单位与人员")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals, two_factor  # noqa: F401 - connect the audit and sign-in receivers
        from .admin_roles import admin_groups_ensure

        # Permissions exist only after migrate has run, so the groups are set up then.
        post_migrate.connect(admin_groups_ensure, sender=self)
