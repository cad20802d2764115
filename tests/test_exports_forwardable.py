"""Every list export of the portal is a file people forward: the dashboard's four lists named in
Chinese with an ASCII fallback, titled with their period and filters, A4 landscape one page
wide, header repeated, columns as wide as their content, numbers as numbers in fixed formats,
times in Beijing time, no link-only column; and in every export (dashboards, contact list,
decomposition table, assessment workbook) a name that starts with =, +, - or @ is text."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from assessment.compile import assessment_compile
from assessment.exporters import assessment_render
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months
from assessment.tests.assessment_data import submit as assessment_submit
from dashboards.tests.test_dashboard import TODAY, programme  # noqa: F401  # the fixture
from plandocs.exporters.decomposition import TaskDecompositionExporter
from programmes.models import Task
from qualitycity.exporters.xlsx import fit_width
from reports.models import DepartmentReport
from responsibilities.exporters import ContactListExporter
from responsibilities.models import Membership, Role

HOSTILE = ("=1+1", "+8613800000000", "-1", "@SUM(A1)")


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def texts(ws) -> dict[str, object]:
    """Every non-empty cell by its text, to find a value's cell."""
    return {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.fixture
def hostile_programme(cast, programme):  # noqa: F811
    """The programme, its names made hostile: a task =1+1, an indicator +86…, a department -1,
    and 市市场监管局's October report submitted on 6 November 23:27 UTC (7 November in Beijing)."""
    Task.objects.filter(pk=programme["delayed"].pk).update(title="=1+1")
    indicator = programme["going"].targets.order_by("position").first().indicator
    indicator.name = "+8613800000000"
    indicator.save(update_fields=["name"])
    programme["education"].name = "-1"
    programme["education"].save(update_fields=["name"])
    DepartmentReport.objects.filter(period=programme["period"], department=cast.department).update(
        submitted_at=dt.datetime(2026, 11, 6, 23, 27, tzinfo=dt.UTC)
    )
    return programme


def export(client, cast, url, **params):
    client.force_login(cast.office)
    with timezone.override("Asia/Shanghai"):
        response = client.get(url, {"_export": "xlsx", **params})
    assert response.status_code == 200
    return response


LISTS = {
    "/dashboard/tasks/": ("dashboard-tasks-2026-10.xlsx", "甲市任务清单.xlsx"),
    "/dashboard/targets/": ("dashboard-targets-2026-10.xlsx", "甲市指标清单.xlsx"),
    "/dashboard/reports/": ("dashboard-reports-2026-10.xlsx", "甲市2026年10月报送情况.xlsx"),
    "/dashboard/departments/": ("dashboard-ranking-2026-10.xlsx", "甲市2026年部门按时报送排名.xlsx"),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_each_list_downloads_under_its_chinese_name_with_an_ascii_fallback(
    client, cast, hostile_programme, url
):
    # when the office exports the list
    response = export(client, cast, url, period=hostile_programme["period"].pk)
    # then the header names the file plainly, never MIME-encoded
    fallback, name = LISTS[url]
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    assert "=?utf-8?" not in response["Content-Disposition"]


@pytest.mark.parametrize("url", list(LISTS))
def test_each_list_is_titled_with_its_period_and_filters_and_prints_landscape_one_page_wide(
    client, cast, hostile_programme, url
):
    # when the office exports the list filtered to 市市场监管局
    response = export(client, cast, url, period=hostile_programme["period"].pk, department=cast.department.pk)
    ws = workbook(response).active
    # then the sheet is named after the list, the title row names the jurisdiction and the list,
    # the second row the filter and the period
    assert ws.title != "Export Data"
    assert ws["A1"].value.startswith("甲市")
    subtitle = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "责任部门 市市场监管局" in subtitle
    assert ("年度：2026年" if "departments" in url else "报送期：2026年10月") in subtitle
    # and it prints on A4 landscape, one page wide, the header row repeated
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$3:$3"
    # and every column is at least as wide as its header and its longest line (CJK double),
    # up to the wrapping ceiling, with wrapped text
    for column in ws.iter_cols(min_row=3):
        letter = column[0].column_letter
        width = ws.column_dimensions[letter].width
        assert width >= 6
        for cell in column:
            if isinstance(cell.value, str):
                assert width >= min(48, fit_width(cell.value) + 2), (letter, cell.value, width)
    assert ws["A3"].alignment.wrap_text is True
    # and no column holds only a link's word
    assert "查看" not in texts(ws)


def test_the_summary_pdf_downloads_under_its_chinese_name_with_an_ascii_fallback(
    client, cast, hostile_programme
):
    client.force_login(cast.leader)
    response = client.get("/dashboard/summary.pdf", {"period": hostile_programme["period"].pk})
    name = "甲市质量强市工作进展摘要（2026年10月）.pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"dashboard-summary.pdf\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def test_the_report_list_gives_submit_times_in_beijing_as_dates_and_no_link_column(
    client, cast, hostile_programme
):
    ws = workbook(export(client, cast, "/dashboard/reports/", period=hostile_programme["period"].pk)).active
    header = [c.value for c in ws[3]]
    assert header == ["部门", "报送情况", "月报状态", "提交时间"]
    market = texts(ws)["市市场监管局"]
    submitted = ws.cell(row=market.row, column=4)
    # 23:27 UTC on the 6th is 07:27 on the 7th in Beijing, stored as a date-time
    assert submitted.value == dt.datetime(2026, 11, 7, 7, 27)
    assert submitted.number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert submitted.is_date


def test_the_ranking_gives_counts_as_whole_numbers_and_the_rate_as_a_percentage(
    client, cast, hostile_programme
):
    ws = workbook(
        export(client, cast, "/dashboard/departments/", period=hostile_programme["period"].pk)
    ).active
    assert [c.value for c in ws[3]] == ["名次", "部门", "应报", "按时", "逾期", "未报", "按时报送率"]
    first = list(ws[4])
    assert first[0].value == 1 and first[0].data_type == "n" and first[0].number_format == "0"
    assert first[1].value == "市市场监管局"
    assert first[2].data_type == "n" and first[2].number_format == "0"
    # 市市场监管局 reported October on time: 100%, as the number 1 formatted 0.0%
    assert first[6].value == 1 and first[6].data_type == "n"
    assert first[6].number_format == "0.0%"


def test_the_target_list_gives_values_as_numbers_with_two_decimals_and_the_unit_apart(
    client, cast, hostile_programme
):
    ws = workbook(export(client, cast, "/dashboard/targets/", period=hostile_programme["period"].pk)).active
    header = [c.value for c in ws[3]]
    assert header[:5] == ["指标", "目标", "当前值", "按进度应达", "单位"]
    currents = [ws.cell(row=r, column=3) for r in range(4, ws.max_row + 1)]
    numbers = [c for c in currents if c.value is not None]
    assert numbers, "the programme has measured targets"
    assert all(c.data_type == "n" and c.number_format == "0.00" for c in numbers)
    # 0.25 measured for the stretch target is the number 0.25, not text
    assert 0.25 in [c.value for c in numbers]


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/dashboard/tasks/", "=1+1"),
        ("/dashboard/targets/", "+8613800000000"),
        ("/dashboard/reports/", "-1"),
        ("/dashboard/departments/", "-1"),
    ],
)
def test_a_name_starting_like_a_formula_is_text_in_each_dashboard_list(
    client, cast, hostile_programme, url, text
):
    ws = workbook(export(client, cast, url, period=hostile_programme["period"].pk)).active
    cell = texts(ws)[text]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix is True  # Excel keeps it text when the cell is edited


