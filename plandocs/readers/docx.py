"""Word (.docx) plans → Extraction, via python-docx.

Paragraphs and tables are read in document order.  Word auto-numbering (numPr) is rendered to
the printed label ("一、", "(一)", "1.") from numbering.xml, so the outline reads like pasted text;
tables go through the same decomposition-table reader as .xlsx.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext, pgettext

from .blocks import Para, TableBlock, normalize
from .document import extract_blocks
from .outline import match_number
from .result import Extraction, ImportFailed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CN_NUMS = "零一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (Word chineseCounting)."""
    if n <= 10:
        return CN_NUMS[n]
    if n < 20:
        return "十" + (CN_NUMS[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_NUMS[tens] + "十" + (CN_NUMS[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    """Render one level counter in a Word numFmt."""
    if fmt.startswith("chinese") or fmt in (
        "ideographTraditional",
        "japaneseCounting",
        "ideographDigital",
        "taiwaneseCounting",
    ):
        return _chinese(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return CIRCLED[n - 1]
    if fmt == "upperLetter":
        return chr(64 + n)
    if fmt == "lowerLetter":
        return chr(96 + n)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Counters for Word list numbering, enough to print the labels plans use."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.findall(f"{W}abstractNum"):
            lv = {}
            for lvl in an.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                lv[ilvl] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else f"%{ilvl + 1}.",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[an.get(f"{W}abstractNumId")] = lv
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{W}val"), {}).items():
                self.levels[(num.get(f"{W}numId"), ilvl)] = spec
        self._abstract_of = {
            num.get(f"{W}numId"): num.find(f"{W}abstractNumId").get(f"{W}val")
            for num in root.findall(f"{W}num")
            if num.find(f"{W}abstractNumId") is not None
        }

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Count one more item at this level and print its label ('(三)'); None for bullets."""
        spec = self.levels.get((num_id, ilvl))
        if not spec:
            return None
        fmt, text, start = spec
        if fmt in ("bullet", "none"):
            return None
        key = self._abstract_of.get(num_id, num_id)  # lists sharing an abstractNum continue
        counts = self.counters.setdefault(key, [0] * 9)
        starts = [self.levels.get((num_id, i), ("decimal", "", 1))[2] for i in range(9)]
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else starts[ilvl]
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0

        def sub(m):
            level = int(m.group(1)) - 1
            lf = self.levels.get((num_id, level), ("decimal", "", 1))[0]
            return _format(counts[level] or starts[level], lf)

        return normalize(re.sub(r"%(\d)", sub, text)).strip()


def _num_pr(paragraph):
    """numId and ilvl of a paragraph, from its own pPr or its style's."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        s_pr = style.element.pPr
        num_pr = s_pr.numPr if s_pr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None:
        return None
    num_id = str(num_pr.numId.val)
    ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    return (num_id, ilvl) if num_id != "0" else None


def _table_rows(table) -> list[list[str]]:
    """Rows of cell text; python-docx repeats merged cells, so merged values fill their span."""
    rows = []
    for row in table.rows:
        try:
            cells = row.cells
        except (IndexError, ValueError):
            cells = []
        rows.append([normalize(c.text).strip() for c in cells])
    return rows


def docx_blocks(document) -> list[Para | TableBlock]:
    """Paragraphs (with their Word auto-number label) and tables of a document, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = Numbering(document)
    blocks: list[Para | TableBlock] = []
    n_para = 0
    n_table = 0
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            para = Paragraph(child, document)
            n_para += 1
            text = normalize(para.text).strip()
            if not text:
                continue
            label = None
            np = _num_pr(para)
            if np:
                label = numbering.label(*np)
                if label and match_number(text):
                    label = None  # the number is printed too
            for line in text.split("\n"):
                if line.strip():
                    blocks.append(Para(line.strip(), n_para, label))
                    label = None
        elif child.tag == f"{W}tbl":
            n_table += 1
            rows = _table_rows(Table(child, document))
            where = gettext("第%(n)s个表格") % {"n": n_table}
            blocks.append(TableBlock(rows=rows, line=n_para, where=where))
    return blocks


def extract_docx(data: bytes, filename: str) -> Extraction:
    """A .docx file's bytes → Extraction; a file python-docx cannot open raises ImportFailed."""
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = gettext("文件「%(filename)s」已损坏：不是有效的 Word（.docx）文件（%(error)s）")
        raise ImportFailed(message % {"filename": filename, "error": type(exc).__name__}) from exc
    except Exception as exc:  # python-docx raises its own errors for broken parts
        message = gettext("文件「%(filename)s」无法作为 Word（.docx）读取：%(error)s")
        raise ImportFailed(message % {"filename": filename, "error": exc}) from exc
    blocks = docx_blocks(document)
    if not blocks:
        raise ImportFailed(gettext("文件「%(filename)s」中没有文字内容") % {"filename": filename})
    return extract_blocks(blocks, filename, where=pgettext("what the numbers in 第N段 count", "段"))
