"""The monthly reporting workflow: periods, reports, saving, sign-off, review, corrections.

Each service runs in a transaction, takes the acting user, writes the audit trail, and sends
notifications only after the commit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import Assignment, Plan, Task
from qualitycity.errors import ApplicationError, Conflict
from qualitycity.formats import decimal_text
from qualitycity.params import form_decimal
from responsibilities.models import AuditEvent, Department, Jurisdiction, Membership, Role
from responsibilities.services import audit_event, audit_record
from targets.models import Indicator, Measurement, Target
from targets.status import reported_value_misses, target_window, window_totals_before

# The access rules services apply themselves (they are also called from tasks and the shell).
from .access import EDITORS, OWN_DEPARTMENT_UPDATES, require_department_member, require_office
from .calendar import next_working_day
from .models import DepartmentReport, IndicatorValue, ReportingPeriod, ReportingRule, TaskEntry, WorkUpdate
from .notifications import notify_report_event

MAX_VALUE = Decimal("1e13")
TEXT_LIMITS = {"progress": 5000, "problems": 2000, "next_steps": 2000, "consolidated": 5000}

DEADLINE_BEFORE_END = gettext_lazy("截止日期不能早于报送期结束日期")
NOT_IN_REPORT = gettext_lazy("提交的内容不属于本月报")
REPORT_NOT_EDITABLE = gettext_lazy("该月报已提交或已通过，不能再修改；如需更正请先撤回或申请更正")
ONLY_DRAFTS_SUBMIT = gettext_lazy("只有草稿状态的月报可以提交")
RATING_RANGE = gettext_lazy("评分应在0到100之间")
RETURN_NEEDS_COMMENT = gettext_lazy("退回时请至少对一项任务填写意见")
COMMENT_NOT_IN_REPORT = gettext_lazy("意见对应的任务不属于本月报")
ONLY_APPROVED_CORRECT = gettext_lazy("只有已通过的月报需要申请更正，草稿可直接修改")
ALREADY_CORRECTED = gettext_lazy("该月报已有更正版本")
SAVE_MOVED_ON = gettext_lazy("保存时发现内容已被他人修改，本次保存未生效，请刷新页面后再保存")
STATE_REFUSES = gettext_lazy("当前状态（%(status)s）不能执行此操作")
UPDATE_NEEDS_TEXT = gettext_lazy("标题和内容都不能为空")


# Periods ---------------------------------------------------------------------------------------


def period_bounds(*, year: int, month: int) -> tuple[dt.date, dt.date]:
    """A month's period runs from its first day to its last."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def period_deadline(*, jurisdiction: Jurisdiction, end: dt.date) -> dt.date:
    """The deadline is the rule's day of the following month (the 5th by default), moved to the
    next working day when it falls on a weekend or public holiday."""
    rule = ReportingRule.objects.filter(jurisdiction=jurisdiction).first()
    day = rule.deadline_day if rule else 5
    following = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=day)
    return next_working_day(following)


@transaction.atomic
def period_ensure(*, jurisdiction: Jurisdiction, year: int, month: int) -> ReportingPeriod:
    """A jurisdiction has one period per month, created with its working-day deadline."""
    start, end = period_bounds(year=year, month=month)
    period, _created = ReportingPeriod.objects.get_or_create(
        jurisdiction=jurisdiction,
        start=start,
        defaults={"end": end, "deadline": period_deadline(jurisdiction=jurisdiction, end=end)},
    )
    return period


@transaction.atomic
def period_open(*, period: ReportingPeriod, actor=None) -> ReportingPeriod:
    """Opening a period creates every member department's report for it."""
    if period.status != ReportingPeriod.Status.OPEN:
        summary = _("开放%(period)s报送") % {"period": period.label}
        _period_move(period, ReportingPeriod.Status.OPEN, "opened_at", actor, "period.open", summary)
    for department in departments_reporting(period=period):
        report_ensure(period=period, department=department)
    return period


@transaction.atomic
def period_close(*, period: ReportingPeriod, actor=None) -> ReportingPeriod:
    """A closed period takes no new submissions through the schedule; late ones stay possible
    until the office reopens or extends it."""
    if period.status != ReportingPeriod.Status.CLOSED:
        summary = _("关闭%(period)s报送") % {"period": period.label}
        _period_move(period, ReportingPeriod.Status.CLOSED, "closed_at", actor, "period.close", summary)
    return period


