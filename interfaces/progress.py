"""Task progress written by a department's own system: a progress token fills in the task
entries of its department's current draft report, by the reports app's rules; the liaison
still submits, and the API never does."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Task
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry

# The token acts as the office user who made it: reports writes the entries for the office
# (its lock, draft check, per-entry versions and audit), this app checks the token.
from reports.services import report_entries_save_for_office, report_lock
from responsibilities.services import audit_record

from .models import ApiToken
from .tokens import ApiRefused

PROGRESS_ENTRIES_MAX = 300
PROGRESS_FIELDS = ("progress", "problems", "next_steps", "status")
MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def progress_text_limit(name: str) -> int:
    return TaskEntry._meta.get_field(name).max_length


def progress_period_get(*, token: ApiToken, period: str | int) -> ReportingPeriod:
    """The period an integration names, by id or as 2026-11, of its token's own jurisdiction and
    open for reporting."""
    periods = ReportingPeriod.objects.filter(jurisdiction_id=token.jurisdiction_id)
    found = None
    if isinstance(period, int):
        found = periods.filter(pk=period).first()
    elif match := MONTH.match(period):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            found = periods.filter(start=dt.date(year, month, 1)).first()
    if found is None:
        raise ApiRefused(
            "not_found",
            _("本行政区没有报送期“%(period)s”：请写作2026-11或报送期编号") % {"period": str(period)[:20]},
            status=404,
        )
    if found.status != ReportingPeriod.Status.OPEN:
        raise ApiRefused(
            "period_closed",
            _("%(period)s报送期%(status)s，不能写入任务进展")
            % {"period": found.label, "status": found.get_status_display()},
            status=409,
        )
    return found


def _invalid(details: list[dict]) -> ApiRefused:
    return ApiRefused(
        "invalid_input",
        _("提交的任务进展有%(count)s处问题，未保存任何内容") % {"count": len(details)},
        details=details,
    )


def _entry_problems(index: int, item: dict, entry: TaskEntry | None, seen: set[int]) -> list[dict]:
    if entry is None:
        message = _("本部门本期月报中没有编号为%(task)s的任务：可用 /plans/{plan_id}/tasks 查看任务编号") % {
            "task": item["task_id"]
        }
        return [{"index": index, "field": "task_id", "message": message}]
    problems = []
    if entry.pk in seen:
        message = _("编号为%(task)s的任务在本次提交中重复出现") % {"task": item["task_id"]}
        problems.append({"index": index, "field": "task_id", "message": message})
    if "status" in item and item["status"] not in Task.Status.values:
        message = _("进度应为%(choices)s之一") % {"choices": "、".join(Task.Status.values)}
        problems.append({"index": index, "field": "status", "message": message})
    for name in PROGRESS_FIELDS:
        if "\x00" in str(item.get(name, "")):
            problems.append({"index": index, "field": name, "message": _("文本中不能含有空字符")})
    return problems


@transaction.atomic
def task_progress_write(*, token: ApiToken, period: str | int, entries: list[dict]) -> dict:
    """A progress token writes the task entries of its department's current draft report for an
    open period, each with the version read under the report's lock (so a liaison's save is
    never overwritten unseen); all entries or none, and the report stays a draft."""
    if not token.can_write_progress:
        raise ApiRefused("scope_forbidden", _("本令牌没有“报送任务进展”权限，不能写入任务进展"), status=403)
    if len(entries) > PROGRESS_ENTRIES_MAX:
        raise ApiRefused(
            "too_many_entries",
            _("一次最多提交%(max)s项任务进展，本次提交了%(count)s项：请分批提交，未保存任何内容")
            % {"max": PROGRESS_ENTRIES_MAX, "count": len(entries)},
        )
    found = progress_period_get(token=token, period=period)
    report = (
        DepartmentReport.objects.filter(
            period=found, department_id=token.department_id, superseded_by__isnull=True
        )
        .order_by("-version")
        .first()
    )
    if report is None:
        raise ApiRefused(
            "not_found",
            _("%(department)s在%(period)s报送期没有月报：本期没有该部门的任务")
            % {"department": token.department.name, "period": found.label},
            status=404,
        )
    # The lock every save and the submission take: the versions read below stay current.
    report = report_lock(report=report)
    if not report.is_editable:
        raise ApiRefused(
            "conflict",
            _("%(report)s的状态为“%(status)s”，接口只能写入草稿：如需更正请联系联络员撤回或申请更正")
            % {"report": report, "status": report.get_status_display()},
            status=409,
        )
    current = {e.task_id: e for e in report.entries.select_related("task")}
    details, seen, changes = [], set(), {}
    for index, item in enumerate(entries):
        entry = current.get(item["task_id"])
        details += _entry_problems(index, item, entry, seen)
        if entry is not None:
            seen.add(entry.pk)
            changes[entry.pk] = {k: item[k] for k in PROGRESS_FIELDS if k in item} | {
                "version": entry.version
            }
    if details:
        raise _invalid(details)
    actor = token.created_by
    result = report_entries_save_for_office(report=report, actor=actor, entries=changes)
    if not result.ok:
        # Never half-saved: a refusal here undoes the entries already written.
        index_of = {f"entry-{pk}": i for i, pk in enumerate(changes)}
        if result.errors:
            raise _invalid(
                [
                    {"index": index_of.get(key), "field": "", "message": text}
                    for key, text in result.errors.items()
                ]
            )
        raise ApiRefused(
            "conflict", _("本月报的任务进展刚被他人修改，未保存任何内容：请重新提交"), status=409
        )
    saved = TaskEntry.objects.filter(pk__in=changes).select_related("task").order_by("pk")
    audit_record(
        actor=actor,
        action="api_token.task_progress",
        obj=token,
        jurisdiction=token.jurisdiction,
        summary=_("接口令牌“%(name)s”（%(prefix)s）写入%(report)s的任务进展%(count)s项")
        % {"name": token.name, "prefix": token.prefix, "report": report, "count": result.saved},
        after={"report_id": report.pk, "task_ids": [e.task_id for e in saved], "saved": result.saved},
    )
    return {
        "report_id": report.pk,
        "department_id": report.department_id,
        "period_id": found.pk,
        "status": report.status,
        "saved": result.saved,
        "entries": [{"task_id": e.task_id, "version": e.version} for e in saved],
    }
