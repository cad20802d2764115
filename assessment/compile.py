"""Compiling an assessment: each department's criteria computed from the reports, bonus,
penalty and veto items applied, totals ranked, and the plain-language reason for every point lost.

The rules are fair and say so. A criterion with nothing due for a unit (no report due, no target
whose indicator it reports, not yet rated by the office) does not apply: it gives no points
either way, and the weights of those that apply are rescaled to the full base; a unit with none
applying is listed as not ranked, with the reason. A report not submitted by its deadline scores
nothing for on-time reporting (and, never submitted, nothing for completeness). A target counts
for the unit that reports its indicator; one nobody assessed reports counts for nobody and is
listed for the office. A period with a reporting month still open gives a provisional result.

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
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Assignment, Delegation, Plan, Task, path_label
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
    """One criterion of one unit: the raw figure, the points (against `weight`, the weight it was
    scored on: the scheme's, or the rescaled one), the reasons for points lost, and whether it
    applies at all (`applies`: something was due, or the office rated)."""

    kind: str
    weight: Decimal
    raw: str
    computed: Decimal
    lost: list[str] = field(default_factory=list)
    applies: bool = True
    effective_weight: Decimal | None = None


@dataclass
class DepartmentFigures:
    department: Department
    criteria: list[CriterionFigure]
    adjustments: list[dict] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        """A unit is ranked when at least one criterion with points applies to it."""
        return any(c.applies and c.weight > 0 for c in self.criteria)


def _not_applying(kind: str, weight: Decimal, raw: str, note: str) -> CriterionFigure:
    """A criterion with nothing due for the unit: no points either way, and the reason."""
    return CriterionFigure(kind, weight, raw, Decimal(0).quantize(CENT), [note], applies=False)


# The criteria ---------------------------------------------------------------------------------


def on_time_figure(
    *, weight: Decimal, periods: list[ReportingPeriod], firsts: dict[int, DepartmentReport]
) -> CriterionFigure:
    """On-time rate: reports submitted by the deadline over the reports due from the unit (its
    report for a month whose deadline has passed asked about a task of the plan); each late or
    missing report loses an equal share of the weight. Nothing due: the criterion does not apply."""
    if not periods:
        return _not_applying(CriterionKind.ON_TIME, weight, "无应报月报", "本期无应报月报，不计此项")
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
    asked: dict[int, set[int]],
    tasks: dict[int, str],
    filled: set[tuple[int, int]],
) -> CriterionFigure:
    """Completeness: the share of (month, task) pairs the unit's reports asked about (its tasks in
    force, in the months due) with progress written in a submitted report; a report never
    submitted fills nothing. The points lost are listed task by task with the months missing."""
    expected_pairs = [(p, t) for p in periods for t in tasks if t in asked.get(p.pk, ())]
    if not expected_pairs:
        return _not_applying(
            CriterionKind.COMPLETENESS, weight, "无应填报任务", "本期无应填报的任务进展，不计此项"
        )
    expected = len(expected_pairs)
    share = weight / expected
    missing: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period, task_id in expected_pairs:
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


def targets_figure(
    *, weight: Decimal, targets: list[Target], readings: dict, reports_due: bool = True
) -> CriterionFigure:
    """Targets: each target whose indicator the unit reports counts equally; met or on track
    keeps its share, at risk half, off track or no data reported none. Awaiting official
    statistics does not count, nor does no data while no report has yet been due from the unit.
    No target left: the criterion does not apply."""
    counted = [
        t
        for t in targets
        if readings[t.pk].status != TargetStatus.AWAITING_DATA
        and (reports_due or readings[t.pk].status != TargetStatus.NO_DATA)
    ]
    if not counted:
        if not targets:
            raw, note = "无应考核目标", "本单位不报送本方案目标的指标数据，不计此项"
        elif reports_due:
            raw, note = "目标均待统计数据", "所报送指标的目标均待统计部门数据，不计此项"
        else:
            raw, note = "目标暂无数据", "本期尚无应报月报，目标暂无数据，不计此项"
        return _not_applying(CriterionKind.TARGETS, weight, raw, note)
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
    the weight; a month not rated is left out, and with no rating at all the criterion does
    not apply."""
    if not rated:
        return _not_applying(CriterionKind.RATING, weight, "未评分", "质强办尚未评分，不计此项")
    average = Decimal(sum(r for _p, r in rated)) / len(rated)
    score = q(weight * average / HUNDRED)
    lost = []
    if score < weight:
        below = "、".join(f"{p.label}{r}分" for p, r in rated if r < 100)
        lost.append(f"质强办评分平均{pts(average)}分（{below}），扣{pts(weight - score)}分")
    return CriterionFigure(CriterionKind.RATING, weight, f"平均 {pts(average)} 分", score, lost)


