"""The dashboard's lists as files people forward: each list's rows through the portal's
print-ready writer (title, the filters and period applied, A4 landscape, numbers as numbers,
times in Beijing time), the link-only columns left out."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import Task
from qualitycity.exporters import Column, ListExporter, Row
from qualitycity.exporters.xlsx import DATETIME_CN, NUMBER_0, NUMBER_2, PERCENT_1
from targets.status import TargetStatus

from .selectors import ReportState
from .selectors.selection import Selection


def filters_text(selection: Selection) -> str:
    """The filters applied, in words: 筛选：工作方案 …；责任部门 …, or 全部."""
    parts = []
    if selection.plan:
        parts.append(_("工作方案 %(name)s") % {"name": selection.plan.title})
    if selection.section:
        parts.append(_("部分 %(name)s") % {"name": f"{selection.section.number} {selection.section.title}"})
    if selection.department:
        parts.append(_("责任部门 %(name)s") % {"name": selection.department.name})
    if selection.status:
        parts.append(_("任务状态 %(name)s") % {"name": selection.status_label})
    return _("筛选：%(filters)s") % {"filters": "；".join(parts) if parts else _("全部")}


def period_text(selection: Selection, *, whole_year: bool = False) -> str:
    """The period the list covers (the reporting month, or the year for a year's record) and
    when it was exported."""
    now = timezone.localtime()
    exported = _("导出于%(date)s") % {"date": f"{now.year}年{now.month}月{now.day}日 {now:%H:%M}"}
    if selection.period and not whole_year:
        covered = _("报送期：%(period)s") % {"period": selection.period.label}
    else:
        covered = _("年度：%(year)s年") % {"year": selection.year}
    return f"{covered}　{exported}"


class DashboardExport(ListExporter):
    """One dashboard list: its title (the jurisdiction's name first), the filters and period
    under it, its rows."""

    fit_widths = True
    whole_year = False  # the list covers the year's months, not the selected month

    def __init__(self, *, title: str, selection: Selection, rows: list):
        self._title = title
        self.selection = selection
        self.rows = rows
        self.document_name = title[:31]  # the sheet's name

    def title(self) -> str:
        return f"{self.selection.jurisdiction.name}{self._title}"

    def subtitle(self) -> tuple[str, ...]:
        return (filters_text(self.selection), period_text(self.selection, whole_year=self.whole_year))

    def filename(self, extension: str) -> str:
        saved, self.document_name = self.document_name, ""
        try:
            return super().filename(extension)
        finally:
            self.document_name = saved


class TaskExport(DashboardExport):
    columns = (
        Column(gettext_lazy("编号"), 8, centred=True),
        Column(gettext_lazy("工作任务"), 30),
        Column(gettext_lazy("工作方案"), 20),
        Column(gettext_lazy("牵头部门"), 14),
        Column(gettext_lazy("进展状态"), 10, centred=True),
    )

    def iterate_rows(self) -> Iterator[Row]:
        for task in self.rows:
            yield Row(
                "task",
                (
                    task.path_label,
                    task.title,
                    task.plan.title,
                    "、".join(a.department.name for a in task.leads) or "—",
                    str(Task.Status(task.current_status).label),
                ),
            )


class TargetExport(DashboardExport):
    columns = (
        Column(gettext_lazy("指标"), 24),
        Column(gettext_lazy("目标"), 16),
        Column(gettext_lazy("当前值"), 10, number_format=NUMBER_2),
        Column(gettext_lazy("按进度应达"), 10, number_format=NUMBER_2),
        Column(gettext_lazy("单位"), 6, centred=True),
        Column(gettext_lazy("状态"), 10, centred=True),
        Column(gettext_lazy("所属任务"), 8, centred=True),
        Column(gettext_lazy("报送部门"), 14),
    )

    def iterate_rows(self) -> Iterator[Row]:
        for row in self.rows:
            target, reading = row.target, row.reading
            department = target.indicator.reporting_department
            yield Row(
                "task",
                (
                    target.indicator.name,
                    target.commitment,
                    reading.current,
                    reading.expected,
                    target.indicator.unit,
                    str(TargetStatus(row.status).label),
                    target.task.path_label,
                    department.name if department else "—",
                ),
            )


class ReportExport(DashboardExport):
    columns = (
        Column(gettext_lazy("部门"), 16),
        Column(gettext_lazy("报送情况"), 10, centred=True),
        Column(gettext_lazy("月报状态"), 12, centred=True),
        Column(gettext_lazy("提交时间"), 18, centred=True, number_format=DATETIME_CN),
    )

    def iterate_rows(self) -> Iterator[Row]:
        for row in self.rows:
            report = row.report
            yield Row(
                "task",
                (
                    row.department.name,
                    str(ReportState.LABELS[row.state]),
                    report.get_status_display() if report else "—",
                    report.submitted_at if report else None,
                ),
            )


class RankingExport(DashboardExport):
    whole_year = True
    columns = (
        Column(gettext_lazy("名次"), 6, centred=True, number_format=NUMBER_0),
        Column(gettext_lazy("部门"), 16),
        Column(gettext_lazy("应报"), 6, number_format=NUMBER_0),
        Column(gettext_lazy("按时"), 6, number_format=NUMBER_0),
        Column(gettext_lazy("逾期"), 6, number_format=NUMBER_0),
        Column(gettext_lazy("未报"), 6, number_format=NUMBER_0),
        Column(gettext_lazy("按时报送率"), 10, number_format=PERCENT_1),
    )

    def iterate_rows(self) -> Iterator[Row]:
        for record in self.rows:
            yield Row(
                "task",
                (
                    record.rank,
                    record.department.name,
                    record.due,
                    record.on_time,
                    record.late,
                    record.missing,
                    record.rate / 100 if record.rate is not None else None,
                ),
            )
