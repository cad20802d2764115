"""The assessment workbook: the ranked table on the first sheet, one sheet per department with
its criteria, bonus, penalty and veto items and every point lost. Scores and ranks are numbers
(two decimals, ranks whole), so offices sort, filter and sum them; the ranking carries an
autofilter and an average row of formulas. Printed like the portal's other tables (the house
.xlsx helpers): A4, bold repeated header, bordered cells, page numbers; the file's properties
name the issuing office."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from qualitycity.exporters.xlsx import (
    BODY_FONT,
    BORDER,
    CENTRE,
    FOOTER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT_PT,
    MAX_ROW_HEIGHT_PT,
    SECTION_FILL,
    SECTION_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    WRAP_TOP,
    WRAP_TOP_CENTRE,
    _put,
    wrapped_lines,
)

from .base import NOT_APPLICABLE, AssessmentExporter, Column

SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SCORE_FORMAT = "0.00"
RANK_FORMAT = "0"
NUMBER_ALIGNMENT = Alignment(vertical="top", horizontal="right")
RANK_ALIGNMENT = Alignment(vertical="top", horizontal="center")


def _number(ws, row: int, column: int, value, *, number_format: str = SCORE_FORMAT, font=BODY_FONT):
    """A number cell (a score, a rank, a formula), right-aligned and bordered; None leaves it
    empty but bordered."""
    cell = ws.cell(row=row, column=column)
    if value is not None:
        cell.value = int(value) if number_format == RANK_FORMAT else value
    cell.number_format = number_format
    cell.font = font
    cell.alignment = RANK_ALIGNMENT if number_format == RANK_FORMAT else NUMBER_ALIGNMENT
    cell.border = BORDER
    return cell


def _setup(ws, *, landscape: bool, header_row: int, freeze_column: int = 1) -> None:
    """A4, as wide as one page, the header repeated on every page and frozen on screen."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_column)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.font = "宋体,常规"
    ws.oddFooter.center.size = 10


def _title(ws, row: int, text: str, width: int, *, height=32) -> int:
    _put(ws, row, 1, text, font=TITLE_FONT, alignment=CENTRE, border=None)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height
    return row + 1


def _paragraph(
    ws, row: int, text: str, width: int, total_width: float, *, font=SUBTITLE_FONT, fill=None
) -> int:
    _put(ws, row, 1, text, font=font, alignment=WRAP_TOP, border=None, fill=fill)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = min(
        MAX_ROW_HEIGHT_PT, wrapped_lines(text, total_width) * LINE_HEIGHT_PT + 4
    )
    return row + 1


def _header(ws, row: int, columns) -> None:
    for j, column in enumerate(columns, start=1):
        _put(ws, row, j, column.header, font=HEADER_FONT, alignment=CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[row].height = 30


def _text(ws, row: int, column: int, value: str, *, centred=False):
    return _put(ws, row, column, value, font=BODY_FONT, alignment=WRAP_TOP_CENTRE if centred else WRAP_TOP)


def sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = SHEET_BAD.sub("_", name)[:28] or "单位"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:26]}({n})", n + 1
    used.add(candidate)
    return candidate


def ranking_columns(exporter: AssessmentExporter) -> tuple[Column, ...]:
    """The ranking's columns, with a 备注 that says what the numbers alone cannot."""
    return (*exporter.ranking_columns(), Column("备注", 36))


def _ranking_sheet(ws, exporter: AssessmentExporter) -> None:
    columns = ranking_columns(exporter)
    width, total_width = len(columns), sum(c.width for c in columns)
    row = _title(ws, 1, exporter.title() + exporter.marks() + exporter.draft_mark(), width)
    row = _paragraph(ws, row, "　　".join(exporter.subtitle()), width, total_width)
    header_row = row
    _header(ws, header_row, columns)
    criteria = len(exporter.criteria)
    first_score, total_column = 3, 3 + criteria + 2
    for item in exporter.iterate_ranking():
        row += 1
        _number(ws, row, 1, item.rank, number_format=RANK_FORMAT)
        _text(ws, row, 2, item.name)
        for j, cell in enumerate(item.scores, start=first_score):
            if cell.applies:
                _number(ws, row, j, cell.score)
            else:
                _text(ws, row, j, NOT_APPLICABLE, centred=True)
        _number(ws, row, first_score + criteria, item.bonus)
        _number(ws, row, first_score + criteria + 1, item.penalty)
        _number(ws, row, total_column, item.total)
        _text(ws, row, total_column + 1, item.grade, centred=True)
        _text(ws, row, total_column + 2, item.note)
        ws.row_dimensions[row].height = min(
            MAX_ROW_HEIGHT_PT,
            max(wrapped_lines(item.name, columns[1].width), wrapped_lines(item.note, columns[-1].width))
            * LINE_HEIGHT_PT
            + 4,
        )
    last = row
    if last > header_row:
        # Sorting and filtering act on the table alone; the average row below stays put.
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{last}"
        row += 1
        _put(ws, row, 1, "平均分", font=SECTION_FONT, alignment=CENTRE, fill=SECTION_FILL)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.cell(row=row, column=2).border = BORDER
        for j in range(first_score, total_column + 1):
            letter = get_column_letter(j)
            _number(ws, row, j, f"=AVERAGE({letter}{header_row + 1}:{letter}{last})", font=SECTION_FONT)
        for j in (total_column + 1, total_column + 2):
            _put(ws, row, j, "", font=SECTION_FONT, alignment=WRAP_TOP)
    row += 1  # a blank row, then what the table cannot say: vetoes, rescaling, status
    for line in exporter.summary()[2:]:
        row += 1
        _paragraph(ws, row, line, width, total_width)
    _setup(ws, landscape=True, header_row=header_row, freeze_column=3)