def effective_weights(weights: list[Decimal], applies: list[bool]) -> list[Decimal]:
    """The weights of the criteria that apply, rescaled in proportion so that they add up to the
    scheme's full base (100); a criterion that does not apply weighs 0. The last criterion that
    applies takes the rounding, so the sum is exact."""
    full = sum(weights, Decimal(0))
    counted = sum((w for w, a in zip(weights, applies, strict=True) if a), Decimal(0))
    zero = Decimal(0).quantize(CENT)
    if not counted:
        return [zero] * len(weights)
    scaled = [q(w * full / counted) if a else zero for w, a in zip(weights, applies, strict=True)]
    last = max(i for i, (w, a) in enumerate(zip(weights, applies, strict=True)) if a and w > 0)
    scaled[last] = q(full - sum((v for i, v in enumerate(scaled) if i != last), Decimal(0)))
    return scaled


RESCALED = "；其余各项按比例折算"


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


def reporting_months(*, plan: Plan, period: AssessmentPeriod) -> list[ReportingPeriod]:
    """The jurisdiction's reporting months inside the assessment period in which the plan was due
    (monthly plans every month, quarterly ones at a quarter's end), whatever their state."""
    rows = ReportingPeriod.objects.filter(
        jurisdiction_id=plan.jurisdiction_id, start__gte=period.start, end__lte=period.end
    ).order_by("start")
    return [
        p
        for p in rows
        if plan.year_start <= p.start.year
        and (plan.reporting_frequency == Plan.Frequency.MONTHLY or p.is_quarter_end)
    ]


def periods_assessed(*, plan: Plan, period: AssessmentPeriod, as_of: dt.date) -> list[ReportingPeriod]:
    """The reporting months inside the assessment period whose deadline has passed and in which
    the plan was due (monthly plans every month, quarterly ones at a quarter's end)."""
    return [p for p in reporting_months(plan=plan, period=period) if p.deadline < as_of]


def provisional_reasons(
    *,
    period: AssessmentPeriod,
    months: list[ReportingPeriod],
    as_of: dt.date,
    names: dict[int, str] | None = None,
) -> list[str]:
    """Why a compile is only provisional: a reporting month of the period not yet closed (its
    deadline not passed at the data date, or the period not yet closed), or an assessment period
    not yet over. None: the result is final. `names` names the jurisdiction of each month where
    the months are subordinate jurisdictions' (太仓市2026年3月…)."""
    names = names or {}
    reasons = []
    for month in months:
        label = f"{names.get(month.jurisdiction_id, '')}{month.label}"
        if month.deadline >= as_of:
            reasons.append(f"{label}报送期尚未截止（截止{md(month.deadline)}）")
        elif month.status != ReportingPeriod.Status.CLOSED:
            reasons.append(f"{label}报送期尚未关闭（截止{md(month.deadline)}）")
    if as_of <= period.end:
        reasons.append(f"考核期至{period.end.year}年{md(period.end)}尚未结束")
    return reasons


def _tasks_by_department(plan: Plan, departments: list[Department]) -> dict[int, dict[int, str]]:
    """Every department's tasks in force in the plan (path labels), named directly or through a
    collective name."""
    members: dict[int, set[int]] = defaultdict(set)  # collective → unit ids
    through = Department.members.through
    for collective_id, unit_id in through.objects.filter(to_department__in=departments).values_list(
        "from_department_id", "to_department_id"
    ):
        members[collective_id].add(unit_id)
    tasks: dict[int, dict[int, str]] = defaultdict(dict)
    rows = Assignment.objects.filter(task__in=tasks_assessed(plan=plan)).values_list(
        "task_id", "task__path", "task__title", "department_id"
    )
    for task_id, path, title, department_id in rows:
        label = f"{path_label(path)}「{title[:24]}」"
        for unit_id in {department_id} | members.get(department_id, set()):
            tasks[unit_id][task_id] = label
    return tasks


def _reports_by_department(periods: list[ReportingPeriod], departments: list[Department]):
    """What the reports say, by department: every version (in month and version order), the first
    version of each period's report (when it was submitted), the latest submitted one per period,
    and the office's ratings of approved reports not since corrected."""
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
    return reports, firsts, latest_submitted, rated


