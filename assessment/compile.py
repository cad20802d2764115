"""Compiling an assessment: each department's criteria computed from the reports, bonus,
penalty and veto items applied, totals ranked, and the plain-language reason for every point lost.

The figures are computed first (reads only, progress reported on the way); then the result is
written in one transaction that replaces the plan's draft for the period, so a worker killed at
any point leaves either the old draft or the new one, never half of one.

The raw figures and the reasons for points lost are stored with the scores and printed in the
考核通报, an official Chinese document: they stay Chinese whatever the language, like the
report's own wording (exporters/base.py). The job's progress stages are for the office's page and
are translated.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Assignment, Plan, Task
from qualitycity.errors import Conflict
from qualitycity.formats import decimal_text
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department
from responsibilities.services import audit_record
from targets.models import Target
from targets.status import TargetStatus, target_readings

from .models import (
    Assessment,
    AssessmentItem,
    AssessmentResult,
    AssessmentScheme,
    CriterionKind,
    CriterionScore,
    SelfScore,
)
from .periods import AssessmentPeriod

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# How much of a target's share of the points each status keeps; awaiting official statistics
# is left out of the count altogether (not yet knowable is not a failure).
TARGET_CREDIT = {
    TargetStatus.MET: Decimal(1),
    TargetStatus.ON_TRACK: Decimal(1),
    TargetStatus.AT_RISK: Decimal("0.5"),
    TargetStatus.OFF_TRACK: Decimal(0),
    TargetStatus.NO_DATA: Decimal(0),
}
DEFAULT_WEIGHTS = [
    (CriterionKind.ON_TIME, Decimal(30)),
    (CriterionKind.COMPLETENESS, Decimal(20)),
    (CriterionKind.TARGETS, Decimal(30)),
    (CriterionKind.RATING, Decimal(20)),
]


class AssessmentFrozen(Conflict):
    """The period's assessment is published; it never changes."""


class PlanNotInForce(Conflict):
    """A draft or archived plan is not assessed."""


def q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def pts(value: Decimal) -> str:
    """Points as read aloud: 1.5, 2, 0.25."""
    return decimal_text(q(value))


def md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


@dataclass
class CriterionFigure:
    kind: str
    weight: Decimal
    raw: str
    computed: Decimal
    lost: list[str] = field(default_factory=list)


@dataclass
class DepartmentFigures:
    department: Department
    criteria: list[CriterionFigure]
    adjustments: list[dict] = field(default_factory=list)


# The criteria ---------------------------------------------------------------------------------


def on_time_figure(
    *, weight: Decimal, periods: list[ReportingPeriod], firsts: dict[int, DepartmentReport]
) -> CriterionFigure:
    """On-time rate: reports submitted by the deadline over reports due; each late or missing
    report loses an equal share of the weight."""
    if not periods:
        return CriterionFigure(CriterionKind.ON_TIME, weight, "无应报月报", weight)
    share = weight / len(periods)
    lost, on_time = [], 0
    for period in periods:
        report = firsts.get(period.pk)
        if report is None or report.submitted_at is None:
            lost.append(f"{period.label}月报未报送（截止{md(period.deadline)}），扣{pts(share)}分")
        elif report.is_late:
            day = timezone.localtime(report.submitted_at).date()
            late = max((day - period.deadline).days, 1)
            lost.append(
                f"{period.label}月报逾期{late}天提交（截止{md(period.deadline)}，{md(day)}提交），扣{pts(share)}分"
            )
        else:
            on_time += 1
    raw = f"按时 {on_time}/{len(periods)}"
    return CriterionFigure(CriterionKind.ON_TIME, weight, raw, q(share * on_time), lost)


def completeness_figure(
    *,
    weight: Decimal,
    periods: list[ReportingPeriod],
    tasks: dict[int, str],
    filled: set[tuple[int, int]],
) -> CriterionFigure:
    """Completeness: the share of (month, assigned task) pairs with progress written in a
    submitted report; the points lost are listed task by task with the months missing."""
    expected = len(periods) * len(tasks)
    if not expected:
        return CriterionFigure(CriterionKind.COMPLETENESS, weight, "无应报任务", weight)
    share = weight / expected
    missing: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        for task_id in tasks:
            if (period.pk, task_id) not in filled:
                missing[task_id].append(period)
    done = expected - sum(len(v) for v in missing.values())
    lost = [
        f"任务{tasks[task_id]}有{len(months)}期未填报进展（{'、'.join(p.label for p in months[:6])}"
        f"{'等' if len(months) > 6 else ''}），扣{pts(share * len(months))}分"
        for task_id, months in missing.items()
    ]
    raw = f"已填报 {done}/{expected}（{q(Decimal(done) * 100 / expected)}%）"
    return CriterionFigure(CriterionKind.COMPLETENESS, weight, raw, q(share * done), lost)


