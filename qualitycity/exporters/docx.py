"""The .docx writer: the same table in an A4 landscape Word document, its header row repeated
on every page, section rows merged across, page numbers in the footer."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .xlsx import shown_text

TITLE_FONT = "黑体"
BODY_FONT = "宋体"
BODY_SIZE = Pt(10.5)
HEADER_SHADE = "D9E1F2"
SECTION_SHADE = "F2F2F2"
PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGIN = Mm(15)


def set_font(run, name: str, size=None, bold: bool | None = None) -> None:
    """Name the font for Latin and for Chinese text (w:eastAsia): Word picks the Chinese face
    from eastAsia only."""
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _shade(cell, colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _write(cell, text: str, *, font=BODY_FONT, bold=False, align=None) -> None:
    """The text in the cell's first paragraph, a line break for each newline."""
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run()
    set_font(run, font, BODY_SIZE, bold)
    for k, line in enumerate((text or "").split("\n")):
        if k:
            run.add_break()
        run.add_text(line)


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def field_runs(paragraph, instruction: str, *, font: str, size) -> None:
    """A field (PAGE) as begin / instruction / separate / result / end runs, each in the given
    face, so the number prints in the same face as the text around it (— 1 — in 宋体 四号)."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = paragraph.add_run()
        set_font(run, font, size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = "1"
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def official_body_style(document, *, font: str, size) -> None:
    """The Normal style of an official document: one face for Chinese and Latin text, no space
    after paragraphs, and no extra space between Chinese and digits ("2026年", not "2026 年")."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = font, size
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), font)
    normal.paragraph_format.space_after = Pt(0)
    p_pr = normal.element.get_or_add_pPr()
    anchor = p_pr.find(qn("w:spacing"))  # the schema wants them before w:spacing
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(name)
        element.set(qn("w:val"), "0")
        if anchor is not None:
            anchor.addprevious(element)
        else:
            p_pr.append(element)


def font_alternatives(document, alternatives: dict[str, str]) -> None:
    """The official faces in the font table, each with Windows' name as its alternative and the
    GB2312 character set, so Word substitutes a like face where one is missing."""
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    entries = "".join(
        f'<w:font w:name="{escape(name)}"><w:altName w:val="{escape(alt)}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in alternatives.items()
    )
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode("utf-8") + b"</w:fonts>")


def _footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, instruction in (("第 ", "PAGE"), (" 页，共 ", "NUMPAGES"), (" 页", None)):
        set_font(paragraph.add_run(text), BODY_FONT, Pt(9))
        if instruction:
            _field(paragraph, instruction)


def grid_table(document, columns, *, usable) -> tuple:
    """A bordered table as wide as `usable`, one column per exporter column in proportion to its
    width, its first row repeated on every page; returns the table and the column widths."""
    total = sum(c.width for c in columns)
    widths = [int(usable * c.width / total) for c in columns]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice and WPS lay out by
    _repeat_as_header(table.rows[0])
    return table, widths


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def write_docx(exporter) -> bytes:
    """The exporter's title, subtitle, header and rows as a Word table on A4 landscape pages."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    set_font(title.add_run(exporter.title()), TITLE_FONT, Pt(18))
    subtitle = exporter.subtitle()
    if subtitle:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(line.add_run("　　".join(subtitle)), BODY_FONT, BODY_SIZE)

    columns = exporter.columns
    table, widths = grid_table(document, columns, usable=PAGE_WIDTH - 2 * MARGIN)
    header = table.rows[0]
    for cell, column, width in zip(header.cells, columns, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _write(cell, column.header, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, HEADER_SHADE)

    for item in exporter.iterate_rows():
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if item.kind == "section":
            merged = cells[0].merge(cells[-1])
            _write(merged, item.cells[0], bold=True)
            _shade(merged, SECTION_SHADE)
            continue
        for cell, value, column in zip(cells, item.cells, columns, strict=True):
            _write(
                cell,
                shown_text(value, column.number_format),
                align=WD_ALIGN_PARAGRAPH.CENTER if column.centred else None,
            )

    _footer(section)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
