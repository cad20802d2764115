"""Excel (.xlsx) decomposition tables (工作任务分解表) → Extraction, via openpyxl.

Each sheet is read as a table: merged ranges give their value to every cell they cover, the
header row is found among the first rows (序号/工作任务/主要内容/牵头部门/… in any order), a
single-value row above it is the title, and single-value rows below it are section headings.
The portal's own export (merged title row, 序号/工作任务/主要内容/牵头部门/参与部门/指标/完成时限)
reads back to the same tasks.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext

from .blocks import TableBlock, normalize
from .result import Extraction, ImportFailed
from .tables import find_header, read_table


def _cell_text(v) -> str:
    """A cell value as text; whole-number floats (Excel stores 1 as 1.0) print without '.0'."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def sheet_rows(ws) -> list[list[str]]:
    """Cell strings of a worksheet with merged ranges filled in (value of the top-left cell)."""
    rows = [[_cell_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        value = _cell_text(ws.cell(rng.min_row, rng.min_col).value)
        for r in range(rng.min_row, rng.max_row + 1):
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            while len(row) < rng.max_col:
                row.append("")
            for c in range(rng.min_col, rng.max_col + 1):
                row[c - 1] = value
    return rows


def extract_xlsx(data: bytes, filename: str) -> Extraction:
    """A workbook's sheets read as decomposition tables; sheets without a header are skipped."""
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        message = gettext("文件「%(filename)s」已损坏：不是有效的 Excel（.xlsx）文件（%(error)s）")
        raise ImportFailed(message % {"filename": filename, "error": type(exc).__name__}) from exc
    tasks, targets, headings, warnings = [], [], [], []
    title = ""
    any_text = False
    first_error = None
    for ws in wb.worksheets:
        rows = sheet_rows(ws)
        if any(any(c for c in r) for r in rows):
            any_text = True
        try:
            res = _read_sheet(ws.title, rows)
        except ImportFailed as exc:
            first_error = first_error or exc
            continue
        if not res:
            continue
        t_title, t_tasks, t_heads, t_targets, t_warns = res
        title = title or t_title or ""
        tasks += t_tasks
        headings += t_heads
        targets += t_targets
        warnings += t_warns
    if not tasks:
        raise first_error or ImportFailed(_no_table_message(filename, any_text))
    if not title:
        title = filename.rsplit(".", 1)[0]
    return Extraction(
        doc=filename, title=title, tasks=tasks, targets=targets, warnings=warnings, headings=headings
    )


def _read_sheet(sheet: str, rows: list[list[str]]):
    """One sheet as a table (None without a header); a failure names the sheet."""
    hi, _ = find_header([[normalize(c) for c in r] for r in rows])
    if hi is None:
        return None
    where = gettext("工作表「%(sheet)s」") % {"sheet": sheet}
    table = TableBlock(rows=rows, line=1, where=where, row_lines=list(range(1, len(rows) + 1)))
    try:
        return read_table(table, appendix=False)
    except ImportFailed as exc:
        raise ImportFailed(
            gettext("工作表「%(sheet)s」%(message)s") % {"sheet": sheet, "message": exc.message}
        ) from exc


def _no_table_message(filename: str, any_text: bool) -> str:
    """Why a workbook gave no tasks: every sheet empty, or no sheet with a table header."""
    if not any_text:
        return gettext("文件「%(filename)s」中没有内容（所有工作表都是空的）") % {"filename": filename}
    message = gettext(
        "文件「%(filename)s」中没有找到任务分解表：前10行内未找到表头"
        "（序号、工作任务、主要内容、牵头部门、责任部门等）"
    )
    return message % {"filename": filename}