def targets_figure(*, weight: Decimal, targets: list[Target], readings: dict) -> CriterionFigure:
    """Targets: each target of a task the department leads counts equally; met or on track keeps
    its share, at risk half, off track or no data reported none; awaiting official statistics
    does not count."""
    counted = [t for t in targets if readings[t.pk].status != TargetStatus.AWAITING_DATA]
    if not counted:
        return CriterionFigure(CriterionKind.TARGETS, weight, "无应考核目标", weight)
    share = weight / len(counted)
    credit, good, lost = Decimal(0), 0, []
    for target in counted:
        reading = readings[target.pk]
        kept = TARGET_CREDIT[reading.status]
        credit += kept
        good += kept == 1
        if kept < 1:
            name = f"「{target.indicator.name} {target.commitment}」"
            if reading.status == TargetStatus.NO_DATA:
                what = "未报送数据"
            else:
                now = (
                    "" if reading.current is None else f"，当前{pts(reading.current)}{target.indicator.unit}"
                )
                what = f"{reading.status.label}{now}"
            lost.append(f"目标{name}（任务{target.task.path_label}）{what}，扣{pts(share * (1 - kept))}分")
    raw = f"达标或进度正常 {good}/{len(counted)}"
    return CriterionFigure(CriterionKind.TARGETS, weight, raw, q(share * credit), lost)


def rating_figure(*, weight: Decimal, rated: list[tuple[ReportingPeriod, int]]) -> CriterionFigure:
    """The office's rating: the average of the approved reports' ratings (0–100) as a share of
    the weight; a period with no rating is left out."""
    if not rated:
        return CriterionFigure(CriterionKind.RATING, weight, "未评分", weight)
    average = Decimal(sum(r for _p, r in rated)) / len(rated)
    score = q(weight * average / HUNDRED)
    lost = []
    if score < weight:
        below = "、".join(f"{p.label}{r}分" for p, r in rated if r < 100)
        lost.append(f"质强办评分平均{pts(average)}分（{below}），扣{pts(weight - score)}分")
    return CriterionFigure(CriterionKind.RATING, weight, f"平均 {pts(average)} 分", score, lost)


# Loading the data ------------------------------------------------------------------------------


def scheme_ensure(*, plan: Plan) -> AssessmentScheme:
    """A plan has a scheme; the first use creates the default one (30/20/30/20, A ≥ 90)."""
    scheme, created = AssessmentScheme.objects.get_or_create(plan=plan)
    if created or not scheme.criteria.exists():
        for position, (kind, weight) in enumerate(DEFAULT_WEIGHTS):
            scheme.criteria.get_or_create(kind=kind, defaults={"weight": weight, "position": position})
    return scheme


def require_plan_in_force(*, plan: Plan) -> None:
    """Only an active plan is assessed: a draft is not yet in force, an archived plan has left
    the assessment (its published results stay readable)."""
    if plan.status == Plan.Status.ARCHIVED:
        raise PlanNotInForce(_("《%(plan)s》已归档，不再考核") % {"plan": plan.title})
    if plan.status != Plan.Status.ACTIVE:
        raise PlanNotInForce(_("《%(plan)s》还是草稿，开始执行后才能考核") % {"plan": plan.title})


def tasks_assessed(*, plan: Plan):
    """The tasks a plan is assessed on: those in force. A withdrawn task (撤销) leaves every
    criterion, its reports kept as history."""
    return Task.objects.in_force().filter(plan=plan)


def plan_departments(*, plan: Plan):
    """The units assessed on a plan: every unit named in a task in force of it, directly or
    through a collective."""
    named = Assignment.objects.filter(task__in=tasks_assessed(plan=plan)).values("department_id")
    return (
        Department.objects.units()
        .active()
        .filter(Q(pk__in=named) | Q(collectives__in=named))
        .distinct()
        .order_by("sort_order", "name")
    )


