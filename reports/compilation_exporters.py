"""The 月度推进情况汇总表 as the files offices circulate: an .xlsx and a .docx, A4 landscape, the
title with the period, the header row repeated on every page, 序号 as printed, headings as
section rows, one row per department under each task (序号, 工作任务 and 指标 merged down the
task's rows), marks for late and missing departments; 仿宋 body and 黑体 header (Word gets each
face's Windows name as its alternative, LibreOffice falls back to Noto CJK)."""

from __future__ import annotations

import io
import re
from copy import copy
from xml.sax.saxutils import escape

import docx
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

from programmes.models import Assignment
from qualitycity.exporters import Column
from qualitycity.exporters.docx import grid_table
from qualitycity.exporters.xlsx import (
    BORDER,
    FOOTER,
    HEADER_FILL,
    LINE_HEIGHT_PT,
    MAX_CELL_CHARS,
    MAX_ROW_HEIGHT_PT,
    SECTION_FILL,
    _put,
    wrapped_lines,
)

from .compilation import LATE, MISSING, MonthTable, Part, Section, TaskBlock

# An official form: its headers stay Chinese whatever the requester's language.
COLUMNS = (
    Column("序号", 9, centred=True),
    Column("工作任务", 20),
    Column("责任单位", 19, centred=True),
    Column("进展情况", 40),
    Column("存在问题", 22),
    Column("下步计划", 22),
    Column("指标完成情况", 28),
)
MERGED_COLUMNS = (0, 1, 6)  # 序号, 工作任务, 指标: one cell down the task's rows

XLSX_BODY = "仿宋"
XLSX_HEADER = "黑体"
DOCX_BODY = "仿宋_GB2312"
DOCX_HEADER = "黑体"
ALT_NAMES = {DOCX_BODY: "FangSong", DOCX_HEADER: "SimHei"}
MARK_COLOUR = "C00000"


# What each cell says ---------------------------------------------------------------------------


def department_cell(part: Part) -> str:
    """牵头：市市场监管局, with （逾期报送） or （未报送） under it."""
    role = "牵头" if part.role == Assignment.Role.LEAD else "参与"
    text = f"{role}：{part.department}"
    if part.state == LATE:
        text += "\n（逾期报送）"
    elif part.state == MISSING:
        text += "\n（未报送）"
    return text


def part_cells(part: Part | None) -> tuple[str, str, str, str]:
    if part is None:
        return ("", "", "", "")
    if part.state == MISSING:
        return (department_cell(part), "未报送", "", "")
    return (department_cell(part), part.progress, part.problems, part.next_steps)


def indicator_cell(block: TaskBlock) -> str:
    """One line per target: 合格率（目标≥ 93%）：本期96.5%，累计…，已达标."""
    lines = []
    for line in block.indicators:
        figures = []
        if line.value:
            figures.append(f"本期{line.value}")
        if line.total:
            figures.append(f"累计{line.total}")
        figures.append(line.status_label)
        lines.append(f"{line.name}（目标{line.commitment}）：{'，'.join(figures)}")
    return "\n".join(lines)


def subtitle(table: MonthTable) -> str:
    counts = table.counts
    return _(
        "方案：%(plan)s　　截止日期：%(deadline)s　　应报送%(total)s个单位，按时%(on_time)s个，逾期%(late)s个，未报送%(missing)s个"
    ) % {
        "plan": table.plan.title,
        "deadline": f"{table.period.deadline.year}年{table.period.deadline.month}月{table.period.deadline.day}日",
        "total": sum(counts.values()),
        "on_time": counts["submitted"],
        "late": counts["late"],
        "missing": counts["missing"],
    }