def _entries_by_department(plan: Plan, reports: list[DepartmentReport], latest_submitted: dict):
    """Per department, the tasks in force its report of each month asked about (an entry in any
    version: what was due from it), and the (month, task) pairs whose latest submitted report
    states progress. One query, whatever the number of reports."""
    keys = {r.pk: (r.department_id, r.period_id) for r in reports}
    latest = {r.pk for r in latest_submitted.values()}
    asked: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    filled: dict[int, set[tuple[int, int]]] = defaultdict(set)
    if not keys:
        return asked, filled
    rows = (
        TaskEntry.objects.filter(
            report__period__in={period_id for _d, period_id in keys.values()},
            report__department__in={department_id for department_id, _p in keys.values()},
            task__in=tasks_assessed(plan=plan),
        )
        .annotate(blank=ExpressionWrapper(Q(progress=""), output_field=BooleanField()))
        .values_list("report_id", "task_id", "blank")
        .order_by()
    )
    for report_id, task_id, blank in rows.iterator(chunk_size=5000):
        department_id, period_id = keys[report_id]
        asked[department_id][period_id].add(task_id)
        if not blank and report_id in latest:
            filled[department_id].add((period_id, task_id))
    return asked, filled


def unreported_reason(target: Target, assessed: set[int]) -> str | None:
    """Why nobody assessed on the plan answers for a target, or None when its indicator's reporting
    department is one of the units assessed."""
    reporter = target.indicator.reporting_department
    if reporter is None:
        return "指标未指定报送部门"
    if reporter.pk in assessed:
        return None
    if reporter.is_collective:
        return f"报送部门「{reporter.name}」是集体名称，没有具体报送单位"
    if not reporter.is_active:
        return f"报送部门「{reporter.name}」已停用"
    return f"报送部门「{reporter.name}」未承担本方案在执行的任务，不参加本方案考核"


def _targets_by_reporter(plan: Plan, departments: list[Department]):
    """The plan's targets in force by the unit that reports their indicator, and those nobody
    assessed reports (with the reason, for the office)."""
    assessed = {d.pk for d in departments}
    targets = list(
        Target.objects.filter(task__in=tasks_assessed(plan=plan)).select_related(
            "task__plan", "indicator__reporting_department"
        )
    )
    by_reporter: dict[int, list[Target]] = defaultdict(list)
    unreported = []
    for target in targets:
        reason = unreported_reason(target, assessed)
        if reason is None:
            by_reporter[target.indicator.reporting_department_id].append(target)
        else:
            unreported.append(
                {
                    "target_id": target.pk,
                    "indicator": target.indicator.name,
                    "commitment": target.commitment,
                    "task": f"{target.task.path_label}「{target.task.title[:24]}」",
                    "reason": reason,
                }
            )
    return by_reporter, unreported


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


@dataclass
class Compiled:
    """What a compile found: each unit's figures, the targets nobody reports, and why the result
    is provisional (empty when final)."""

    figures: list[DepartmentFigures]
    unreported_targets: list[dict] = field(default_factory=list)
    provisional: list[str] = field(default_factory=list)
    # Assessing subordinate jurisdictions: the children delegated to that no unit stands for.
    unassessable: list[dict] = field(default_factory=list)
    subject: str = AssessmentScheme.Subject.DEPARTMENTS


def assessment_compute(
    *,
    plan: Plan,
    period: AssessmentPeriod,
    as_of: dt.date,
    progress: Callable[[int, str], None] | None = None,
) -> Compiled:
    """Each assessed unit's criteria figures and its bonus, penalty and veto items; the targets
    nobody reports; whether the period is still open. A bounded number of queries, whatever the
    number of units, months and tasks."""
    progress = progress or (lambda percent, stage: None)
    scheme = scheme_ensure(plan=plan)
    criteria = list(scheme.criteria.all())
    if scheme.subject == AssessmentScheme.Subject.JURISDICTIONS:
        return children_compute(plan=plan, period=period, as_of=as_of, criteria=criteria, progress=progress)
    departments = list(plan_departments(plan=plan))
    months = reporting_months(plan=plan, period=period)
    periods = [p for p in months if p.deadline < as_of]
    progress(10, _("读取月报"))

    reports, firsts, latest_submitted, rated = _reports_by_department(periods, departments)
    progress(25, _("读取任务进展"))

    tasks = _tasks_by_department(plan, departments)
    asked, filled = _entries_by_department(plan, reports, latest_submitted)
    progress(40, _("评估目标完成情况"))

    targets, unreported = _targets_by_reporter(plan, departments)
    reported = [t for rows in targets.values() for t in rows]
    facts = _Facts(
        periods=periods,
        firsts=firsts,
        rated=rated,
        tasks=tasks,
        asked=asked,
        filled=filled,
        targets=targets,
        readings=target_readings(reported, as_of=min(period.end, as_of)) if reported else {},
    )
    progress(55, _("计算各部门得分"))

    items = _items_by_department(plan, period)
    figures = [
        DepartmentFigures(department, facts.figures(criteria, department.pk), items[department.pk])
        for department in departments
    ]
    progress(70, _("写入考核结果"))
    return Compiled(figures, unreported, provisional_reasons(period=period, months=months, as_of=as_of))


