"""The decomposition table the portal exports reads back, through the xlsx importer, to the
same tasks, departments and targets as the plan it came from."""

from decimal import Decimal

import pytest

from bench.demo import sample_load, sample_paths
from plandocs.exporters import plan_export
from plandocs.readers import extract
from plandocs.readers.tables import stated_targets
from plandocs.services import normalise_path


def _number(value):
    return None if value is None else Decimal(str(value)).normalize()


def _plan_tasks(plan):
    return list(
        plan.tasks.order_by("position").prefetch_related("assignments__department", "targets__indicator")
    )


def _plan_targets(tasks):
    return sorted(
        (
            tuple(t.path),
            g.indicator.name,
            g.comparator,
            _number(g.value),
            _number(g.value_max),
            _number(g.stretch),
            g.indicator.unit,
        )
        for t in tasks
        for g in t.targets.all()
    )


def _read_targets(extraction):
    return sorted(
        (
            normalise_path(g.task_path),
            g.indicator,
            g.comparator,
            _number(g.value),
            _number(g.value_max),
            _number(g.stretch),
            g.unit or "",
        )
        for g in extraction.targets
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_exported_sample_plan_reads_back_to_the_same_tasks_departments_and_targets(path):
    # given a real published plan loaded as the demo loads it
    plan = sample_load(path)
    tasks = _plan_tasks(plan)

    # when it is exported to Excel and the file is read by the plan importer
    export = plan_export(plan=plan, extension="xlsx")
    back = extract(export.data, filename=export.filename)

    # then the title, every task's path and title, its departments and every target come back
    assert back.title == plan.title
    assert [normalise_path(t.path) for t in back.tasks] == [tuple(t.path) for t in tasks]
    assert [t.title for t in back.tasks] == [t.title for t in tasks]
    assert [(t.lead, t.participating) for t in back.tasks] == [
        (
            [a.department.name for a in t.assignments.all() if a.role == "lead"],
            [a.department.name for a in t.assignments.all() if a.role == "participating"],
        )
        for t in tasks
    ]
    assert _read_targets(back) == _plan_targets(tasks)
    assert len(back.targets) > 0


def test_indicator_cell_line_keeps_the_name_as_printed():
    # given 指标 lines in the export's form, names starting with words prose reading drops (全市, 完成)
    cell = "全市建成省级以上研发机构 ≥ 100家\n完成全市营造林 逐年增长\n年度亿元GDP生产安全事故死亡率 ≤ 0.3，力争低于0.25"

    # when the cell is read
    targets, warnings = stated_targets(cell, ["1"])

    # then each line is one target named as printed, with its comparator, value and stretch
    assert [(t.indicator, t.comparator, t.value, t.stretch, t.unit) for t in targets] == [
        ("全市建成省级以上研发机构", ">=", 100, None, "家"),
        ("完成全市营造林", "increase", None, None, None),
        ("年度亿元GDP生产安全事故死亡率", "<=", 0.3, 0.25, None),
    ]
    assert warnings == []


def test_indicator_cell_wins_over_the_same_number_in_the_text():
    # given a table whose text says 达100% (read as =) and whose 指标 cell states ≥ 100%
    from openpyxl import Workbook

    from plandocs.tests.test_extract_docx_xlsx import _xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "主要内容", "牵头部门", "指标"])
    ws.append(
        ["1", "强化监督抽查", "全市不合格产品后处理率达100%。", "市市场监管局", "不合格产品后处理率 ≥ 100%"]
    )

    # when it is read
    back = extract(_xlsx_bytes(wb), filename="表.xlsx")

    # then the cell's statement is the target, once
    assert [(g.indicator, g.comparator, g.value) for g in back.targets] == [("不合格产品后处理率", ">=", 100)]
