"""Official statistics uploaded by the office: an Excel sheet of indicator values, every row
checked (row, column, why in Chinese), saved whole in one transaction or not at all; a re-upload
replaces the measurement and keeps the earlier row as history; a department's report does not
overwrite the official figure; the pages are the office's (leaders read)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from dashboards.selectors import dashboard_data_fingerprint
from reports import statistics
from reports.models import DepartmentReport, StatisticsUpload, StatisticsValue
from reports.services import report_approve, report_save_draft, report_sign_off, report_submit
from reports.statistics import (
    MAX_ROWS,
    StatisticsRefused,
    statistics_period,
    statistics_upload,
    statistics_value,
)
from responsibilities.models import AuditEvent, DepartmentAlias
from targets.models import Indicator, Measurement
from targets.status import TargetStatus, target_status
from tests.factories import DepartmentFactory, IndicatorFactory, TargetFactory

HEADER = ["指标", "行政区或部门", "期间", "数值", "数据来源", "备注"]
TODAY = dt.date(2026, 12, 10)
AS_OF = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


@pytest.fixture
def growth(cast):
    """An indicator the statistics bureau publishes (规模以上工业增加值增速, %), 市市场监管局
    named its reporting department, with a ≥ 6% target in the cast's 2026 plan."""
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name="规模以上工业增加值增速",
        unit="%",
        reporting_department=cast.department,
        aggregation=Indicator.Aggregation.LATEST,
        source=Indicator.Source.STATISTICS,
    )
    target = TargetFactory(task=cast.task, indicator=indicator, comparator=">=", value=6)
    return target


@pytest.fixture
def trademarks(cast):
    """A count the statistics bureau publishes (新申请国内注册商标, 件)."""
    return IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name="新申请国内注册商标",
        unit="件",
        reporting_department=cast.other_department,
        aggregation=Indicator.Aggregation.SUM,
        source=Indicator.Source.STATISTICS,
    )


def sheet(rows, *, header=HEADER, name="统计数据.xlsx", above=(), formats=None) -> SimpleUploadedFile:
    """An .xlsx with the header (after any rows `above` it, such as a title) and the rows;
    formats maps (data row index, column index) to an Excel number format."""
    book = Workbook()
    ws = book.active
    for line in above:
        ws.append(line)
    if header is not None:
        ws.append(header)
    for k, row in enumerate(rows):
        ws.append(list(row))
        for (i, j), number_format in (formats or {}).items():
            if i == k:
                ws.cell(row=ws.max_row, column=j + 1).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def counts() -> tuple[int, int, int]:
    return Measurement.objects.count(), StatisticsUpload.objects.count(), StatisticsValue.objects.count()


def refused(cast, upload_file, today=TODAY) -> list[str]:
    """The problems of a refused upload, as the page lists them; nothing may have been saved."""
    before = counts()
    with pytest.raises(StatisticsRefused) as caught:
        statistics_upload(jurisdiction=cast.jurisdiction, actor=cast.office, file=upload_file, today=today)
    assert counts() == before
    return [str(problem) for problem in caught.value.problems]


def upload(cast, upload_file, today=TODAY) -> StatisticsUpload:
    return statistics_upload(jurisdiction=cast.jurisdiction, actor=cast.office, file=upload_file, today=today)


def status_of(target) -> TargetStatus:
    return target_status(target, measurements=list(target.indicator.measurements.all()), as_of=AS_OF)


# Saving ----------------------------------------------------------------------------------------


