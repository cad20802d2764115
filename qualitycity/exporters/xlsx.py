"""The .xlsx writer: a print-ready table as Chinese offices expect it (A4 landscape, title,
bold header repeated on every page, bordered cells, page numbers in the footer)."""

from __future__ import annotations

import io
import math
import unicodedata

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

TITLE_FONT = Font(name="黑体", size=16, bold=True)
SUBTITLE_FONT = Font(name="宋体", size=10.5)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
SECTION_FONT = Font(name="宋体", size=10.5, bold=True)
BODY_FONT = Font(name="宋体", size=10.5)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_TOP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")

LINE_HEIGHT_PT = 14  # one wrapped line of 10.5pt 宋体
MAX_ROW_HEIGHT_PT = 409  # Excel's limit
MAX_CELL_CHARS = 32_767  # Excel's limit
FOOTER = "第 &P 页，共 &N 页"


def display_width(text: str) -> float:
    """Width in Excel character units: a Chinese character takes about two digits' room."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, column_width: float) -> int:
    """How many lines the text takes in a wrapping column of the given width."""
    room = max(1.0, column_width - 1.5)  # cell padding
    return sum(max(1, math.ceil(display_width(line) / room)) for line in text.split("\n"))


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")[:MAX_CELL_CHARS]


def _put(ws, row: int, column: int, value: str, *, font, alignment, border=BORDER, fill=None):
    cell = ws.cell(row=row, column=column, value=_clean(value))
    if cell.data_type == "f":  # text that starts with "=" is text, not a formula
        cell.data_type = "s"
    cell.font = font
    cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def write_xlsx(exporter) -> bytes:
    """The exporter's title, subtitle, header and rows as one print-ready worksheet."""
    columns = exporter.columns
    wb = Workbook()
    ws = wb.active
    ws.title = (exporter.document_name or "导出")[:31]

    row = 1
    _put(ws, row, 1, exporter.title(), font=TITLE_FONT, alignment=CENTRE, border=None)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
    ws.row_dimensions[row].height = 36
    subtitle = exporter.subtitle()
    if subtitle:
        row += 1
        _put_subtitle(ws, row, subtitle, width=len(columns))

    row += 1
    header_row = row
    for j, column in enumerate(columns, start=1):
        _put(ws, row, j, column.header, font=HEADER_FONT, alignment=CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[row].height = 24

    body_alignments = [WRAP_TOP_CENTRE if c.centred else WRAP_TOP for c in columns]
    for item in exporter.iterate_rows():
        row += 1
        if item.kind == "section":
            lines = _put_section(ws, row, item.cells[0], columns)
        else:
            lines = 1
            for j, (value, column) in enumerate(zip(item.cells, columns, strict=True), start=1):
                _put(ws, row, j, value, font=BODY_FONT, alignment=body_alignments[j - 1])
                lines = max(lines, wrapped_lines(value or "", column.width))
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + 4)

    _set_up_pages(ws, header_row=header_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _put_subtitle(ws, row: int, subtitle: list[str], *, width: int) -> None:
    """Each part of the subtitle gets its share of the row; the last one is right-aligned
    (年度 at the right)."""
    bounds = _split_columns(width, len(subtitle))
    for k, (text, (first, last)) in enumerate(zip(subtitle, bounds, strict=True)):
        horizontal = "right" if k == len(subtitle) - 1 and k > 0 else "left"
        alignment = Alignment(horizontal=horizontal, vertical="center")
        _put(ws, row, first, text, font=SUBTITLE_FONT, alignment=alignment, border=None)
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    ws.row_dimensions[row].height = 20


def _put_section(ws, row: int, text: str, columns) -> int:
    """A section heading across the whole row; returns the lines it wraps to."""
    _put(ws, row, 1, text, font=SECTION_FONT, alignment=WRAP_TOP, fill=SECTION_FILL)
    for j in range(2, len(columns) + 1):
        ws.cell(row=row, column=j).border = BORDER
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
    return wrapped_lines(text, sum(c.width for c in columns))


def _set_up_pages(ws, *, header_row: int) -> None:
    """A4 landscape, as wide as one page, the header repeated on every page and frozen on
    screen, the page number centred in the footer."""
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
    ws.oddFooter.center.font = "宋体,常规"
    ws.oddFooter.center.size = 10


def _split_columns(width: int, parts: int) -> list[tuple[int, int]]:
    """Split columns 1..width into `parts` runs, the first taking the larger share."""
    if parts <= 1:
        return [(1, width)]
    tail = max(1, width // parts)
    first_end = width - tail * (parts - 1)
    bounds = [(1, first_end)]
    for k in range(parts - 1):
        start = first_end + 1 + k * tail
        bounds.append((start, start + tail - 1))
    return bounds