class _Rescaling:
    """A unit's figures on every criterion, rescaled: the subclass says what was due from the
    unit (`due`) and computes one criterion's figure (`figure`)."""

    def due(self, department_id: int) -> list:
        raise NotImplementedError

    def figure(self, kind: str, weight: Decimal, department_id: int, due: list) -> CriterionFigure:
        raise NotImplementedError

    def figures(self, criteria, department_id: int) -> list[CriterionFigure]:
        """The unit's figure on every criterion: those with nothing due do not apply, and the
        weights of those that do are rescaled to the scheme's full base, the points with them."""
        due = self.due(department_id)
        weights = [c.weight for c in criteria]
        first = [self.figure(c.kind, c.weight, department_id, due) for c in criteria]
        applies = [f.applies for f in first]
        scaled = effective_weights(weights, applies)
        rescaled = any(f.applies and f.weight > 0 for f in first) and any(
            not f.applies and f.weight > 0 for f in first
        )
        figures = []
        for criterion, figure, effective in zip(criteria, first, scaled, strict=True):
            if figure.applies and effective != criterion.weight:
                figure = self.figure(criterion.kind, effective, department_id, due)
                figure.weight = criterion.weight
            elif not figure.applies and rescaled:
                figure.lost = [line + RESCALED for line in figure.lost]
            figure.effective_weight = effective
            figures.append(figure)
        return figures


@dataclass
class _Facts(_Rescaling):
    """What the compile read once for every unit, and the figures of one unit."""

    periods: list
    firsts: dict
    rated: dict
    tasks: dict
    asked: dict
    filled: dict
    targets: dict
    readings: dict

    def due(self, department_id: int) -> list[ReportingPeriod]:
        """The months whose report was due from the unit: past the deadline, and its report asked
        about one of its tasks in force in the plan."""
        mine = set(self.tasks.get(department_id, {}))
        asked = self.asked.get(department_id, {})
        return [p for p in self.periods if asked.get(p.pk, set()) & mine]

    def figure(self, kind: str, weight: Decimal, department_id: int, due: list) -> CriterionFigure:
        if kind == CriterionKind.ON_TIME:
            return on_time_figure(weight=weight, periods=due, firsts=self.firsts.get(department_id, {}))
        if kind == CriterionKind.COMPLETENESS:
            return completeness_figure(
                weight=weight,
                periods=due,
                asked=self.asked.get(department_id, {}),
                tasks=self.tasks.get(department_id, {}),
                filled=self.filled.get(department_id, set()),
            )
        if kind == CriterionKind.TARGETS:
            return targets_figure(
                weight=weight,
                targets=self.targets.get(department_id, []),
                readings=self.readings,
                reports_due=bool(due),
            )
        months = {p.pk for p in due}
        return rating_figure(
            weight=weight, rated=[r for r in self.rated.get(department_id, []) if r[0].pk in months]
        )


# Subordinate jurisdictions ---------------------------------------------------------------------
#
# A plan whose scheme assesses subordinate jurisdictions ranks its jurisdiction's children to which
# it delegated tasks, each listed as the unit that stands for it (太仓市人民政府 in 苏州市), on the
# child's own data on the delegated tasks: its departments' reports in its reporting months, and
# the targets on its copies of the tasks. The office's rating is the child office's own and does
# not apply; bonus, penalty and veto items are the parent office's, on the representing unit.

NO_REPRESENTATIVE = "{child}没有代表其人民政府的部门，请在责任部门中设置"