def test_an_official_figure_moves_a_target_from_awaiting_data_to_met(cast, growth):
    # given a target fed by statistics, with nothing published yet
    assert status_of(growth) == TargetStatus.AWAITING_DATA
    # when the office uploads the October figure
    saved = upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7.2, "市统计局", ""]]))
    # then the measurement is written as a confirmed official figure, for the reporting department
    measurement = Measurement.objects.get(indicator=growth.indicator)
    assert (measurement.period_start, measurement.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert measurement.value == Decimal("7.2")
    assert measurement.confirmed and measurement.source == Indicator.Source.STATISTICS
    assert measurement.department == cast.department
    assert (saved.row_count, saved.replaced_count, saved.file_name) == (1, 0, "统计数据.xlsx")
    assert saved.uploaded_by == cast.office
    row = saved.values.get()
    assert (row.row, row.value, row.previous_value, row.source) == (2, Decimal("7.2"), None, "市统计局")
    assert status_of(growth) == TargetStatus.MET


def test_a_low_official_figure_puts_the_target_off_track(cast, growth):
    upload(cast, sheet([["规模以上工业增加值增速", "甲市", "2026-10", 4, "", ""]]))
    assert status_of(growth) == TargetStatus.OFF_TRACK


def test_a_reupload_replaces_the_measurement_and_keeps_the_earlier_row_as_history(cast, growth):
    # given an upload of October and September
    first = upload(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "", "2026年10月", 5.0, "初步数", ""],
                ["规模以上工业增加值增速", "", "2026年9月", 5.5, "", ""],
            ]
        ),
    )
    fingerprint = dashboard_data_fingerprint()
    recorded = Measurement.objects.get(
        indicator=growth.indicator, period_end=dt.date(2026, 10, 31)
    ).recorded_at
    # when the revised October figure is uploaded
    second = upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 6.4, "修订数", ""]]))
    # then the measurement holds the new value, and the new row the one it replaced
    october = Measurement.objects.get(indicator=growth.indicator, period_end=dt.date(2026, 10, 31))
    assert october.value == Decimal("6.4") and october.recorded_at > recorded
    assert (second.row_count, second.replaced_count) == (1, 1)
    assert second.values.get().previous_value == Decimal("5.0")
    # the first upload's rows stay as history, and September is untouched
    assert list(first.values.order_by("row").values_list("value", "source")) == [
        (Decimal("5.0"), "初步数"),
        (Decimal("5.5"), ""),
    ]
    assert Measurement.objects.get(
        indicator=growth.indicator, period_end=dt.date(2026, 9, 30)
    ).value == Decimal("5.5")
    assert (
        StatisticsValue.objects.filter(indicator=growth.indicator, period_end=dt.date(2026, 10, 31)).count()
        == 2
    )
    # and the dashboards renew (their fingerprint reads the measurements' latest change)
    assert dashboard_data_fingerprint() != fingerprint


def test_the_upload_replaces_a_departments_reported_figure_and_records_it(cast, growth):
    Measurement.objects.create(
        indicator=growth.indicator,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        value=Decimal("8.0"),
        department=cast.department,
    )
    saved = upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 6.1, "", ""]]))
    assert saved.replaced_count == 1 and saved.values.get().previous_value == Decimal("8.0")
    measurement = Measurement.objects.get(indicator=growth.indicator)
    assert (measurement.value, measurement.source, measurement.confirmed) == (
        Decimal("6.1"),
        Indicator.Source.STATISTICS,
        True,
    )


def test_the_department_is_the_rows_own_or_else_the_indicators_reporting_department(cast, growth, trademarks):
    # given 市住建局 also known as 住房城乡建设局
    DepartmentAlias.objects.create(department=cast.other_department, name="市住房城乡建设局")
    saved = upload(
        cast,
        sheet(
            [
                ["新申请国内注册商标", "住房城乡建设局", "2026年1月", 120, "", ""],  # alias, no prefix
                ["新申请国内注册商标", "甲市", "2026年2月", 130, "", ""],  # the jurisdiction itself
                ["新申请国内注册商标", "", "2026年3月", 140, "", ""],  # blank
                ["新申请国内注册商标", "市市场监管局", "2026年4月", 150, "", ""],
            ]
        ),
    )
    by_month = {m.period_end.month: m.department for m in Measurement.objects.filter(indicator=trademarks)}
    assert by_month == {
        1: cast.other_department,
        2: cast.other_department,
        3: cast.other_department,
        4: cast.department,
    }
    assert [v.department for v in saved.values.order_by("row")] == [
        cast.other_department,
        None,
        None,
        cast.department,
    ]