def _period_move(
    period: ReportingPeriod, status: str, at_field: str, actor, action: str, summary: str
) -> None:
    """A period takes its new status with the time it did so, and the trail records who moved it."""
    period.status = status
    setattr(period, at_field, timezone.now())
    period.save(update_fields=["status", at_field])
    period_audit(actor=actor, action=action, period=period, summary=summary)


def period_audit(*, actor, action: str, period: ReportingPeriod, summary: str, **changes) -> None:
    """A change to a period is recorded against the period, in its jurisdiction's trail."""
    audit_record(
        actor=actor, action=action, obj=period, jurisdiction=period.jurisdiction, summary=summary, **changes
    )


@transaction.atomic
def period_extend(*, period: ReportingPeriod, deadline: dt.date, actor) -> ReportingPeriod:
    """The office may move a deadline later (never before the period ends) and reopen it."""
    if deadline < period.end:
        raise ApplicationError(DEADLINE_BEFORE_END, field="deadline")
    before = {"deadline": period.deadline.isoformat(), "status": period.status}
    period.deadline = deadline
    period.status = ReportingPeriod.Status.OPEN
    period.save(update_fields=["deadline", "status"])
    period_audit(
        actor=actor,
        action="period.extend",
        period=period,
        summary=_("%(period)s截止日期延至%(date)s") % {"period": period.label, "date": date_format(deadline)},
        before=before,
        after={"deadline": deadline.isoformat(), "status": period.status},
    )
    return period


def periods_due_to_open(*, today: dt.date):
    """A month's period opens on its first day (or at once, if the schedule was down then)."""
    return ReportingPeriod.objects.filter(status=ReportingPeriod.Status.SCHEDULED, start__lte=today)


def periods_due_to_close(*, today: dt.date):
    """An open period closes the day after its deadline."""
    return ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN, deadline__lt=today)


def periods_run_schedule(*, today: dt.date) -> dict:
    """Once a day: create this month's periods, open those that started, close those past deadline."""
    for jurisdiction in Jurisdiction.objects.filter(plans__status=Plan.Status.ACTIVE).distinct():
        period_ensure(jurisdiction=jurisdiction, year=today.year, month=today.month)
    opened = [period_open(period=p).pk for p in periods_due_to_open(today=today)]
    closed = [period_close(period=p).pk for p in periods_due_to_close(today=today)]
    return {"opened": opened, "closed": closed}


def plans_due(*, period: ReportingPeriod):
    """Plans reported in a period: the jurisdiction's active plans that have started, monthly
    ones every month and quarterly ones at a quarter's end. A plan is reported until the office
    archives it, not only until its end year: late targets are still chased."""
    plans = Plan.objects.filter(
        jurisdiction_id=period.jurisdiction_id,
        status=Plan.Status.ACTIVE,
        year_start__lte=period.start.year,
    )
    if not period.is_quarter_end:
        plans = plans.filter(reporting_frequency=Plan.Frequency.MONTHLY)
    return plans


def departments_reporting(*, period: ReportingPeriod):
    """Every unit with a task in force in a due plan, named directly or through a collective name."""
    plan_ids = plans_due(period=period).values("pk")
    named = Assignment.objects.filter(task__plan__in=plan_ids, task__withdrawn_at__isnull=True).values(
        "department_id"
    )
    return Department.objects.units().active().filter(Q(pk__in=named) | Q(collectives__in=named)).distinct()


# Reports ---------------------------------------------------------------------------------------


def department_tasks_due(*, period: ReportingPeriod, department: Department):
    """The tasks a department reports on: those it leads or joins in the due plans, directly or
    as a member of a collective name; leading wins when it does both."""
    collective_ids = list(department.collectives.values_list("pk", flat=True))
    rows = (
        Assignment.objects.filter(
            task__plan__in=plans_due(period=period).values("pk"), task__withdrawn_at__isnull=True
        )
        .filter(Q(department=department) | Q(department_id__in=collective_ids))
        .values_list("task_id", "role", "department_id")
    )
    # A task given to a collective (各区镇 牵头) is each member's to report in that role.
    roles: dict[int, str] = {}
    for task_id, role, _department_id in rows:
        if roles.get(task_id) != Assignment.Role.LEAD:
            roles[task_id] = role
    return roles


