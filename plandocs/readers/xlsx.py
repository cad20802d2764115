"""Excel (.xlsx) decomposition tables (工作任务分解表) → Extraction.

Each sheet is read as a table: merged ranges give their value to every cell they cover, the
header row is found among the first rows (序号/工作任务/主要内容/牵头部门/… in any order), a
single-value row above it is the title, and single-value rows below it are section headings.
The portal's own export (merged title row, 序号/工作任务/主要内容/牵头部门/参与部门/指标/完成时限)
reads back to the same tasks.

Hostile workbooks: the sheet XML is read directly (defusedxml: no DTDs, no entities), cell by
cell as stored, so a workbook whose only cells are A1 and SM20000 costs two cells, not the
10 million its dimension declares. Only rows and columns holding a value make up the grid (each
row keeps its printed number), and a workbook beyond the limits below is refused, never read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from django.utils.translation import gettext

from .blocks import TableBlock, normalize
from .meta import read_meta
from .result import Extraction, ImportFailed
from .tables import find_header, read_table

# Limits of one workbook: cells stored (over all sheets), and the grid of used rows × columns
# of one sheet. A real decomposition table has a few hundred rows of 5–12 columns.
MAX_CELLS = 200_000
MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_GRID = MAX_ROWS * MAX_COLUMNS
MAX_MERGED_CELLS = 500_000

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


class _TooLarge(Exception):
    """The workbook is beyond a limit; ``what`` names it for the message."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@dataclass
class SheetGrid:
    """One sheet's used rows as cell strings, each with its printed row number."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


@dataclass
class ReadStats:
    """What a reading visited (tests assert the reader stays bounded)."""

    cells: int = 0


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match((ref or "").strip().upper())
    return (int(m.group(2)), _col_index(m.group(1))) if m else None


def _number_text(raw: str, is_date: bool) -> str:
    """A stored number as openpyxl prints it: 1.0 → '1', a date-formatted serial as a date."""
    try:
        value = float(raw)
    except ValueError:
        return raw.strip()
    if is_date:
        from openpyxl.utils.datetime import from_excel

        try:
            return str(from_excel(value))
        except (ValueError, OverflowError):
            pass
    return str(int(value)) if value.is_integer() else str(value)


def _text_of(el) -> str:
    """The text of a shared or inline string: <t>, or the <t> of its rich-text runs."""
    return "".join(t.text or "" for t in el.iter(f"{_NS}t"))


class _Workbook:
    """The parts of an .xlsx this reader needs, parsed safely."""

    def __init__(self, z: zipfile.ZipFile, stats: ReadStats):
        self.z = z
        self.stats = stats
        self.names = set(z.namelist())
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def _xml(self, name: str):
        return fromstring(self.z.read(name), forbid_dtd=True)

    def sheets(self) -> list[tuple[str, str]]:
        """(name, part) of each worksheet, in the workbook's order (chart sheets left out)."""
        root = self._xml("xl/workbook.xml")
        rels_name = "xl/_rels/workbook.xml.rels"
        targets = {}
        if rels_name in self.names:
            for rel in self._xml(rels_name).iter(f"{_PKG_REL_NS}Relationship"):
                target = rel.get("Target", "")
                if target.startswith("/"):
                    target = target.lstrip("/")
                else:
                    target = posixpath.normpath(posixpath.join("xl", target))
                targets[rel.get("Id")] = target
        out = []
        for sheet in root.iter(f"{_NS}sheet"):
            part = targets.get(sheet.get(f"{_REL_NS}id"))
            if part and part in self.names and "worksheets/" in part:
                out.append((sheet.get("name") or "", part))
        return out

    def _shared_strings(self) -> list[str]:
        name = "xl/sharedStrings.xml"
        if name not in self.names:
            return []
        out = []
        for _ev, el in iterparse(self.z.open(name), forbid_dtd=True):
            if el.tag == f"{_NS}si":
                out.append(_text_of(el))
                el.clear()
                if len(out) > MAX_CELLS:
                    raise _TooLarge(gettext("共享字符串超过%(n)s个") % {"n": MAX_CELLS})
        return out

    def _date_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format is a date."""
        name = "xl/styles.xml"
        if name not in self.names:
            return set()
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        root = self._xml(name)
        formats = dict(BUILTIN_FORMATS)
        for fmt in root.iter(f"{_NS}numFmt"):
            try:
                formats[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
            except ValueError:
                continue
        out = set()
        xfs = root.find(f"{_NS}cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else []):
            try:
                fmt = formats.get(int(xf.get("numFmtId", "0")), "")
            except ValueError:
                continue
            if fmt and is_date_format(fmt):
                out.add(i)
        return out

    def _cell_value(self, el) -> str:
        kind = el.get("t", "n")
        if kind == "inlineStr":
            is_el = el.find(f"{_NS}is")
            return _text_of(is_el).strip() if is_el is not None else ""
        v = el.find(f"{_NS}v")
        raw = v.text if v is not None and v.text is not None else ""
        if not raw:
            return ""
        if kind == "s":
            try:
                return self.strings[int(raw)].strip()
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return "True" if raw.strip() == "1" else "False"
        if kind in ("str", "e"):
            return raw.strip()
        try:
            is_date = int(el.get("s", "0")) in self.date_styles
        except ValueError:
            is_date = False
        return _number_text(raw, is_date)

    def sheet(self, title: str, part: str) -> SheetGrid:
        """The sheet's stored cells (only those), merged ranges filled, as a compact grid."""
        cells: dict[tuple[int, int], str] = {}
        merges: list[tuple[int, int, int, int]] = []
        row_no, col_no = 0, 0
        for _ev, el in iterparse(self.z.open(part), events=("end",), forbid_dtd=True):
            tag = el.tag
            if tag == f"{_NS}c":
                self.stats.cells += 1
                if self.stats.cells > MAX_CELLS:
                    raise _TooLarge(gettext("单元格超过%(n)s个") % {"n": MAX_CELLS})
                pos = _ref(el.get("r", ""))
                if pos is None:
                    pos = (max(row_no, 1), col_no + 1)
                row_no, col_no = pos
                value = self._cell_value(el)
                if value:
                    cells[pos] = value
                el.clear()
            elif tag == f"{_NS}row":
                try:
                    row_no = int(el.get("r")) if el.get("r") else row_no + 1
                except ValueError:
                    row_no += 1
                col_no = 0
                el.clear()
            elif tag == f"{_NS}mergeCell":
                a, _, b = (el.get("ref") or "").partition(":")
                p, q = _ref(a), _ref(b or a)
                if p and q:
                    merges.append((min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])))
        return _grid(title, cells, merges)


