"""The 工作简报's rules: the office of a jurisdiction drafts an issue, picks its items from the
jurisdiction's 工作动态 and the task entries of approved reports (ordered as chosen, titles and
bodies editable), and issues it: the next 期号 of the jurisdiction's year, taken under a lock,
and the Word file stored. An issued issue never changes; only drafts are deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitycity.errors import ApplicationError, Conflict
from responsibilities.models import Jurisdiction
from responsibilities.services import audit_record

from .briefing_exporter import briefing_docx, issue_label
from .briefing_selectors import pickable_entries, require_office_of
from .models import Briefing, WorkUpdate

DEFAULT_TITLE = "质量强市工作简报"
MAX_ITEMS = 30
ISSUED_UNCHANGEABLE = _("该期简报已印发，不能再修改或删除")
ALREADY_ISSUED = _("该期简报已印发（%(label)s），不能重复印发")
EMPTY_ISSUE = _("内容：简报没有内容，请至少选择一条工作动态或任务进展")
TOO_MANY = _("内容：一期简报最多%(n)s条")
NOT_PICKABLE = _("内容：第%(n)s条所选的%(kind)s不存在或不属于本行政区")
ITEM_NEEDS_TITLE = _("内容：第%(n)s条缺少标题")
ITEM_NEEDS_BODY = _("内容：第%(n)s条缺少正文")
TITLE_NEEDED = _("标题：请填写简报名称")
KIND_LABELS = {"update": _("工作动态"), "entry": _("任务进展（须为已通过的月报）")}


@dataclass(frozen=True)
class ItemChoice:
    """One item as the office chose it: its source (kind and id) and its edited text (blank:
    the source's own)."""

    kind: str  # "update" or "entry"
    id: int
    title: str = ""
    body: str = ""


def _office_name(jurisdiction: Jurisdiction) -> str:
    return jurisdiction.office_name or f"{jurisdiction.name}质量强市工作领导小组办公室"


@transaction.atomic
def briefing_create(*, jurisdiction: Jurisdiction, actor) -> Briefing:
    """The office starts a draft; its header repeats the jurisdiction's last issue's (title,
    报送, 抄送), the 编发单位 defaulting to the jurisdiction's office."""
    require_office_of(user=actor, jurisdiction=jurisdiction)
    last = Briefing.objects.filter(jurisdiction=jurisdiction).order_by("-created_at").first()
    briefing = Briefing.objects.create(
        jurisdiction=jurisdiction,
        year=timezone.localdate().year,
        title=last.title if last else DEFAULT_TITLE,
        editor_unit=(last.editor_unit if last else "") or _office_name(jurisdiction),
        send_to=last.send_to if last else "",
        copy_to=last.copy_to if last else "",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="briefing.create",
        obj=briefing,
        jurisdiction=jurisdiction,
        summary=str(briefing.title),
    )
    return briefing


def _lock_draft(briefing: Briefing) -> Briefing:
    locked = (
        Briefing.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=briefing.pk)
    )
    if locked.status == Briefing.Status.ISSUED:
        raise Conflict(ISSUED_UNCHANGEABLE)
    return locked


def _resolve_items(jurisdiction: Jurisdiction, choices: list[ItemChoice]) -> list[dict]:
    """The chosen items as stored: each source checked to be the jurisdiction's (an approved
    report's entry, or a work update), its text edited or the source's own."""
    if len(choices) > MAX_ITEMS:
        raise ApplicationError(TOO_MANY % {"n": MAX_ITEMS}, field="items")
    update_ids = {c.id for c in choices if c.kind == "update"}
    entry_ids = {c.id for c in choices if c.kind == "entry"}
    updates = (
        WorkUpdate.objects.filter(pk__in=update_ids, department__jurisdiction=jurisdiction)
        .select_related("department")
        .in_bulk()
    )
    entries = pickable_entries(jurisdiction=jurisdiction).filter(pk__in=entry_ids).in_bulk()
    items = []
    for n, choice in enumerate(choices, start=1):
        source = (updates if choice.kind == "update" else entries if choice.kind == "entry" else {}).get(
            choice.id
        )
        if source is None:
            label = KIND_LABELS.get(choice.kind, _("内容"))
            raise ApplicationError(NOT_PICKABLE % {"n": n, "kind": label}, field="items")
        if choice.kind == "update":
            own_title, own_body, unit = source.title, source.body, source.department.name
        else:
            own_title, own_body, unit = (
                source.task.title or source.task.path_label,
                source.progress,
                (source.report.unit_name),
            )
        title = (choice.title or "").strip() or own_title
        body = (choice.body if choice.body.strip() else own_body).strip()
        if not title.strip():
            raise ApplicationError(ITEM_NEEDS_TITLE % {"n": n}, field="items")
        if not body:
            raise ApplicationError(ITEM_NEEDS_BODY % {"n": n}, field="items")
        items.append(
            {"kind": choice.kind, "id": choice.id, "title": title[:200], "body": body[:5000], "source": unit}
        )
    return items


