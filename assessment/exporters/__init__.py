"""The assessment's files: one exporter says what the report contains; the writers lay it out
as Excel, PDF and Word, and the files are stored with the assessment under PRIVATE_ROOT."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from qualitycity.exporters.base import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE

from ..models import Assessment
from .base import AssessmentExporter

CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "pdf": "application/pdf", "docx": DOCX_CONTENT_TYPE}


def assessment_render(*, assessment: Assessment, extension: str) -> bytes:
    exporter = AssessmentExporter(assessment)
    if extension == "xlsx":
        from .xlsx import write_xlsx

        return write_xlsx(exporter)
    if extension == "pdf":
        from .pdf import write_pdf

        return write_pdf(exporter)
    if extension == "docx":
        from .docx import write_docx

        return write_docx(exporter)
    raise ValueError(_("不支持的导出格式：%(extension)s") % {"extension": extension})


def assessment_files_render(*, assessment: Assessment) -> Assessment:
    """Renders the three files and stores them with the assessment, replacing earlier ones; a
    rendering interrupted half-way leaves the earlier files in place."""
    exporter = AssessmentExporter(assessment)
    rendered = {ext: assessment_render(assessment=assessment, extension=ext) for ext in CONTENT_TYPES}
    old = [f.name for f in (assessment.xlsx, assessment.pdf, assessment.docx) if f]
    for ext, data in rendered.items():
        getattr(assessment, ext).save(exporter.filename(ext), ContentFile(data), save=False)
    Assessment.objects.filter(pk=assessment.pk).update(
        xlsx=assessment.xlsx.name, pdf=assessment.pdf.name, docx=assessment.docx.name
    )
    storage = assessment.xlsx.storage
    for name in old:
        if name not in (assessment.xlsx.name, assessment.pdf.name, assessment.docx.name):
            storage.delete(name)
    return assessment
