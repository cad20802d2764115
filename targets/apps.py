from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("指标与目标")

    def ready(self):
        from programmes.revisions import SNAPSHOT_PARTS

        from . import receivers  # noqa: F401
        from .snapshot import targets_snapshot

        # A plan's revisions record its targets too.
        if targets_snapshot not in SNAPSHOT_PARTS:
            SNAPSHOT_PARTS.append(targets_snapshot)
