"""Three years of monthly reports for the bench jurisdictions, written in bulk as the reporting
workflow would have left them: mostly approved, some late, some returned and then approved, a
few recent ones still in draft, values recorded as measurements; and the current month's
period open with fresh drafts for the month-end peak."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from programmes.models import Assignment, Task
from reports.models import DepartmentReport, Evidence, IndicatorValue, ReportingPeriod, TaskEntry
from reports.services import period_ensure, period_open, plans_due
from responsibilities.models import AuditEvent, Department, Jurisdiction, Membership, Role
from targets.models import Comparator, Indicator, Measurement, Target
from targets.status import months_spanned, reported_value_misses, target_window

BATCH = 2000
REPORT = DepartmentReport._meta.label_lower


def reporting_months(*, months: int, today: dt.date) -> list[tuple[int, int]]:
    """The `months` months before today's month, oldest first."""
    year, month = today.year, today.month
    result = []
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        result.append((year, month))
    return result[::-1]


def first_reporting_year(*, months: int, today: dt.date | None = None) -> int:
    """The year of the oldest seeded month; bench plans start no later, so it has tasks due."""
    today = today or timezone.localdate()
    history = reporting_months(months=months, today=today)
    return history[0][0] if history else today.year


def reports_clear(jurisdictions) -> None:
    """Deletes the bench reports ahead of seed_large's cascade, which would load every entry
    into memory to look for evidence; entries and values go in one statement each."""
    reports = DepartmentReport.objects.filter(period__jurisdiction__in=jurisdictions)
    Evidence.objects.filter(entry__report__in=reports).delete()
    for model in (TaskEntry, IndicatorValue):
        rows = model.objects.filter(report__in=reports)
        # Evidence is gone, so nothing refers to these rows any more: no cascade to collect.
        rows._raw_delete(rows.db)
    # Corrections point at the version they supersede (PROTECT): newest first.
    for version in reports.order_by("-version").values_list("version", flat=True).distinct():
        reports.filter(version=version).delete()


@dataclass
class Counts:
    periods: int = 0
    reports: int = 0
    entries: int = 0
    values: int = 0
    measurements: int = 0
    audit_events: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def reports_seed(*, months: int, rng: random.Random, today: dt.date | None = None) -> dict:
    """Builds `months` closed periods of reports for every bench jurisdiction, and opens the
    current month's period with fresh drafts."""
    from .world import bench_jurisdictions

    today = today or timezone.localdate()
    counts = Counts()
    for jurisdiction in bench_jurisdictions().order_by("name"):
        counts.add(_History(jurisdiction, rng, today).build(reporting_months(months=months, today=today)))
        office = _office(jurisdiction)
        current = period_ensure(jurisdiction=jurisdiction, year=today.year, month=today.month)
        period_open(period=current, actor=office)
    return {f"report_{name}": value for name, value in counts.__dict__.items()}


