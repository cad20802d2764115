"""Plan importers: read a plan (.txt, .docx, .xlsx, .pdf, .html/.htm/.mhtml) into tasks,
departments and targets. (.doc, .wps and .et are converted to .docx/.xlsx by LibreOffice in the
worker first: plandocs.intake.read_upload, above the readers.)

    from plandocs.readers import extract, ImportFailed
    result = extract(data, filename="方案.docx")
    result.to_schema()   # the SCHEMA.md shape
    result.to_dict()     # plus task text, due, headings, warnings

Command line (development): python -m plandocs.readers.text FILE [--full]
(or the management command: manage.py import_plan).

Modules, lowest first: blocks, result → departments, quantities → targets → outline → meta,
tables → document → text, docx, xlsx, pdf, html.  Lower modules never import higher ones.

The format is sniffed from the content (magic bytes); the file name is a hint only.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext

from .blocks import Para, TableBlock
from .document import extract_blocks
from .result import Extraction, ImportFailed, Target, Task
from .text import extract_text

__all__ = [
    "extract",
    "Extraction",
    "ImportFailed",
    "Task",
    "Target",
    "Para",
    "TableBlock",
    "extract_blocks",
    "extract_text",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _ext(filename: str) -> str:
    """The lower-case extension of a file name ('' without one)."""
    name = (filename or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _mib(n: int) -> str:
    """A size in MB with one decimal, as the size-limit message prints it."""
    return f"{n / 1024 / 1024:.1f}MB"


def extract(data: bytes | str, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction:
    """Read a plan from bytes (or already decoded text) and return an Extraction.

    Raises ImportFailed with a Chinese message naming the problem and where it is.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        message = gettext("文件「%(filename)s」过大：%(size)s，超过上限 %(limit)s")
        raise ImportFailed(message % {"filename": filename, "size": _mib(size), "limit": _mib(max_bytes)})
    if size == 0:
        raise ImportFailed(gettext("文件「%(filename)s」是空文件") % {"filename": filename})
    if isinstance(data, str):
        return extract_text(data, filename)
    ext = _ext(filename)
    if data.startswith(OLE2_MAGIC):
        raise ImportFailed(_ole2_message(data, filename, ext))
    if data.startswith(ZIP_MAGIC) or ext in ("docx", "xlsx", "xlsm"):
        return _extract_zip(data, filename, ext)
    if ext in ("doc", "xls"):
        message = gettext("文件「%(filename)s」不是有效的 %(ext)s 文件，请另存为 .%(ext)sx 后再导入")
        raise ImportFailed(message % {"filename": filename, "ext": ext})
    if data[:1024].lstrip().startswith(b"%PDF") or (ext == "pdf" and b"%PDF" in data[:1024]):
        from .pdf import extract_pdf

        return extract_pdf(data, filename)
    if ext == "pdf":
        message = gettext("文件「%(filename)s」不是有效的 PDF 文件")
        raise ImportFailed(message % {"filename": filename})
    if ext in HTML_EXTENSIONS or _looks_like_html(data):
        from .html import extract_html

        return extract_html(data, filename)
    return extract_text(_decode(data, filename), filename)


HTML_EXTENSIONS = ("html", "htm", "mhtml", "mht", "shtml", "xhtml")
_HTML_START = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<meta")


def _looks_like_html(data: bytes) -> bool:
    """A web page saved under another name: it opens with a tag, or is an .mhtml archive."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") and b"<html" not in head:
        return False
    if head.startswith(_HTML_START):
        return True
    return b"mime-version:" in head and b"multipart/related" in head


def _ole2_message(data: bytes, filename: str, ext: str) -> str:
    """OLE2 container: an encrypted (password) Office file, or an old .doc/.xls."""
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
        message = gettext(
            "文件「%(filename)s」已加密（设有打开密码），无法读取：请在 Office 中取消密码后重新保存再导入"
        )
        return message % {"filename": filename}
    if ext == "xls" or b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data:
        message = gettext("文件「%(filename)s」是旧版 Excel（.xls）格式，请在 Excel 中另存为 .xlsx 后再导入")
        return message % {"filename": filename}
    if ext == "doc" or b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
        message = gettext("文件「%(filename)s」是旧版 Word（.doc）格式，请在 Word 中另存为 .docx 后再导入")
        return message % {"filename": filename}
    message = gettext("文件「%(filename)s」是旧版 Office 格式（.doc/.xls），请另存为 .docx 或 .xlsx 后再导入")
    return message % {"filename": filename}


def _extract_zip(data: bytes, filename: str, ext: str) -> Extraction:
    """A zip container is .docx or .xlsx by its parts, whatever its name says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            bad = z.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        kind = {"docx": "Word（.docx）", "xlsx": "Excel（.xlsx）"}.get(ext, "Office")
        message = gettext("文件「%(filename)s」已损坏：不是有效的 %(kind)s 文件（压缩包结构无法读取）")
        raise ImportFailed(message % {"filename": filename, "kind": kind}) from exc
    if bad:
        message = gettext("文件「%(filename)s」已损坏：内部文件「%(member)s」校验失败")
        raise ImportFailed(message % {"filename": filename, "member": bad})
    if "word/document.xml" in names:
        from .docx import extract_docx

        return extract_docx(data, filename)
    if "xl/workbook.xml" in names:
        from .xlsx import extract_xlsx

        return extract_xlsx(data, filename)
    message = gettext("文件「%(filename)s」是压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件")
    raise ImportFailed(message % {"filename": filename})


def plain_text(data: bytes, filename: str) -> str:
    """What the office reads beside the extraction for a PDF or web page: its paragraphs, and
    its tables' rows with cells separated by a tab, one a line; '' for an old Office file (its
    text exists only after LibreOffice's conversion in the worker)."""
    if data.startswith(OLE2_MAGIC):
        return ""
    if data[:1024].lstrip().startswith(b"%PDF"):
        from .pdf import pdf_blocks

        blocks = pdf_blocks(data, filename)
    else:
        from .html import decode_html, html_blocks, is_mhtml, mhtml_html

        blocks = html_blocks(mhtml_html(data, filename) if is_mhtml(data) else decode_html(data), filename)
    lines = []
    for block in blocks:
        if isinstance(block, TableBlock):
            lines.extend("\t".join(row).rstrip() for row in block.rows)
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _decode(data: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM), then GB18030 (covers GBK/GB2312).  A PDF, web page or old
    Office file (review.source_text_render asks for any upload) reads as its plain_text."""
    if data.startswith(OLE2_MAGIC) or data[:1024].lstrip().startswith(b"%PDF") or _looks_like_html(data):
        return plain_text(data, filename)
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        message = gettext("文件「%(filename)s」不是文本文件，也不是 .docx/.xlsx，无法识别格式")
        raise ImportFailed(message % {"filename": filename})
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    message = gettext("文件「%(filename)s」的文字编码无法识别（既不是 UTF-8 也不是 GBK）")
    raise ImportFailed(message % {"filename": filename})