def _grid(title: str, cells: dict, merges: list) -> SheetGrid:
    """Rows and columns holding a value, in order; a merged range's value fills its used cells."""
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    if len(rows) > MAX_ROWS:
        raise _TooLarge(gettext("工作表「%(sheet)s」有内容的行超过%(n)s行") % {"sheet": title, "n": MAX_ROWS})
    if len(cols) > MAX_COLUMNS:
        raise _TooLarge(
            gettext("工作表「%(sheet)s」有内容的列超过%(n)s列") % {"sheet": title, "n": MAX_COLUMNS}
        )
    col_at = {c: j for j, c in enumerate(cols)}
    grid = [[""] * len(cols) for _ in rows]
    row_at = {r: i for i, r in enumerate(rows)}
    for (r, c), v in cells.items():
        grid[row_at[r]][col_at[c]] = v
    filled = 0
    for r0, c0, r1, c1 in merges:
        value = cells.get((r0, c0), "")
        in_rows = [r for r in rows if r0 <= r <= r1]
        in_cols = [c for c in cols if c0 <= c <= c1]
        filled += len(in_rows) * len(in_cols)
        if filled > MAX_MERGED_CELLS:
            raise _TooLarge(gettext("合并单元格范围过大"))
        for r in in_rows:
            for c in in_cols:
                grid[row_at[r]][col_at[c]] = value
    return SheetGrid(title=title, rows=grid, row_numbers=rows)


