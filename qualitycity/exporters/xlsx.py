"""The .xlsx writer: a print-ready table as Chinese offices expect it (A4 landscape, title,
bold header repeated on every page, bordered cells, page numbers in the footer)."""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

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

# Number formats a Column names; times are printed in Beijing time as offices read them.
NUMBER_0 = "0"
NUMBER_1 = "0.0"
NUMBER_2 = "0.00"
PERCENT_1 = "0.0%"
DATE_CN = 'yyyy"年"m"月"d"日"'
DATETIME_CN = 'yyyy"年"m"月"d"日" hh:mm'
BEIJING = ZoneInfo("Asia/Shanghai")
NUMBER_RIGHT = Alignment(vertical="top", horizontal="right")
# A spreadsheet reads a cell typed or pasted as =…, +…, -… or @… as a formula (CSV/formula
# injection); text from users starting so is written as text, and marked so Excel keeps it text.
FORMULA_LEADS = ("=", "+", "-", "@")
MIN_FIT_WIDTH = 6
MAX_FIT_WIDTH = 48


def display_width(text: str) -> float:
    """Width in Excel character units: a Chinese character takes about two digits' room."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, column_width: float) -> int:
    """How many lines the text takes in a wrapping column of the given width."""
    room = max(1.0, column_width - 1.5)  # cell padding
    return sum(max(1, math.ceil(display_width(line) / room)) for line in text.split("\n"))


def fit_width(text: str) -> int:
    """A text's width for sizing a column: a Chinese (wide) character counts two, the longest
    line counts."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")[:MAX_CELL_CHARS]


def beijing_naive(value: dt.datetime) -> dt.datetime:
    """An aware time as Beijing wall-clock time without a zone (Excel has none); a naive time is
    taken as already Beijing's."""
    if value.tzinfo is not None:
        value = value.astimezone(BEIJING).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def put_value(cell, value, *, number_format: str = "") -> None:
    """The portal's one rule for what a cell holds: text stays text (a leading =, +, - or @
    never makes a formula), numbers stay numbers in the column's format, times in Beijing time."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = _clean(str(value))
    elif isinstance(value, int | float | Decimal):
        cell.value = float(value) if isinstance(value, Decimal) else value
        cell.number_format = number_format or NUMBER_2
    elif isinstance(value, dt.datetime):
        cell.value = beijing_naive(value)
        cell.number_format = number_format or DATETIME_CN
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = number_format or DATE_CN
    else:
        text = _clean(str(value))
        cell.value = text
        if text.startswith(FORMULA_LEADS):
            cell.data_type = "s"  # openpyxl made "=…" a formula
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def shown_text(value, number_format: str = "") -> str:
    """The value as the file shows it, to size columns and rows and for the .docx writer."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        when = beijing_naive(value)
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        fmt = number_format or NUMBER_2
        if fmt.endswith("%"):
            decimals = len(fmt.split(".")[1]) - 1 if "." in fmt else 0
            return f"{float(value) * 100:.{decimals}f}%"
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return f"{float(value):.{decimals}f}"
    return str(value)


def _put(
    ws, row: int, column: int, value: str, *, font, alignment, border=BORDER, fill=None, number_format=""
):
    cell = ws.cell(row=row, column=column)
    put_value(cell, value, number_format=number_format)
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

    rows = exporter.iterate_rows()
    widths = [c.width for c in columns]
    if exporter.fit_widths:
        rows = list(rows)
        widths = _fitted_widths(columns, rows)
        _widen_for_subtitle(widths, subtitle)

    row += 1
    header_row = row
    for j, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        _put(ws, row, j, column.header, font=HEADER_FONT, alignment=CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[row].height = max(24, wrapped_lines_for_header(columns, widths) * LINE_HEIGHT_PT + 6)

    for item in rows:
        row += 1
        if item.kind == "section":
            lines = _put_section(ws, row, item.cells[0], columns)
        else:
            lines = 1
            for j, (value, column, width) in enumerate(
                zip(item.cells, columns, widths, strict=True), start=1
            ):
                _put(
                    ws,
                    row,
                    j,
                    value,
                    font=BODY_FONT,
                    alignment=_body_alignment(value, column),
                    number_format=column.number_format,
                )
                lines = max(lines, wrapped_lines(shown_text(value, column.number_format), width))
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + 4)

    _set_up_pages(ws, header_row=header_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _body_alignment(value, column) -> Alignment:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and not column.centred:
        return NUMBER_RIGHT
    return WRAP_TOP_CENTRE if column.centred else WRAP_TOP


def _fitted_widths(columns, rows) -> list[float]:
    """Each column as wide as its header or longest value (plus padding), within bounds: past
    the ceiling the text wraps."""
    widths = []
    for j, column in enumerate(columns):
        longest = max(
            (
                fit_width(shown_text(item.cells[j], column.number_format))
                for item in rows
                if item.kind != "section"
            ),
            default=0,
        )
        longest = max(longest, fit_width(column.header))
        widths.append(float(min(MAX_FIT_WIDTH, max(MIN_FIT_WIDTH, column.width, longest + 2))))
    return widths


def _widen_for_subtitle(widths: list[float], subtitle) -> None:
    """Each part of the subtitle fits the columns it spans (its last column widens), since a
    merged cell clips what does not fit."""
    if not subtitle:
        return
    for text, (first, last) in zip(subtitle, _split_columns(len(widths), len(subtitle)), strict=True):
        short = fit_width(text) + 2 - sum(widths[first - 1 : last])
        if short > 0:
            widths[last - 1] += short


def wrapped_lines_for_header(columns, widths) -> int:
    return max((wrapped_lines(c.header, w) for c, w in zip(columns, widths, strict=True)), default=1)


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