def test_the_upload_is_in_the_audit_trail(cast, growth):
    saved = upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]]))
    event = AuditEvent.objects.get(action="statistics.upload")
    assert (event.actor, event.jurisdiction, event.object_id) == (
        cast.office,
        cast.jurisdiction,
        str(saved.pk),
    )
    assert event.summary == "上传统计数据“统计数据.xlsx”：1行，替换原有数据0行"
    assert event.after == {"file": "统计数据.xlsx", "rows": 1, "replaced": 0}


def test_the_uploaded_file_is_kept_in_private_storage(cast, growth, tmp_path):
    upload_file = sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]])
    saved = upload(cast, upload_file)
    assert saved.file.name.startswith(f"{dt.date.today():%Y/%m}/")
    stored = tmp_path / "statistics" / saved.file.name
    assert stored.read_bytes() == upload_file.file.getvalue()


# Reading cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("2026年10月", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("2026.10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("２０２６年１０月份", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026年三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026年上半年", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026年下半年", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        ("2025年", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (2025, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2026年1-9月", dt.date(2026, 1, 1), dt.date(2026, 9, 30)),
        (2026.05, dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        (dt.datetime(2026, 2, 14), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ],
)
def test_periods_are_read_as_offices_write_them(written, start, end):
    assert statistics_period(written) == (start, end)


@pytest.mark.parametrize(
    ("written", "why"),
    [
        (2026.1, "分不清是1月还是10月"),
        ("十月", "无法识别“十月”"),
        ("2026年13月", "月份不正确"),
        ("1900年", "年份1900不在1949至2100之间"),
        (None, "未填写"),
    ],
)
def test_unreadable_periods_say_why(written, why):
    with pytest.raises(statistics.PeriodUnreadable, match=why):
        statistics_period(written)


@pytest.mark.parametrize(
    ("cell", "number_format", "unit", "value"),
    [
        (93.5, "General", "%", Decimal("93.5")),
        ("1,234.5", "General", "件", Decimal("1234.5")),
        ("93.5%", "General", "%", Decimal("93.5")),
        ("９３．５％", "General", "%", Decimal("93.5")),
        (0.935, "0.0%", "%", Decimal("93.5")),
        ("2500件", "General", "件", Decimal("2500")),
        (1.234567, "General", "", Decimal("1.2346")),
        ("-3", "General", "", Decimal("-3")),
    ],
)
def test_numbers_are_read_as_written(cell, number_format, unit, value):
    assert statistics_value(cell, number_format=number_format, unit=unit) == value


@pytest.mark.parametrize(
    ("cell", "number_format", "unit", "why"),
    [
        ("暂无", "General", "%", "“暂无”不是数值"),
        ("—", "General", "%", "“—”不是数值"),
        ("93.5%", "General", "件", "数值是百分比，但该指标的单位是“件”"),
        (0.5, "0%", "个", "数值是百分比"),
        (dt.datetime(2026, 1, 1), "yyyy-mm-dd", "", "不是数值"),
        (1e20, "General", "", "数值过大"),
        ("", "General", "", "未填写数值"),
    ],
)
def test_text_and_misfits_in_the_number_column_are_refused(cell, number_format, unit, why):
    with pytest.raises(statistics.ValueUnreadable, match=why):
        statistics_value(cell, number_format=number_format, unit=unit)


def test_a_percent_formatted_cell_is_read_in_points(cast, growth):
    upload(
        cast,
        sheet(
            [["规模以上工业增加值增速", "", "2026年10月", 0.072, "", ""]],
            formats={(0, 3): "0.0%"},
        ),
    )
    assert Measurement.objects.get(indicator=growth.indicator).value == Decimal("7.2")


def test_header_names_are_tolerant_a_title_may_sit_above_and_extra_columns_are_ignored(cast, growth):
    # given the office's own sheet: a title, then 序号 / 指标名称 / 统计期 / 值（%）/ 来源 / 填表人
    saved = upload(
        cast,
        sheet(
            [[1, " 规模以上工业 增加值增速 ", "2026年9月", 6.6, "市统计局", "张三"]],
            header=["序号", "指标名称", "统计期", "值（%）", "来源", "填表人"],
            above=[["甲市2026年统计数据"], []],
        ),
    )
    # then the indicator is found despite the spaces, the row numbered as in the sheet
    row = saved.values.get()
    assert (row.row, row.indicator_id, row.value, row.source) == (
        4,
        growth.indicator_id,
        Decimal("6.6"),
        "市统计局",
    )


