"""Word and Excel plans built in the test with python-docx / openpyxl."""

import io
import json
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from plandocs.readers import extract

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


# --- helpers ----------------------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _xlsx_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _add_chinese_numbering(document) -> str:
    """Add a list definition 一、 / （一） / 1. to the document; return its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, text) in enumerate(
        [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    ):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def _numbered(document, text, num_id, ilvl):
    p = document.add_paragraph(text)
    p_pr = p._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    lvl = OxmlElement("w:ilvl")
    lvl.set(qn("w:val"), str(ilvl))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), num_id)
    num_pr.append(lvl)
    num_pr.append(nid)
    p_pr.append(num_pr)
    return p


# --- docx -------------------------------------------------------------------------------------


def test_docx_printed_numbers():
    d = docx.Document()
    d.add_paragraph("某县质量强县行动方案")
    d.add_paragraph("为推进质量强县建设，制定本方案。")
    d.add_paragraph("一、主要任务")
    d.add_paragraph("（一）提升产品质量")
    d.add_paragraph("1.产品监督抽查合格率达到95%以上。（县市场监管局负责）")
    d.add_paragraph("2.新增省级名牌产品3个。（县工信局牵头，县市场监管局配合）")
    r = extract(_docx_bytes(d), filename="方案.docx")
    assert r.title == "某县质量强县行动方案"
    assert [t.path for t in r.tasks] == [["一", "(一)", "1"], ["一", "(一)", "2"]]
    assert r.tasks[1].lead == ["县工信局"] and r.tasks[1].participating == ["县市场监管局"]
    assert [(g.value, g.unit, g.comparator) for g in r.targets] == [(95, "%", ">="), (3, "个", ">=")]


def test_docx_word_auto_numbering():
    d = docx.Document()
    num_id = _add_chinese_numbering(d)
    d.add_paragraph("某市质量提升行动计划")
    _numbered(d, "工作目标", num_id, 0)
    d.add_paragraph("到2025年，质量总体水平明显提升。")
    _numbered(d, "重点任务", num_id, 0)
    _numbered(d, "提升产品质量", num_id, 1)
    _numbered(d, "抽查合格率稳定在93%以上。（市市场监管局负责）", num_id, 2)
    _numbered(d, "新增地方标准4项。（市市场监管局负责）", num_id, 2)
    _numbered(d, "提升服务质量", num_id, 1)
    _numbered(d, "顾客满意度超过85。（市商务局负责）", num_id, 2)
    r = extract(_docx_bytes(d), filename="计划.docx")
    assert [t.path for t in r.tasks] == [
        ["一"],
        ["二", "(一)", "1"],
        ["二", "(一)", "2"],
        ["二", "(二)", "1"],
    ]
    assert r.tasks[3].lead == ["市商务局"]
    assert [h["number"] for h in r.headings] == ["二", "(一)", "(二)"]
    assert [g.value for g in r.targets] == [93, 4, 85]


def test_docx_table_is_read_as_decomposition_appendix():
    d = docx.Document()
    d.add_paragraph("某区质量工作要点")
    d.add_paragraph("一、加强组织领导。（区市场监管局负责）")
    d.add_paragraph("附件：任务分解表")
    table = d.add_table(rows=4, cols=4)
    # header in an unusual order, with a line break inside a header cell
    for j, h in enumerate(["责任\n单位", "序号", "主要内容", "工作任务"]):
        table.cell(0, j).text = h
    rows = [
        [
            "牵头单位：区工信局；配合单位：区发改局、区科技局",
            "1",
            "新增智能工厂5家。\n完成技改项目30个以上。",
            "推进智能制造",
        ],
        ["区农业农村局", "2", "绿色优质农产品比重达70%。", "保障农产品供给"],
    ]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            table.cell(i, j).text = v
    # a section-like merged row at the end: merged across the table, ignored as a heading
    merged = table.cell(3, 0).merge(table.cell(3, 3))
    merged.text = "二、其他"
    r = extract(_docx_bytes(d), filename="要点.docx")
    paths = [t.path for t in r.tasks]
    assert paths == [["一"], ["附件", "1"], ["附件", "2"]]
    t1 = r.tasks[1]
    assert t1.title == "推进智能制造"
    assert t1.lead == ["区工信局"] and t1.participating == ["区发改局", "区科技局"]
    assert "完成技改项目30个以上" in t1.text
    values = [(g.task_path, g.value, g.unit) for g in r.targets]
    assert (["附件", "1"], 5, "家") in values and (["附件", "1"], 30, "个") in values
    assert (["附件", "2"], 70, "%") in values


def test_docx_standalone_table_with_vertical_merge():
    d = docx.Document()
    d.add_paragraph("某镇质量提升任务清单")
    table = d.add_table(rows=4, cols=4)
    for j, h in enumerate(["序号", "工作任务", "主要内容", "牵头部门"]):
        table.cell(0, j).text = h
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "提升农产品质量"
    table.cell(1, 2).text = "农产品抽检合格率达到98%以上。"
    table.cell(2, 2).text = "新增绿色食品认证5个。"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "镇农业服务中心"
    for j, v in enumerate(["2", "提升服务质量", "游客满意度达到90%。", "镇文旅办"]):
        table.cell(3, j).text = v
    r = extract(_docx_bytes(d), filename="清单.docx")
    assert [t.path for t in r.tasks] == [["1"], ["2"]]
    assert r.tasks[0].lead == ["镇农业服务中心"]
    assert [(g.task_path, g.value) for g in r.targets] == [(["1"], 98), (["1"], 5), (["2"], 90)]


# --- xlsx -------------------------------------------------------------------------------------


def _decomposition_workbook():
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append(["某市质量强市工作任务分解表"])
    ws.merge_cells("A1:F1")
    ws.append(["完成\n时限", "序 号", "工作任务", "主要内容", "牵头部门", "参与部门"])
    ws.append(["一、提升产品质量"])
    ws.merge_cells("A3:F3")
    ws.append(
        [
            "2022年底",
            "1",
            "1.强化监督抽查",
            "制造业产品监督抽查合格率稳定在93%以上，不合格产品后处理率达100%。",
            "市市场监管局",
            "市工信局、各县(市、区)人民政府",
        ]
    )
    ws.append(["2022年底", "2", "实施品牌战略", "新增省名牌产品10个。", "市工信局", ""])
    ws.append(["二、提升服务质量"])
    ws.merge_cells("A6:F6")
    ws.append(["", "3", "提升旅游服务", "游客满意度达到85%以上。", "市文旅局", "市市场监管局"])
    # a task spanning two rows: merged 序号/工作任务/牵头部门, one measure per row
    ws.append(["", "4", "提升物流服务", "快递48小时妥投率达到90%。", "市商务局", ""])
    ws.append(["", "", "", "新增冷链仓储10万立方米。", "", "市交通运输局"])
    ws.merge_cells("B8:B9")
    ws.merge_cells("C8:C9")
    ws.merge_cells("E8:E9")
    ws["D4"].alignment = Alignment(wrap_text=True)
    return wb


def test_xlsx_decomposition_table():
    r = extract(_xlsx_bytes(_decomposition_workbook()), filename="分解表.xlsx")
    assert r.title == "某市质量强市工作任务分解表"
    assert [t.path for t in r.tasks] == [["一", "1"], ["一", "2"], ["二", "3"], ["二", "4"]]
    t1 = r.tasks[0]
    assert t1.title == "强化监督抽查" and t1.due == "2022年底"
    assert t1.lead == ["市市场监管局"]
    assert t1.participating == ["市工信局", "各县(市、区)人民政府"]
    t4 = r.tasks[3]
    assert t4.lead == ["市商务局"] and t4.participating == ["市交通运输局"]
    assert "新增冷链仓储10万立方米" in t4.text
    got = [(g.task_path, g.value, g.unit) for g in r.targets]
    assert (["一", "1"], 93, "%") in got and (["一", "1"], 100, "%") in got
    assert (["二", "4"], 10, "万立方米") in got
    assert [h["number"] for h in r.headings] == ["一", "二"]
    assert not any("没有责任部门" in w["message"] for w in r.warnings)


def test_xlsx_responsibility_cell_split_and_indicator_column():
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "责任部门", "指标"])
    ws.append(
        [
            1,
            "提高农产品质量",
            "牵头部门:市农业农村局;参与部门:市自然资源局、市市场监管局",
            "农产品抽检合格率≥98%",
        ]
    )
    r = extract(_xlsx_bytes(wb), filename="表.xlsx")
    t = r.tasks[0]
    assert t.path == ["1"] and t.lead == ["市农业农村局"]
    assert t.participating == ["市自然资源局", "市市场监管局"]
    assert [(g.value, g.comparator) for g in r.targets] == [(98, ">=")]


def _export(result) -> bytes:
    """The portal's export layout: merged title, fixed header, section rows, one row per task."""
    wb = Workbook()
    ws = wb.active
    ws.append([result.title])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "工作任务", "主要内容", "牵头部门", "参与部门", "指标", "完成时限"])
    by_path = {tuple(h["path"]): h for h in result.headings}
    written = set()
    row = 3
    targets = {}
    for g in result.targets:
        targets.setdefault(tuple(g.task_path), []).append(g.text)
    for t in result.tasks:
        for k in range(1, len(t.path)):
            key = tuple(t.path[:k])
            if key in by_path and key not in written:
                h = by_path[key]
                label = (
                    h["number"]
                    if h["number"] == "附件"
                    else (h["number"] + ("、" if not h["number"].startswith("(") else "") + h["title"])
                )
                ws.append([label])
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
                row += 1
                written.add(key)
        ws.append(
            [
                t.number,
                t.title,
                t.text,
                "、".join(t.lead),
                "、".join(t.participating),
                "\n".join(targets.get(tuple(t.path), [])),
                t.due or "",
            ]
        )
        row += 1
    return _xlsx_bytes(wb)


def test_export_import_round_trip_on_samples():
    for name in ("000_8fb328b8812e1e99", "003_128f4224a9949dbf", "001_5cb87e2d2ab2f10e"):
        original = extract((DATA / "seeds" / f"{name}.txt").read_bytes(), filename=f"{name}.txt")
        back = extract(_export(original), filename="export.xlsx")
        assert back.title == original.title
        assert [t.path for t in back.tasks] == [t.path for t in original.tasks], name
        assert [(t.lead, t.participating) for t in back.tasks] == [
            (t.lead, t.participating) for t in original.tasks
        ], name
        key = lambda g: (tuple(g.task_path), g.value, g.unit, g.comparator)  # noqa: E731
        assert sorted(map(key, back.targets), key=str) == sorted(map(key, original.targets), key=str), name


def test_export_workbook_is_valid_xlsx():
    original = extract((DATA / "seeds" / "000_8fb328b8812e1e99.txt").read_bytes(), filename="a.txt")
    wb = load_workbook(io.BytesIO(_export(original)))
    assert wb.active["A2"].value == "序号"
    json.dumps(extract(_export(original), filename="e.xlsx").to_dict(), ensure_ascii=False)