def department_indicators_due(*, period: ReportingPeriod, department: Department):
    """Indicators the department reports that a task in force of a due plan targets, each
    entered once."""
    return Indicator.objects.filter(
        reporting_department=department,
        targets__task__plan__in=plans_due(period=period).values("pk"),
        targets__task__withdrawn_at__isnull=True,
    ).distinct()


@transaction.atomic
def report_ensure(*, period: ReportingPeriod, department: Department) -> DepartmentReport:
    """A department's current report for a period exists with an entry for every task due and a
    value for every indicator due; running it again adds only what is missing."""
    report = (
        # Only the report row: "not superseded" is an outer join, which PostgreSQL cannot lock.
        DepartmentReport.objects.select_for_update(of=("self",))
        .filter(period=period, department=department, superseded_by__isnull=True)
        .order_by("-version")
        .first()
    )
    if report is None:
        report = DepartmentReport.objects.create(
            period=period, department=department, department_name=department.name
        )
    if report.is_frozen:
        return report
    roles = department_tasks_due(period=period, department=department)
    indicators = list(department_indicators_due(period=period, department=department))
    if report.is_editable:
        _drop_blank_not_due(report, task_ids=set(roles), indicator_ids={i.pk for i in indicators})
    existing = set(report.entries.values_list("task_id", flat=True))
    TaskEntry.objects.bulk_create(
        TaskEntry(report=report, task_id=task_id, role=role)
        for task_id, role in roles.items()
        if task_id not in existing
    )
    have = set(report.values.values_list("indicator_id", flat=True))
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator)
        for indicator in indicators
        if indicator.pk not in have
    )
    return report


def _drop_blank_not_due(report: DepartmentReport, *, task_ids: set[int], indicator_ids: set[int]) -> None:
    """A draft loses the empty entries and values that are no longer due (a task withdrawn, a
    plan archived, an indicator given to another department); anything typed stays."""
    report.entries.exclude(task_id__in=task_ids).filter(
        progress="", problems="", next_steps="", consolidated=""
    ).filter(evidence__isnull=True).delete()
    report.values.exclude(indicator_id__in=indicator_ids).filter(
        value__isnull=True, gap_explanation="", note=""
    ).delete()


@dataclass
class SaveResult:
    """What a draft save did: entries and values saved, and those refused because someone else
    saved them first (their current server text comes back so nothing typed is lost)."""

    saved: int = 0
    conflicts: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    # Each entry's and value's version after the save, keyed like the form (entry-7, value-3):
    # the page posts them with its next save.
    versions: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.errors


NON_FINITE = {"nan", "snan", "inf", "infinity"}


def parse_value(raw, *, label: str) -> Decimal | None:
    """An indicator value is a finite number no larger than 10^13 in size; blank means not yet."""
    # form_decimal reads full-width digits and points typed with a Chinese input method (９３．５)
    # and refuses superscripts, circled digits, other scripts' digits, NaN and Infinity.
    text = str(raw if raw is not None else "").strip()
    try:
        number = form_decimal(text)
    except ValueError as exc:
        if text.lower().lstrip("+-") in NON_FINITE:
            raise ApplicationError(_("“%(label)s”的数值必须是有限的数字") % {"label": label}) from exc
        message = _("“%(label)s”的数值“%(text)s”不是数字") % {"label": label, "text": text[:20]}
        raise ApplicationError(message) from exc
    if number is None:
        return None
    if abs(number) >= MAX_VALUE:
        raise ApplicationError(_("“%(label)s”的数值过大，请检查单位") % {"label": label})
    if number < 0 and _cannot_be_negative(label):
        raise ApplicationError(_("“%(label)s”不能为负数") % {"label": label})
    return number.quantize(Decimal("0.0001"))


def _cannot_be_negative(label: str) -> bool:
    """Rates, counts and amounts are never negative; a change (增长, 下降) may be."""
    return not any(word in label for word in ("增长", "增幅", "变化", "增速", "下降"))


@transaction.atomic
def report_save_draft(
    *, report: DepartmentReport, actor, entries: dict[int, dict], values: dict[int, dict]
) -> SaveResult:
    """A draft saves entry by entry: an entry or value saved by someone else since this person
    loaded it is refused, never overwritten; the rest are saved. A save after the submission is
    refused: both take the report row's lock, and the status is read under it."""
    require_department_member(report, actor, EDITORS)
    report = _report_lock(report)
    if not report.is_editable:
        raise Conflict(REPORT_NOT_EDITABLE)
    result, audit = SaveResult(), []
    _save_entries(report, actor, entries, result, audit)
    _save_values(report, actor, values, result, audit)
    AuditEvent.objects.bulk_create(audit)
    return result


