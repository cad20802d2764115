"""Plain-text plans (pasted from a web page or a .txt file) → Extraction.

Rule: each line is a paragraph, except that runs of '|' or tab separated lines holding a table
header are read as a table; everything then goes through ``extract_blocks`` like .docx does.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

from .blocks import Para, TableBlock, normalize
from .document import extract_blocks
from .outline import match_number
from .result import Extraction, ImportFailed
from .tables import header_role


def text_to_blocks(text: str) -> list[Para | TableBlock]:
    """Lines → paragraphs; runs of '|' or tab separated lines holding a header → a table."""
    lines = normalize(text).split("\n")
    blocks: list[Para | TableBlock] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if _is_table_line(line) and _header_ahead(lines, i):
            table, i = _read_text_table(lines, i)
            blocks.append(table)
            continue
        if line:
            blocks.append(Para(line, i + 1))
        i += 1
    return blocks


def _is_table_line(line: str) -> bool:
    """A line holding a cell: a '|' (half- or full-width) or a tab."""
    return "|" in line or "｜" in line or line.count("\t") >= 1


def _header_ahead(lines, i) -> bool:
    """Two header words among the first twelve cells from line i on."""
    cells = []
    for line in lines[i : i + 12]:
        cells += [c for c in re.split(r"[|｜\t]", line) if c.strip()]
    return sum(1 for c in cells[:12] if header_role(c)) >= 2


def _read_text_table(lines, i):
    """Read a pasted table.  One cell per line ('工作任务 |') or one row per line ('a | b | c')."""
    run = _table_run(lines, i)
    end = run[-1][0] + 1 if run else i + 1
    one_per_line = all(
        re.sub(r"[|｜]\s*$", "", ln).count("|") == 0 and "\t" not in ln for _, ln in run if _is_table_line(ln)
    )
    rows, row_lines = _rows_one_cell_per_line(run) if one_per_line else _rows_one_row_per_line(run)
    return TableBlock(rows=rows, line=i + 1, where="第", row_lines=row_lines), end


def _table_run(lines, i) -> list[tuple[int, str]]:
    """(index, line) of the table's lines: cells, and loose lines between cells (wrapped text)."""
    run: list[tuple[int, str]] = []
    gap = 0
    j = i
    while j < len(lines):
        line = lines[j].strip()
        if _is_table_line(line):
            run.append((j, line))
            gap = 0
        elif line:
            # three loose lines, or a numbered paragraph with no cell soon after, end the table
            if gap >= 3 or (match_number(line) and not any(_is_table_line(x) for x in lines[j + 1 : j + 4])):
                break
            run.append((j, line))
            gap += 1
        j += 1
    # loose lines after the last cell belong to the text that follows
    while run and not _is_table_line(run[-1][1]):
        run.pop()
    return run


def _rows_one_cell_per_line(run):
    """'序号 |' '工作任务 |' …: the leading header cells give the width, then rows of that many cells."""
    rows: list[list[str]] = []
    row_lines: list[int] = []
    cells: list[tuple[int, str]] = []
    buf, buf_line = [], None
    for ln_no, ln in run:
        if buf_line is None:
            buf_line = ln_no
        if _is_table_line(ln):
            buf.append(re.sub(r"\s*[|｜]\s*$", "", ln))
            cells.append((buf_line, "\n".join(buf).strip()))
            buf, buf_line = [], None
        else:
            buf.append(ln)
    k = 0
    while k < len(cells) and header_role(cells[k][1]):
        k += 1
    k = max(k, 1)
    for c in range(0, len(cells), k):
        chunk = cells[c : c + k]
        rows.append([x[1] for x in chunk])
        row_lines.append(chunk[0][0] + 1)
    return rows, row_lines


def _rows_one_row_per_line(run):
    """'a | b | c' per line; a loose line continues the last cell of the row above."""
    rows: list[list[str]] = []
    row_lines: list[int] = []
    for ln_no, ln in run:
        if not _is_table_line(ln):
            if rows:
                rows[-1][-1] += "\n" + ln
            continue
        parts = re.split(r"[|｜\t]", ln)
        if parts and not parts[0].strip() and ln.lstrip().startswith(("|", "｜")):
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        rows.append([p.strip() for p in parts])
        row_lines.append(ln_no + 1)
    return rows, row_lines


def extract_text(text: str, doc: str = "") -> Extraction:
    """Plain text (already decoded) → Extraction."""
    if not normalize(text).strip():
        raise ImportFailed(gettext("文件中没有文字内容"))
    return extract_blocks(text_to_blocks(text), doc)
