"""The assessment workbook: the ranked table on the first sheet, one sheet per department with
its criteria, bonus, penalty and veto items and every point lost. Printed like the portal's other
tables (the house .xlsx helpers): A4, bold repeated header, bordered cells, page numbers."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from qualitycity.exporters.xlsx import (
    BODY_FONT,
    CENTRE,
    FOOTER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT_PT,
    SECTION_FILL,
    SECTION_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    WRAP_TOP,
    WRAP_TOP_CENTRE,
    _put,
    wrapped_lines,
)

from .base import AssessmentExporter

SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _setup(ws, *, landscape: bool, header_row: int) -> None:
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = FOOTER


def _title(ws, row: int, text: str, width: int, *, font=TITLE_FONT, height=32) -> int:
    _put(ws, row, 1, text, font=font, alignment=CENTRE if font is TITLE_FONT else WRAP_TOP, border=None)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height
    return row + 1


def _paragraph(
    ws, row: int, text: str, width: int, total_width: float, *, font=SUBTITLE_FONT, fill=None
) -> int:
    _put(ws, row, 1, text, font=font, alignment=WRAP_TOP, border=None, fill=fill)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = wrapped_lines(text, total_width) * LINE_HEIGHT_PT + 4
    return row + 1


def _table(ws, row: int, columns, rows) -> tuple[int, int]:
    header_row = row
    for j, column in enumerate(columns, start=1):
        _put(ws, row, j, column.header, font=HEADER_FONT, alignment=CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[row].height = 30
    for cells in rows:
        row += 1
        lines = 1
        for j, (value, column) in enumerate(zip(cells, columns, strict=True), start=1):
            _put(ws, row, j, value, font=BODY_FONT, alignment=WRAP_TOP_CENTRE if column.centred else WRAP_TOP)
            lines = max(lines, wrapped_lines(value or "", column.width))
        ws.row_dimensions[row].height = min(409, lines * LINE_HEIGHT_PT + 4)
    return row + 1, header_row


def sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = SHEET_BAD.sub("_", name)[:28] or "单位"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:26]}({n})", n + 1
    used.add(candidate)
    return candidate


def write_xlsx(exporter: AssessmentExporter) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核排名"
    columns = exporter.ranking_columns()
    width, total_width = len(columns), sum(c.width for c in columns)
    row = _title(ws, 1, exporter.title() + exporter.draft_mark(), width)
    row = _paragraph(ws, row, "　　".join(exporter.subtitle()), width, total_width)
    for line in exporter.summary():
        row = _paragraph(ws, row, line, width, total_width)
    _end, header_row = _table(ws, row + 1, columns, exporter.iterate_ranking())
    _setup(ws, landscape=True, header_row=header_row)

    used = {ws.title}
    for section in exporter.iterate_departments():
        ws = wb.create_sheet(sheet_name(section.name, used))
        columns = section.columns
        width, total_width = len(columns), sum(c.width for c in columns)
        row = _title(ws, 1, section.heading, width, height=28)
        row, header_row = _table(ws, row, columns, section.rows)
        for heading, lines in (
            ("加分、扣分及否决事项", section.adjustments),
            ("失分说明", section.lost),
            ("自评说明", section.notes),
        ):
            if not lines:
                continue
            row = _paragraph(ws, row, heading, width, total_width, font=SECTION_FONT, fill=SECTION_FILL)
            for k, line in enumerate(lines, start=1):
                row = _paragraph(ws, row, f"{k}. {line}", width, total_width, font=BODY_FONT)
        if not section.lost:
            _paragraph(ws, row, "各项均未失分。", width, total_width, font=BODY_FONT)
        _setup(ws, landscape=False, header_row=header_row)
        for r in range(header_row + 1, header_row + 1 + len(section.rows)):
            ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