def report_lock(*, report: DepartmentReport) -> DepartmentReport:
    """The report row locked for the rest of the transaction, read again under the lock (the
    lock every save, evidence change and submission takes)."""
    return _report_lock(report)


def report_entries_save_for_office(
    *, report: DepartmentReport, actor, entries: dict[int, dict]
) -> SaveResult:
    """An integration the office of the report's jurisdiction enabled for a department writes
    task entries of its draft, as a save does: under the report's lock, each entry at the version
    given, never after the submission; only the office may (the department still submits)."""
    require_office(report, actor)
    report = _report_lock(report)
    if not report.is_editable:
        raise Conflict(REPORT_NOT_EDITABLE)
    result, audit = SaveResult(), []
    _save_entries(report, actor, entries, result, audit)
    AuditEvent.objects.bulk_create(audit)
    return result


def _report_lock(report: DepartmentReport) -> DepartmentReport:
    """The report row, locked until the transaction ends and read again under the lock: saves,
    evidence and the submission on one report run one after another, each seeing the status
    the one before left."""
    # With what its audit rows name (department, jurisdiction) and whether a correction
    # superseded it (report.can, is_editable), so none of them costs a query of its own.
    return (
        DepartmentReport.objects.select_for_update(of=("self",))
        .select_related("period__jurisdiction", "department", "superseded_by")
        .get(pk=report.pk)
    )


def _entry_changes(entry: TaskEntry, data: dict) -> tuple[dict, str | None]:
    """The fields the post changes on an entry, or the message refusing them."""
    changes = {k: str(data.get(k, getattr(entry, k)) or "") for k in TEXT_LIMITS if k in data}
    if "status" in data:
        if data["status"] not in Task.Status.values:
            return changes, _("任务 %(task)s 的进度选项无效") % {"task": entry.task.path_label}
        changes["status"] = data["status"]
    error = None
    for name, limit in TEXT_LIMITS.items():
        if name in changes and len(changes[name]) > limit:
            error = _("任务 %(task)s 的“%(field)s”超过%(limit)s字") % {
                "task": entry.task.path_label,
                "field": TaskEntry._meta.get_field(name).verbose_name,
                "limit": limit,
            }
    return changes, error


def _save_entries(
    report: DepartmentReport, actor, entries: dict[int, dict], result: SaveResult, audit: list[AuditEvent]
) -> None:
    """Each changed entry at the version posted; its audit row joins `audit`, for the caller to
    write with the others in one insert."""
    current = {e.pk: e for e in report.entries.select_related("task")}
    pending: dict[int, dict] = {}
    for entry_id, data in entries.items():
        entry = current.get(entry_id)
        if entry is None:
            raise PermissionDenied(NOT_IN_REPORT)
        changes, error = _entry_changes(entry, data)
        if error:
            result.errors[f"entry-{entry_id}"] = error
            continue
        before = {k: getattr(entry, k) for k in changes}
        if before == changes:
            continue
        if entry.version != _posted_version(data):
            result.conflicts.append(f"entry-{entry_id}")
            continue
        pending[entry_id] = changes
        summary = _("%(report)s 任务%(task)s") % {"report": report, "task": entry.task.path_label}
        audit.append(
            _audit_row(actor, "entry.save", report, summary, obj=entry, before=before, after=changes)
        )
    _write_at_versions(TaskEntry, "entry", current, pending, result, updated_by_id=actor.pk)


