import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qualitycity.tables import BaseTable

from .models import Plan


class PlanTable(BaseTable):
    title = tables.LinkColumn("programmes:plan_detail", args=[tables.A("pk")], verbose_name=_("标题"))
    jurisdiction = tables.Column(verbose_name=_("行政区"))
    document_number = tables.Column(verbose_name=_("文号"))
    period = tables.Column(
        accessor="period_display", verbose_name=_("年度"), order_by=("year_start", "year_end")
    )
    task_count = tables.Column(verbose_name=_("任务数"))
    target_count = tables.Column(verbose_name=_("指标数"))
    status = tables.Column(verbose_name=_("状态"))

    class Meta(BaseTable.Meta):
        model = Plan
        fields = (
            "title",
            "jurisdiction",
            "kind",
            "document_number",
            "period",
            "task_count",
            "target_count",
            "status",
        )
        order_by = ("-period",)