def test_the_indicator_may_be_named_with_its_unit_where_two_share_a_name(cast, growth):
    IndicatorFactory(jurisdiction=cast.jurisdiction, name="规模以上工业增加值增速", unit="亿元")
    problems = refused(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]]))
    assert problems == [
        "第2行「指标」：“规模以上工业增加值增速”对应多个指标（单位分别为%、亿元）：请写成“指标名称（单位）”"
    ]
    saved = upload(cast, sheet([["规模以上工业增加值增速（%）", "", "2026年10月", 7, "", ""]]))
    assert saved.values.get().indicator_id == growth.indicator_id


def test_the_downloaded_template_uploads_once_the_example_row_is_replaced(client, cast, growth):
    client.force_login(cast.office)
    response = client.get(reverse("reports:statistics_template"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "%E7%BB%9F%E8%AE%A1%E6%95%B0%E6%8D%AE" in response["Content-Disposition"]  # 统计数据
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book.active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_at = next(k for k, row in enumerate(rows) if row[0] == "指标")
    assert rows[header_at] == HEADER
    example = rows[header_at + 1]
    assert example[0] == "（示例）规模以上工业增加值增速" and example[3] == 93.5
    # as downloaded, the example row is refused (it names no indicator), nothing saved
    as_downloaded = io.BytesIO(response.content)
    problems = refused(cast, SimpleUploadedFile("模板.xlsx", as_downloaded.getvalue()))
    assert problems == [
        f"第{header_at + 2}行「指标」：本行政区没有名为“（示例）规模以上工业增加值增速”的指标"
    ]
    # filled in, it uploads
    ws.cell(row=header_at + 2, column=1).value = "规模以上工业增加值增速"
    ws.cell(row=header_at + 2, column=3).value = "2026年10月"
    filled = io.BytesIO()
    book.save(filled)
    saved = upload(cast, SimpleUploadedFile("模板.xlsx", filled.getvalue()))
    assert saved.values.get().value == Decimal("93.5")


# Bad input: every problem listed by row and column, nothing saved -----------------------------


def test_an_unknown_indicator_is_refused(cast, growth):
    assert refused(cast, sheet([["工业增加值增速（错字）", "", "2026年10月", 7, "", ""]])) == [
        "第2行「指标」：本行政区没有名为“工业增加值增速（错字）”的指标"
    ]


def test_another_jurisdictions_indicator_is_unknown_here(cast, growth):
    IndicatorFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市专有指标")
    assert refused(cast, sheet([["乙市专有指标", "", "2026年10月", 7, "", ""]])) == [
        "第2行「指标」：本行政区没有名为“乙市专有指标”的指标"
    ]


def test_a_department_of_another_jurisdiction_is_refused(cast, growth):
    DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市统计局")
    problems = refused(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "乙市统计局", "2026年10月", 7, "", ""],
                ["规模以上工业增加值增速", "乙市", "2026年9月", 7, "", ""],
                ["规模以上工业增加值增速", "火星局", "2026年8月", 7, "", ""],
            ]
        ),
    )
    assert problems == [
        "第2行「行政区或部门」：“乙市统计局”属于其他行政区（乙市），不能上传到甲市",
        "第3行「行政区或部门」：“乙市”属于其他行政区（乙市），不能上传到甲市",
        "第4行「行政区或部门」：本行政区没有名为“火星局”的部门",
    ]


def test_a_period_not_yet_ended_is_refused(cast, growth):
    problems = refused(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "", "2026年12月", 7, "", ""],
                ["规模以上工业增加值增速", "", "2026年第四季度", 7, "", ""],
                ["规模以上工业增加值增速", "", "2027年", 7, "", ""],
            ]
        ),
    )
    assert problems == [
        "第2行「期间」：2026年12月尚未结束（2026年12月31日截止），不能上传未来期间的数据",
        "第3行「期间」：2026年第四季度尚未结束（2026年12月31日截止），不能上传未来期间的数据",
        "第4行「期间」：2027年尚未结束（2027年12月31日截止），不能上传未来期间的数据",
    ]