def _save_values(
    report: DepartmentReport, actor, values: dict[int, dict], result: SaveResult, audit: list[AuditEvent]
) -> None:
    """Each changed value at the version posted; its audit row joins `audit`, as for entries."""
    current = {v.pk: v for v in report.values.select_related("indicator")}
    pending: dict[int, dict] = {}
    for value_id, data in values.items():
        row = current.get(value_id)
        if row is None:
            raise PermissionDenied(NOT_IN_REPORT)
        try:
            # A post without the field leaves the value as it is; a blank field clears it.
            number = parse_value(data["value"], label=row.indicator.name) if "value" in data else row.value
        except ApplicationError as exc:
            result.errors[f"value-{value_id}"] = str(exc)
            continue
        explanation = str(data.get("gap_explanation", row.gap_explanation) or "")[:2000]
        before = {"value": _number_text(row.value), "gap_explanation": row.gap_explanation}
        after = {"value": _number_text(number), "gap_explanation": explanation}
        if before == after:
            continue
        if row.version != _posted_version(data):
            result.conflicts.append(f"value-{value_id}")
            continue
        pending[value_id] = {"value": number, "gap_explanation": explanation}
        summary = f"{report} {row.indicator.name}"
        audit.append(_audit_row(actor, "value.save", report, summary, obj=row, before=before, after=after))
    _write_at_versions(IndicatorValue, "value", current, pending, result)


def _posted_version(data: dict) -> int:
    """The version the page had loaded (-1, matching none, when it is missing or garbled)."""
    try:
        return int(data.get("version", -1))
    except (TypeError, ValueError):
        return -1


def _write_at_versions(
    model, kind: str, current: dict, changes: dict[int, dict], result: SaveResult, **common
) -> None:
    """Writes each row's changes (and the common fields) in one UPDATE, only where the row still
    has the version read under the report's lock; every writer of entries and values holds that
    lock, so the versions compared beforehand still hold, and a row that moved on regardless
    refuses the whole save (nothing half-saved) rather than being overwritten. The result counts
    the rows saved and gets every row's version after the save, keyed like the form (kind-pk)."""
    result.saved += len(changes)
    result.versions.update(
        {f"{kind}-{pk}": row.version + 1 if pk in changes else row.version for pk, row in current.items()}
    )
    if not changes:
        return
    at_versions = Q()
    for pk in changes:
        at_versions |= Q(pk=pk, version=current[pk].version)
    columns = {}
    for name in dict.fromkeys(name for row in changes.values() for name in row):
        field_ = model._meta.get_field(name)
        whens = [
            When(pk=pk, then=Value(row[name], output_field=field_))
            for pk, row in changes.items()
            if name in row
        ]
        columns[name] = Case(*whens, default=F(name), output_field=field_)
    written = model.objects.filter(at_versions).update(
        **columns, **common, version=F("version") + 1, updated_at=timezone.now()
    )
    if written != len(changes):
        raise Conflict(SAVE_MOVED_ON)


def _number_text(value) -> str | None:
    """A value as the audit trail keeps it: 93.5, or None (null) when blank."""
    return None if value is None else decimal_text(value)


@dataclass
class _Content:
    """What a submission reads of a report, once: its entries with their tasks, its values with
    their indicators, and the targets of the period's due plans on those indicators (withdrawn
    tasks' included), in the models' orders."""

    entries: list[TaskEntry]
    values: list[IndicatorValue]
    targets: list[Target]

    @property
    def filled(self) -> list[IndicatorValue]:
        return [v for v in self.values if v.value is not None]


def _content(report: DepartmentReport) -> _Content:
    values = list(report.values.select_related("indicator"))
    targets = Target.objects.filter(
        indicator__in=[v.indicator_id for v in values], task__plan__in=plans_due(period=report.period)
    ).select_related("task__plan", "indicator")
    return _Content(list(report.entries.select_related("task")), values, list(targets))


def value_gaps(*, report: DepartmentReport) -> list[tuple[IndicatorValue, Target]]:
    """The values of a report that miss a target of a due plan and carry no explanation yet,
    by the rule the target's status follows (targets.status.reported_value_misses)."""
    content = _content(report)
    return _value_gaps(report, content.filled, content.targets)


def _value_gaps(
    report: DepartmentReport, values: list[IndicatorValue], targets: list[Target]
) -> list[tuple[IndicatorValue, Target]]:
    """value_gaps on values and targets already read (the targets may cover more indicators)."""
    period = report.period
    filled = {v.indicator_id for v in values}
    targets = [t for t in targets if t.indicator_id in filled]
    by_indicator: dict[int, list[Target]] = {}
    for target in targets:
        by_indicator.setdefault(target.indicator_id, []).append(target)
    totals = window_totals_before(targets, before=period.start)
    gaps = []
    for value in values:
        for target in by_indicator.get(value.indicator_id, []):
            total_before = totals.get((target_window(target)[0], value.indicator_id), Decimal(0))
            if reported_value_misses(
                target,
                value=value.value,
                total_before=total_before,
                period_start=period.start,
                period_end=period.end,
            ):
                if not value.gap_explanation.strip():
                    gaps.append((value, target))
                break
    return gaps


