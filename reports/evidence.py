"""Evidence files (佐证材料): the type is read from the content, never trusted from the name."""

from __future__ import annotations

import hashlib

import filetype
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError, Conflict
from responsibilities.services import audit_record

from .access import EDITORS, require_department_member
from .models import Evidence, TaskEntry

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
NO_UPLOAD_AFTER_SUBMIT = gettext_lazy("该月报已提交，不能再上传佐证材料")
NO_DELETE_AFTER_SUBMIT = gettext_lazy("该月报已提交，不能删除佐证材料")


def evidence_sniff(head: bytes, *, name: str) -> str:
    """The file's real type from its first bytes: pdf, jpg, png, docx or xlsx, else refused."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        found = _("（实际为%(extension)s）") % {"extension": kind.extension} if kind else ""
        message = _(
            "“%(name)s”不是允许的文件类型%(found)s：只接受 PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）"
        )
        raise ApplicationError(message % {"name": name, "found": found}, field="file")
    return kind.mime


@transaction.atomic
def evidence_attach(*, entry: TaskEntry, actor, upload) -> Evidence:
    """A liaison or head attaches a file of at most 20 MB to an entry of an editable report."""
    require_department_member(entry.report, actor, EDITORS)
    if not entry.report.is_editable:
        raise Conflict(NO_UPLOAD_AFTER_SUBMIT)
    name = (upload.name or "file")[-200:]
    if upload.size > MAX_BYTES:
        size = f"{upload.size / 1024 / 1024:.1f}"
        raise ApplicationError(
            _("“%(name)s”超过20MB（%(size)sMB），请压缩后再上传") % {"name": name, "size": size}, field="file"
        )
    if upload.size == 0:
        raise ApplicationError(_("“%(name)s”是空文件") % {"name": name}, field="file")
    upload.seek(0)
    head = upload.read(8192)
    content_type = evidence_sniff(head, name=name)
    if content_type.startswith("application/vnd.openxml"):
        # Word and Excel are zip files: a whole read tells them apart and proves they open.
        upload.seek(0)
        content_type = evidence_sniff(upload.read(), name=name)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        entry=entry,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(name.rsplit(".", 1)[0] + ALLOWED[content_type], upload, save=False)
    evidence.save()
    _audit_evidence(
        actor, "evidence.upload", evidence, _("%(entry)s 上传 %(name)s") % {"entry": entry, "name": name}
    )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor) -> None:
    """Evidence can be removed from a report while it is still a draft."""
    entry = evidence.entry
    require_department_member(entry.report, actor, EDITORS)
    if not entry.report.is_editable:
        raise Conflict(NO_DELETE_AFTER_SUBMIT)
    summary = _("%(entry)s 删除 %(name)s") % {"entry": entry, "name": evidence.original_name}
    _audit_evidence(actor, "evidence.delete", evidence, summary)
    evidence.file.delete(save=False)
    evidence.delete()


def _audit_evidence(actor, action: str, evidence: Evidence, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=evidence,
        jurisdiction=evidence.entry.report.period.jurisdiction,
        summary=summary,
    )