def test_text_in_the_number_column_is_refused(cast, growth):
    assert refused(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", "约七个百分点", "", ""]])) == [
        "第2行「数值」：“约七个百分点”不是数值"
    ]


def test_duplicated_rows_are_refused_naming_both_rows(cast, growth):
    problems = refused(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "", "2026年10月", 7, "", ""],
                ["规模以上工业增加值增速", "", "2026年9月", 7, "", ""],
                ["规模以上工业增加值增速", "", "2026-10", 7.1, "", ""],
            ]
        ),
    )
    assert problems == ["第4行「期间」：与第2行重复：“规模以上工业增加值增速”2026年10月出现两次"]


def test_a_month_and_a_quarter_closing_the_same_day_are_refused(cast, growth):
    # one measurement per indicator and closing date: September and the third quarter collide
    problems = refused(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "", "2026年9月", 7, "", ""],
                ["规模以上工业增加值增速", "", "2026年第三季度", 7, "", ""],
            ]
        ),
    )
    assert problems == [
        "第3行「期间」：与第2行同为2026年9月30日截止：“规模以上工业增加值增速”同一截止日只能有一个数值（如9月与第三季度）"
    ]


def test_every_problem_of_every_row_is_listed_in_order(cast, growth):
    problems = refused(
        cast,
        sheet(
            [
                ["规模以上工业增加值增速", "", "2026年10月", 7, "", ""],
                ["", "", "下个月", "多", "", ""],
                ["不存在的指标", "", "2026年10月", 7, "x" * 201, ""],
            ]
        ),
    )
    assert problems == [
        "第3行「指标」：未填写指标名称",
        "第3行「期间」：无法识别“下个月”：请写成2026年10月、2026年第三季度、2026年上半年或2026年",
        "第3行「数值」：“多”不是数值",
        "第4行「指标」：本行政区没有名为“不存在的指标”的指标",
        "第4行「数据来源」：不超过200字",
    ]


def test_a_missing_required_column_is_named(cast, growth):
    problems = refused(
        cast,
        sheet([["规模以上工业增加值增速", "2026年10月"]], header=["指标", "期间"]),
    )
    assert problems == ["缺少必填列「数值」：表头应有“指标”“期间”“数值”三列（行政区或部门、数据来源可选）"]


def test_a_sheet_without_a_header_is_refused(cast, growth):
    assert refused(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7]], header=None)) == [
        "找不到表头：前10行中没有“指标”“期间”“数值”等列名（请用下载的模板填写）"
    ]


def test_an_empty_workbook_and_a_header_alone_are_refused(cast, growth):
    assert refused(cast, sheet([], header=None)) == ["表格是空的：没有表头，也没有数据"]
    assert refused(cast, sheet([["", "", "", None]])) == ["没有数据行：表头下面没有填写任何数据"]


def test_more_than_fifty_thousand_rows_is_one_message(cast, growth):
    book = Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append(["指标", "期间", "数值"])
    for _n in range(MAX_ROWS + 1):
        ws.append(["规模以上工业增加值增速", "2026年10月", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    assert refused(cast, SimpleUploadedFile("很大.xlsx", buffer.getvalue())) == [
        "数据超过50000行（第50002行已是第50001条数据）：请拆分成多个文件分别上传"
    ]


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("统计数据.xlsx", "指标,期间,数值\n增速,2026年10月,7\n".encode(), "不是有效的Excel（.xlsx）文件"),
        ("统计数据.csv", "指标,期间,数值\n增速,2026年10月,7\n".encode(), "是 CSV 文本文件，不是 Excel 表格"),
        ("统计数据.txt", "指标 期间 数值".encode(), "不被接受：只接受Excel（.xlsx）"),
        ("统计数据.docx", b"PK\x03\x04broken", "不是有效的Word（.docx）文件"),
        (
            "统计数据.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "Workbook".encode("utf-16-le"),
            "请另存为 .xlsx",
        ),
        ("统计数据.xlsx", b"", "是空文件"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_with_a_clear_message(cast, growth, name, content, why):
    before = counts()
    with pytest.raises(statistics.ApplicationError, match=why):
        upload(cast, SimpleUploadedFile(name, content))
    assert counts() == before


def test_a_file_over_the_upload_limit_is_refused(cast, growth, monkeypatch):
    monkeypatch.setattr(statistics, "STATISTICS_MAX_BYTES", 1024)
    before = counts()
    with pytest.raises(statistics.ApplicationError, match="文件超过1.0KB"):
        upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]]))
    assert counts() == before