def filename(table: MonthTable, extension: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", f"{table.title}-{table.plan.title}").strip(" ._")
    return f"{stem[:150]}.{extension}"


def _block_rows(block: TaskBlock) -> list[tuple[str, ...]]:
    """The block's rows: one per part (at least one), 序号 / 任务 / 指标 on the first only."""
    parts = block.parts or [None]
    rows = []
    for k, part in enumerate(parts):
        first = (block.number, block.title) if k == 0 else ("", "")
        rows.append((*first, *part_cells(part), indicator_cell(block) if k == 0 else ""))
    return rows


# xlsx ------------------------------------------------------------------------------------------

X_TITLE = Font(name=XLSX_HEADER, size=16)
X_SUBTITLE = Font(name=XLSX_BODY, size=10.5)
X_HEADER = Font(name=XLSX_HEADER, size=11)
X_SECTION = Font(name=XLSX_HEADER, size=10.5)
X_BODY = Font(name=XLSX_BODY, size=10.5)
X_MARK = Font(name=XLSX_BODY, size=10.5, color=MARK_COLOUR)
X_WRAP = Alignment(wrap_text=True, vertical="top")
X_WRAP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
X_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


class _Styles:
    """Each body style set once on a prototype cell and copied to the others: openpyxl hashes a
    style object on every assignment, which for thousands of cells costs seconds."""

    def __init__(self, wb):
        scratch = wb.create_sheet("scratch")
        self.arrays = {}
        for key, font, alignment in (
            ("body", X_BODY, X_WRAP),
            ("body_centre", X_BODY, X_WRAP_CENTRE),
            ("mark", X_MARK, X_WRAP),
            ("mark_centre", X_MARK, X_WRAP_CENTRE),
        ):
            cell = scratch.cell(row=1, column=1)
            cell.font, cell.alignment, cell.border = font, alignment, BORDER
            self.arrays[key] = copy(cell._style)
        wb.remove(scratch)  # the styles stay in the workbook's tables

    def put(self, ws, row: int, column: int, value: str, key: str) -> None:
        cell = ws.cell(row=row, column=column)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value or "")[:MAX_CELL_CHARS]
        if cell.data_type == "f":  # text that starts with "=" is text, not a formula
            cell.data_type = "s"
        cell._style = copy(self.arrays[key])

    def merge_down(self, ws, first: int, last: int, column: int) -> None:
        """One cell down the rows, its border kept, without openpyxl's per-merge re-styling
        (which checks every earlier merge and grows with the sheet)."""
        ws.merged_cells.ranges.add(
            MergedCellRange(ws, f"{get_column_letter(column)}{first}:{get_column_letter(column)}{last}")
        )
        for row in range(first + 1, last + 1):
            merged = MergedCell(ws, row, column)
            merged._style = copy(self.arrays["body"])
            ws._cells[(row, column)] = merged


def write_xlsx(table: MonthTable) -> bytes:
    """The table as one print-ready worksheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度推进情况汇总表"
    styles = _Styles(wb)
    width = len(COLUMNS)
    _put(ws, 1, 1, table.title, font=X_TITLE, alignment=X_CENTRE, border=None)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 36
    wrap = Alignment(wrap_text=True, vertical="center")
    _put(ws, 2, 1, subtitle(table), font=X_SUBTITLE, alignment=wrap, border=None)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[2].height = 20
    header_row = 3
    for j, column in enumerate(COLUMNS, start=1):
        _put(ws, header_row, j, column.header, font=X_HEADER, alignment=X_CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[header_row].height = 24
    total_width = sum(c.width for c in COLUMNS)

    row = header_row
    for item in table.rows:
        if isinstance(item, Section):
            row += 1
            _put(ws, row, 1, item.label, font=X_SECTION, alignment=X_WRAP, fill=SECTION_FILL)
            for j in range(2, width + 1):
                ws.cell(row=row, column=j).border = BORDER
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.row_dimensions[row].height = wrapped_lines(item.label, total_width) * LINE_HEIGHT_PT + 6
            continue
        first = row + 1
        heights = []
        parts = item.parts or [None]
        rows = _block_rows(item)
        for part, cells in zip(parts, rows, strict=True):
            row += 1
            lines = 1
            marked = part is not None and part.state in (LATE, MISSING)
            for j, (value, column) in enumerate(zip(cells, COLUMNS, strict=True), start=1):
                if row > first and j - 1 in MERGED_COLUMNS:
                    continue  # under the merged cell
                key = "mark" if marked and j in (3, 4) else "body"
                styles.put(ws, row, j, value, key + ("_centre" if column.centred else ""))
                if j - 1 not in MERGED_COLUMNS:
                    lines = max(lines, wrapped_lines(value or "", column.width))
            heights.append(lines)
        # The merged cells need their room across the block's rows: the shortfall goes last.
        needed = max(wrapped_lines(rows[0][j] or "", COLUMNS[j].width) for j in MERGED_COLUMNS)
        if needed > sum(heights):
            heights[-1] += needed - sum(heights)
        for k, lines in enumerate(heights):
            ws.row_dimensions[first + k].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + 4)
        if row > first:
            for j in MERGED_COLUMNS:
                styles.merge_down(ws, first, row, j + 1)

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.font = "仿宋,常规"
    ws.oddFooter.center.size = 10
    wb.properties.title = table.title
    wb.properties.creator = table.period.jurisdiction.name
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# docx ------------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGIN = Mm(15)
BODY_SIZE = Pt(10.5)
HEADER_SHADE = "D9E1F2"
SECTION_SHADE = "F2F2F2"


def _font(run, name: str, size=BODY_SIZE, bold=False, colour: str | None = None) -> None:
    """Name the face for Chinese (w:eastAsia) and for Latin text and digits alike."""
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)
    run.font.size = size
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _write(cell, text: str, *, font=DOCX_BODY, bold=False, align=None, colour=None) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if not text:
        return
    run = paragraph.add_run()
    _font(run, font, bold=bold, colour=colour)
    for k, line in enumerate(text.split("\n")):
        if k:
            run.add_break()
        run.add_text(line)


def _shade(cell, colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _font_table(document) -> None:
    """The faces in the font table with Windows' names as alternatives and the GB2312 set."""
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    entries = "".join(
        f'<w:font w:name="{escape(name)}"><w:altName w:val="{escape(alt)}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in ALT_NAMES.items()
    )
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode("utf-8") + b"</w:fonts>")


