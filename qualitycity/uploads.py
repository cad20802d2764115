"""The one check every uploaded file passes: evidence, self-assessment files and plan imports.

The type is read from the content, never trusted from the name: PDF and images by their magic
bytes, Word and Excel (.docx/.xlsx) as a real zip holding [Content_Types].xml and the main part,
the old .doc/.xls (and Kingsoft's .wps/.et, told apart by the name) by the OLE signature, web
pages (.html, .mhtml) by their opening tag or MIME header, text by the absence of binary bytes. A file is refused,
with a message naming it, when it is empty, larger than the caller's limit, a zip with too many
members or too large unpacked (a zip bomb), encrypted, of a kind the caller does not take, or
named with an extension its content contradicts.
"""

from __future__ import annotations

import hashlib
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .errors import ApplicationError

MIB = 1024 * 1024
# A Word or Excel file has tens to a few hundred parts and unpacks to a few times its size;
# beyond these it is built to exhaust the server, not to be read.
MAX_MEMBERS = 2000
MAX_UNPACKED_BYTES = 100 * MIB
MAX_RATIO = 100
# Below this unpacked size a high ratio (a page of blank cells) harms nothing.
RATIO_FLOOR = 1 * MIB

# What a department may attach as evidence (reports and self-assessments): at most 20 MB.
EVIDENCE_KINDS = frozenset({"pdf", "jpg", "png", "docx", "xlsx"})
EVIDENCE_MAX_BYTES = 20 * MIB
# What a plan import reads (plandocs.intake): text, Word and Excel, PDF with a text layer, saved
# web pages, and the old Word/WPS/Excel formats LibreOffice converts in the worker.
PLAN_IMPORT_KINDS = frozenset({"txt", "docx", "xlsx", "pdf", "html", "mhtml", "doc", "wps", "et"})

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEAD_BYTES = 8192

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain",
    "html": "text/html",
    "mhtml": "multipart/related",
    "wps": "application/kswps",
    "et": "application/kset",
}
# The extensions a name may carry for each kind (the first is the one a stored file gets).
EXTENSIONS = {
    "pdf": ("pdf",),
    "jpg": ("jpg", "jpeg"),
    "png": ("png",),
    "docx": ("docx",),
    "xlsx": ("xlsx", "xlsm"),
    "doc": ("doc",),
    "xls": ("xls",),
    "txt": ("txt",),
    "html": ("html", "htm", "shtml", "xhtml"),
    "mhtml": ("mhtml", "mht"),
    "wps": ("wps",),
    "et": ("et",),
}
KIND_LABELS = {
    "pdf": "PDF",
    "jpg": "JPG",
    "png": "PNG",
    "docx": _("Word（.docx）"),
    "xlsx": _("Excel（.xlsx）"),
    "doc": _("旧版 Word（.doc）"),
    "xls": _("旧版 Excel（.xls）"),
    "txt": _("文本（.txt）"),
    "html": _("网页（.html）"),
    "mhtml": _("网页（.mhtml）"),
    "wps": _("WPS 文字（.wps）"),
    "et": _("WPS 表格（.et）"),
    "ole": _("旧版 Office 文件"),
    "zip": _("普通压缩包"),
    "broken-zip": _("无法打开的压缩包"),
    "binary": _("无法识别的二进制内容"),
}
# The old Office formats, and the format to save them as instead.
SAVE_AS = {"doc": "docx", "xls": "xlsx", "wps": "docx", "et": "xlsx"}
# Kingsoft WPS saves in the OLE formats of Word and Excel: the name tells them apart.
OLE_BY_NAME = {"wps": "doc", "et": "xls"}
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")

EMPTY = _("“%(name)s”是空文件")
TOO_LARGE = _("文件超过%(limit)s：“%(name)s”有%(size)s，请压缩或拆分后再上传")
TOO_MANY_MEMBERS = _("“%(name)s”内含%(count)s个文件（上限%(limit)s个），不是正常的 Word 或 Excel 文件")
UNPACKS_TOO_LARGE = _("“%(name)s”解压后过大（%(size)s），可能是恶意构造的压缩包，已拒绝")
ENCRYPTED = _("“%(name)s”已加密（设有打开密码），无法读取：请在 Office 中取消密码后重新保存再上传")
MISMATCH = _("“%(name)s”不是有效的%(expected)s文件（内容为%(found)s）：文件已损坏，或被改了扩展名")
OLD_FORMAT = _("“%(name)s”是%(found)s格式，请另存为 .%(modern)s 后再上传")
NOT_ALLOWED = _("“%(name)s”的类型（%(found)s）不被接受：只接受%(allowed)s")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the check: its kind by content, and the name to store it under."""

    file: object
    name: str
    kind: str
    extension: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def storage_name(self) -> str:
        """The original name's stem (shortened) with the extension the content proved."""
        stem = self.name.rsplit(".", 1)[0] if _name_extension(self.name) else self.name
        return f"{stem[:100] or 'file'}.{self.extension}"