def periods_assessed(*, plan: Plan, period: AssessmentPeriod, as_of: dt.date) -> list[ReportingPeriod]:
    """The reporting months inside the assessment period whose deadline has passed and in which
    the plan was due (monthly plans every month, quarterly ones at a quarter's end)."""
    rows = ReportingPeriod.objects.filter(
        jurisdiction_id=plan.jurisdiction_id, start__gte=period.start, end__lte=period.end, deadline__lt=as_of
    ).order_by("start")
    return [
        p
        for p in rows
        if plan.year_start <= p.start.year
        and (plan.reporting_frequency == Plan.Frequency.MONTHLY or p.is_quarter_end)
    ]


def _tasks_by_department(plan: Plan, departments: list[Department]):
    """Every department's tasks in force in the plan (path labels), and the tasks it leads."""
    members: dict[int, set[int]] = defaultdict(set)  # collective → unit ids
    through = Department.members.through
    for collective_id, unit_id in through.objects.filter(to_department__in=departments).values_list(
        "from_department_id", "to_department_id"
    ):
        members[collective_id].add(unit_id)
    tasks: dict[int, dict[int, str]] = defaultdict(dict)
    leads: dict[int, set[int]] = defaultdict(set)
    rows = Assignment.objects.filter(task__in=tasks_assessed(plan=plan)).values_list(
        "task_id", "task__path", "task__title", "department_id", "role"
    )
    from programmes.models import path_label

    for task_id, path, title, department_id, role in rows:
        label = f"{path_label(path)}「{title[:24]}」"
        for unit_id in {department_id} | members.get(department_id, set()):
            tasks[unit_id][task_id] = label
            if role == Assignment.Role.LEAD:
                leads[unit_id].add(task_id)
    return tasks, leads


def _reports_by_department(periods: list[ReportingPeriod], departments: list[Department]):
    """What the reports say, by department: the first version of each period's report (when it
    was submitted), the latest submitted one per period, and the office's ratings of approved
    reports not since corrected."""
    by_period = {p.pk: p for p in periods}
    reports = list(
        DepartmentReport.objects.filter(period__in=periods, department__in=departments)
        .only("pk", "period_id", "department_id", "version", "status", "is_late", "submitted_at", "rating")
        # Month by month, versions in order: the reasons in the 考核通报 read in calendar order.
        .order_by("period__start", "version")
    )
    superseded = {
        r.supersedes_id
        for r in DepartmentReport.objects.filter(
            period__in=periods, department__in=departments, supersedes__isnull=False
        ).only("supersedes_id")
    }
    firsts: dict[int, dict[int, DepartmentReport]] = defaultdict(dict)
    latest_submitted: dict[tuple[int, int], DepartmentReport] = {}
    rated: dict[int, list[tuple[ReportingPeriod, int]]] = defaultdict(list)
    for report in reports:
        firsts[report.department_id].setdefault(report.period_id, report)
        if report.status != DepartmentReport.Status.DRAFT:
            latest_submitted[(report.department_id, report.period_id)] = report
        if (
            report.status == DepartmentReport.Status.APPROVED
            and report.pk not in superseded
            and report.rating is not None
        ):
            rated[report.department_id].append((by_period[report.period_id], report.rating))
    return firsts, latest_submitted, rated


def _items_by_department(plan: Plan, period: AssessmentPeriod) -> dict[int, list[dict]]:
    """The bonus, penalty and veto items of the period, by department, in date order."""
    items: dict[int, list[dict]] = defaultdict(list)
    for item in AssessmentItem.objects.filter(
        plan=plan, occurred_on__gte=period.start, occurred_on__lte=period.end
    ).order_by("occurred_on", "pk"):
        items[item.department_id].append(
            {
                "kind": item.kind,
                "points": str(item.points),
                "reason": item.reason,
                "date": item.occurred_on.isoformat(),
            }
        )
    return items