def _footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, instruction in (("第 ", "PAGE"), (" 页，共 ", "NUMPAGES"), (" 页", None)):
        _font(paragraph.add_run(text), DOCX_BODY, Pt(9))
        if instruction:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), instruction)
            run = OxmlElement("w:r")
            value = OxmlElement("w:t")
            value.text = "1"
            run.append(value)
            simple.append(run)
            paragraph._p.append(simple)


_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SIZE = str(int(BODY_SIZE.pt * 2))  # half-points


def _run_xml(text: str, *, font: str, bold: bool = False, colour: str | None = None) -> str:
    """One run of text, a line break for each newline, the face named for Chinese and Latin."""
    if not text:
        return ""
    face = escape(font, {'"': "&quot;"})
    props = f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}"/>'
    props += "<w:b/>" if bold else ""
    props += f'<w:color w:val="{colour}"/>' if colour else ""
    props += f'<w:sz w:val="{_SIZE}"/><w:szCs w:val="{_SIZE}"/>'
    lines = _XML_BAD.sub("", text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r><w:rPr>{props}</w:rPr>{body}</w:r>"


def _cell_xml(text: str, width: int, *, centred=False, colour=None, merge=None) -> str:
    """A table cell as WordprocessingML: thousands of them are built as text and parsed once a
    row, where python-docx's object calls took seconds for a 300-task plan."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    paragraph = '<w:pPr><w:spacing w:after="0"/>' + ('<w:jc w:val="center"/>' if centred else "") + "</w:pPr>"
    run = _run_xml(text, font=DOCX_BODY, colour=colour)
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{paragraph}{run}</w:p></w:tc>"


def _section_row(label: str, width: int) -> str:
    props = (
        f'<w:tcW w:w="{width}" w:type="dxa"/><w:gridSpan w:val="{len(COLUMNS)}"/>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{SECTION_SHADE}"/>'
    )
    run = _run_xml(label, font=DOCX_HEADER)
    return (
        f"<w:tr {nsdecls('w')}><w:tc><w:tcPr>{props}</w:tcPr>"
        f'<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>{run}</w:p></w:tc></w:tr>'
    )


def write_docx(table: MonthTable) -> bytes:
    """The table in an A4 landscape Word document, its header row repeated on every page."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_BODY
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_BODY)
    core = document.core_properties
    core.title, core.author, core.last_modified_by = table.title, table.period.jurisdiction.name, ""
    core.created = core.modified = timezone.now()
    core.revision = 1

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(4)
    _font(title.add_run(table.title), DOCX_HEADER, Pt(18))
    line = document.add_paragraph()
    line.paragraph_format.space_after = Pt(4)
    _font(line.add_run(subtitle(table)), DOCX_BODY, BODY_SIZE)

    grid, widths = grid_table(document, COLUMNS, usable=PAGE_WIDTH - 2 * MARGIN)
    for cell, column, width in zip(grid.rows[0].cells, COLUMNS, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _write(cell, column.header, font=DOCX_HEADER, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, HEADER_SHADE)

    twips = [int(w) // 635 for w in widths]  # EMU to twentieths of a point
    tbl = grid._tbl
    for item in table.rows:
        if isinstance(item, Section):
            tbl.append(parse_xml(_section_row(item.label, sum(twips))))
            continue
        parts = item.parts or [None]
        many = len(parts) > 1
        for k, (part, values) in enumerate(zip(parts, _block_rows(item), strict=True)):
            marked = part is not None and part.state in (LATE, MISSING)
            cells = []
            for j, (value, column) in enumerate(zip(values, COLUMNS, strict=True)):
                merge = ("restart" if k == 0 else "continue") if many and j in MERGED_COLUMNS else None
                cells.append(
                    _cell_xml(
                        value if merge != "continue" else "",
                        twips[j],
                        centred=column.centred,
                        colour=MARK_COLOUR if marked and j in (2, 3) else None,
                        merge=merge,
                    )
                )
            tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"))

    _footer(section)
    _font_table(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
