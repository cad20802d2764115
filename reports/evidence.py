"""Evidence files (佐证材料): the type is read from the content, never trusted from the name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import Conflict
from qualitycity.storage import file_delete_on_commit
from qualitycity.uploads import EVIDENCE_KINDS, EVIDENCE_MAX_BYTES, upload_check
from responsibilities.services import audit_record

from .access import EDITORS, require_department_member
from .models import DepartmentReport, Evidence, TaskEntry

NO_UPLOAD_AFTER_SUBMIT = gettext_lazy("该月报已提交，不能再上传佐证材料")
NO_DELETE_AFTER_SUBMIT = gettext_lazy("该月报已提交，不能删除佐证材料")


def _report_locked_editable(report: DepartmentReport, refused) -> DepartmentReport:
    """The report row, locked, if it is still a draft: a submission waits for the change, or
    the change sees the submission (the same lock as saving and submitting)."""
    report = DepartmentReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if not report.is_editable:
        raise Conflict(refused)
    return report


@transaction.atomic
def evidence_attach(*, entry: TaskEntry, actor, upload) -> Evidence:
    """A liaison or head attaches a PDF, JPG, PNG, .docx or .xlsx file of at most 20 MB, its
    type proved by its content (qualitycity.uploads), to an entry of a draft report."""
    require_department_member(entry.report, actor, EDITORS)
    checked = upload_check(upload, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES, field="file")
    _report_locked_editable(entry.report, NO_UPLOAD_AFTER_SUBMIT)
    evidence = Evidence(
        entry=entry,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(checked.storage_name, checked.file, save=False)
    evidence.save()
    summary = _("%(entry)s 上传 %(name)s") % {"entry": entry, "name": checked.name}
    _audit_evidence(actor, "evidence.upload", evidence, summary)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor) -> None:
    """Evidence can be removed from a report while it is still a draft; the file goes from
    storage once the removal is committed."""
    entry = evidence.entry
    require_department_member(entry.report, actor, EDITORS)
    _report_locked_editable(entry.report, NO_DELETE_AFTER_SUBMIT)
    summary = _("%(entry)s 删除 %(name)s") % {"entry": entry, "name": evidence.original_name}
    _audit_evidence(actor, "evidence.delete", evidence, summary)
    file_delete_on_commit(evidence.file.storage, evidence.file.name)
    evidence.delete()


def _audit_evidence(actor, action: str, evidence: Evidence, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=evidence,
        jurisdiction=evidence.entry.report.period.jurisdiction,
        summary=summary,
    )