def test_a_name_starting_like_a_formula_is_text_in_the_contact_list(cast):
    # given liaisons whose names and phones start like formulas
    for k, text in enumerate(HOSTILE):
        user = type(cast.liaison).objects.create_user(username=f"h{k}", first_name=text)
        Membership.objects.create(
            user=user,
            jurisdiction=cast.jurisdiction,
            department=cast.department,
            role=Role.LIAISON,
            phone=text,
        )
    # when the contact list is exported
    ws = load_workbook(io.BytesIO(ContactListExporter(cast.jurisdiction).render("xlsx").data)).active
    # then each is the text typed
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if c.value in HOSTILE]
    # then each is the text typed, as the name and as the phone
    assert sorted(c.value for c in cells) == sorted(HOSTILE * 2)
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)


def test_a_task_starting_like_a_formula_is_text_in_the_decomposition_table(cast):
    for k, text in enumerate(HOSTILE):
        Task.objects.create(plan=cast.plan, heading=cast.task.heading, title=text, position=100 + k)
    ws = load_workbook(io.BytesIO(TaskDecompositionExporter(cast.plan).render("xlsx").data)).active
    found = texts(ws)
    for text in HOSTILE:
        assert found[text].data_type == "s"
        assert found[text].value == text
        assert found[text].quotePrefix is True


def test_a_department_starting_like_a_formula_is_text_in_the_assessment_workbook(cast, settings, tmp_path):
    # given a department named =1+1 that reported the quarter, and its results compiled
    settings.PRIVATE_ROOT = tmp_path
    cast.department.name = "=1+1"
    cast.department.save(update_fields=["name"])
    for period in months(cast, 1, 2, 3):
        assessment_submit(period, cast.department, rating=90)
    assessment = assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
    # when the workbook is rendered
    wb = load_workbook(io.BytesIO(assessment_render(assessment=assessment, extension="xlsx")))
    # then the name is text on the ranking, and the scores stay numbers
    ranking = wb.worksheets[0]
    cell = texts(ranking)["=1+1"]
    assert cell.data_type == "s"
    assert cell.value == "=1+1"
    assert cell.quotePrefix is True
    row = [c for c in ranking[cell.row] if c.column > cell.column and c.value is not None]
    assert any(c.data_type == "n" for c in row)


@pytest.mark.parametrize("url", list(LISTS))
def test_each_export_takes_the_same_number_of_queries_whatever_the_data_size(
    client, cast, hostile_programme, url
):
    # given the export measured on the programme, then again after it grew by 30 tasks, their
    # targets and 5 departments
    from dashboards.tests.test_dashboard import forget_cached_pages, grow

    export(client, cast, url)  # warm the session
    forget_cached_pages()
    with CaptureQueriesContext(connection) as small:
        export(client, cast, url)
    grow(cast, tasks=30, departments=5)
    forget_cached_pages()
    with CaptureQueriesContext(connection) as large:
        export(client, cast, url)
    # then the same count: the same queries as the list's page (session — read from the
    # database both times, the caches being emptied —, user, roles, filter choices, the
    # selection, the rows with their related rows prefetched) and the audit row, none per row
    assert len(small) == len(large)
