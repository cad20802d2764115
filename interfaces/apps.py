from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterfacesConfig(AppConfig):
    """The open interfaces: the REST API with its tokens, and the public results page (公示)."""

    name = "interfaces"
    verbose_name = _("开放接口")