def delegations_assessed(*, plan: Plan):
    """The plan's delegations an assessment of its subordinate jurisdictions reads: the parent's
    task in force, and the child's copy of it in force."""
    return Delegation.objects.filter(
        task__in=tasks_assessed(plan=plan), child_task__withdrawn_at__isnull=True
    ).order_by()


def representatives(*, plan: Plan, child_ids) -> dict[int, Department]:
    """The unit of the plan's jurisdiction that stands for each of its direct children (its
    人民政府): an active unit representing the child; the first in the office's order when
    several do."""
    rows = (
        Department.objects.units()
        .active()
        .filter(
            jurisdiction_id=plan.jurisdiction_id,
            represents_id__in=child_ids,
            represents__parent_id=plan.jurisdiction_id,
        )
        .order_by("sort_order", "name", "pk")
    )
    chosen: dict[int, Department] = {}
    for department in rows:
        chosen.setdefault(department.represents_id, department)
    return chosen


def units_assessed(*, plan: Plan, scheme: AssessmentScheme | None = None):
    """The units the plan's scheme assesses, for the office's forms: the departments named in its
    tasks, or, assessing subordinate jurisdictions, the units standing for the children it
    delegated tasks to."""
    scheme = scheme or scheme_ensure(plan=plan)
    if scheme.subject != AssessmentScheme.Subject.JURISDICTIONS:
        return plan_departments(plan=plan)
    chosen = representatives(plan=plan, child_ids=delegations_assessed(plan=plan).values("jurisdiction_id"))
    return Department.objects.filter(pk__in=[d.pk for d in chosen.values()]).order_by("sort_order", "name")


def _child_months(period: AssessmentPeriod, plans: dict[int, set[tuple[str, int]]]) -> list[ReportingPeriod]:
    """The children's reporting months inside the assessment period in which one of the child's
    plans of delegated tasks was due (monthly plans every month, quarterly ones at a quarter's
    end), in calendar order. One query, whatever the number of children."""
    rows = ReportingPeriod.objects.filter(
        jurisdiction_id__in=list(plans), start__gte=period.start, end__lte=period.end
    ).order_by("start", "jurisdiction_id")
    return [
        p
        for p in rows
        if any(
            year_start <= p.start.year and (frequency == Plan.Frequency.MONTHLY or p.is_quarter_end)
            for frequency, year_start in plans[p.jurisdiction_id]
        )
    ]


@dataclass
class _ChildFacts(_Rescaling):
    """What the compile read once for every child, and the figures of one child (keyed by the
    unit that stands for it)."""

    child_of: dict[int, int]  # representing unit → child
    names: dict[int, str]  # child → name
    due_pairs: dict[int, list[tuple[ReportingPeriod, int]]]  # child → (month, child's department)
    department_names: dict[int, str]
    firsts: dict
    asked: dict  # child → (month, department) → delegated tasks its report asked about
    filled: set  # (month, department, task) with progress in the latest submitted report
    tasks: dict[int, str]  # child task → label
    targets: dict[int, list[Target]]  # child → targets on its delegated tasks
    readings: dict

    def due(self, department_id: int) -> list[tuple[ReportingPeriod, int]]:
        return self.due_pairs.get(self.child_of[department_id], [])

    def figure(self, kind: str, weight: Decimal, department_id: int, due: list) -> CriterionFigure:
        child = self.child_of[department_id]
        name = self.names[child]
        if kind == CriterionKind.ON_TIME:
            return child_on_time_figure(
                weight=weight, child=name, due=due, firsts=self.firsts, departments=self.department_names
            )
        if kind == CriterionKind.COMPLETENESS:
            return child_completeness_figure(
                weight=weight,
                child=name,
                due=due,
                asked=self.asked.get(child, {}),
                tasks=self.tasks,
                filled=self.filled,
                departments=self.department_names,
            )
        if kind == CriterionKind.TARGETS:
            targets = self.targets.get(child, [])
            if not targets:
                return _not_applying(
                    CriterionKind.TARGETS, weight, "无应考核目标", f"下发{name}的任务没有目标，不计此项"
                )
            figure = targets_figure(
                weight=weight, targets=targets, readings=self.readings, reports_due=bool(due)
            )
            figure.lost = [f"{name}：{line}" for line in figure.lost]
            return figure
        return _not_applying(
            CriterionKind.RATING, weight, "不计评分", "考核下级行政区不计质强办评分，不计此项"
        )


