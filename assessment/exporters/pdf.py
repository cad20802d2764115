"""The 考核通报 as an A4 PDF: the HTML template laid out by WeasyPrint, the charts as the same
inline SVG the dashboard shows, the server's Noto CJK fonts embedded (subset) in the file."""

from __future__ import annotations

from django.template.loader import render_to_string

from .base import AssessmentExporter


def widths(columns) -> list[str]:
    """Each column's share of the table, in per cent, from the exporter's column widths."""
    total = sum(c.width for c in columns)
    return [f"{100 * c.width / total:.2f}" for c in columns]


def write_pdf(exporter: AssessmentExporter) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "assessment/assessment_report_pdf.html",
        {
            "doc": {
                "title": exporter.title(),
                "subtitle": exporter.subtitle(),
                "summary": exporter.summary(),
                "ranking_columns": exporter.ranking_columns(),
                "ranking_widths": widths(exporter.ranking_columns()),
                "detail_widths": widths(exporter.detail_columns),
                "ranking": list(exporter.iterate_ranking()),
                "charts": exporter.charts(),
                "departments": list(exporter.iterate_departments()),
            },
            "mark": exporter.draft_mark().strip("（）"),
            "centred": {2, 4, 5, 6},
        },
    )
    return HTML(string=html).write_pdf()