def assessment_compute(
    *,
    plan: Plan,
    period: AssessmentPeriod,
    as_of: dt.date,
    progress: Callable[[int, str], None] | None = None,
) -> list[DepartmentFigures]:
    """Each assessed department's criteria figures and its bonus, penalty and veto items."""
    progress = progress or (lambda percent, stage: None)
    scheme = scheme_ensure(plan=plan)
    criteria = list(scheme.criteria.all())
    departments = list(plan_departments(plan=plan))
    periods = periods_assessed(plan=plan, period=period, as_of=as_of)
    progress(10, _("读取月报"))

    firsts, latest_submitted, rated = _reports_by_department(periods, departments)
    progress(25, _("读取任务进展"))

    tasks, leads = _tasks_by_department(plan, departments)
    filled = _filled_entries(plan, latest_submitted)
    progress(40, _("评估目标完成情况"))

    targets = list(
        Target.objects.filter(task__in=tasks_assessed(plan=plan)).select_related("task__plan", "indicator")
    )
    facts = _Facts(
        periods=periods,
        firsts=firsts,
        rated=rated,
        tasks=tasks,
        filled=filled,
        targets={d.pk: [t for t in targets if t.task_id in leads.get(d.pk, set())] for d in departments},
        readings=target_readings(targets, as_of=min(period.end, as_of)),
    )
    progress(55, _("计算各部门得分"))

    items = _items_by_department(plan, period)
    figures = [
        DepartmentFigures(
            department, [facts.figure(c, department.pk) for c in criteria], items[department.pk]
        )
        for department in departments
    ]
    progress(70, _("写入考核结果"))
    return figures


def _filled_entries(plan: Plan, latest_submitted: dict) -> dict[int, set[tuple[int, int]]]:
    """Per department, the (period, task) pairs whose latest submitted report states progress."""
    report_keys = {r.pk: key for key, r in latest_submitted.items()}
    filled: dict[int, set[tuple[int, int]]] = defaultdict(set)
    entries = (
        TaskEntry.objects.filter(report_id__in=list(report_keys), task__in=tasks_assessed(plan=plan))
        .exclude(progress="")
        .values_list("report_id", "task_id")
    )
    for report_id, task_id in entries.iterator(chunk_size=5000):
        department_id, period_id = report_keys[report_id]
        filled[department_id].add((period_id, task_id))
    return filled


@dataclass
class _Facts:
    """What the compile read once for every department, and the figure of one criterion."""

    periods: list
    firsts: dict
    rated: dict
    tasks: dict
    filled: dict
    targets: dict
    readings: dict

    def figure(self, criterion, department_id: int) -> CriterionFigure:
        weight = criterion.weight
        if criterion.kind == CriterionKind.ON_TIME:
            return on_time_figure(weight=weight, periods=self.periods, firsts=self.firsts[department_id])
        if criterion.kind == CriterionKind.COMPLETENESS:
            return completeness_figure(
                weight=weight,
                periods=self.periods,
                tasks=self.tasks.get(department_id, {}),
                filled=self.filled[department_id],
            )
        if criterion.kind == CriterionKind.TARGETS:
            return targets_figure(weight=weight, targets=self.targets[department_id], readings=self.readings)
        return rating_figure(weight=weight, rated=self.rated[department_id])


# Totals and ranking ----------------------------------------------------------------------------


@dataclass
class Standing:
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    vetoed: bool


def standing(*, scores: list[Decimal], adjustments: list[dict], bonus_cap: Decimal) -> Standing:
    """The total: criteria scores plus bonus (capped by the scheme) minus penalty, kept within
    0–100; any veto item fails the department whatever its score."""
    base = sum(scores, Decimal(0))
    bonus = min(
        sum((Decimal(a["points"]) for a in adjustments if a["kind"] == "bonus"), Decimal(0)), bonus_cap
    )
    penalty = sum((Decimal(a["points"]) for a in adjustments if a["kind"] == "penalty"), Decimal(0))
    total = min(max(base + bonus - penalty, Decimal(0)), HUNDRED)
    vetoed = any(a["kind"] == "veto" for a in adjustments)
    return Standing(q(base), q(bonus), q(penalty), q(total), vetoed)


def ranks(keys: list[tuple[bool, Decimal]]) -> list[int]:
    """Competition ranking (1, 2, 2, 4): equal totals share a place; vetoed departments come
    after every other, ranked among themselves by total."""
    order = sorted(range(len(keys)), key=lambda i: (keys[i][0], -keys[i][1]))
    result = [0] * len(keys)
    for position, i in enumerate(order):
        if position and keys[order[position - 1]] == keys[i]:
            result[i] = result[order[position - 1]]
        else:
            result[i] = position + 1
    return result