def submission_blockers(*, report: DepartmentReport) -> dict[str, str]:
    """The fields that stop a submission (_check_complete's rule), keyed like the form (entry-7,
    value-3), each with what it lacks: a task's progress, a missed target's explanation."""
    content = _content(report)
    blockers = {
        f"entry-{entry.pk}": _("提交前须填写进展情况")
        for entry in sorted(content.entries, key=lambda entry: entry.pk)
        if not entry.progress.strip()
    }
    for value, target in _value_gaps(report, content.filled, content.targets):
        blockers.setdefault(
            f"value-{value.pk}",
            _("未达到目标（%(target)s），请填写未达标说明") % {"target": target.commitment},
        )
    return blockers


def _check_complete(report: DepartmentReport, content: _Content) -> None:
    """A report goes in with every task's progress and every missed target's explanation."""
    missing = [e.task.path_label for e in content.entries if not e.progress.strip()]
    if missing:
        tasks = "、".join(missing[:10]) + (_("等") if len(missing) > 10 else "")
        raise ApplicationError(_("以下任务尚未填写进展情况：%(tasks)s") % {"tasks": tasks})
    gaps = _value_gaps(report, content.filled, content.targets)
    if gaps:
        names = "、".join(
            _("%(indicator)s（目标%(target)s）") % {"indicator": v.indicator.name, "target": t.commitment}
            for v, t in gaps[:5]
        )
        raise ApplicationError(
            _("以下指标未达到目标，请填写未达标说明后再提交：%(names)s") % {"names": names}
        )


@transaction.atomic
def report_submit(*, report: DepartmentReport, actor, today: dt.date | None = None) -> DepartmentReport:
    """A liaison submits when every task has its progress and every missed target its
    explanation; after the deadline the submission is accepted and marked late."""
    require_department_member(report, actor, {Role.LIAISON})
    report = _report_lock(report)
    if not report.can("submit"):
        raise Conflict(ONLY_DRAFTS_SUBMIT)
    content = _content(report)
    _check_complete(report, content)
    today = today or timezone.localdate()
    report.status = DepartmentReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.is_late = today > report.period.deadline
    report.save(update_fields=["status", "submitted_at", "submitted_by", "is_late", "updated_at"])
    _record_written_against(content)
    measurements_record(
        report=report, confirmed=False, values=[(v.indicator_id, v.value) for v in content.filled]
    )
    summary = (_("提交%(report)s（逾期）") if report.is_late else _("提交%(report)s")) % {"report": report}
    _audit_report(actor, "report.submit", report, summary)
    _notify_after_commit(report, "submitted")
    return report


def _record_written_against(content: _Content) -> None:
    """At submission each entry keeps the task text and each value the targets it was written
    against, so a later revision of the plan does not rewrite what the report answered; the
    office's earlier return marks go (one update of the entries, one of the values)."""
    for entry in content.entries:
        entry.task_text = "\n".join(part for part in (entry.task.title, entry.task.text) if part)
        entry.returned = False
    TaskEntry.objects.bulk_update(content.entries, ["task_text", "returned"])
    commitments: dict[int, list[str]] = {}
    for target in content.targets:
        if target.task.withdrawn_at is None:
            commitments.setdefault(target.indicator_id, []).append(target.commitment)
    for value in content.values:
        value.commitment = "；".join(dict.fromkeys(commitments.get(value.indicator_id, [])))[:300]
    IndicatorValue.objects.bulk_update(content.values, ["commitment"])


