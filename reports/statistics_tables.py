"""The statistics pages' lists: the uploads, and one upload's rows (previous value → new)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qualitycity.formats import decimal_text
from qualitycity.tables import BaseTable

from .models import StatisticsUpload, StatisticsValue
from .statistics import period_label


class StatisticsUploadTable(BaseTable):
    """The uploads, newest first: when (Beijing time), who, which file, how many rows, how many
    replaced an earlier figure."""

    uploaded_at = tables.DateTimeColumn(format="DATETIME_FORMAT", verbose_name=_("上传时间"))
    uploaded_by = tables.Column(verbose_name=_("上传人"), default="—")
    file_name = tables.Column(verbose_name=_("文件"))
    row_count = tables.Column(verbose_name=_("数据行数"), attrs={"td": {"class": "num"}})
    replaced_count = tables.Column(verbose_name=_("替换行数"), attrs={"td": {"class": "num"}})

    def render_uploaded_by(self, value) -> str:
        return value.get_full_name() or value.username

    def render_file_name(self, record: StatisticsUpload, value: str):
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:statistics_detail", args=[record.pk]), value
        )

    class Meta(BaseTable.Meta):
        model = StatisticsUpload
        fields = ("uploaded_at", "uploaded_by", "file_name", "row_count", "replaced_count")
        order_by = ("-uploaded_at",)
        empty_text = _("尚未上传统计数据")


class StatisticsValueTable(BaseTable):
    """An upload's rows in the sheet's order: the indicator, the period, the value it replaced
    and the value written."""

    row = tables.Column(verbose_name=_("行号"), attrs={"td": {"class": "num"}})
    indicator = tables.Column(verbose_name=_("指标"), order_by=("indicator__name", "period_end"))
    department = tables.Column(verbose_name=_("行政区或部门"), default="—")
    period = tables.Column(verbose_name=_("期间"), accessor="period_end", order_by=("period_end", "row"))
    previous_value = tables.Column(verbose_name=_("原数值"), attrs={"td": {"class": "num"}}, default="—")
    value = tables.Column(verbose_name=_("新数值"), attrs={"td": {"class": "num"}})
    source = tables.Column(verbose_name=_("数据来源"), default="")

    def render_indicator(self, value) -> str:
        return value.name  # the unit is on the values

    def render_department(self, value) -> str:
        return value.name

    def render_period(self, record: StatisticsValue) -> str:
        return period_label(record.period_start, record.period_end)

    def render_previous_value(self, record: StatisticsValue, value) -> str:
        return self.render_value(record, value)  # with its unit, like the new value beside it

    def render_value(self, record: StatisticsValue, value) -> str:
        unit = record.indicator.unit
        return f"{decimal_text(value)}{unit}" if unit else decimal_text(value)

    class Meta(BaseTable.Meta):
        model = StatisticsValue
        fields = ("row", "indicator", "department", "period", "previous_value", "value", "source")
        order_by = ("row",)
        empty_text = _("没有数据")
