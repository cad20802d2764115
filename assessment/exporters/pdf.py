"""The 考核通报 as an A4 PDF in the layout of an official document (GB/T 9704-2012): the HTML
template laid out by WeasyPrint, the chart as the same inline SVG the dashboard draws, the
official fonts where the server has them and Noto CJK where not, embedded (subset) in the file."""

from __future__ import annotations

from django.template.loader import render_to_string

from .base import NO_RANKING, AssessmentExporter, signature_indents
from .printed import detail_cells, ranking_rows, section_extra, section_number, table_notes


def widths(columns) -> list[str]:
    """Each column's share of the table, in per cent, from the exporter's column widths."""
    total = sum(c.width for c in columns)
    return [f"{100 * c.width / total:.2f}" for c in columns]


def document_context(exporter: AssessmentExporter) -> dict:
    office, date = exporter.office(), exporter.date_text()
    office_right, date_right = signature_indents(office, date)
    ranking = ranking_rows(exporter)
    departments = [
        {
            "number": section_number(k),
            "heading": section.heading,
            "rows": [detail_cells(row) for row in section.rows],
            "extra": section_extra(section),
        }
        for k, section in enumerate(exporter.iterate_departments(), start=1)
    ]
    return {
        "title": exporter.title(),
        "title_lines": exporter.title_lines(),
        "marks": exporter.marks(),
        "addressee": exporter.addressee(),
        "opening": exporter.opening(),
        "summary": exporter.summary(),
        "closing": exporter.closing(),
        "attachments": exporter.attachments(),
        "ranking_columns": exporter.ranking_columns(),
        "ranking_widths": widths(exporter.ranking_columns()),
        "ranking": ranking,
        "no_units": NO_RANKING,
        "table_notes": table_notes(exporter, ranking),
        "charts": exporter.charts(),
        "detail_columns": exporter.detail_columns,
        "detail_widths": widths(exporter.detail_columns),
        "detail_span": len(exporter.detail_columns) - 1,
        "departments": departments,
        "office": office,
        "date": date,
        "office_right": f"{office_right:g}",
        "date_right": f"{date_right:g}",
        "created": exporter.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_pdf(exporter: AssessmentExporter) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "assessment/assessment_report_pdf.html",
        {
            "doc": document_context(exporter),
            "mark": exporter.draft_mark().strip("（）"),
            "centred": {2, 4, 5, 6},
        },
    )
    return HTML(string=html).write_pdf()