DETAIL_COLUMNS = (
    Column("考核内容", 14),
    Column("分值", 8, centred=True),
    Column("折算后分值", 10, centred=True),
    Column("原始数据", 22),
    Column("计算得分", 9, centred=True),
    Column("自评分", 8, centred=True),
    Column("认定得分", 9, centred=True),
    Column("说明", 32),
)


def _department_sheet(ws, section) -> None:
    columns = DETAIL_COLUMNS
    width, total_width = len(columns), sum(c.width for c in columns)
    row = _title(ws, 1, section.heading, width, height=28)
    header_row = row
    _header(ws, header_row, columns)
    for item in section.rows:
        row += 1
        _text(ws, row, 1, item.label)
        _number(ws, row, 2, item.weight)
        _number(ws, row, 3, item.counted_weight)
        _text(ws, row, 4, item.raw)
        if item.applies:
            _number(ws, row, 5, item.computed)
            _number(ws, row, 6, item.self_score)
            _number(ws, row, 7, item.final)
        else:
            for j in (5, 7):
                _text(ws, row, j, NOT_APPLICABLE, centred=True)
            _number(ws, row, 6, item.self_score)
        _text(ws, row, 8, item.note)
        lines = max(wrapped_lines(item.note, columns[7].width), wrapped_lines(item.raw, columns[3].width))
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + 4)
    first, last = header_row + 1, row
    for label, value in (
        ("基础得分", f"=SUM(G{first}:G{last})" if last >= first else Decimal(0)),
        ("加分", section.bonus),
        ("扣分", section.penalty),
        ("总分", section.total),
    ):
        row += 1
        _put(ws, row, 1, label, font=SECTION_FONT, alignment=WRAP_TOP, fill=SECTION_FILL)
        for j in range(2, 7):
            _put(ws, row, j, "", font=BODY_FONT, alignment=WRAP_TOP)
        _number(ws, row, 7, value, font=SECTION_FONT)
        _put(ws, row, 8, f"{section.grade}等" if label == "总分" else "", font=BODY_FONT, alignment=WRAP_TOP)
    row += 1
    for heading, lines in (
        ("加分、扣分及否决事项", section.adjustments),
        ("失分说明", section.lost or ["各项均未失分。"]),
        ("自评说明", section.notes),
    ):
        if not lines:
            continue
        row = _paragraph(ws, row, heading, width, total_width, font=SECTION_FONT, fill=SECTION_FILL)
        for k, line in enumerate(lines, start=1):
            text = f"{k}. {line}" if section.lost or heading != "失分说明" else line
            row = _paragraph(ws, row, text, width, total_width, font=BODY_FONT)
    _setup(ws, landscape=False, header_row=header_row)


def _properties(wb, exporter: AssessmentExporter) -> None:
    """The office as the file's author, the report's title, created and modified now."""
    office = exporter.office()
    props = wb.properties
    props.creator = props.lastModifiedBy = office
    props.title = exporter.title()
    props.subject = exporter.assessment.plan.title
    props.keywords = "考核排名"
    props.category = "考核结果"
    # openpyxl writes naive times as UTC (…Z).
    now = exporter.now
    props.created = props.modified = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now


def write_xlsx(exporter: AssessmentExporter) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核排名"
    _ranking_sheet(ws, exporter)
    used = {ws.title}
    for section in exporter.iterate_departments():
        _department_sheet(wb.create_sheet(sheet_name(section.name, used)), section)
    _properties(wb, exporter)
    wb.calculation.fullCalcOnLoad = True  # the formulas have no cached values: compute on open
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
