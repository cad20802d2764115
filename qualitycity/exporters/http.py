"""An export sent to the browser: the file under its Chinese name, with an ASCII name for
clients that cannot read RFC 6266's filename* (and never a MIME-encoded header)."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse

from .base import ExportFile


def attachment_disposition(filename: str, *, fallback: str) -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`: browsers take the
    UTF-8 name, older clients the ASCII one. Django's content_disposition_header gives no ASCII
    name for a non-ASCII one."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback).strip("_") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_response(export: ExportFile, *, fallback: str) -> HttpResponse:
    """The file as a download named in Chinese, `fallback` (ASCII, with its extension) for old
    clients."""
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = attachment_disposition(export.filename, fallback=fallback)
    return response
