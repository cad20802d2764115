"""The decomposition table as files: the print settings of the .xlsx, the layout of the .docx,
and the cost of an export, which must not grow with the plan."""

import io

import docx
import pytest
from django.core.management import CommandError, call_command
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from plandocs.exporters import plan_export
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    HeadingFactory,
    IndicatorFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
)

HEADERS = ["序号", "工作任务", "主要内容", "牵头部门", "参与部门", "指标", "完成时限"]


def _plan_with(tasks: int, *, sections: int = 2):
    """A plan of `sections` headings, `tasks` tasks under them, each with two departments and a target."""
    plan = PlanFactory(
        title="甲市质量强市行动计划", document_number="甲政办〔2024〕1号", year_start=2024, year_end=2026
    )
    lead = DepartmentFactory(jurisdiction=plan.jurisdiction, name="市市场监管局")
    partner = DepartmentFactory(jurisdiction=plan.jurisdiction, name="市住建局")
    position = 0
    per_section = max(1, tasks // sections)
    for s in range(sections):
        position += 1
        number = "一二三四五六七八九十"[s]
        heading = HeadingFactory(
            plan=plan, number=number, path=[number], title=f"第{s + 1}项重点任务", position=position
        )
        for n in range(per_section):
            position += 1
            task = TaskFactory(
                plan=plan,
                heading=heading,
                number=str(n + 1),
                path=[number, str(n + 1)],
                title=f"提升质量{s}-{n}",
                text="推进质量提升重点工作，" * 12,
                due="2024年底",
                position=position,
            )
            AssignmentFactory(task=task, department=lead)
            AssignmentFactory(task=task, department=partner, role="participating")
            TargetFactory(task=task, indicator=IndicatorFactory(jurisdiction=plan.jurisdiction), value=93)
    return plan


@pytest.mark.django_db
def test_xlsx_export_is_print_ready_for_an_office():
    # given a plan with a document number, two sections and tasks
    plan = _plan_with(4)

    # when it is exported to Excel
    export = plan_export(plan=plan, extension="xlsx")
    ws = load_workbook(io.BytesIO(export.data)).active

    # then the title is merged across the table, a 印发机关/文号/年度 line follows, then the header
    assert export.filename == "甲市质量强市行动计划-工作任务分解表.xlsx"
    assert ws["A1"].value == "甲市质量强市行动计划"
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].font.name == "黑体" and ws["A1"].font.bold
    subtitle = [c.value for c in ws[2] if c.value]
    assert subtitle[-2:] == ["文号：甲政办〔2024〕1号", "年度：2024—2026年"]
    assert [c.value for c in ws[3]] == HEADERS
    assert ws["A3"].font.bold and ws["A3"].fill.fgColor.rgb.endswith("D9E1F2")
    # section rows are merged and bold; task rows follow in plan order
    assert ws["A4"].value == "一、第1项重点任务" and "A4:G4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A4"].font.bold
    assert [c.value for c in ws[5]][:5] == [
        "1",
        "提升质量0-0",
        "推进质量提升重点工作，" * 12,
        "市市场监管局",
        "市住建局",
    ]
    # it prints on A4 landscape, one page wide, the header repeated, page numbers at the foot
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    # body cells are bordered, wrapped, top-aligned, in 宋体; 主要内容 is the widest column
    body = ws["C5"]
    assert all(getattr(body.border, side).style == "thin" for side in ("left", "right", "top", "bottom"))
    assert body.alignment.wrap_text and body.alignment.vertical == "top"
    assert body.font.name == "宋体"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFG"}
    assert max(widths, key=widths.get) == "C"
    assert ws.row_dimensions[5].height > ws.row_dimensions[3].height


@pytest.mark.django_db
def test_docx_export_is_a_landscape_table_whose_header_repeats_on_every_page():
    # given a plan with two sections of two tasks
    plan = _plan_with(4)

    # when it is exported to Word
    export = plan_export(plan=plan, extension="docx")
    document = docx.Document(io.BytesIO(export.data))

    # then the page is A4 landscape and the table has a header, 2 section rows and 4 task rows
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert document.paragraphs[0].text == "甲市质量强市行动计划"
    assert document.paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    table = document.tables[0]
    assert len(table.rows) == 1 + 2 + 4
    assert [c.text for c in table.rows[0].cells] == HEADERS
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.style.name == "Table Grid"
    # a section row is one cell across; a task row names its departments
    assert len(table.rows[1]._tr.findall(qn("w:tc"))) == 1
    assert table.rows[1].cells[0].text == "一、第1项重点任务"
    task_row = [c.text for c in table.rows[2].cells]
    assert task_row[3] == "市市场监管局" and task_row[4] == "市住建局"
    assert task_row[5] == f"{plan.tasks.first().targets.first().indicator.name} ≥93%"
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["xlsx", "docx"])
def test_export_runs_the_same_queries_for_a_small_and_a_large_plan(extension, django_assert_num_queries):
    # given a plan of 2 tasks and one of 40
    small, large = _plan_with(2), _plan_with(40)

    # when each is exported, then 4 queries suffice: headings, tasks, their assignments with
    # departments, their targets with indicators (the plan itself is already loaded)
    for plan in (small, large):
        with django_assert_num_queries(4):
            plan_export(plan=plan, extension=extension)


@pytest.mark.django_db
def test_export_plan_command_writes_both_files(tmp_path):
    # given a plan
    plan = _plan_with(2)

    # when the command exports it to both formats
    call_command("export_plan", plan.pk, xlsx=tmp_path / "a.xlsx", docx=tmp_path / "a.docx")

    # then both files are there and readable
    assert load_workbook(tmp_path / "a.xlsx").active["A1"].value == plan.title
    assert docx.Document(tmp_path / "a.docx").tables[0].rows[0].cells[0].text == "序号"


@pytest.mark.django_db
def test_export_plan_command_names_an_unknown_plan_in_chinese(tmp_path):
    # when the command is given a plan id that does not exist, then it says so in Chinese
    with pytest.raises(CommandError, match="工作方案 999999 不存在"):
        call_command("export_plan", 999999, xlsx=tmp_path / "a.xlsx")


@pytest.mark.django_db
def test_export_plan_command_asks_for_a_file():
    plan = _plan_with(2)
    with pytest.raises(CommandError, match="--xlsx"):
        call_command("export_plan", plan.pk)
