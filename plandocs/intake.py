"""An uploaded plan file → Extraction: the one entry the import views and services call.

Formats the readers read directly (.txt, .docx, .xlsx, .pdf, .html/.htm/.mhtml) go to
``readers.extract`` in this process. The old binary Office formats (.doc, .wps, .et, .xls) are
first converted to .docx/.xlsx by LibreOffice in the Celery worker (``plandocs.tasks``): the
web process sends the task and waits for its answer at most the conversion limit plus a margin,
so a file that makes LibreOffice hang costs one worker slot for a minute, never a web thread
forever, and the office gets a Chinese message.

In the embedded mode (no REDIS_URL: SQLite and CELERY_TASK_ALWAYS_EAGER) the task runs
in-process, eagerly, so soffice then runs inside the web process; that is acceptable for a first
look on one machine and never the case in production, where a worker runs it.
"""

from __future__ import annotations

import base64

from django.utils.translation import gettext

from .readers import DEFAULT_MAX_BYTES, Extraction, ImportFailed, extract
from .tasks import convert_office, convert_seconds

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_EXTENSIONS = ("doc", "wps", "dot", "wpt")
SHEET_EXTENSIONS = ("xls", "et", "xlt", "ett")
# Seconds the web process waits beyond the conversion limit (queueing, the broker round trip).
WAIT_MARGIN = 15


def _ext(filename: str) -> str:
    name = (filename or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def conversion_target(data: bytes | str, filename: str) -> str | None:
    """ "docx" or "xlsx" when the file is an old Office document LibreOffice must convert first;
    None for what the readers take directly (an encrypted Office file goes to the readers, whose
    message says so)."""
    if isinstance(data, str) or not data.startswith(OLE2_MAGIC):
        return None
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
        return None
    # Only a container that holds a document's own stream goes to LibreOffice: a damaged or
    # empty one would keep the office waiting for the conversion's time limit, and the readers
    # answer it at once.
    is_text = "WordDocument".encode("utf-16-le") in data
    is_sheet = "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data
    ext = _ext(filename)
    if is_sheet and (ext in SHEET_EXTENSIONS or not is_text):
        return "xlsx"
    if is_text:
        return "docx"
    return None


def read_upload(data: bytes | str, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction:
    """Read a plan upload; ImportFailed with a Chinese message when it cannot be read."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    to = conversion_target(data, filename) if 0 < size <= max_bytes else None
    if to is None:
        return extract(data, filename=filename, max_bytes=max_bytes)
    converted = convert_in_worker(data, filename=filename, to=to)
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    extraction = extract(converted, filename=f"{stem}.{to}", max_bytes=max(max_bytes, len(converted)))
    extraction.doc = filename
    return extraction


def convert_in_worker(data: bytes, *, filename: str, to: str) -> bytes:
    """Send the conversion to the worker and wait for it (with a timeout)."""
    from celery.exceptions import TimeoutError as CeleryTimeout

    wait = convert_seconds() + WAIT_MARGIN
    try:
        result = convert_office.apply_async(
            args=(base64.b64encode(data).decode("ascii"), filename, to), expires=wait
        )
        answer = result.get(timeout=wait, disable_sync_subtasks=False)
    except CeleryTimeout as exc:
        message = gettext("转换「%(filename)s」超时（超过%(seconds)s秒）：请另存为 .docx 或 .xlsx 后再导入")
        raise ImportFailed(message % {"filename": filename, "seconds": int(wait)}) from exc
    if answer.get("error"):
        raise ImportFailed(answer["error"])
    return base64.b64decode(answer["data"])


__all__ = ["read_upload", "conversion_target", "convert_in_worker"]