def measurements_record(
    *, report: DepartmentReport, confirmed: bool, values: list[tuple[int, Decimal]] | None = None
) -> None:
    """A report's values become the indicators' measurements for the period (enter once, used
    by every plan); a later version of the report replaces them. One upsert for all of them.
    A figure the office uploaded from the statistics bureau stays: the official figure wins
    over a department's, and the report's value remains on the report.

    (Blind spot: an upload committed between the read of the official figures and the upsert
    is overwritten; the upload's own row keeps its value, and uploading again restores it.)"""
    period = report.period
    if values is None:  # (indicator, value) of the filled values, when the caller has not read them
        values = list(report.values.filter(value__isnull=False).values_list("indicator_id", "value"))
    official = set(
        Measurement.objects.filter(
            indicator_id__in=[indicator_id for indicator_id, _value in values],
            period_end=period.end,
            source=Indicator.Source.STATISTICS,
        ).values_list("indicator_id", flat=True)
    )
    rows = [
        Measurement(
            indicator_id=indicator_id,
            period_start=period.start,
            period_end=period.end,
            value=value,
            department_id=report.department_id,
            confirmed=confirmed,
            source=Indicator.Source.REPORTED,
        )
        for indicator_id, value in values
        if indicator_id not in official
    ]
    Measurement.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["indicator", "period_end"],
        update_fields=["period_start", "value", "department", "confirmed", "source", "recorded_at"],
    )


@transaction.atomic
def report_sign_off(*, report: DepartmentReport, actor, comment: str = "") -> DepartmentReport:
    """The department head signs a submitted report off, which sends it to the office; the
    head's comment, if any, replaces the one on the report (an empty one clears it)."""
    require_department_member(report, actor, {Role.DEPARTMENT_HEAD})
    comment = _head_comment(comment, required=False)
    report = _transition(report, "sign_off", actor, "signed_off_at", "signed_off_by")
    report.head_comment = comment
    report.save(update_fields=["head_comment"])
    summary = _("审签%(report)s") % {"report": report}
    if comment:
        summary += _("：%(comment)s") % {"comment": comment[:200]}
    _audit_report(actor, "report.sign_off", report, summary, after={"head_comment": comment})
    _notify_after_commit(report, "signed_off")
    return report


@transaction.atomic
def report_send_back(*, report: DepartmentReport, actor, comment: str) -> DepartmentReport:
    """The head may send a submitted report back to the liaison with a comment, kept on the
    report for the liaison to read."""
    require_department_member(report, actor, {Role.DEPARTMENT_HEAD})
    comment = _head_comment(comment, required=True)
    report = _transition(report, "send_back", actor)
    report.head_comment = comment
    report.save(update_fields=["head_comment"])
    summary = _("负责人退回%(report)s：%(comment)s") % {"report": report, "comment": comment[:200]}
    _audit_report(actor, "report.send_back", report, summary, after={"head_comment": comment})
    _notify_after_commit(report, "sent_back", comment=comment)
    return report


HEAD_COMMENT_REQUIRED = gettext_lazy("负责人意见：退回时请填写意见")
HEAD_COMMENT_TOO_LONG = gettext_lazy("负责人意见：不超过2000字")


def _head_comment(comment: str | None, *, required: bool) -> str:
    """A head's comment is trimmed, at most 2000 characters, and required for a send-back."""
    comment = (comment or "").strip()
    if required and not comment:
        raise ApplicationError(HEAD_COMMENT_REQUIRED, field="comment")
    if len(comment) > 2000:
        raise ApplicationError(HEAD_COMMENT_TOO_LONG, field="comment")
    return comment


@transaction.atomic
def report_approve(*, report: DepartmentReport, actor, rating: int | None = None) -> DepartmentReport:
    """The office approves a signed-off report; it is frozen and its values confirmed."""
    require_office(report, actor)
    if rating is not None and not 0 <= rating <= 100:
        raise ApplicationError(RATING_RANGE, field="rating")
    report = _transition(report, "approve", actor, "reviewed_at", "reviewed_by")
    report.rating = rating
    report.save(update_fields=["rating"])
    report.entries.update(returned=False)
    measurements_record(report=report, confirmed=True)
    _audit_report(
        actor, "report.approve", report, _("通过%(report)s") % {"report": report}, after={"rating": rating}
    )
    _notify_after_commit(report, "approved")
    return report


@transaction.atomic
def report_return(*, report: DepartmentReport, actor, comments: dict[int, str]) -> DepartmentReport:
    """The office returns a signed-off report to draft with a comment on at least one entry."""
    require_office(report, actor)
    comments = {int(k): v.strip()[:2000] for k, v in comments.items() if v and v.strip()}
    if not comments:
        raise ApplicationError(RETURN_NEEDS_COMMENT)
    entries = {e.pk: e for e in report.entries.filter(pk__in=comments)}
    if set(entries) != set(comments):
        raise PermissionDenied(COMMENT_NOT_IN_REPORT)
    report = _transition(report, "return", actor, "reviewed_at", "reviewed_by")
    report.return_count += 1
    report.save(update_fields=["return_count"])
    for entry_id, text in comments.items():
        TaskEntry.objects.filter(pk=entry_id).update(
            office_comment=text, returned=True, version=F("version") + 1
        )
    after = {str(k): v for k, v in comments.items()}
    _audit_report(actor, "report.return", report, _("退回%(report)s") % {"report": report}, after=after)
    _notify_after_commit(report, "returned")
    return report


