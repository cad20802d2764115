"""The 考核通报 as a Word document offices edit and forward, in the layout of GB/T 9704-2012 like
the PDF: A4, type area 156 × 225 mm, title in 二号 小标宋, body in 三号 仿宋_GB2312 on a 22-line
grid, headings 一、 in 黑体 and (一) in 楷体, page numbers "— 1 —" on the outer side, the
issuing office and the date at the end, then the attachments (the chart as a PNG drawn by
CairoSVG from the PDF's SVG, each department's table). Word names one font per run, so runs name
the official faces and the font table gives Windows' own names as the alternatives."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from qualitycity.exporters.docx import field_runs, font_alternatives, grid_table, official_body_style

from .base import NO_RANKING, AssessmentExporter, signature_indents
from .printed import detail_cells, ranking_rows, section_extra, section_number, table_notes

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
TYPE_WIDTH = PAGE_WIDTH - MARGINS["left_margin"] - MARGINS["right_margin"]  # 156 mm

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# The name Windows itself gives each face, for Word to use where the official font is missing.
ALT_NAMES = {
    TITLE_FONT: "FZXiaoBiaoSong-B05S",
    BODY_FONT: "FangSong",
    HEADING_FONT: "SimHei",
    SUBHEADING_FONT: "KaiTi",
    PAGE_NUMBER_FONT: "SimSun",
}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四
SMALL_SIZE = Pt(10.5)  # 五号
LINE = Pt(28.95)  # 225 mm / 22 lines
TITLE_LINE = Pt(36)
TABLE_LINE = Pt(16)
INDENT = Pt(32)  # two characters of 三号


def set_font(run, name: str, size=None, bold: bool | None = False) -> None:
    """Name the face for Chinese (w:eastAsia) and for Latin text and digits alike."""
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _spacing(paragraph, *, line=LINE, before=0, after=0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)


def paragraph(
    document,
    text: str = "",
    *,
    font=BODY_FONT,
    size=BODY_SIZE,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=INDENT,
    line=LINE,
    bold=False,
    keep_with_next=False,
):
    """One paragraph, its text in a single run (a run split inside a word is where Word may
    break it or change its face)."""
    p = document.add_paragraph()
    p.alignment = align
    p.paragraph_format.first_line_indent = indent
    p.paragraph_format.keep_with_next = keep_with_next
    _spacing(p, line=line)
    if text:
        set_font(p.add_run(text), font, size, bold)
    return p


def _page_break(document) -> None:
    p = document.add_paragraph()
    _spacing(p)
    p.add_run().add_break(WD_BREAK.PAGE)


def _page_number(footer, *, odd: bool) -> None:
    """ "— 1 —" in 宋体 四号, one character in from the outer edge: right on odd pages, left on
    even ones; the footer sits so the number's top is 7 mm under the type area."""
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        p.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        p.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    _spacing(p, line=PAGE_NUMBER_SIZE)
    set_font(p.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    field_runs(p, "PAGE", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
    set_font(p.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _draft_mark(header, text: str) -> None:
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(text)
    set_font(run, HEADING_FONT, TABLE_SIZE)
    run.font.color.rgb = RGBColor.from_string("B91C1C")


def _set_up_page(document, exporter: AssessmentExporter) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, side, value)
    section.header_distance = Mm(15)
    # 35 mm bottom margin - 7 mm gap - one 四号 line: the footer's foot 23 mm above the edge.
    section.footer_distance = Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))  # 22 lines; paragraphs set exact spacing
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)
    mark = exporter.draft_mark().strip("（）")
    if mark:
        _draft_mark(section.header, mark)
        _draft_mark(section.even_page_header, mark)

    official_body_style(document, font=BODY_FONT, size=BODY_SIZE)
    normal = document.styles["Normal"]
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    font_alternatives(document, ALT_NAMES)


def _properties(document, exporter: AssessmentExporter) -> None:
    """Author the office, title the document's, created and modified now; no trace of the
    template the library ships (its 2013 dates, its name, its thumbnail, its application)."""
    core = document.core_properties
    office = exporter.office()
    core.author = core.last_modified_by = office
    core.title = exporter.title()
    core.subject = exporter.assessment.plan.title
    core.keywords = "考核通报"
    core.category = "通报"
    core.comments = ""
    core.revision = 1
    core.created = core.modified = exporter.now
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                f"<Application>质量强市工作平台</Application><Company>{escape(office)}</Company>"
                "</Properties>"
            ).encode()


def chart_png(svg: str) -> bytes | None:
    """The chart's SVG drawn as a PNG at twice its size (sharp when printed); None if CairoSVG
    cannot draw it, and the document then shows the ranking table alone."""
    try:
        import cairosvg

        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)
    except Exception:  # noqa: BLE001 - a chart is decoration; the table carries the figures
        return None


# Tables ----------------------------------------------------------------------------------------