def child_on_time_figure(
    *,
    weight: Decimal,
    child: str,
    due: list[tuple[ReportingPeriod, int]],
    firsts: dict[int, dict[int, DepartmentReport]],
    departments: dict[int, str],
) -> CriterionFigure:
    """A child's on-time rate: its departments' reports submitted by the deadline over those due
    (a report of one of its months whose deadline has passed that asked about a delegated task);
    each late or missing report loses an equal share of the weight. Nothing due: the criterion
    does not apply."""
    if not due:
        return _not_applying(
            CriterionKind.ON_TIME, weight, "无应报月报", f"{child}本期无应报送下发任务的月报，不计此项"
        )
    share = weight / len(due)
    lost, on_time = [], 0
    for period, department_id in due:
        report = firsts.get(department_id, {}).get(period.pk)
        who = departments[department_id]
        if report is None or report.submitted_at is None:
            lost.append(
                f"{child}：{period.label}未报送（{who}，截止{md(period.deadline)}），扣{pts(share)}分"
            )
        elif report.is_late:
            day = timezone.localtime(report.submitted_at).date()
            late = max((day - period.deadline).days, 1)
            lost.append(
                f"{child}：{period.label}报送逾期{late}天（{who}，截止{md(period.deadline)}，"
                f"{md(day)}提交），扣{pts(share)}分"
            )
        else:
            on_time += 1
    return CriterionFigure(
        CriterionKind.ON_TIME, weight, f"按时 {on_time}/{len(due)}", q(share * on_time), lost
    )


def child_completeness_figure(
    *,
    weight: Decimal,
    child: str,
    due: list[tuple[ReportingPeriod, int]],
    asked: dict[tuple[int, int], set[int]],
    tasks: dict[int, str],
    filled: set[tuple[int, int, int]],
    departments: dict[int, str],
) -> CriterionFigure:
    """A child's completeness: the share of (month, department, delegated task) its reports due
    asked about with progress written in the latest submitted report; a report never submitted
    fills nothing. The points lost are listed by department and task with the months missing."""
    expected = [
        (period, department_id, task_id)
        for period, department_id in due
        for task_id in sorted(asked.get((period.pk, department_id), ()))
    ]
    if not expected:
        return _not_applying(
            CriterionKind.COMPLETENESS,
            weight,
            "无应填报任务",
            f"{child}本期无应填报的下发任务进展，不计此项",
        )
    share = weight / len(expected)
    missing: dict[tuple[int, int], list[ReportingPeriod]] = defaultdict(list)
    for period, department_id, task_id in expected:
        if (period.pk, department_id, task_id) not in filled:
            missing[(department_id, task_id)].append(period)
    done = len(expected) - sum(len(v) for v in missing.values())
    lost = [
        f"{child}：{departments[department_id]}任务{tasks[task_id]}有{len(months)}期未填报进展"
        f"（{'、'.join(p.label for p in months[:6])}{'等' if len(months) > 6 else ''}），"
        f"扣{pts(share * len(months))}分"
        for (department_id, task_id), months in missing.items()
    ]
    raw = f"已填报 {done}/{len(expected)}（{q(Decimal(done) * 100 / len(expected))}%）"
    return CriterionFigure(CriterionKind.COMPLETENESS, weight, raw, q(share * done), lost)