def results_rank(*, assessment: Assessment) -> None:
    """Recomputes every result's total, grade and rank from its scores (after a final score
    changed); the caller holds the transaction."""
    scheme = AssessmentScheme.objects.get(plan_id=assessment.plan_id)
    results = list(assessment.results.prefetch_related("scores"))
    for result in results:
        s = standing(
            scores=[c.score for c in result.scores.all()],
            adjustments=result.adjustments,
            bonus_cap=scheme.bonus_cap,
        )
        result.base, result.bonus, result.penalty, result.total, result.vetoed = (
            s.base,
            s.bonus,
            s.penalty,
            s.total,
            s.vetoed,
        )
        result.grade = scheme.grade_for(s.total, vetoed=s.vetoed)
    for result, rank in zip(results, ranks([(r.vetoed, r.total) for r in results]), strict=True):
        result.rank = rank
    AssessmentResult.objects.bulk_update(
        results, ["base", "bonus", "penalty", "total", "vetoed", "grade", "rank"]
    )
    assessment.summary = summary_of(results)
    assessment.save(update_fields=["summary"])


def summary_of(results) -> dict:
    grades = {g: sum(1 for r in results if r.grade == g) for g in "ABCD"}
    totals = [r.total for r in results]
    return {
        "departments": len(results),
        "grades": grades,
        "average": str(q(sum(totals, Decimal(0)) / len(totals))) if totals else "0",
        "vetoed": sum(1 for r in results if r.vetoed),
    }


# Writing ---------------------------------------------------------------------------------------


def _test_pause() -> None:
    """A test hook: ASSESSMENT_COMPILE_PAUSE seconds per department written, so a test can kill
    a worker in the middle of the write transaction. Zero (no pause) outside those tests."""
    pause = getattr(settings, "ASSESSMENT_COMPILE_PAUSE", 0)
    if pause:
        time.sleep(pause)


def require_period_open(*, plan: Plan, period: AssessmentPeriod, message=None) -> None:
    """A period whose assessment is published is frozen: nothing recomputes or rescores it."""
    if Assessment.objects.filter(
        plan=plan, start=period.start, end=period.end, status=Assessment.Status.PUBLISHED
    ).exists():
        raise AssessmentFrozen(message or _("该期考核结果已发布，不能重新计算"))