def _office(jurisdiction: Jurisdiction):
    membership = (
        Membership.objects.filter(jurisdiction=jurisdiction, role=Role.OFFICE_ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@contextmanager
def historical_timestamps(*model_classes: type[models.Model]):
    """bulk_create stamps auto_now and auto_now_add fields with the current time; history needs
    its own dates, so the stamping is switched off while it is written (seed_large runs in a
    command of its own, serving no requests meanwhile) and switched back on afterwards."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


# The fate of a report, by how many months ago its period ended: (fate, weight).
FATES = {
    "old": [("approved", 86), ("late", 8), ("returned", 6)],
    2: [("approved", 80), ("late", 8), ("returned", 5), ("signed_off", 4), ("submitted", 3)],
    1: [
        ("approved", 52),
        ("late", 10),
        ("returned", 5),
        ("signed_off", 12),
        ("submitted", 9),
        ("returned_draft", 3),
        ("draft", 5),
        ("blank", 4),
    ],
}
DRAFT_FATES = {"returned_draft", "draft", "blank"}


@dataclass
class _Due:
    """What a department reports while a given set of plans is due."""

    plan_ids: frozenset[int]
    roles: dict[int, dict[int, str]] = field(default_factory=dict)  # department → task → role
    indicators: dict[int, list[int]] = field(default_factory=dict)  # department → indicators


class _History:
    """One jurisdiction's reporting history, generated month by month and written in batches."""

    def __init__(self, jurisdiction: Jurisdiction, rng: random.Random, today: dt.date):
        self.jurisdiction = jurisdiction
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.departments = list(
            Department.objects.units().active().filter(jurisdiction=jurisdiction).order_by("sort_order", "pk")
        )
        self.collectives: dict[int, set[int]] = defaultdict(set)
        for collective_id, member_id in Department.members.through.objects.filter(
            to_department__jurisdiction=jurisdiction
        ).values_list("from_department_id", "to_department_id"):
            self.collectives[member_id].add(collective_id)
        self.liaisons = self._people(Role.LIAISON)
        self.heads = self._people(Role.DEPARTMENT_HEAD) or self._create_heads()
        self.office = _office(jurisdiction)
        self.assignments = list(
            Assignment.objects.filter(task__plan__jurisdiction=jurisdiction).values_list(
                "task_id", "task__plan_id", "role", "department_id"
            )
        )
        tasks = Task.objects.filter(plan__jurisdiction=jurisdiction)
        self.task_titles = dict(tasks.values_list("pk", "title"))
        self.task_plan = dict(tasks.values_list("pk", "plan_id"))
        self.participated = {
            t for t, _p, role, _d in self.assignments if role == Assignment.Role.PARTICIPATING
        }
        self.targets: dict[int, list[Target]] = defaultdict(list)
        for target in Target.objects.filter(task__plan__jurisdiction=jurisdiction).select_related(
            "indicator", "task__plan"
        ):
            self.targets[target.indicator_id].append(target)
        self.indicators = {
            i.pk: i
            for i in Indicator.objects.filter(jurisdiction=jurisdiction, reporting_department__isnull=False)
        }
        self.due_cache: dict[frozenset[int], _Due] = {}
        self.level: dict[int, Decimal] = {}  # an indicator's latest value, which the next follows
        # Measured sums per (indicator, target window start), as the submit check adds them up.
        self.window_total: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
        self.task_state: dict[tuple[int, int], str] = {}

    def _people(self, role: str) -> dict[int, object]:
        people = {}
        for m in (
            Membership.objects.filter(jurisdiction=self.jurisdiction, role=role, is_active=True)
            .select_related("user")
            .order_by("pk")
        ):
            people.setdefault(m.department_id, m.user)
        return people

    def _create_heads(self) -> dict[int, object]:
        """Each department's head, who signs its reports off (bench_head_<j>_<department>)."""
        from .world import BENCH_PASSWORD

        User = get_user_model()
        number = self.jurisdiction.name.removeprefix("基准").removesuffix("市")
        password = next(iter(self.liaisons.values())).password if self.liaisons else BENCH_PASSWORD
        users = User.objects.bulk_create(
            User(username=f"bench_head_{number}_{d.pk}", password=password) for d in self.departments
        )
        Membership.objects.bulk_create(
            Membership(user=u, jurisdiction=self.jurisdiction, department=d, role=Role.DEPARTMENT_HEAD)
            for u, d in zip(users, self.departments, strict=True)
        )
        return {d.pk: u for u, d in zip(users, self.departments, strict=True)}

    # What is due ---------------------------------------------------------------------------

    def due(self, period: ReportingPeriod) -> _Due:
        """The same answer as department_tasks_due and department_indicators_due, for every
        department at once."""
        plan_ids = frozenset(plans_due(period=period).values_list("pk", flat=True))
        if plan_ids not in self.due_cache:
            due = _Due(plan_ids)
            for department in self.departments:
                named = {department.pk} | self.collectives[department.pk]
                roles: dict[int, str] = {}
                for task_id, plan_id, role, department_id in self.assignments:
                    if plan_id in plan_ids and department_id in named and roles.get(task_id) != "lead":
                        roles[task_id] = role
                if roles:
                    due.roles[department.pk] = roles
            for indicator_id, targets in self.targets.items():
                indicator = self.indicators.get(indicator_id)
                if indicator and any(self.task_plan[t.task_id] in plan_ids for t in targets):
                    due.indicators.setdefault(indicator.reporting_department_id, []).append(indicator_id)
            self.due_cache[plan_ids] = due
        return self.due_cache[plan_ids]

    # Writing -------------------------------------------------------------------------------

    def build(self, months: list[tuple[int, int]]) -> Counts:
        counts = Counts()
        periods = []
        for year, month in months:
            period = period_ensure(jurisdiction=self.jurisdiction, year=year, month=month)
            period.status = ReportingPeriod.Status.CLOSED
            period.opened_at = self._at(period.start, 0, 5)
            period.closed_at = self._at(period.deadline + dt.timedelta(days=1), 0, 5)
            periods.append(period)
        ReportingPeriod.objects.bulk_update(periods, ["status", "opened_at", "closed_at"])
        counts.periods = len(periods)
        with historical_timestamps(DepartmentReport, TaskEntry, IndicatorValue, Measurement, AuditEvent):
            for index, period in enumerate(periods):
                months_ago = len(periods) - index
                counts.add(self._period(period, months_ago))
        return counts

    def _period(self, period: ReportingPeriod, months_ago: int) -> Counts:
        due = self.due(period)
        fates = FATES.get(months_ago, FATES["old"])
        plans: list[tuple[DepartmentReport, str]] = []
        for department in self.departments:
            if department.pk not in due.roles:
                continue
            fate = self.rng.choices([f for f, _w in fates], weights=[w for _f, w in fates])[0]
            plans.append((self._report(period, department, fate), fate))
        reports = DepartmentReport.objects.bulk_create([r for r, _f in plans], batch_size=BATCH)
        entries, values, measurements, events = [], [], [], []
        for report, fate in zip(reports, (f for _r, f in plans), strict=True):
            department_id = report.department_id
            entries += self._entries(report, fate, due.roles[department_id])
            report_values = self._values(report, fate, due)
            values += report_values
            if fate not in DRAFT_FATES:
                measurements += [
                    Measurement(
                        indicator_id=v.indicator_id,
                        department_id=department_id,
                        period_start=period.start,
                        period_end=period.end,
                        value=v.value,
                        confirmed=report.status == DepartmentReport.Status.APPROVED,
                        recorded_at=report.reviewed_at or report.submitted_at,
                    )
                    for v in report_values
                ]
            events += self._events(report, fate)
        for model, rows in (
            (TaskEntry, entries),
            (IndicatorValue, values),
            (Measurement, measurements),
            (AuditEvent, events),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
        return Counts(0, len(reports), len(entries), len(values), len(measurements), len(events))

    def _report(self, period: ReportingPeriod, department: Department, fate: str) -> DepartmentReport:
        rng = self.rng
        report = DepartmentReport(
            period=period, department=department, created_at=period.opened_at, updated_at=period.opened_at
        )
        if fate in ("blank", "draft"):
            if fate == "draft":
                report.updated_at = self._clamp(self._at(period.end - dt.timedelta(days=rng.randint(0, 4))))
            return report
        first_submit = self._at(period.end - dt.timedelta(days=rng.randint(0, 4)))
        if fate == "late":
            first_submit = self._at(period.deadline + dt.timedelta(days=rng.randint(1, 9)))
        report.submitted_by = self.liaisons.get(department.pk)
        report.submitted_at = self._clamp(first_submit)
        if fate in ("returned", "returned_draft"):
            report.return_count = 1
            signed = first_submit + dt.timedelta(hours=rng.randint(2, 30))
            returned_at = signed + dt.timedelta(hours=rng.randint(20, 72))
            report.signed_off_by, report.signed_off_at = self.heads.get(department.pk), self._clamp(signed)
            report.reviewed_by, report.reviewed_at = self.office, self._clamp(returned_at)
            # The first round (submitted, signed off, returned) stays in the audit trail only.
            report._first_round = (report.submitted_at, report.signed_off_at, report.reviewed_at)
            if fate == "returned_draft":
                report.updated_at = report.reviewed_at
                return report
            report.submitted_at = self._clamp(returned_at + dt.timedelta(hours=rng.randint(20, 96)))
        report.is_late = timezone.localdate(report.submitted_at) > period.deadline
        report.status = DepartmentReport.Status.SUBMITTED
        report.updated_at = report.submitted_at
        if fate == "submitted":
            return report
        report.status = DepartmentReport.Status.SIGNED_OFF
        report.signed_off_by = self.heads.get(department.pk)
        report.signed_off_at = self._clamp(report.submitted_at + dt.timedelta(hours=rng.randint(2, 40)))
        report.updated_at = report.signed_off_at
        if fate == "signed_off":
            return report
        report.status = DepartmentReport.Status.APPROVED
        report.reviewed_by = self.office
        report.reviewed_at = self._clamp(report.signed_off_at + dt.timedelta(hours=rng.randint(20, 120)))
        report.rating = rng.randint(78, 100) if rng.random() < 0.7 else None
        report.updated_at = report.reviewed_at
        return report

    def _entries(self, report: DepartmentReport, fate: str, roles: dict[int, str]) -> list[TaskEntry]:
        rng = self.rng
        period = report.period
        liaison = self.liaisons.get(report.department_id)
        commented = set()
        if report.return_count:
            commented = set(rng.sample(sorted(roles), k=min(len(roles), rng.randint(1, 2))))
        rows = []
        for task_id, role in roles.items():
            status = self._task_status(report.department_id, task_id, period)
            entry = TaskEntry(
                report=report,
                task_id=task_id,
                role=role,
                status=status,
                updated_at=report.updated_at,
                updated_by=liaison,
                version=0,
            )
            filled = fate != "blank" and (fate != "draft" or rng.random() < 0.55)
            if filled:
                entry.progress = progress_text(rng, period, self.task_titles[task_id], role, status)
                entry.problems = rng.choice(PROBLEMS) if rng.random() < 0.35 else ""
                entry.next_steps = rng.choice(NEXT_STEPS) if rng.random() < 0.8 else ""
                if role == "lead" and task_id in self.participated and rng.random() < 0.6:
                    entry.consolidated = rng.choice(CONSOLIDATED)
                entry.version = rng.randint(1, 4)
            else:
                entry.updated_by = None
            if task_id in commented:
                entry.office_comment = rng.choice(OFFICE_COMMENTS)
                entry.returned = fate == "returned_draft"
                entry.version += 1
            rows.append(entry)
        return rows

    def _task_status(self, department_id: int, task_id: int, period: ReportingPeriod) -> str:
        """A task moves from not started to in progress, now and then falls behind, and once
        done stays done."""
        key = (department_id, task_id)
        state = self.task_state.get(key, Task.Status.NOT_STARTED)
        roll = self.rng.random()
        if state == Task.Status.DONE:
            pass
        elif state == Task.Status.NOT_STARTED:
            state = Task.Status.IN_PROGRESS if roll < 0.6 else state
        elif roll < 0.025:
            state = Task.Status.DONE
        elif roll < 0.06:
            state = Task.Status.DELAYED
        elif state == Task.Status.DELAYED and roll < 0.5:
            state = Task.Status.IN_PROGRESS
        self.task_state[key] = state
        return state

    def _values(self, report: DepartmentReport, fate: str, due: _Due) -> list[IndicatorValue]:
        rng = self.rng
        period = report.period
        rows = []
        for indicator_id in due.indicators.get(report.department_id, []):
            row = IndicatorValue(report=report, indicator_id=indicator_id, updated_at=report.updated_at)
            if fate == "blank" or (fate == "draft" and rng.random() < 0.5):
                rows.append(row)
                continue
            indicator = self.indicators[indicator_id]
            targets = [t for t in self.targets[indicator_id] if self.task_plan[t.task_id] in due.plan_ids]
            row.value = self._next_value(indicator, targets, period)
            row.version = rng.randint(1, 3)
            # The explanation a liaison must give, by the rule the submit check applies.
            if any(
                reported_value_misses(
                    t,
                    value=row.value,
                    total_before=self.window_total[(indicator_id, target_window(t)[0])],
                    period_start=period.start,
                    period_end=period.end,
                )
                for t in targets
            ):
                row.gap_explanation = rng.choice(GAP_EXPLANATIONS)
            if rng.random() < 0.05:
                row.note = rng.choice(NOTES)
            if fate not in DRAFT_FATES:
                self.level[indicator_id] = row.value
                for start in {target_window(t)[0] for t in self.targets[indicator_id]}:
                    if period.end >= start:
                        self.window_total[(indicator_id, start)] += row.value
            rows.append(row)
        return rows

    def _next_value(self, indicator: Indicator, targets: list[Target], period: ReportingPeriod) -> Decimal:
        """A stock or rate drifts towards its target month by month; a sum reports the month's
        increment, about the target's share for one month of its window."""
        rng = self.rng
        target = next((t for t in targets if t.value is not None), None)
        goal = Decimal(target.value) if target else Decimal(100)
        whole = indicator.unit in ("个", "家", "件", "项")
        if indicator.aggregation == Indicator.Aggregation.SUM:
            months = months_spanned(*target_window(target)) if target else 12
            value = goal / months * Decimal(rng.uniform(0.6, 1.5))
        elif target and target.comparator == Comparator.RANGE:
            value = Decimal(rng.uniform(float(target.value) * 0.85, float(target.value_max) * 1.05))
        else:
            previous = self.level.get(indicator.pk, goal * Decimal(rng.uniform(0.8, 0.95)))
            value = previous * Decimal(rng.uniform(0.985, 1.03))
            if indicator.unit == "%":
                value = min(value, Decimal(100))
        return value.quantize(Decimal(1) if whole else Decimal("0.01"))

    def _events(self, report: DepartmentReport, fate: str) -> list[AuditEvent]:
        """The report-level trail the services would have written: submit, sign-off, return,
        approval."""
        name = f"{self.departments_by_pk[report.department_id].name} {report.period.label}"
        department_id = report.department_id
        trail = []
        first = getattr(report, "_first_round", None)
        if first:
            trail += [
                ("report.submit", self.liaisons.get(department_id), first[0], f"提交{name}"),
                ("report.sign_off", self.heads.get(department_id), first[1], f"审签{name}"),
                ("report.return", self.office, first[2], f"退回{name}"),
            ]
        if fate not in DRAFT_FATES:
            late = "（逾期）" if report.is_late else ""
            trail.append(("report.submit", report.submitted_by, report.submitted_at, f"提交{name}{late}"))
        if report.signed_off_at and report.status in ("signed_off", "approved"):
            trail.append(("report.sign_off", report.signed_off_by, report.signed_off_at, f"审签{name}"))
        if report.status == DepartmentReport.Status.APPROVED:
            trail.append(("report.approve", self.office, report.reviewed_at, f"通过{name}"))
        return [
            AuditEvent(
                at=at,
                actor=actor,
                jurisdiction=self.jurisdiction,
                action=action,
                object_type=REPORT,
                object_id=str(report.pk),
                summary=summary,
                after={"rating": report.rating} if action == "report.approve" else None,
            )
            for action, actor, at, summary in trail
        ]

    @property
    def departments_by_pk(self) -> dict[int, Department]:
        if not hasattr(self, "_departments_by_pk"):
            self._departments_by_pk = {d.pk: d for d in self.departments}
        return self._departments_by_pk

    # Time ----------------------------------------------------------------------------------

    def _at(self, day: dt.date, hour: int | None = None, minute: int | None = None) -> dt.datetime:
        """A moment in office hours of the day, in the portal's time zone."""
        hour = self.rng.randint(8, 18) if hour is None else hour
        minute = self.rng.randint(0, 59) if minute is None else minute
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _clamp(self, moment: dt.datetime) -> dt.datetime:
        """Nothing in the history happens after now."""
        latest = self.now - dt.timedelta(minutes=5)
        return min(moment, latest)


# Wording ---------------------------------------------------------------------------------------

OPENINGS = ["{month}月，我局", "{month}月以来，我局", "本月，我单位", "{month}月份，我局", "本月，我局"]
LEAD_ACTIONS = [
    "牵头召开{topic}专题推进会，研究部署下阶段重点工作，明确责任分工和完成时限",
    "会同相关部门制定{topic}工作方案，细化{n}项具体措施，逐项落实到责任科室",
    "组织开展{topic}专项督查，实地检查企业{n}家，发现问题{k}个，已督促整改到位",
    "召开联络员工作例会，通报{topic}推进情况，对进度滞后事项逐一交办",
    "梳理{topic}年度目标完成情况，形成阶段性工作总结报市质强办",
]
JOINT_ACTIONS = [
    "配合牵头单位推进{topic}，按要求报送相关数据和工作资料",
    "结合部门职责落实{topic}相关任务，开展业务指导{n}次",
    "参与{topic}联合检查，派出执法人员{n}人次，检查企业{k}家",
    "按照牵头单位部署，组织辖区企业参加{topic}相关培训，参训{n}人次",
]
RESULTS = [
    "指导{n}家企业开展质量管理体系认证，新增获证企业{k}家",
    "举办质量提升培训{k}场次，培训企业质量管理人员{n}人次",
    "走访服务企业{n}家，协调解决质量技术难题{k}个",
    "推动{k}家企业导入卓越绩效管理模式",
    "完成产品质量监督抽查{n}批次，合格率保持稳定",
    "受理质量投诉{k}件，办结率100%",
    "宣传报道质量工作信息{k}篇，营造良好氛围",
]
STATUS_CLOSINGS = {
    Task.Status.NOT_STARTED: "目前正在做前期准备，预计下月启动。",
    Task.Status.IN_PROGRESS: "工作按计划有序推进。",
    Task.Status.DONE: "该项任务已全面完成，转入常态化落实。",
    Task.Status.DELAYED: "受项目审批等因素影响，进度略有滞后，已制定赶进度措施。",
}
PROBLEMS = [
    "部分企业质量意识不强，主动参与质量提升的积极性不高。",
    "专业技术人员不足，基层监管力量较为薄弱。",
    "专项资金尚未全部到位，部分项目推进较慢。",
    "跨部门数据共享机制尚不健全，统计口径存在差异。",
    "小微企业质量管理基础薄弱，标准化水平有待提高。",
]
NEXT_STEPS = [
    "下一步，将继续加强督促指导，确保按期完成年度目标任务。",
    "下一步，将加大培训和宣传力度，推动更多企业参与质量提升行动。",
    "下一步，将会同相关部门建立定期会商机制，协调解决推进中的困难。",
    "下一步，将对照任务清单查漏补缺，做好季度考核准备。",
]
CONSOLIDATED = [
    "各参与单位均已按时报送本月进展，总体推进顺利。",
    "汇总各参与单位情况：已完成阶段性任务，个别单位进度偏慢，已督促加快推进。",
    "各参与单位按分工落实相关措施，数据已核对汇总。",
]
OFFICE_COMMENTS = [
    "进展情况过于笼统，请补充具体数据和工作成效。",
    "请补充佐证材料。",
    "本月进展与上月基本相同，请说明新的工作举措。",
    "数据与统计部门口径不一致，请核实后重新填报。",
]
GAP_EXPLANATIONS = [
    "受季节性因素影响，本期数值暂未达到目标，预计年底前可完成。",
    "部分企业数据尚未完成统计，已督促尽快报送，下期补充。",
    "受市场需求下降影响，指标完成进度偏慢，已制定专项帮扶措施。",
    "统计口径调整导致本期数值偏低，已与统计部门沟通核实。",
]
NOTES = ["数据来源：统计部门月报", "初步统计数", "已与上年同期口径核对"]


def progress_text(rng: random.Random, period: ReportingPeriod, title: str, role: str, status: str) -> str:
    """A month's progress as a liaison writes it: what was done, what came of it, where it stands."""
    topic = title.split("：", 1)[-1].removeprefix("推进").removesuffix("工作") or title
    actions = LEAD_ACTIONS if role == "lead" else JOINT_ACTIONS
    numbers = {"n": rng.randint(3, 60), "k": rng.randint(1, 12), "topic": topic}
    return (
        OPENINGS[rng.randrange(len(OPENINGS))].format(month=period.start.month)
        + rng.choice(actions).format(**numbers)
        + "；"
        + rng.choice(RESULTS).format(n=rng.randint(5, 200), k=rng.randint(1, 20))
        + "。"
        + STATUS_CLOSINGS[status]
    )
