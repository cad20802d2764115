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
@pytest.mark.parametrize("extension", ["xlsx", "docx"])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_exported_sample_plan_reads_back_to_the_same_tasks_departments_and_targets(path, extension):
    # given a real published plan loaded as the demo loads it
    plan = sample_load(path)
    tasks = _plan_tasks(plan)

    # when the whole plan is exported to Excel or Word and the file is read by the plan importer
    export = plan_export(plan=plan, extension=extension, scope="plan")
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
    # and the 印发机关, 文号 and 年度 of the subtitle, and the appendix heading's title
    meta = back.meta
    assert (meta["issuer"], meta["document_number"]) == (plan.issuer, plan.document_number)
    assert (meta["year_start"], meta["year_end"]) == (plan.year_start, plan.year_end)
    appendix = [h for h in plan.headings.all() if h.number == "附件"]
    back_appendix = [h for h in back.headings if h["path"] == ["附件"]]
    assert [h["title"] for h in back_appendix] == [h.title for h in appendix]


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["xlsx", "docx"])
def test_plan_with_its_own_appendix_table_exports_that_table(extension):
    # given the 湛江 plan, whose 附件 is its own 工作任务分解表 (rows 1–30 with departments)
    path = next(p for p in sample_paths() if p.stem.startswith("001_"))
    plan = sample_load(path)
    appendix = [t for t in _plan_tasks(plan) if t.path[0] == "附件"]
    assert appendix

    # when it is exported by default, and read back
    export = plan_export(plan=plan, extension=extension)
    back = extract(export.data, filename=export.filename)

    # then only the appendix table comes back, under its own title with its own 序号, each
    # row with its departments, and the plan's metadata with it
    title = next(h.title for h in plan.headings.all() if h.number == "附件")
    assert title.endswith("工作任务分解表") and back.title == title
    assert export.filename == f"{title}.{extension}"
    assert [t.path for t in back.tasks] == [[t.path[-1]] for t in appendix]
    assert all(t.lead for t in back.tasks)
    assert (back.meta["year_start"], back.meta["year_end"]) == (plan.year_start, plan.year_end)
    assert back.meta["issuer"] == plan.issuer


@pytest.mark.django_db
def test_plan_scope_keeps_body_and_appendix_and_a_plan_without_appendix_is_whole():
    # given the 湛江 plan (with an appendix) and the 太仓 plan (without)
    paths = {p.stem[:3]: p for p in sample_paths()}
    zhanjiang, taicang = sample_load(paths["001"]), sample_load(paths["003"])

    # when each is exported with scope="plan" and by default
    whole = extract(plan_export(plan=zhanjiang, extension="xlsx", scope="plan").data, filename="a.xlsx")
    plain = extract(plan_export(plan=taicang, extension="xlsx").data, filename="b.xlsx")

    # then the whole 湛江 plan has both, and 太仓's default export is its whole plan with its title
    assert {t.path[0] for t in whole.tasks} >= {"一", "附件"}
    assert whole.title == zhanjiang.title
    assert plain.title == taicang.title and len(plain.tasks) == taicang.tasks.count()
    assert plain.meta["document_number"] == taicang.document_number
    with pytest.raises(ValueError):
        plan_export(plan=taicang, extension="xlsx", scope="everything")


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
