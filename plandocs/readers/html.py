"""Saved web pages (.html, .htm, .mhtml) → Extraction, via lxml.

Rules:
- The article body is kept: the first of the elements government sites put it in (#zoom,
  .TRS_Editor, article, .content …) that holds enough text, else the element whose own
  paragraphs hold the most text. Scripts, styles, navigation, breadcrumbs, headers, footers and
  sidebars go (by tag, and by class or id).
- The page's <h1> (or its title) comes first when the body does not hold it.
- Block elements (p, div, li, h1–h6) and <br> end paragraphs; tables are read as tables, with
  colspan and rowspan filled in; a table holding tables is layout and is read through.
- .mhtml: the first text/html part of the MIME archive, in its own charset.
- Limits: MAX_CHARS of text, MAX_CELLS table cells, MAX_ELEMENTS elements.
"""

from __future__ import annotations

import email
import email.policy
import re

from django.utils.translation import gettext, pgettext

from .blocks import Para, TableBlock, normalize
from .document import extract_blocks
from .result import Extraction, ImportFailed

MAX_ELEMENTS = 200_000
MAX_CELLS = 100_000
MAX_SPAN = 200

BODY_SELECTORS = [
    "//*[@id='zoom']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='UCAP-CONTENT']",
    "//article",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' pages_content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//*[@id='content']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' zw ')]",
]
DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "form",
    "iframe",
    "select",
    "button",
    "template",
}
DROP_CLASS = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|position|location|dqwz|footer|foot|header|head|top|"
    r"sidebar|side|share|copyright|banner|search|related|xgxx|bottom|tool|print)([\s_-]|$)",
    re.IGNORECASE,
)
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "blockquote", "pre", "dl", "dt", "dd", "center", "tr", "body", "main", "figure", "figcaption",
}  # fmt: skip
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """The page's declared charset, else UTF-8, else GB18030 (the usual GBK/GB2312 sites)."""
    m = CHARSET.search(data[:4096])
    encodings = [m.group(1).decode("ascii").lower()] if m else []
    for enc in [*encodings, "utf-8-sig", "gb18030"]:
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def mhtml_html(data: bytes, filename: str) -> str:
    """The first text/html part of a saved .mhtml page."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                try:
                    return payload.decode("gb18030" if charset.lower() in ("gb2312", "gbk") else charset)
                except (UnicodeDecodeError, LookupError):
                    pass
            return decode_html(payload)
    raise ImportFailed(
        gettext("文件「%(filename)s」不是有效的 .mhtml 网页文件（找不到网页正文）") % {"filename": filename}
    )


def is_mhtml(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"mime-version:" in head and b"multipart/related" in head


def extract_html(data: bytes | str, filename: str) -> Extraction:
    """A saved web page → Extraction of its article body."""
    if isinstance(data, bytes):
        text = mhtml_html(data, filename) if is_mhtml(data) else decode_html(data)
    else:
        text = data
    blocks = html_blocks(text, filename)
    if not blocks:
        raise ImportFailed(gettext("文件「%(filename)s」中没有文字内容") % {"filename": filename})
    return extract_blocks(blocks, filename, where=pgettext("what the numbers in 第N段 count", "段"))


def html_blocks(text: str, filename: str) -> list[Para | TableBlock]:
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        raise ImportFailed(
            gettext("文件「%(filename)s」不是有效的网页文件") % {"filename": filename}
        ) from exc
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        message = gettext("文件「%(filename)s」的网页元素过多（%(count)s个，上限%(limit)s个），无法导入")
        raise ImportFailed(message % {"filename": filename, "count": count, "limit": MAX_ELEMENTS})
    heading = root.xpath("string(//h1)").strip() or root.xpath("string(//title)").strip()
    _strip_chrome(root)
    body = _find_body(root)
    reader = _Reader(filename)
    if heading and heading not in (body.text_content() or ""):
        reader.blocks.append(Para(normalize(heading).strip(), 0))
    reader.walk(body)
    reader.flush()
    return reader.blocks


def _strip_chrome(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None:
                el.drop_tree() if hasattr(el, "drop_tree") else el.getparent().remove(el)
            continue
        if el.getparent() is None:
            continue
        tag = el.tag.lower()
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        if tag in DROP_TAGS or (tag not in ("body", "html") and DROP_CLASS.search(marks)):
            # A "content" wrapper is never furniture, whatever else its class says.
            if tag not in DROP_TAGS and re.search(r"content|zoom|TRS_Editor|article", marks, re.I):
                continue
            el.drop_tree()


def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content() or ""))


def _find_body(root):
    for xp in BODY_SELECTORS:
        for el in root.xpath(xp):
            if _text_len(el) >= 50:
                return el
    # The element whose own paragraphs (p, or div/td without block children) hold most text.
    scores: dict = {}
    for p in root.iter("p", "td", "div", "li"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = (
                scores.get(parent, 0)
                + len((p.text or "").strip())
                + sum(len((c.tail or "").strip()) + len((c.text or "").strip()) for c in p)
            )
    if scores:
        best = max(scores, key=scores.get)
        if scores[best] >= 50:
            # A table cell is read through its table, so the tasks' tables stay whole.
            while best.tag in ("td", "tr", "tbody", "th") and best.getparent() is not None:
                best = best.getparent()
            return best
    body = root.find("body")
    return body if body is not None else root


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.blocks: list[Para | TableBlock] = []
        self.buf: list[str] = []
        self.n = 0
        self.tables = 0
        self.cells = 0

    def flush(self):
        text = re.sub(r"[ \t\n]+", " ", normalize("".join(self.buf))).strip()
        self.buf = []
        if text:
            self.n += 1
            self.blocks.append(Para(text, self.n))

    def walk(self, el):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.table(el)
        elif tag == "br":
            self.flush()
        else:
            block = tag in BLOCK_TAGS or tag in ("table", "td", "th")
            if block:
                self.flush()
            if el.text and tag:
                self.buf.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buf.append(el.tail)

    def table(self, el):
        grid: dict[tuple[int, int], str] = {}
        n_rows = 0
        for r, tr in enumerate(el.xpath(".//tr")):
            n_rows = r + 1
            c = 0
            for cell in tr.xpath("./td|./th"):
                while (r, c) in grid:
                    c += 1
                text = re.sub(r"\s+", "", normalize(cell.text_content() or ""))
                span_c = min(_int(cell.get("colspan")), MAX_SPAN)
                span_r = min(_int(cell.get("rowspan")), MAX_SPAN)
                for dr in range(span_r):
                    for dc in range(span_c):
                        grid.setdefault((r + dr, c + dc), text)
                self.cells += span_c * span_r
                if self.cells > MAX_CELLS:
                    message = gettext("文件「%(filename)s」的表格超过%(limit)s个单元格，无法导入")
                    raise ImportFailed(message % {"filename": self.filename, "limit": MAX_CELLS})
                c += span_c
        if not grid:
            return
        width = max(c for _r, c in grid) + 1
        rows = [[grid.get((r, c), "") for c in range(width)] for r in range(n_rows)]
        rows = [row for row in rows if any(row)]
        if rows:
            self.tables += 1
            where = gettext("第%(n)s个表格") % {"n": self.tables}
            self.blocks.append(TableBlock(rows=rows, line=self.n, where=where))


def _int(value) -> int:
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1