def read_workbook(data: bytes, filename: str, stats: ReadStats | None = None) -> list[SheetGrid]:
    """Every worksheet of a workbook as a grid; ImportFailed (in Chinese) when it cannot be read
    safely: damaged zip, malformed or entity-laden XML, or beyond the size limits."""
    stats = stats or ReadStats()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            book = _Workbook(z, stats)
            return [book.sheet(title, part) for title, part in book.sheets()]
    except _TooLarge as exc:
        message = gettext("文件「%(filename)s」过大，无法读取：%(what)s，请删去多余内容或拆分后再导入")
        raise ImportFailed(message % {"filename": filename, "what": exc.what}) from exc
    except DefusedXmlException as exc:
        message = gettext("文件「%(filename)s」含有不允许的 XML 内容（DTD 或实体定义），已拒绝读取")
        raise ImportFailed(message % {"filename": filename}) from exc
    except (ParseError, SyntaxError, ValueError) as exc:
        message = gettext("文件「%(filename)s」已损坏：Excel（.xlsx）文件中的 XML 格式错误")
        raise ImportFailed(message % {"filename": filename}) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError) as exc:
        message = gettext("文件「%(filename)s」已损坏：不是有效的 Excel（.xlsx）文件（%(error)s）")
        raise ImportFailed(message % {"filename": filename, "error": type(exc).__name__}) from exc


def workbook_text_rows(data: bytes, filename: str) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows) of each worksheet, bounded as the reading is (for showing the source)."""
    return [(g.title, g.rows) for g in read_workbook(data, filename)]


def _cell_text(v) -> str:
    """A cell value as text; whole-number floats (Excel stores 1 as 1.0) print without '.0'."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def sheet_rows(ws) -> list[list[str]]:
    """Cell strings of an openpyxl worksheet with merged ranges filled in, over its stored cells
    only (a sparse sheet's declared dimension is never walked). Prefer ``workbook_text_rows``."""
    stored = getattr(ws, "_cells", {})
    cells = {}
    for count, ((r, c), cell) in enumerate(stored.items(), 1):
        if count > MAX_CELLS:
            raise ImportFailed(
                gettext("工作表「%(sheet)s」单元格超过%(n)s个") % {"sheet": ws.title, "n": MAX_CELLS}
            )
        text = _cell_text(cell.value)
        if text:
            cells[(r, c)] = text
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    try:
        return _grid(ws.title, cells, merges).rows
    except _TooLarge as exc:
        raise ImportFailed(exc.what) from exc


def extract_xlsx(data: bytes, filename: str, stats: ReadStats | None = None) -> Extraction:
    """A workbook's sheets read as decomposition tables; sheets without a header are skipped."""
    grids = read_workbook(data, filename, stats)
    tasks, targets, headings, warnings = [], [], [], []
    title = ""
    head: list[str] = []
    any_text = False
    first_error = None
    for g in grids:
        if g.rows:
            any_text = True
        try:
            res = _read_sheet(g.title, g.rows, g.row_numbers)
        except ImportFailed as exc:
            first_error = first_error or exc
            continue
        if not res:
            continue
        t_title, t_tasks, t_heads, t_targets, t_warns = res
        if not tasks:
            head = _rows_above_header(g.rows)
        title = title or t_title or ""
        tasks += t_tasks
        headings += t_heads
        targets += t_targets
        warnings += t_warns
    if not tasks:
        raise first_error or ImportFailed(_no_table_message(filename, any_text))
    if not title:
        title = filename.rsplit(".", 1)[0]
    body = "\n".join(t.text for t in tasks)
    return Extraction(
        doc=filename,
        title=title,
        tasks=tasks,
        targets=targets,
        warnings=warnings,
        headings=headings,
        meta=read_meta(head, title=title, body=body),
    )


def _rows_above_header(rows: list[list[str]]) -> list[str]:
    """The lines above a table's header (title, the export's 印发机关/文号/年度 subtitle), each
    row's distinct values joined by two spaces, as read_meta splits them."""
    hi, _ = find_header([[normalize(c) for c in r] for r in rows])
    out = []
    for r in rows[: hi or 0]:
        vals = []
        for c in r:
            if c.strip() and c.strip() not in vals:
                vals.append(c.strip())
        out.append("  ".join(vals))
    return out


def _read_sheet(sheet: str, rows: list[list[str]], row_numbers: list[int] | None = None):
    """One sheet as a table (None without a header); a failure names the sheet."""
    hi, _ = find_header([[normalize(c) for c in r] for r in rows])
    if hi is None:
        return None
    where = gettext("工作表「%(sheet)s」") % {"sheet": sheet}
    lines = row_numbers or list(range(1, len(rows) + 1))
    table = TableBlock(rows=rows, line=lines[0] if lines else 1, where=where, row_lines=lines)
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
