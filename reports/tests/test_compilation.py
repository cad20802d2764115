"""The 月度推进情况汇总表: its rows against data built for the test, its files' layout, its
queries, the job and who may ask for it and download it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programmes.models import Plan
from reports import tasks
from reports.compilation import LATE, MISSING, SUBMITTED, Section, TaskBlock, month_table
from reports.compilation_exporters import write_docx, write_xlsx
from reports.models import DepartmentReport, MonthlyCompilation
from reports.services import (
    period_open,
    report_approve,
    report_correct,
    report_save_draft,
    report_sign_off,
    report_submit,
)
from responsibilities.models import AuditEvent
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    HeadingFactory,
    TaskFactory,
)


def _fill(report, actor, texts: dict[int, tuple[str, str, str]], value=None):
    entries = {
        e.pk: {
            "progress": texts[e.task_id][0],
            "problems": texts[e.task_id][1],
            "next_steps": texts[e.task_id][2],
            "version": e.version,
        }
        for e in report.entries.all()
    }
    values = {v.pk: {"value": value, "version": v.version} for v in report.values.all()} if value else {}
    result = report_save_draft(report=report, actor=actor, entries=entries, values=values)
    assert result.ok, result.errors


@pytest.fixture
def world(cast, period, rated, other_liaison):
    """一、提升质量水平: 1 (市场监管局 leads, 住建局 joins, the rated indicator), 2 (住建局 leads,
    市场监管局 joins); 二、保障措施: 3 withdrawn, （一） led by 市统计局 who never submits.
    市场监管局 submits on time with 96.5%; 住建局 submits after the deadline."""
    plan = cast.plan
    HeadingFactory(plan=plan, number="一", path=["一"], title="提升质量水平", position=10)
    task1 = cast.task
    task1.number, task1.path, task1.position = "1", ["一", "1"], 20
    task1.save()
    task2 = TaskFactory(plan=plan, number="2", path=["一", "2"], title="加强工程质量监管", position=30)
    AssignmentFactory(task=task2, department=cast.other_department, role="lead")
    AssignmentFactory(task=task2, department=cast.department, role="participating")
    HeadingFactory(plan=plan, number="二", path=["二"], title="保障措施", position=40)
    withdrawn = TaskFactory(
        plan=plan,
        number="3",
        path=["二", "3"],
        title="已撤销的旧任务",
        position=50,
        withdrawn_at=timezone.now(),
    )
    AssignmentFactory(task=withdrawn, department=cast.department)
    statistics = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市统计局", code="tjj")
    task4 = TaskFactory(plan=plan, number="(一)", path=["二", "(一)"], title="完善统计监测", position=60)
    AssignmentFactory(task=task4, department=statistics)
    period_open(period=period)

    market = DepartmentReport.objects.get(period=period, department=cast.department)
    _fill(
        market,
        cast.liaison,
        {
            task1.pk: ("完成监督抽查120批次", "抽查经费不足", "12月开展专项抽查"),
            task2.pk: ("配合检查工地8个", "", "继续配合"),
        },
        value="96.5",
    )
    report_submit(report=market, actor=cast.liaison, today=period.deadline)
    housing = DepartmentReport.objects.get(period=period, department=cast.other_department)
    _fill(
        housing,
        other_liaison,
        {
            task1.pk: ("住建局完成工程质量检查", "", ""),
            task2.pk: ("检查在建工程35项", "部分工地整改慢", "年底前复查"),
        },
    )
    report_submit(report=housing, actor=other_liaison, today=period.deadline + dt.timedelta(days=2))
    return {"period": period, "plan": plan, "tasks": (task1, task2, withdrawn, task4)}


def _blocks(table):
    return [row for row in table.rows if isinstance(row, TaskBlock)]


def test_rows_follow_the_printed_order_with_headings_as_sections_and_no_withdrawn_task(world):
    table = month_table(period=world["period"], plan=world["plan"])
    shape = [(r.label,) if isinstance(r, Section) else (r.number, r.title) for r in table.rows]
    assert shape == [
        ("一、提升质量水平",),
        ("1", "加强制造业质量提升"),
        ("2", "加强工程质量监管"),
        ("二、保障措施",),
        ("（一）", "完善统计监测"),
    ]
    assert table.title == "甲市质量强市工作月度推进情况汇总表（2026年11月）"


def test_each_task_has_the_lead_entry_then_the_participants_parts_with_late_and_missing_marked(world):
    first, second, third = _blocks(month_table(period=world["period"], plan=world["plan"]))
    lead, part = first.parts
    assert (lead.department, lead.role, lead.state) == ("市市场监管局", "lead", SUBMITTED)
    assert (lead.progress, lead.problems, lead.next_steps) == (
        "完成监督抽查120批次",
        "抽查经费不足",
        "12月开展专项抽查",
    )
    assert (part.department, part.role, part.state, part.progress) == (
        "市住建局",
        "participating",
        LATE,
        "住建局完成工程质量检查",
    )
    assert [(p.department, p.role, p.state) for p in second.parts] == [
        ("市住建局", "lead", LATE),
        ("市市场监管局", "participating", SUBMITTED),
    ]
    assert [(p.department, p.state, p.progress) for p in third.parts] == [("市统计局", MISSING, "")]


def test_the_indicator_carries_the_periods_value_and_its_status(world):
    first = _blocks(month_table(period=world["period"], plan=world["plan"]))[0]
    (line,) = first.indicators
    assert (line.name, line.commitment, line.value, line.status, line.status_label) == (
        "制造业监督抽查合格率",
        "≥ 93%",
        "96.5%",
        "met",
        "已达标",
    )


def test_a_correction_in_draft_leaves_the_approved_version_in_the_table(world, cast):
    market = DepartmentReport.objects.get(period=world["period"], department=cast.department)
    report_sign_off(report=market, actor=cast.head)
    report_approve(report=market, actor=cast.office)
    report_correct(report=DepartmentReport.objects.get(pk=market.pk), actor=cast.liaison)
    lead = _blocks(month_table(period=world["period"], plan=world["plan"]))[0].parts[0]
    assert (lead.state, lead.progress) == (SUBMITTED, "完成监督抽查120批次")


def test_the_query_count_does_not_grow_with_the_tasks(world, cast):
    def count():
        with CaptureQueriesContext(connection) as queries:
            month_table(period=world["period"], plan=world["plan"])
        return len(queries)

    before = count()
    for k in range(15):
        task = TaskFactory(plan=world["plan"], number=str(10 + k), path=["二", str(10 + k)], position=100 + k)
        AssignmentFactory(task=task, department=cast.department)
        AssignmentFactory(task=task, department=cast.other_department, role="participating")
    period_open(period=world["period"])
    # headings, tasks, assignments, collective members (none here), reports, entries,
    # targets with their series (3), this period's values: the same whatever the plan's size.
    assert count() == before


def test_the_xlsx_is_a4_landscape_with_the_header_repeated_and_marks_in_the_cells(world):
    data = write_xlsx(month_table(period=world["period"], plan=world["plan"]))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "甲市质量强市工作月度推进情况汇总表（2026年11月）"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$3:$3"
    assert [c.value for c in ws[3]] == [
        "序号",
        "工作任务",
        "责任单位",
        "进展情况",
        "存在问题",
        "下步计划",
        "指标完成情况",
    ]
    assert ws.column_dimensions["D"].width == 40
    assert ws["D5"].alignment.wrap_text is True
    assert ws["A3"].font.name == "黑体" and ws["D5"].font.name == "仿宋"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows[0][0] == "一、提升质量水平"
    assert rows[1][:6] == [
        "1",
        "加强制造业质量提升",
        "牵头：市市场监管局",
        "完成监督抽查120批次",
        "抽查经费不足",
        "12月开展专项抽查",
    ]
    assert rows[1][6] == "制造业监督抽查合格率（目标≥ 93%）：本期96.5%，已达标"
    assert rows[2][2:4] == ["参与：市住建局\n（逾期报送）", "住建局完成工程质量检查"]
    assert rows[-1][:4] == ["（一）", "完善统计监测", "牵头：市统计局\n（未报送）", "未报送"]
    assert "A5:A6" in {str(r) for r in ws.merged_cells.ranges}  # 序号 down the task's two rows
    assert "已撤销的旧任务" not in str(rows)


def test_the_docx_is_landscape_with_a_repeated_header_row_and_the_same_content(world):
    data = write_docx(month_table(period=world["period"], plan=world["plan"]))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.orientation == 1 and section.page_width > section.page_height  # WD_ORIENT.LANDSCAPE
    assert document.paragraphs[0].text == "甲市质量强市工作月度推进情况汇总表（2026年11月）"
    table = document.tables[0]
    header = table.rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "工作任务",
        "责任单位",
        "进展情况",
        "存在问题",
        "下步计划",
        "指标完成情况",
    ]
    assert table.rows[2].cells[3].text == "完成监督抽查120批次"
    assert table.rows[3].cells[2].text == "参与：市住建局\n（逾期报送）"
    assert table.rows[-1].cells[3].text == "未报送"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        fonts = package.read("word/fontTable.xml").decode()
        body = package.read("word/document.xml").decode()
    assert 'w:name="仿宋_GB2312"' in fonts and "FangSong" in fonts
    assert 'w:eastAsia="黑体"' in body
    assert "已撤销的旧任务" not in body


# The job, the page and the download --------------------------------------------------------------


@pytest.fixture
def run_inline(monkeypatch, settings, tmp_path):
    """The worker's task runs at once, files go to a private directory of the test's own."""
    settings.PRIVATE_ROOT = tmp_path
    monkeypatch.setattr(
        tasks.build_month_compilation, "delay", lambda pk: tasks.build_month_compilation.run(pk)
    )


def test_the_office_compiles_from_the_period_page_and_downloads_both_files(
    world, cast, client, run_inline, django_capture_on_commit_callbacks
):
    # given the period page offers the due plan
    client.force_login(cast.office)
    page = client.get(reverse("reports:period_detail", args=[world["period"].pk]))
    assert (
        reverse("reports:compilation_start", args=[world["period"].pk, world["plan"].pk])
        in page.content.decode()
    )
    # when the office asks for it
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("reports:compilation_start", args=[world["period"].pk, world["plan"].pk])
        )
    job = MonthlyCompilation.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "reports:compilation_detail", args=[job.pk]
    )
    # then the job is done and its files download, each download audited
    assert job.status == MonthlyCompilation.Status.SUCCESS and job.progress == 100
    state = client.get(reverse("reports:compilation_status", args=[job.pk])).json()
    assert state["done"] is True and state["xlsx"].endswith("/xlsx/")
    download = client.get(reverse("reports:compilation_download", args=[job.pk, "xlsx"]))
    assert download.status_code == 200
    assert "filename*=utf-8''" in download["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert ws["A1"].value == "甲市质量强市工作月度推进情况汇总表（2026年11月）"
    assert AuditEvent.objects.filter(action="export.compilation").count() == 1
    page = client.get(reverse("reports:period_detail", args=[world["period"].pk])).content.decode()
    assert reverse("reports:compilation_download", args=[job.pk, "docx"]) in page


def test_a_leader_downloads_but_cannot_compile_and_a_liaison_gets_neither(
    world, cast, client, run_inline, django_capture_on_commit_callbacks
):
    client.force_login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:compilation_start", args=[world["period"].pk, world["plan"].pk]))
    job = MonthlyCompilation.objects.get()
    client.force_login(cast.leader)
    assert client.get(reverse("reports:compilation_download", args=[job.pk, "docx"])).status_code == 200
    refused = client.post(reverse("reports:compilation_start", args=[world["period"].pk, world["plan"].pk]))
    assert refused.status_code == 403
    client.force_login(cast.liaison)
    assert client.get(reverse("reports:compilation_download", args=[job.pk, "docx"])).status_code == 403
    client.force_login(cast.outsider_office)
    assert client.get(reverse("reports:compilation_download", args=[job.pk, "docx"])).status_code == 404
    assert client.get(reverse("reports:compilation_download", args=[job.pk, "pdf"])).status_code == 404


def test_an_archived_plan_or_another_jurisdictions_plan_cannot_be_compiled(world, cast, client, run_inline):
    client.force_login(cast.office)
    period = world["period"].pk
    assert (
        client.post(reverse("reports:compilation_start", args=[period, cast.outsider_plan.pk])).status_code
        == 404
    )
    assert client.post(f"/periods/{period}/compilations/１/").status_code == 404
    Plan.objects.filter(pk=world["plan"].pk).update(status=Plan.Status.ARCHIVED)
    url = reverse("reports:compilation_start", args=[period, world["plan"].pk])
    refused = client.post(url, HTTP_REFERER=reverse("reports:period_detail", args=[period]))
    assert refused.status_code == 302  # the refusal comes back as a message on the page
    assert not MonthlyCompilation.objects.exists()


def test_a_second_request_while_one_is_queued_returns_the_same_job(world, cast, monkeypatch):
    monkeypatch.setattr(tasks.build_month_compilation, "delay", lambda pk: None)
    from reports.compilation_services import compilation_request

    first = compilation_request(period=world["period"], plan=world["plan"], actor=cast.office)
    again = compilation_request(period=world["period"], plan=world["plan"], actor=cast.office)
    assert again.pk == first.pk and MonthlyCompilation.objects.count() == 1


def test_a_duplicate_delivery_leaves_a_finished_job_alone(world, cast, monkeypatch, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    job = MonthlyCompilation.objects.create(
        period=world["period"], plan=world["plan"], requested_by=cast.office
    )
    from reports.compilation_worker import compilation_build

    assert compilation_build(compilation_id=job.pk).status == MonthlyCompilation.Status.SUCCESS
    name = MonthlyCompilation.objects.get(pk=job.pk).xlsx.name
    assert compilation_build(compilation_id=job.pk).xlsx.name == name


def test_a_liaison_cannot_reach_the_job_page(world, cast, client, monkeypatch):
    monkeypatch.setattr(tasks.build_month_compilation, "delay", lambda pk: None)
    job = MonthlyCompilation.objects.create(
        period=world["period"], plan=world["plan"], requested_by=cast.office
    )
    client.force_login(cast.liaison)
    assert client.get(reverse("reports:compilation_detail", args=[job.pk])).status_code == 403
    client.force_login(cast.office)
    page = client.get(reverse("reports:compilation_detail", args=[job.pk]))
    assert page.status_code == 200 and "js/progress.js" in page.content.decode()
