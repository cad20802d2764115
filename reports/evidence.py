"""Evidence files (佐证材料): the type is read from the content, never trusted from the name."""

from __future__ import annotations

import hashlib

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction

from responsibilities.models import Role
from responsibilities.services import audit_record

from .models import Evidence, TaskEntry
from .services import require_department_member

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def evidence_sniff(head: bytes, *, name: str) -> str:
    """The file's real type from its first bytes: pdf, jpg, png, docx or xlsx, else refused."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        found = f"（实际为{kind.extension}）" if kind else ""
        raise ValidationError(
            f"“{name}”不是允许的文件类型{found}：只接受 PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）"
        )
    return kind.mime


@transaction.atomic
def evidence_attach(*, entry: TaskEntry, actor, upload) -> Evidence:
    """A liaison or head attaches a file of at most 20 MB to an entry of an editable report."""
    require_department_member(entry.report, actor, {Role.LIAISON, Role.DEPARTMENT_HEAD})
    if not entry.report.is_editable:
        raise ValidationError("该月报已提交，不能再上传佐证材料")
    name = (upload.name or "file")[-200:]
    if upload.size > MAX_BYTES:
        raise ValidationError(f"“{name}”超过20MB（{upload.size / 1024 / 1024:.1f}MB），请压缩后再上传")
    if upload.size == 0:
        raise ValidationError(f"“{name}”是空文件")
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
    audit_record(
        actor=actor,
        action="evidence.upload",
        obj=evidence,
        jurisdiction=entry.report.period.jurisdiction,
        summary=f"{entry} 上传 {name}",
    )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor) -> None:
    """Evidence can be removed from a report while it is still a draft."""
    entry = evidence.entry
    require_department_member(entry.report, actor, {Role.LIAISON, Role.DEPARTMENT_HEAD})
    if not entry.report.is_editable:
        raise ValidationError("该月报已提交，不能删除佐证材料")
    audit_record(
        actor=actor,
        action="evidence.delete",
        obj=evidence,
        jurisdiction=entry.report.period.jurisdiction,
        summary=f"{entry} 删除 {evidence.original_name}",
    )
    evidence.file.delete(save=False)
    evidence.delete()