def children_compute(
    *,
    plan: Plan,
    period: AssessmentPeriod,
    as_of: dt.date,
    criteria: list,
    progress: Callable[[int, str], None],
) -> Compiled:
    """Each subordinate jurisdiction's figures on the tasks the plan delegated to it, listed under
    the unit standing for it, with the parent office's items on that unit; the children with no
    such unit are listed for the office, never dropped. A bounded number of queries, whatever the
    number of children, tasks and months."""
    names: dict[int, str] = {}
    child_tasks: dict[int, set[int]] = defaultdict(set)
    plans: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for child_id, name, task_id, frequency, year_start in delegations_assessed(plan=plan).values_list(
        "jurisdiction_id",
        "jurisdiction__name",
        "child_task_id",
        "child_task__plan__reporting_frequency",
        "child_task__plan__year_start",
    ):
        names[child_id] = name
        child_tasks[child_id].add(task_id)
        plans[child_id].add((frequency, year_start))
    chosen = representatives(plan=plan, child_ids=list(names))
    unassessable = [
        {
            "jurisdiction_id": child_id,
            "jurisdiction": names[child_id],
            "reason": NO_REPRESENTATIVE.format(child=names[child_id]),
        }
        for child_id in sorted(names, key=lambda c: names[c])
        if child_id not in chosen
    ]
    units = sorted(chosen.values(), key=lambda d: (d.sort_order, d.name, d.pk))
    child_of = {d.pk: d.represents_id for d in units}
    months = _child_months(period, {c: plans[c] for c in chosen})
    periods = [p for p in months if p.deadline < as_of]
    progress(10, _("读取月报"))

    task_child = {t: c for c in chosen for t in child_tasks[c]}
    asked: dict[int, dict[tuple[int, int], set[int]]] = defaultdict(lambda: defaultdict(set))
    department_names: dict[int, str] = {}
    entries = []
    if periods and task_child:
        entries = list(
            TaskEntry.objects.filter(report__period__in=periods, task_id__in=list(task_child))
            .annotate(blank=ExpressionWrapper(Q(progress=""), output_field=BooleanField()))
            .values_list(
                "report_id",
                "report__department_id",
                "report__department__name",
                "report__period_id",
                "task_id",
                "blank",
            )
            .order_by()
        )
    for _report, department_id, department_name, period_id, task_id, _blank in entries:
        department_names[department_id] = department_name
        asked[task_child[task_id]][(period_id, department_id)].add(task_id)
    _reports, firsts, latest_submitted, _rated = _reports_by_department(periods, list(department_names))
    latest = {r.pk for r in latest_submitted.values()}
    filled = {
        (period_id, department_id, task_id)
        for report_id, department_id, _name, period_id, task_id, blank in entries
        if not blank and report_id in latest
    }
    by_period = {p.pk: p for p in periods}
    due_pairs = {
        child_id: sorted(
            ((by_period[period_id], department_id) for period_id, department_id in pairs),
            key=lambda pair: (pair[0].start, department_names[pair[1]], pair[1]),
        )
        for child_id, pairs in asked.items()
    }
    progress(25, _("读取任务进展"))

    labels = {
        task_id: f"{path_label(path)}「{title[:24]}」"
        for task_id, path, title in Task.objects.filter(pk__in=list(task_child)).values_list(
            "pk", "path", "title"
        )
    }
    progress(40, _("评估目标完成情况"))

    targets = list(
        Target.objects.filter(task_id__in=list(task_child))
        .select_related("task__plan", "indicator__reporting_department")
        .order_by("task__position", "pk")
    )
    by_child: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_child[task_child[target.task_id]].append(target)
    facts = _ChildFacts(
        child_of=child_of,
        names=names,
        due_pairs=due_pairs,
        department_names=department_names,
        firsts=firsts,
        asked=asked,
        filled=filled,
        tasks=labels,
        targets=by_child,
        readings=target_readings(targets, as_of=min(period.end, as_of)) if targets else {},
    )
    progress(55, _("计算各部门得分"))

    items = _items_by_department(plan, period)
    figures = [DepartmentFigures(unit, facts.figures(criteria, unit.pk), items[unit.pk]) for unit in units]
    progress(70, _("写入考核结果"))
    return Compiled(
        figures,
        provisional=provisional_reasons(period=period, months=months, as_of=as_of, names=names),
        unassessable=unassessable,
        subject=AssessmentScheme.Subject.JURISDICTIONS,
    )


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
    scheme = scheme_as_compiled(assessment)
    results = list(assessment.results.prefetch_related("scores"))
    for result in results:
        s = standing(
            scores=[c.score for c in result.scores.all() if c.applies],
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
    # The compile's own findings (units not ranked, targets nobody reports, why provisional) stay.
    assessment.summary = {**assessment.summary, **summary_of(results)}
    assessment.save(update_fields=["summary"])


def summary_of(results) -> dict:
    """The counts of a ranking: units ranked, by grade, the average total, vetoes."""
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
    compiled = assessment_compute(plan=plan, period=period, as_of=as_of, progress=progress)
    return _write(plan=plan, period=period, compiled=compiled, actor=actor, as_of=as_of)


def require_final_result(*, assessment: Assessment) -> None:
    """A provisional result (compiled while a reporting month of the period was still open) is
    not published: a published assessment never changes, so it waits for the months to close and
    a re-run. For assessment_publish to call before publishing (services.py)."""
    if assessment.provisional:
        raise Conflict(
            _("暂定结果不能发布：%(reasons)s。请在报送期截止后重新计算，再发布。")
            % {
                "reasons": "；".join(assessment.summary.get("provisional_reasons", []))
                or _("计算时仍有报送期未截止")
            }
        )


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
def _write(*, plan, period, compiled: Compiled, actor, as_of) -> Assessment:
    """Stores one compile as the period's draft, replacing an earlier draft but keeping the
    office's final scores on it; units with no criterion applying are listed, not ranked."""
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
        scheme=_scheme_snapshot(scheme, subject=compiled.subject),
        provisional=bool(compiled.provisional),
    )
    selfs = _self_scores_of(plan, period)
    results, scores, not_ranked = [], [], []
    for figure in compiled.figures:
        _test_pause()
        if not figure.ranked:
            not_ranked.append(_not_ranked_entry(figure))
            continue
        row = _criterion_scores(figure, finals=finals, selfs=selfs)
        results.append(_result(assessment, figure, row, scheme))
        scores.append(row)
    _save_ranked(results, scores)
    assessment.summary = {
        **summary_of(results),
        "not_ranked": not_ranked,
        "unreported_targets": compiled.unreported_targets,
        "unassessable": compiled.unassessable,
        "provisional_reasons": compiled.provisional,
    }
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
        after={
            "provisional": assessment.provisional,
            "not_ranked": len(not_ranked),
            "unreported_targets": len(compiled.unreported_targets),
            "unassessable": len(compiled.unassessable),
        },
    )
    if old_files:
        from .models import assessment_storage

        storage = assessment_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return assessment