@transaction.atomic
def report_correct(*, report: DepartmentReport, actor) -> DepartmentReport:
    """A correction of an approved report is a new draft version with the same content; the
    approved version stays as it was."""
    require_department_member(report, actor, {Role.LIAISON})
    report = DepartmentReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_frozen:
        raise Conflict(ONLY_APPROVED_CORRECT)
    if DepartmentReport.objects.filter(supersedes=report).exists():
        raise Conflict(ALREADY_CORRECTED)
    new = DepartmentReport.objects.create(
        period=report.period, department=report.department, version=report.version + 1, supersedes=report
    )
    _copy_content(report, into=new)
    summary = _("申请更正%(report)s，生成第%(version)s版") % {"report": report, "version": new.version}
    _audit_report(actor, "report.correct", report, summary, obj=new)
    return new


def _copy_content(report: DepartmentReport, *, into: DepartmentReport) -> None:
    TaskEntry.objects.bulk_create(
        TaskEntry(
            report=into,
            task_id=e.task_id,
            role=e.role,
            status=e.status,
            progress=e.progress,
            problems=e.problems,
            next_steps=e.next_steps,
            consolidated=e.consolidated,
        )
        for e in report.entries.all()
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            report=into,
            indicator_id=v.indicator_id,
            value=v.value,
            gap_explanation=v.gap_explanation,
            note=v.note,
        )
        for v in report.values.all()
    )


def _transition(
    report: DepartmentReport, action: str, actor, at_field: str | None = None, by_field: str | None = None
):
    report = _report_lock(report)
    if not report.can(action):
        raise Conflict(STATE_REFUSES % {"status": report.get_status_display()})
    report.status = DepartmentReport.TRANSITIONS[action][1]
    fields = ["status", "updated_at"]
    if at_field:
        setattr(report, at_field, timezone.now())
        setattr(report, by_field, actor)
        fields += [at_field, by_field]
    report.save(update_fields=fields)
    return report


def _audit_report(actor, action: str, report: DepartmentReport, summary: str, *, obj=None, **changes) -> None:
    """A step on a report (or on one of its entries and values, obj) goes to the trail of the
    report's jurisdiction."""
    audit_record(
        actor=actor,
        action=action,
        obj=obj if obj is not None else report,
        jurisdiction=report.period.jurisdiction,
        summary=summary,
        **changes,
    )


def _audit_row(
    actor, action: str, report: DepartmentReport, summary: str, *, obj, before: dict, after: dict
) -> AuditEvent:
    """The audit row of a step on one of a report's entries or values, not yet written: a save
    writes all of its rows in one insert."""
    return audit_event(
        actor=actor,
        action=action,
        obj=obj,
        jurisdiction=report.period.jurisdiction,
        summary=summary,
        before=before,
        after=after,
    )


def _notify_after_commit(report: DepartmentReport, event: str, **details) -> None:
    """The people next in line hear of a step only once it is committed."""
    report_id = report.pk
    transaction.on_commit(lambda: notify_report_event(report_id=report_id, event=event, **details))


# Work updates ----------------------------------------------------------------------------------


@transaction.atomic
def work_update_post(*, department: Department, actor, date: dt.date, title: str, body: str) -> WorkUpdate:
    """A department's people post dated work updates; the office counts them by month."""
    if not Membership.objects.filter(user=actor, department=department, is_active=True).exists():
        raise PermissionDenied(OWN_DEPARTMENT_UPDATES)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ApplicationError(UPDATE_NEEDS_TEXT, field="title" if not title else "body")
    update = WorkUpdate.objects.create(
        department=department, author=actor, date=date, title=title[:200], body=body[:5000]
    )
    audit_record(
        actor=actor,
        action="work_update.post",
        obj=update,
        jurisdiction=department.jurisdiction,
        summary=title[:100],
    )
    return update
