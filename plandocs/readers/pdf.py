"""PDF plans with a text layer → Extraction, via pdfplumber (pdfminer.six underneath).

Rules:
- Lines are read page by page, top to bottom; tables (pdfplumber's ruled tables) are read as
  tables, and their text is not read again as lines. A table that goes on at the top of the
  next page with as many columns joins the one before it (its repeated header row dropped, a
  row cut by the page break joined back).
- Running headers and footers go: a line repeated at the same height on most pages (digits
  ignored, so "第 3 页" and "第 4 页" are the same line), and a page number alone near the top or
  foot of a page ("3", "- 3 -", "第 3 页", "3/20").
- Lines join back into paragraphs: a line that stops short of the right margin ends its
  paragraph (well short when it does not end a sentence: left-aligned text is ragged), a line
  that starts with an outline number (一、 (一) 1.), after a wide gap or with a first-line indent
  starts one; a paragraph that fills the last line of a page goes on on the next page.
- A PDF without text (a scan) and an encrypted one are refused with a message saying so.
- Limits: MAX_PAGES pages, MAX_SECONDS of reading, MAX_CELLS table cells.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter

from django.utils.translation import gettext, pgettext

from .blocks import Para, TableBlock, normalize
from .document import extract_blocks
from .outline import match_number
from .result import Extraction, ImportFailed

MAX_PAGES = 300
MAX_SECONDS = 30.0
MAX_CELLS = 100_000

PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)


def _fail(message: str, filename: str) -> ImportFailed:
    return ImportFailed(message % {"filename": filename})


def extract_pdf(
    data: bytes, filename: str, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS
) -> Extraction:
    """A PDF's bytes → Extraction; ImportFailed (in Chinese) for a scan, an encrypted or broken
    file, too many pages, or reading that takes longer than max_seconds."""
    blocks = pdf_blocks(data, filename, max_pages=max_pages, max_seconds=max_seconds)
    return extract_blocks(blocks, filename, where=pgettext("what the numbers in 第N页 count", "页"))


def _open(data: bytes, filename: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 - reading the page tree is where a broken file fails
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own
        cause = exc.__cause__ or exc.__context__ or exc
        text = f"{type(exc).__name__} {exc} {type(cause).__name__} {cause}"
        if (
            isinstance(cause, PDFEncryptionError | PDFPasswordIncorrect)
            or "assword" in text
            or "ncrypt" in text
        ):
            raise _fail(
                gettext(
                    "文件「%(filename)s」是加密的 PDF（设有密码或禁止复制），无法读取：请取消加密后再导入"
                ),
                filename,
            ) from exc
        raise _fail(gettext("文件「%(filename)s」已损坏：不是有效的 PDF 文件"), filename) from exc
    return pdf


def pdf_blocks(data: bytes, filename: str, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS):
    """Paragraphs and tables of a PDF in reading order (see the module's rules)."""
    started = time.monotonic()
    pdf = _open(data, filename)
    try:
        pages = pdf.pages
        if len(pages) > max_pages:
            message = gettext("文件「%(filename)s」有%(pages)s页，超过上限%(limit)s页：请只导入方案正文")
            raise ImportFailed(message % {"filename": filename, "pages": len(pages), "limit": max_pages})
        page_items = []  # per page: (lines, tables, width, height)
        cells = 0
        any_image = False
        for number, page in enumerate(pages, start=1):
            if time.monotonic() - started > max_seconds:
                message = gettext(
                    "文件「%(filename)s」读取超时（超过%(seconds)s秒，读到第%(page)s页）：请只导入方案正文"
                )
                raise ImportFailed(
                    message % {"filename": filename, "seconds": int(max_seconds), "page": number}
                )
            lines, tables, has_image = _read_page(page, number)
            any_image = any_image or has_image
            cells += sum(len(r) for t in tables for r in t.rows)
            if cells > MAX_CELLS:
                message = gettext("文件「%(filename)s」的表格超过%(limit)s个单元格，无法导入")
                raise ImportFailed(message % {"filename": filename, "limit": MAX_CELLS})
            page_items.append((lines, tables, float(page.width), float(page.height)))
            page.close()
    except ImportFailed:
        raise
    except Exception as exc:  # a broken object deep in a page
        message = gettext("文件「%(filename)s」已损坏：PDF 内容无法读取（%(error)s）")
        raise ImportFailed(message % {"filename": filename, "error": type(exc).__name__}) from exc
    finally:
        pdf.close()
    if not any(lines or tables for lines, tables, _w, _h in page_items):
        if any_image:
            message = gettext(
                "文件「%(filename)s」是扫描件（只有图片，没有文字层），无法读取文字：请导入 Word 原文件，或先做文字识别（OCR）"
            )
        else:
            message = gettext("文件「%(filename)s」中没有文字内容")
        raise _fail(message, filename)
    _drop_furniture(page_items)
    return _paragraphs(page_items)


def _read_page(page, number: int):
    """(lines, tables, has_image) of one page; a line is dict(text, x0, x1, top, bottom, page)."""
    tables = []
    boxes = []
    for table in page.find_tables():
        rows = _table_rows(table)
        if rows and any(any(c for c in r) for r in rows):
            tables.append(TableBlock(rows=rows, line=number, where=_where(number)))
            tables[-1].top = table.bbox[1]  # type: ignore[attr-defined]
            boxes.append(table.bbox)
    if boxes:

        def outside(obj):
            cx = (obj["x0"] + obj["x1"]) / 2
            cy = (obj["top"] + obj["bottom"]) / 2
            return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

        page = page.filter(outside)
    lines = []
    for ln in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = normalize(ln["text"]).strip()
        if text:
            lines.append(
                {
                    "text": text,
                    "x0": ln["x0"],
                    "x1": ln["x1"],
                    "top": ln["top"],
                    "bottom": ln["bottom"],
                    "page": number,
                }
            )
    return lines, tables, bool(page.images)


def _where(number: int) -> str:
    return gettext("第%(n)s页的表格") % {"n": number}


def _table_rows(table) -> list[list[str]]:
    """Cell strings with merged cells filled in: pdfplumber gives None for a grid position a
    merged cell covers, and the covering cell is found by position (a title row spanning every
    column, a lead department spanning several tasks)."""
    raw = table.extract() or []
    boxes = [row.cells for row in table.rows]
    col_x: dict[int, float] = {}
    row_y: dict[int, float] = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None:
                if _single(boxes, r, c):
                    col_x.setdefault(c, (box[0] + box[2]) / 2)
                row_y.setdefault(r, (box[1] + box[3]) / 2)
    real = [(box, raw[r][c]) for r, row in enumerate(boxes) for c, box in enumerate(row) if box is not None]
    rows: list[list[str]] = []
    for r, row in enumerate(raw):
        out = []
        for c, cell in enumerate(row):
            if cell is None:
                x, y = col_x.get(c), row_y.get(r)
                value = ""
                if x is not None and y is not None:
                    for box, text in real:
                        if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                            value = text or ""
                            break
                cell = value
            out.append("".join(normalize(cell).split("\n")).strip())
        rows.append(out)
    return rows


def _single(boxes, r, c) -> bool:
    """A cell whose right neighbour in its row is a real cell too (so it spans one column)."""
    row = boxes[r]
    return c + 1 >= len(row) or row[c + 1] is not None


def _furniture_key(line) -> str:
    return re.sub(r"\d+", "#", line["text"].replace(" ", ""))


def _drop_furniture(page_items) -> None:
    """Remove running headers/footers and page numbers in place."""
    n_pages = len(page_items)
    counts: Counter = Counter()
    if n_pages >= 3:
        for lines, _t, _w, _h in page_items:
            seen = {(round(ln["top"] / 4), _furniture_key(ln)) for ln in lines}
            counts.update(seen)
    for lines, _t, _w, height in page_items:
        keep = []
        for ln in lines:
            key = (round(ln["top"] / 4), _furniture_key(ln))
            if n_pages >= 3 and counts[key] >= max(3, n_pages * 0.6):
                continue
            near_edge = ln["top"] > height * 0.85 or ln["bottom"] < height * 0.12
            if near_edge and PAGE_NUMBER.match(ln["text"]):
                continue
            keep.append(ln)
        lines[:] = keep


def _paragraphs(page_items) -> list[Para | TableBlock]:
    """Join lines into paragraphs and put tables where they stand on their page."""
    all_lines = [ln for lines, _t, _w, _h in page_items for ln in lines]
    if not all_lines:
        right = left = 0.0
    else:
        # The text column: the most common left edge and the right edge most full lines reach.
        left = Counter(round(ln["x0"]) for ln in all_lines).most_common(1)[0][0]
        right = sorted(ln["x1"] for ln in all_lines)[
            int(len(all_lines) * 0.95) - 1 if len(all_lines) > 1 else 0
        ]
    blocks: list[Para | TableBlock] = []
    buf: list[dict] = []

    def flush():
        if buf:
            text = _join([b["text"] for b in buf])
            blocks.append(Para(text, buf[0]["page"]))
            buf.clear()

    for lines, tables, _w, _h in page_items:
        items = [(ln["top"], 0, ln) for ln in lines] + [(t.top, 1, t) for t in tables]
        items.sort(key=lambda it: (it[0], it[1]))
        prev_bottom = None
        for _top, kind, item in items:
            if kind == 1:
                flush()
                last = blocks[-1] if blocks else None
                if (
                    isinstance(last, TableBlock)
                    and getattr(last, "last_page", last.line) == item.line - 1
                    and _top == items[0][0]
                    and len(last.rows[-1]) == len(item.rows[0])
                ):
                    # The table goes on on this page; a row cut by the page break (its first
                    # cell empty) joins the row it continues.
                    rows = item.rows
                    if rows and rows[0] in last.rows[:3]:
                        rows = rows[1:]  # the header row repeated on each page
                    if rows and not rows[0][0] and last.rows:
                        last.rows[-1] = [a + b for a, b in zip(last.rows[-1], rows[0], strict=False)]
                        rows = rows[1:]
                    last.rows.extend(rows)
                    last.last_page = item.line  # type: ignore[attr-defined]
                else:
                    blocks.append(item)
                prev_bottom = None
                continue
            ln = item
            size = max(ln["bottom"] - ln["top"], 1.0)
            indented = ln["x0"] > left + size * 1.5 and ln["x1"] >= right - size * 4  # a first-line indent
            starts = (
                bool(match_number(ln["text"]))
                or (prev_bottom is not None and ln["top"] - prev_bottom > size * 1.2)
                or (indented and bool(buf))
            )
            if starts:
                flush()
            buf.append(ln)
            prev_bottom = ln["bottom"]
            # Left-aligned lines end ragged before a word that does not break ("70%"): without a
            # sentence's end a line must stop well short of the margin to end its paragraph.
            ends_sentence = ln["text"][-1] in "。;:!?；：！？)）"
            short = ln["x1"] < right - size * (1.5 if ends_sentence else 4)
            indented_alone = ln["x0"] > left + size * 4 and short  # a centred title
            if short or indented_alone:
                flush()
    flush()
    return blocks


def _join(parts: list[str]) -> str:
    """Lines of one paragraph: Chinese joins without a space, Latin words with one."""
    out = parts[0]
    for p in parts[1:]:
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            out += " " + p
        else:
            out += p
    return out