def test_only_the_office_uploads(cast, growth):
    from django.core.exceptions import PermissionDenied

    for actor in (cast.leader, cast.liaison, cast.outsider_office):
        with pytest.raises(PermissionDenied):
            statistics_upload(
                jurisdiction=cast.jurisdiction,
                actor=actor,
                file=sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]]),
                today=TODAY,
            )
    assert counts() == (0, 0, 0)


# A department's report does not overwrite the official figure ---------------------------------


def test_a_departments_report_does_not_overwrite_an_official_figure(cast, period, rated):
    # given the official November figure of the rated indicator, and another indicator the
    # department reports itself
    own = IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="质量投诉处理率", unit="%", reporting_department=cast.department
    )
    TargetFactory(task=cast.task, indicator=own, comparator=">=", value=90)
    from reports.services import period_open

    period_open(period=period)
    upload(cast, sheet([["制造业监督抽查合格率", "", "2026年11月", 94.1, "市统计局", ""]]))
    # when the department submits and the office approves its November report
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entries = {e.pk: {"progress": "完成抽查", "version": e.version} for e in report.entries.all()}
    values = {v.pk: {"value": "95", "version": v.version} for v in report.values.all()}
    assert report_save_draft(report=report, actor=cast.liaison, entries=entries, values=values).ok
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))
    report_sign_off(report=report, actor=cast.head)
    report_approve(report=report, actor=cast.office)
    # then the official figure stands, and the department's own indicator takes its report
    official = Measurement.objects.get(indicator=rated, period_end=period.end)
    assert (official.value, official.source) == (Decimal("94.1"), Indicator.Source.STATISTICS)
    reported = Measurement.objects.get(indicator=own, period_end=period.end)
    assert (reported.value, reported.source, reported.confirmed) == (
        Decimal("95"),
        Indicator.Source.REPORTED,
        True,
    )
    # and the report keeps the value the department typed
    assert report.values.get(indicator=rated).value == Decimal("95")


# Queries ---------------------------------------------------------------------------------------