@transaction.atomic
def briefing_update(
    *,
    briefing: Briefing,
    actor,
    title: str,
    editor_unit: str,
    issued_on: dt.date | None,
    send_to: str,
    copy_to: str,
    items: list[ItemChoice],
) -> Briefing:
    """The office edits a draft's header and items (picked from its jurisdiction, in the order
    chosen); an issued issue is refused and nothing is saved."""
    require_office_of(user=actor, jurisdiction=briefing.jurisdiction)
    locked = _lock_draft(briefing)
    if not title.strip():
        raise ApplicationError(TITLE_NEEDED, field="title")
    before = {"items": len(locked.items), "title": locked.title}
    locked.items = _resolve_items(locked.jurisdiction, items)
    locked.title = title.strip()[:200]
    locked.editor_unit = editor_unit.strip()[:128]
    locked.issued_on = issued_on
    locked.send_to, locked.copy_to = send_to.strip()[:500], copy_to.strip()[:500]
    locked.save(update_fields=["items", "title", "editor_unit", "issued_on", "send_to", "copy_to"])
    audit_record(
        actor=actor,
        action="briefing.update",
        obj=locked,
        jurisdiction=locked.jurisdiction,
        summary=locked.title,
        before=before,
        after={"items": len(locked.items), "title": locked.title},
    )
    return locked


def next_number(*, jurisdiction: Jurisdiction, year: int) -> int:
    """The next 期号 of the jurisdiction's year, taken while its row is locked: two issues at
    once wait for each other and never share a number (the unique constraint backs it up)."""
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).values_list("pk", flat=True).get()
    last = Briefing.objects.filter(jurisdiction=jurisdiction, year=year, number__isnull=False).aggregate(
        last=Max("number")
    )["last"]
    return (last or 0) + 1


@transaction.atomic
def briefing_issue(*, briefing: Briefing, actor) -> Briefing:
    """The office issues a draft with items: the year's next 期号 under a lock, the date (today
    if none was set), the Word file stored; issuing twice is refused."""
    require_office_of(user=actor, jurisdiction=briefing.jurisdiction)
    locked = (
        Briefing.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=briefing.pk)
    )
    if locked.status == Briefing.Status.ISSUED:
        raise Conflict(ALREADY_ISSUED % {"label": issue_label(locked.year, locked.number)})
    if not locked.items:
        raise ApplicationError(EMPTY_ISSUE, field="items")
    locked.issued_on = locked.issued_on or timezone.localdate()
    locked.year = locked.issued_on.year
    locked.number = next_number(jurisdiction=locked.jurisdiction, year=locked.year)
    locked.status = Briefing.Status.ISSUED
    locked.issued_at = timezone.now()
    locked.editor_unit = locked.editor_unit or _office_name(locked.jurisdiction)
    data = briefing_docx(locked, office=_office_name(locked.jurisdiction))
    name = f"{locked.jurisdiction_id}-{locked.year}-{locked.number:03d}.docx"
    locked.docx.save(name, ContentFile(data), save=False)
    stored = locked.docx.name
    try:  # a file is not rolled back with the transaction: remove it if the row fails
        locked.save(
            update_fields=["issued_on", "year", "number", "status", "issued_at", "editor_unit", "docx"]
        )
        audit_record(
            actor=actor,
            action="briefing.issue",
            obj=locked,
            jurisdiction=locked.jurisdiction,
            summary=f"{locked.title} {issue_label(locked.year, locked.number)}",
            after={"number": locked.number, "year": locked.year, "items": len(locked.items)},
        )
    except BaseException:
        locked.docx.storage.delete(stored)
        raise
    return locked


@transaction.atomic
def briefing_delete(*, briefing: Briefing, actor) -> None:
    """The office deletes a draft; an issued issue is kept for good."""
    require_office_of(user=actor, jurisdiction=briefing.jurisdiction)
    locked = _lock_draft(briefing)
    audit_record(
        actor=actor,
        action="briefing.delete",
        obj=locked,
        jurisdiction=locked.jurisdiction,
        summary=locked.title,
        before={"items": len(locked.items)},
    )
    locked.delete()


def briefing_file(*, briefing: Briefing) -> tuple[str, bytes]:
    """The issue's Word file and its name: the stored one once issued, else a preview."""
    name = f"{briefing.title}{issue_label(briefing.year, briefing.number)}.docx".replace("　", "")
    if briefing.status == Briefing.Status.ISSUED and briefing.docx:
        with briefing.docx.open("rb") as handle:
            return name, handle.read()
    preview = name.removesuffix(".docx") + "（草稿）.docx"
    return preview, briefing_docx(briefing, office=_office_name(briefing.jurisdiction))
