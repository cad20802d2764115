"""The one base table every back-office list subclasses."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        per_page = 50
        template_name = "django_tables2/bootstrap5.html"
        empty_text = _("暂无数据")
