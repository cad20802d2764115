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

from .text import Extraction, ImportFailed, TableBlock, find_header, normalize, read_table


def _cell_text(v) -> str:
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
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFailed(
            f"文件「{filename}」已损坏：不是有效的 Excel（.xlsx）文件（{type(exc).__name__}）"
        ) from exc
    tasks, targets, headings, warnings = [], [], [], []
    title = ""
    any_text = False
    first_error = None
    for ws in wb.worksheets:
        rows = sheet_rows(ws)
        if any(any(c for c in r) for r in rows):
            any_text = True
        hi, _ = find_header([[normalize(c) for c in r] for r in rows])
        if hi is None:
            continue
        table = TableBlock(
            rows=rows, line=1, where=f"工作表「{ws.title}」", row_lines=list(range(1, len(rows) + 1))
        )
        try:
            res = read_table(table, appendix=False)
        except ImportFailed as exc:
            first_error = first_error or ImportFailed(f"工作表「{ws.title}」{exc.message}")
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
        if first_error:
            raise first_error
        if not any_text:
            raise ImportFailed(f"文件「{filename}」中没有内容（所有工作表都是空的）")
        raise ImportFailed(
            f"文件「{filename}」中没有找到任务分解表：前10行内未找到表头"
            "（序号、工作任务、主要内容、牵头部门、责任部门等）"
        )
    if not title:
        title = filename.rsplit(".", 1)[0]
    return Extraction(
        doc=filename, title=title, tasks=tasks, targets=targets, warnings=warnings, headings=headings
    )