def test_the_upload_takes_the_same_few_queries_for_20_rows_as_for_200(
    cast, growth, django_assert_max_num_queries
):
    def rows(n, year):
        return [
            ["规模以上工业增加值增速", "市市场监管局", f"{year - k // 12}年{k % 12 + 1}月", k, "", ""]
            for k in range(n)
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        upload(cast, sheet(rows(20, 2025)))
    # Savepoint and release, the actor's roles, the indicators, the departments and their
    # aliases, the measurements locked, the upload, its rows, the measurements' upsert, the
    # audit row: 11, whatever the rows (a batch of 2,000 rows is one insert).
    with django_assert_max_num_queries(11):
        upload(cast, sheet(rows(200, 2024)))
    assert len(small.captured_queries) == 11


def test_the_list_page_takes_a_fixed_number_of_queries(client, cast, growth, django_assert_max_num_queries):
    for month in range(1, 6):
        upload(cast, sheet([["规模以上工业增加值增速", "", f"2026年{month}月", month, "", ""]]))
    client.force_login(cast.office)
    # Session, user, roles, the jurisdiction, the office's jurisdictions for the form, the
    # count and the page of uploads (with who uploaded each), the navigation's unread count,
    # and the session's save (savepoint, update, release): 11 however many uploads.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reports:statistics_list"))
    assert response.status_code == 200
    assert response.content.decode().count("统计数据.xlsx") == 5


def test_the_detail_page_takes_a_fixed_number_of_queries(client, cast, growth, django_assert_max_num_queries):
    saved = upload(
        cast,
        sheet([["规模以上工业增加值增速", "市市场监管局", f"2025年{m}月", m, "", ""] for m in range(1, 13)]),
    )
    client.force_login(cast.office)
    # Session, user, the upload (with its jurisdiction and uploader), roles, the count and the
    # page of rows (with indicators and departments), the unread count, the session's save.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:statistics_detail", args=[saved.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("市市场监管局") >= 12


# Pages -----------------------------------------------------------------------------------------


def test_the_office_uploads_through_the_page_and_reads_the_rows(client, cast, growth):
    client.force_login(cast.office)
    # the page shows the form and the template link
    page = client.get(reverse("reports:statistics_list")).content.decode()
    assert 'enctype="multipart/form-data"' in page and reverse("reports:statistics_template") in page
    # a first upload, then a revision of October
    client.post(
        reverse("reports:statistics_upload"),
        {
            "jurisdiction": cast.jurisdiction.pk,
            "file": sheet([["规模以上工业增加值增速", "", "2026年10月", 5.1, "", ""]]),
        },
    )
    response = client.post(
        reverse("reports:statistics_upload"),
        {
            "jurisdiction": cast.jurisdiction.pk,
            "file": sheet(
                [["规模以上工业增加值增速", "", "2026年10月", 6.3, "修订", ""]], name="十月修订.xlsx"
            ),
        },
    )
    saved = StatisticsUpload.objects.get(file_name="十月修订.xlsx")
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:statistics_detail", args=[saved.pk]
    )
    # the detail shows the previous value and the new one
    detail = client.get(response["Location"]).content.decode()
    assert "5.1" in detail and "6.3%" in detail and "2026年10月" in detail and "修订" in detail
    # the list shows both uploads, newest first, with the time in Beijing
    listing = client.get(reverse("reports:statistics_list")).content.decode()
    assert listing.index("十月修订.xlsx") < listing.index("统计数据.xlsx")
    beijing = saved.uploaded_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f"{beijing.year}年{beijing.month}月{beijing.day}日 {beijing:%H:%M}" in listing
    # and the file as uploaded can be downloaded
    download = client.get(reverse("reports:statistics_file", args=[saved.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_a_refused_upload_shows_every_problem_as_a_table_and_keeps_the_form(client, cast, growth):
    client.force_login(cast.office)
    response = client.post(
        reverse("reports:statistics_upload"),
        {
            "jurisdiction": cast.jurisdiction.pk,
            "file": sheet(
                [
                    ["规模以上工业增加值增速", "", "2026年10月", "七", "", ""],
                    ["没有的指标", "", "2026年10月", 7, "", ""],
                ]
            ),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "发现2处问题，未保存任何数据" in page
    assert "<th>行</th><th>列</th><th>问题</th>" in page
    assert '<td class="num">2</td><td>数值</td><td>“七”不是数值</td>' in page
    assert '<td class="num">3</td><td>指标</td><td>本行政区没有名为“没有的指标”的指标</td>' in page
    assert 'type="file"' in page and 'name="jurisdiction"' in page
    assert counts() == (0, 0, 0)


def test_a_page_upload_of_something_else_says_so_beside_the_file(client, cast, growth):
    client.force_login(cast.office)
    response = client.post(
        reverse("reports:statistics_upload"),
        {"jurisdiction": cast.jurisdiction.pk, "file": SimpleUploadedFile("数据.txt", "增速 7".encode())},
    )
    assert response.status_code == 400
    assert "“数据.txt”的类型（文本（.txt））不被接受：只接受Excel（.xlsx）" in response.content.decode()
    response = client.post(reverse("reports:statistics_upload"), {"jurisdiction": cast.jurisdiction.pk})
    assert response.status_code == 400 and "请选择要上传的 Excel 文件" in response.content.decode()


# Who may do what -------------------------------------------------------------------------------


@pytest.fixture
def saved(cast, growth):
    return upload(cast, sheet([["规模以上工业增加值增速", "", "2026年10月", 7, "", ""]]))


@pytest.mark.parametrize("who", ["liaison", "head"])
def test_department_people_are_refused_every_statistics_page(client, cast, saved, who):
    client.force_login(getattr(cast, who))
    for url in (
        reverse("reports:statistics_list"),
        reverse("reports:statistics_template"),
        reverse("reports:statistics_detail", args=[saved.pk]),
        reverse("reports:statistics_file", args=[saved.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("reports:statistics_upload"),
        {
            "jurisdiction": cast.jurisdiction.pk,
            "file": sheet([["规模以上工业增加值增速", "", "2026年9月", 7, "", ""]]),
        },
    )
    assert response.status_code == 403
    assert StatisticsUpload.objects.count() == 1


def test_a_leader_reads_but_does_not_upload(client, cast, saved):
    client.force_login(cast.leader)
    page = client.get(reverse("reports:statistics_list"))
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    assert client.get(reverse("reports:statistics_detail", args=[saved.pk])).status_code == 200
    assert client.get(reverse("reports:statistics_file", args=[saved.pk])).status_code == 200
    assert client.get(reverse("reports:statistics_template")).status_code == 403
    response = client.post(
        reverse("reports:statistics_upload"),
        {
            "jurisdiction": cast.jurisdiction.pk,
            "file": sheet([["规模以上工业增加值增速", "", "2026年9月", 7, "", ""]]),
        },
    )
    assert response.status_code == 403
    assert StatisticsUpload.objects.count() == 1


def test_another_jurisdictions_office_cannot_see_the_upload(client, cast, saved):
    client.force_login(cast.outsider_office)
    assert client.get(reverse("reports:statistics_detail", args=[saved.pk])).status_code == 404
    assert client.get(reverse("reports:statistics_file", args=[saved.pk])).status_code == 404
    # its own list is its own jurisdiction's, even when it asks for another
    page = client.get(
        reverse("reports:statistics_list"), {"jurisdiction": cast.jurisdiction.pk}
    ).content.decode()
    assert "乙市统计数据" in page and "统计数据.xlsx" not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, saved):
    for url in (
        reverse("reports:statistics_list"),
        reverse("reports:statistics_template"),
        reverse("reports:statistics_detail", args=[saved.pk]),
        reverse("reports:statistics_file", args=[saved.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("reports:statistics_upload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The bench figure ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bench_figure_times_a_sheet_of_past_months_and_leaves_the_bench_world_as_it_was(tmp_path):
    from bench.data import Scale, seed_large
    from bench.statistics import time_statistics_upload
    from bench.world import bench_jurisdictions

    # given a small bench world with three closed months of reports
    seed_large(Scale(jurisdictions=1, departments=5, tasks=10, targets=20, sections=2, months=3))
    jurisdiction = bench_jurisdictions().get()
    before = list(Measurement.objects.order_by("pk").values_list("pk", "value", "source"))
    # when 100 rows (20 indicators × 5 past months) are timed
    figures = time_statistics_upload(jurisdiction=jurisdiction, rows=100)
    # then every row was saved, replacing the months with reports, and all of it rolled back
    assert figures["statistics_upload_rows"] == 100
    assert figures["statistics_upload_rows_per_s"] > 0
    assert 0 < figures["statistics_upload_replaced"] <= 100
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value", "source")) == before
    assert counts()[1:] == (0, 0)
    assert not [p for p in (tmp_path / "statistics").rglob("*") if p.is_file()]


def test_a_period_reads_as_each_language_writes_it():
    """2026年第三季度 and 2026年10月 in Chinese; Q3 2026 and October 2026 in English (not 2026-Q三)."""
    from django.utils import translation

    from reports.statistics import period_label

    quarter, month = (
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    )
    with translation.override("zh-hans"):
        assert [period_label(*quarter), period_label(*month)] == ["2026年第三季度", "2026年10月"]
    with translation.override("en"):
        assert [period_label(*quarter), period_label(*month)] == ["Q3 2026", "October 2026"]