def scheme_as_compiled(assessment: Assessment) -> AssessmentScheme:
    """The scheme's thresholds, bonus cap, appeal window and subject (departments, or subordinate
    jurisdictions) as they stood at the compile (kept with the result), so a scheme edited after
    publication never regrades a re-issued version; the plan's current scheme for a result
    compiled before the snapshot kept them (a snapshot without a subject assessed departments)."""
    snapshot = assessment.scheme or {}
    if "grades" not in snapshot or "bonus_cap" not in snapshot:
        return AssessmentScheme.objects.get(plan_id=assessment.plan_id)
    current = None
    if "appeal_days" not in snapshot:
        current = AssessmentScheme.objects.get(plan_id=assessment.plan_id)
    return AssessmentScheme(
        plan_id=assessment.plan_id,
        grade_a=Decimal(snapshot["grades"]["A"]),
        grade_b=Decimal(snapshot["grades"]["B"]),
        grade_c=Decimal(snapshot["grades"]["C"]),
        bonus_cap=Decimal(snapshot["bonus_cap"]),
        appeal_days=snapshot["appeal_days"] if current is None else current.appeal_days,
        subject=snapshot.get("subject", AssessmentScheme.Subject.DEPARTMENTS),
    )


def _scheme_snapshot(scheme: AssessmentScheme, *, subject: str | None = None) -> dict:
    """The scheme as it stood at the compile, kept with the result so a later change of the
    scheme never rewrites a published ranking; the subject is the one the figures were computed
    for."""
    return {
        "subject": subject or scheme.subject,
        "year_start_month": scheme.year_start_month,
        "grades": {"A": str(scheme.grade_a), "B": str(scheme.grade_b), "C": str(scheme.grade_c)},
        "bonus_cap": str(scheme.bonus_cap),
        "appeal_days": scheme.appeal_days,
        "criteria": [
            {"kind": c.kind, "label": c.get_kind_display(), "weight": str(c.weight)}
            for c in scheme.criteria.all()
        ],
    }


def _not_ranked_entry(figure: DepartmentFigures) -> dict:
    """A unit with no criterion applying: listed with the reason, never given points."""
    reasons = [c.raw for c in figure.criteria if not c.applies]
    return {
        "department_id": figure.department.pk,
        "department": figure.department.name,
        "reason": f"{'、'.join(reasons)}，不参加排名",
        "adjustments": figure.adjustments,
    }


def _criterion_scores(figure, *, finals, selfs) -> list[CriterionScore]:
    """A department's score on each criterion, with the office's final score and the
    department's self-score carried over from the draft it replaces; a final score is not
    carried onto a criterion that no longer applies (it would count points for nothing)."""
    row = []
    for position, c in enumerate(figure.criteria):
        final, reason = finals.get((figure.department.pk, c.kind), (None, "")) if c.applies else (None, "")
        self_score, justification = selfs.get((figure.department.pk, c.kind), (None, ""))
        row.append(
            CriterionScore(
                kind=c.kind,
                position=position,
                weight=c.weight,
                applies=c.applies,
                effective_weight=c.effective_weight,
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
    s = standing(
        scores=[c.score for c in row if c.applies], adjustments=figure.adjustments, bonus_cap=scheme.bonus_cap
    )
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