def _cell(cell, lines, *, font=BODY_FONT, centred=False, size=TABLE_SIZE) -> None:
    """The cell's text, one run per line; a line given as (text, size) prints in that size."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    _spacing(p, line=TABLE_LINE)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    for k, line in enumerate([lines] if isinstance(lines, str) else lines):
        text, line_size = line if isinstance(line, tuple) else (line, size)
        run = p.add_run()
        set_font(run, font, line_size)
        if k:
            run.add_break()
        run.add_text(text or "")


CELL_MARGIN = Pt(2.5)


def _cell_margins(table, *, side=CELL_MARGIN) -> None:
    """Narrow left and right cell margins (Word's default 5.4 pt each leaves a score no room)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(side.pt * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _keep_row(row) -> None:
    """A row is never split across two pages."""
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _table(document, columns, rows, *, header_font=HEADING_FONT):
    """A bordered table as wide as the type area, its header repeated on every page."""
    table, widths = grid_table(document, columns, usable=TYPE_WIDTH)
    _cell_margins(table)
    for cell, column, width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = width
        _cell(cell, column.header, font=header_font, centred=True)
    for values in rows:
        row = table.add_row()
        _keep_row(row)
        cells = row.cells
        for cell, value, column, width in zip(cells, values, columns, widths, strict=True):
            cell.width = width
            _cell(cell, value, centred=column.centred)
    return table, widths


def _ranking(document, exporter: AssessmentExporter) -> None:
    rows = ranking_rows(exporter)
    printed = []
    for row in rows:
        cells = [
            [c["text"], (f"({c['weight']})", SMALL_SIZE)] if c["weight"] else c["text"] for c in row["cells"]
        ]
        grade = [row["grade"], ("否决", SMALL_SIZE)] if row["vetoed"] else row["grade"]
        printed.append(
            [str(row["rank"]), row["name"], *cells, row["bonus"], row["penalty"], row["total"], grade]
        )
    _table(document, exporter.ranking_columns(), printed)
    for line in table_notes(exporter, rows):
        paragraph(document, line, size=TABLE_SIZE, line=Pt(18))


def _department(document, number: str, section, exporter: AssessmentExporter) -> None:
    paragraph(document, f"（{number}）{section.heading}", font=SUBHEADING_FONT, keep_with_next=True)
    columns = exporter.detail_columns
    table, widths = _table(document, columns, [detail_cells(row) for row in section.rows])
    for label, text in section_extra(section):
        row = table.add_row()
        _keep_row(row)
        cells = row.cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        _cell(cells[0], label, font=HEADING_FONT, centred=True)
        merged = cells[1].merge(cells[-1])
        _cell(merged, text.split("\n"))
    paragraph(document, line=Pt(12))


# The document ----------------------------------------------------------------------------------


def _attachment_head(document, number: int, title: str) -> None:
    paragraph(document, f"附件{number}", font=HEADING_FONT, indent=Pt(0), align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph(document)
    paragraph(
        document, title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0)
    )
    paragraph(document)


def _ending(document, exporter: AssessmentExporter) -> None:
    """The closing paragraph, the attachments note, the office and the date, kept on one page
    so the office's name never stands on a page of its own (GB/T 9704-2012 7.3.5)."""
    keep = {"keep_with_next": True}
    closing = exporter.closing()
    if closing:
        paragraph(document, "三、有关事项", font=HEADING_FONT, **keep)
        paragraph(document, closing, **keep)
    paragraph(document, **keep)
    for k, name in enumerate(exporter.attachments(), start=1):
        p = paragraph(document, f"{'附件：' if k == 1 else ''}{k}．{name}", indent=Pt(0), **keep)
        p.paragraph_format.left_indent = INDENT if k == 1 else INDENT + 3 * BODY_SIZE
    paragraph(document, **keep)
    office, date = exporter.office(), exporter.date_text()
    office_right, date_right = signature_indents(office, date)
    p = paragraph(document, office, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0), **keep)
    p.paragraph_format.right_indent = Pt(16 * office_right)
    # The date is one run on its own line: nothing can break it.
    p = paragraph(document, date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0))
    p.paragraph_format.right_indent = Pt(16 * date_right)
    p.paragraph_format.keep_together = True


def write_docx(exporter: AssessmentExporter) -> bytes:
    """The 考核通报 as an A4 Word document in 公文 layout: the body with the ranking, the office
    and date, then the chart and each department's scores with every point lost."""
    document = docx.Document()
    _set_up_page(document, exporter)
    _properties(document, exporter)

    # The title: one run, its lines broken where the sense allows, never inside a word.
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(title, line=TITLE_LINE)
    run = title.add_run()
    set_font(run, TITLE_FONT, TITLE_SIZE)
    for k, line in enumerate(exporter.title_lines()):
        if k:
            run.add_break()
        run.add_text(line)
    if exporter.marks():
        paragraph(
            document, exporter.marks(), font=SUBHEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0)
        )
    paragraph(document)
    paragraph(document, exporter.addressee(), indent=Pt(0))
    paragraph(document, exporter.opening())

    paragraph(document, "一、总体情况", font=HEADING_FONT, keep_with_next=True)
    for line in exporter.summary():
        paragraph(document, line)

    paragraph(document, "二、考核排名", font=HEADING_FONT, keep_with_next=True)
    if exporter.results:
        paragraph(document, "各单位考核得分及等次如下：", keep_with_next=True)
        _ranking(document, exporter)
    else:
        paragraph(document, NO_RANKING)
    _ending(document, exporter)

    attachments = exporter.attachments()
    _page_break(document)
    _attachment_head(document, 1, attachments[0])
    for k, (caption, svg) in enumerate(exporter.charts(), start=1):
        png = chart_png(str(svg))
        if png is None:
            continue
        paragraph(
            document,
            f"图{k}　{caption}",
            font=HEADING_FONT,
            size=PAGE_NUMBER_SIZE,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=Pt(0),
            keep_with_next=True,
        )
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not the body's exact 28.95 pt
        picture.paragraph_format.space_after = Pt(6)
        picture.add_run().add_picture(io.BytesIO(png), width=TYPE_WIDTH)
    paragraph(
        document,
        "注：条形按考核内容分段，紫色为加分，红色斜线为扣分（从得分中扣除），竖线及数字为总分，与考核排名一致。",
        size=TABLE_SIZE,
        line=Pt(18),
    )

    _page_break(document)
    _attachment_head(document, 2, attachments[1])
    for k, section in enumerate(exporter.iterate_departments(), start=1):
        _department(document, section_number(k), section, exporter)

    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