def assessment_compile(
    *,
    plan: Plan,
    period: AssessmentPeriod,
    actor=None,
    as_of: dt.date | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> Assessment:
    """Compiling replaces the plan's draft for the period in one transaction; a published
    assessment is frozen and refuses a re-run, and a plan not in force (draft, archived) refuses."""
    as_of = as_of or timezone.localdate()
    require_plan_in_force(plan=plan)
    require_period_open(plan=plan, period=period)
    figures = assessment_compute(plan=plan, period=period, as_of=as_of, progress=progress)
    return _write(plan=plan, period=period, figures=figures, actor=actor, as_of=as_of)


def _finals_of(old: Assessment) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """The office's final scores of the draft a re-run replaces: they survive it, by department
    and criterion; the computed ones are replaced."""
    return {
        (department_id, kind): (final, reason)
        for department_id, kind, final, reason in CriterionScore.objects.filter(
            result__assessment=old, final__isnull=False
        ).values_list("result__department_id", "kind", "final", "final_reason")
    }


def _self_scores_of(plan: Plan, period: AssessmentPeriod) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """The departments' submitted self-scores of the period, by department and criterion."""
    return {
        (department_id, kind): (score, justification)
        for department_id, kind, score, justification in SelfScore.objects.filter(
            self_assessment__plan=plan,
            self_assessment__start=period.start,
            self_assessment__end=period.end,
            self_assessment__submitted_at__isnull=False,
        ).values_list("self_assessment__department_id", "kind", "score", "justification")
    }


@transaction.atomic
def _write(*, plan, period, figures, actor, as_of) -> Assessment:
    """Stores one compile as the period's draft, replacing an earlier draft but keeping the
    office's final scores on it."""
    # One compile at a time per plan: the scheme row is the lock; a second run waits here and
    # then replaces the first one's draft.
    scheme = AssessmentScheme.objects.select_for_update().get(plan=plan)
    require_period_open(plan=plan, period=period)
    # The plan may have been archived while the figures were computed.
    require_plan_in_force(plan=Plan.objects.only("title", "status").get(pk=plan.pk))
    old = Assessment.objects.filter(
        plan=plan, start=period.start, end=period.end, status=Assessment.Status.DRAFT
    ).first()
    finals = _finals_of(old) if old is not None else {}
    old_files = [f.name for f in (old.xlsx, old.pdf, old.docx) if f] if old is not None else []
    if old is not None:
        old.delete()
    assessment = Assessment.objects.create(
        plan=plan,
        kind=period.kind,
        start=period.start,
        end=period.end,
        label=period.label,
        as_of=as_of,
        compiled_at=timezone.now(),
        compiled_by=actor if getattr(actor, "is_authenticated", False) else None,
        scheme=_scheme_snapshot(scheme),
    )
    selfs = _self_scores_of(plan, period)
    results, scores = [], []
    for figure in figures:
        _test_pause()
        row = _criterion_scores(figure, finals=finals, selfs=selfs)
        results.append(_result(assessment, figure, row, scheme))
        scores.append(row)
    _save_ranked(results, scores)
    assessment.summary = summary_of(results)
    assessment.save(update_fields=["summary"])
    audit_record(
        actor=actor,
        action="assessment.compile",
        obj=assessment,
        jurisdiction=plan.jurisdiction,
        summary=(
            _("计算%(assessment)s（%(count)s个部门），替换原草稿")
            if old is not None
            else _("计算%(assessment)s（%(count)s个部门）")
        )
        % {"assessment": assessment, "count": len(results)},
    )
    if old_files:
        from .models import assessment_storage

        storage = assessment_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return assessment


def _scheme_snapshot(scheme: AssessmentScheme) -> dict:
    """The scheme as it stood at the compile, kept with the result so a later change of the
    scheme never rewrites a published ranking."""
    return {
        "year_start_month": scheme.year_start_month,
        "grades": {"A": str(scheme.grade_a), "B": str(scheme.grade_b), "C": str(scheme.grade_c)},
        "bonus_cap": str(scheme.bonus_cap),
        "criteria": [
            {"kind": c.kind, "label": c.get_kind_display(), "weight": str(c.weight)}
            for c in scheme.criteria.all()
        ],
    }


def _criterion_scores(figure, *, finals, selfs) -> list[CriterionScore]:
    """A department's score on each criterion, with the office's final score and the
    department's self-score carried over from the draft it replaces."""
    row = []
    for position, c in enumerate(figure.criteria):
        final, reason = finals.get((figure.department.pk, c.kind), (None, ""))
        self_score, justification = selfs.get((figure.department.pk, c.kind), (None, ""))
        row.append(
            CriterionScore(
                kind=c.kind,
                position=position,
                weight=c.weight,
                raw=c.raw[:100],
                computed=c.computed,
                self_score=self_score,
                self_justification=justification,
                final=final,
                final_reason=reason,
                lost=c.lost,
            )
        )
    return row


def _result(assessment, figure, row, scheme) -> AssessmentResult:
    """A department's standing from its criterion scores and the office's items, graded."""
    s = standing(scores=[c.score for c in row], adjustments=figure.adjustments, bonus_cap=scheme.bonus_cap)
    return AssessmentResult(
        assessment=assessment,
        department=figure.department,
        base=s.base,
        bonus=s.bonus,
        penalty=s.penalty,
        total=s.total,
        vetoed=s.vetoed,
        grade=scheme.grade_for(s.total, vetoed=s.vetoed),
        rank=0,
        adjustments=figure.adjustments,
    )


def _save_ranked(results: list[AssessmentResult], scores: list[list[CriterionScore]]) -> None:
    """Ranks the results (a vetoed department last) and stores them with their scores."""
    for result, rank in zip(results, ranks([(r.vetoed, r.total) for r in results]), strict=True):
        result.rank = rank
    AssessmentResult.objects.bulk_create(results)
    for result, row in zip(results, scores, strict=True):
        for score in row:
            score.result = result
    CriterionScore.objects.bulk_create([s for row in scores for s in row])
