"""The portal's exports: an exporter yields a title, columns and rows; one writer per format
(xlsx, docx) prints every export the same way (pretix style)."""

from .base import CONTENT_TYPES, DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, Column, ExportFile, ListExporter, Row

__all__ = [
    "CONTENT_TYPES",
    "DOCX_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ExportFile",
    "ListExporter",
    "Row",
]
