"""The base of every export: a title, columns and rows; the writers turn them into a file.

An exporter only says what goes in the table (pretix style); `ListExporter.render` hands the
rows to the .xlsx or .docx writer, so every export of the portal prints the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in Excel character widths; the .docx writer keeps the proportions
    centred: bool = False  # short values (序号, 完成时限) read better centred
    # Excel's number format for the column's numbers, dates and times (NUMBER_2, PERCENT_1,
    # DATETIME_CN…); a text column leaves it empty.
    number_format: str = ""


@dataclass(frozen=True)
class Row:
    """A section row (one label across the table) or a body row (one cell per column). A body
    cell is text, or a number, date or time the .xlsx writer keeps as one (None: empty)."""

    kind: str  # "section" or "task"
    cells: tuple

    @classmethod
    def section(cls, label: str) -> Row:
        return cls("section", (label,))


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    data: bytes


class ListExporter:
    """One table under a title; subclasses give the title, subtitle, columns and rows."""

    document_name = ""  # printed after the title in the file name: 工作任务分解表
    columns: tuple[Column, ...] = ()
    # The .xlsx writer sizes each column to its longest line (a Chinese character counts two),
    # between Column.width's floor of 6 and a ceiling past which the text wraps.
    fit_widths = False

    def title(self) -> str:
        raise NotImplementedError

    def subtitle(self) -> tuple[str, ...]:
        """Smaller lines under the title, each printed in its own part of the row (文号, 年度)."""
        return ()

    def iterate_rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def filename(self, extension: str) -> str:
        """The title, safe as a file name, then the document's name: 某计划-工作任务分解表.xlsx."""
        stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", self.title()).strip(" ._") or "export"
        if self.document_name:
            stem = f"{stem}-{self.document_name}"
        return f"{stem}.{extension}"

    def render(self, extension: str) -> ExportFile:
        if extension == "xlsx":
            from .xlsx import write_xlsx

            data = write_xlsx(self)
        elif extension == "docx":
            from .docx import write_docx

            data = write_docx(self)
        else:
            raise ValueError(_("不支持的导出格式：%(extension)s") % {"extension": extension})
        return ExportFile(self.filename(extension), CONTENT_TYPES[extension], data)