def upload_check(upload, *, allowed: set[str] | frozenset[str], max_bytes: int, field: str | None = None):
    """A file is taken only if its content is one of the allowed kinds, its name does not say
    otherwise, and it is neither empty, larger than max_bytes, nor a zip bomb; else
    ApplicationError with a Chinese message naming the file. The file is left rewound."""
    name = str(getattr(upload, "name", "") or "file")[-200:]
    size = upload.size

    def refuse(message, **values):
        raise ApplicationError(message % {"name": name, **values}, field=field)

    if size == 0:
        refuse(EMPTY)
    if size > max_bytes:
        refuse(TOO_LARGE, limit=_size_text(max_bytes, limit=True), size=_size_text(size))
    kind = _content_kind(upload, size=size, refuse=refuse)
    extension = _name_extension(name)
    if kind == "ole" and extension in SAVE_AS:
        kind = extension  # an old Office file whose streams the head did not name
    if extension in OLE_BY_NAME and kind == OLE_BY_NAME[extension]:
        kind = extension
    if kind in ("html", "mhtml") and extension == "txt":
        kind = "txt"  # a text file holding markup is still a text file
    if extension and extension not in EXTENSIONS.get(kind, (kind,)):
        expected = next((k for k, names in EXTENSIONS.items() if extension in names), None)
        refuse(MISMATCH, expected=KIND_LABELS.get(expected, f" .{extension} "), found=_label(kind))
    if kind not in allowed:
        if SAVE_AS.get(kind) in allowed:
            refuse(OLD_FORMAT, found=_label(kind), modern=SAVE_AS[kind])
        labels = pgettext("list separator", "、").join(
            str(KIND_LABELS[k]) for k in sorted(allowed, key=list(CONTENT_TYPES).index)
        )
        refuse(NOT_ALLOWED, found=_label(kind), allowed=labels)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload,
        name=name,
        kind=kind,
        extension=extension or EXTENSIONS[kind][0],
        size=size,
        sha256=digest.hexdigest(),
    )


def _content_kind(upload, *, size: int, refuse) -> str:
    """pdf, jpg, png, docx, xlsx, doc, xls or txt; else what it is (exe, zip, binary, …)."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(upload, refuse=refuse)
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(upload, size=size, refuse=refuse)
    guess = filetype.guess(head)
    if guess is not None:
        return {"jpeg": "jpg"}.get(guess.extension, guess.extension)
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(HTML_STARTS) or (start.startswith(b"<?xml") and b"<html" in start):
        return "html"
    if b"mime-version:" in start[:2048] and b"multipart/related" in start:
        return "mhtml"
    return "txt"


def _ole_kind(upload, *, refuse) -> str:
    """An OLE container: an encrypted Office file (refused), an old .doc or .xls, or unknown."""
    upload.seek(0)
    data = upload.read()
    if "EncryptedPackage".encode("utf-16-le") in data:
        refuse(ENCRYPTED)
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "ole"


def _zip_kind(upload, *, size: int, refuse) -> str:
    """docx or xlsx when the zip opens, every member unpacks within the limits and its CRC
    holds, and the package's parts are there; zip or broken-zip otherwise."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                refuse(TOO_MANY_MEMBERS, count=len(members), limit=MAX_MEMBERS)
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNPACKED_BYTES or (declared > RATIO_FLOOR and declared > MAX_RATIO * size):
                refuse(UNPACKS_TOO_LARGE, size=_size_text(declared))
            # The declared sizes may lie: unpack for real, counting, which also checks each CRC.
            budget = min(MAX_UNPACKED_BYTES, max(RATIO_FLOOR, MAX_RATIO * size))
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(MIB):
                        budget -= len(chunk)
                        if budget < 0:
                            refuse(UNPACKS_TOO_LARGE, size=_size_text(declared - budget))
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError, OSError):
        return "broken-zip"  # not a zip after all, a cut-off one, an encrypted member, a bad CRC
    except (zlib.error, lzma.LZMAError):
        return "broken-zip"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


_EXTENSION = re.compile(r"\.([a-z0-9]{1,5})$")


def _name_extension(name: str) -> str:
    """The name's extension in lower case: a short Latin one (“2026.5版方案” has none)."""
    match = _EXTENSION.search(name.lower())
    return match[1] if match else ""


def _label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind.upper()))


def _size_text(size: int, *, limit: bool = False) -> str:
    """20MB for a whole limit, 60.0MB for a size, 0.5KB under a megabyte."""
    if limit and size % MIB == 0:
        return f"{size // MIB}MB"
    if size >= MIB:
        return f"{size / MIB:.1f}MB"
    return f"{size / 1024:.1f}KB"
