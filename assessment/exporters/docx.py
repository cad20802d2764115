"""The 考核通报 as a Word document offices edit and forward: the same title, summary, ranking,
charts (PNG rendered by CairoSVG from the same SVG as the PDF) and department sections, on A4
with the house .docx helpers (eastAsia fonts, shaded repeated headers, page numbers)."""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from qualitycity.exporters.docx import (
    BODY_FONT,
    HEADER_SHADE,
    TITLE_FONT,
    _footer,
    _shade,
    grid_table,
    set_font,
)

from .base import AssessmentExporter

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)
SMALL = Pt(9)
BODY = Pt(10.5)


def chart_png(svg: str) -> bytes | None:
    """The chart's SVG drawn as a PNG at twice its size (sharp when printed); None if CairoSVG
    cannot draw it, and the document then shows the ranking table alone."""
    try:
        import cairosvg

        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)
    except Exception:  # noqa: BLE001 - a chart is decoration; the table carries the figures
        return None


def _paragraph(
    document, text: str, *, font=BODY_FONT, size=BODY, bold=False, align=None, indent=False, colour=None
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(21)
    paragraph.paragraph_format.space_after = Pt(3)
    run = paragraph.add_run(text)
    set_font(run, font, size, bold)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    return paragraph


def _table(document, columns, rows) -> None:
    table, widths = grid_table(document, columns, usable=PAGE_WIDTH - 2 * MARGIN)
    for cell, column, width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = width
        _cell(cell, column.header, font=TITLE_FONT, centred=True)
        _shade(cell, HEADER_SHADE)
    for values in rows:
        cells = table.add_row().cells
        for cell, value, column, width in zip(cells, values, columns, widths, strict=True):
            cell.width = width
            _cell(cell, value, centred=column.centred)
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def _cell(cell, text: str, *, font=BODY_FONT, centred=False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run(text or ""), font, SMALL)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def write_docx(exporter: AssessmentExporter) -> bytes:
    """The 考核通报 as an A4 Word document: the summary, the ranking, the charts as pictures,
    and each department's scores with the reasons for every point lost."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _paragraph(
        document,
        exporter.title(),
        font=TITLE_FONT,
        size=Pt(18),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        colour="B91C1C",
    )
    if exporter.draft_mark():
        _paragraph(
            document, exporter.draft_mark(), size=SMALL, align=WD_ALIGN_PARAGRAPH.CENTER, colour="B91C1C"
        )
    _paragraph(document, "　｜　".join(exporter.subtitle()), size=SMALL, align=WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph(document, "一、总体情况", font=TITLE_FONT, size=Pt(14))
    for line in exporter.summary():
        _paragraph(document, line, indent=True)

    _paragraph(document, "二、考核排名", font=TITLE_FONT, size=Pt(14))
    _table(document, exporter.ranking_columns(), exporter.iterate_ranking())

    _page_break(document)
    _paragraph(document, "三、得分图表", font=TITLE_FONT, size=Pt(14))
    _charts(document, exporter.charts())

    _page_break(document)
    _paragraph(document, "四、各单位得分及失分说明", font=TITLE_FONT, size=Pt(14))
    for part in exporter.iterate_departments():
        _department(document, part)

    _footer(section)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _charts(document, charts) -> None:
    """Each chart as a numbered, captioned picture as wide as the text."""
    for k, (title, svg) in enumerate(charts, start=1):
        png = chart_png(str(svg))
        if png is None:
            continue
        caption = _paragraph(
            document, f"图{k}　{title}", font=TITLE_FONT, size=SMALL, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        caption.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(png), width=PAGE_WIDTH - 2 * MARGIN)


def _department(document, part) -> None:
    """A department's heading (red when vetoed), its scores, and the numbered reasons."""
    heading = _paragraph(
        document, part.heading, font=TITLE_FONT, size=Pt(11.5), colour="B91C1C" if part.vetoed else None
    )
    heading.paragraph_format.keep_with_next = True
    _table(document, part.columns, part.rows)
    for title, lines in (
        ("加分、扣分及否决事项", part.adjustments),
        ("失分说明", part.lost or ["各项均未失分。"]),
        ("自评说明", part.notes),
    ):
        if lines:
            _paragraph(document, title, font=TITLE_FONT, size=Pt(10))
            for k, line in enumerate(lines, start=1):
                _paragraph(document, f"{k}. {line}" if part.lost or title != "失分说明" else line, size=SMALL)
