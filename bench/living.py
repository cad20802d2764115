"""A living programme for the demo: 太仓市 carries its 2022 work points into this year's plan and
has reported every month of the year so far, so the dashboards, the targets' status and the
assessment show what an office sees in a real year.

Months are filled as the portal would have filled them: periods opened (every department gets
its report), most reports approved before the deadline with a rating, some late, a few never
submitted; each reported indicator gets a value near its target, a few off track.

Last year ran the same way: its plan reported every month, its year assessment published in
January by the office and the plan archived; this year's plan has its last closed quarter
assessed and the year so far assessed provisionally (months still open). Everything follows the
day the demo is loaded, so `make demo` works whatever the date.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessment.compile import assessment_compile
from assessment.periods import AssessmentPeriod
from programmes.models import Assignment, Heading, Plan, Task
from reports.models import DepartmentReport, IndicatorValue, ReportingPeriod, TaskEntry
from reports.services import measurements_record, period_close, period_ensure, period_open
from responsibilities.models import Jurisdiction
from targets.models import Comparator, Indicator, Target

STATISTICS = Indicator.Source.STATISTICS

# Figures the statistics bureau publishes (a survey's index, a yearly count), not the
# departments: their targets wait for the official figure (待统计数据) instead of counting as
# behind; the office uploads it when it comes out.
STATISTICS_INDICATORS = ("公众质量总体满意度指数", "游客满意度")

PROGRESS = (
    "本月组织专项检查{n}次，覆盖重点企业{m}家，发现问题已督促整改。",
    "按计划推进，完成阶段性目标；召开推进会{n}次，协调解决问题{m}个。",
    "开展宣传培训{n}场，参与企业{m}家；相关制度文件已印发。",
)


def demo_living(*, today: dt.date | None = None, seed: int = 2026) -> Plan | None:
    """This year's plan of 太仓市 (copied from its 2022 work points, which is archived), with
    every month before the current one reported and closed, the last closed quarter assessed and
    the year so far assessed provisionally; last year's plan before it (demo_last_year).
    Running it again changes nothing."""
    today = today or timezone.localdate()
    taicang = Jurisdiction.objects.filter(name="太仓市").first()
    if taicang is None:
        return None
    title = f"{today.year}年太仓市质量强市工作要点"
    existing = Plan.objects.filter(jurisdiction=taicang, title=title).first()
    if existing is not None:
        return existing
    source = (
        Plan.objects.filter(jurisdiction=taicang, year_start__lt=today.year - 1)
        .exclude(kind=Plan.Kind.DELEGATED)
        .order_by("year_start")
        .first()
    )
    if source is None:
        return None
    Indicator.objects.filter(jurisdiction=taicang, name__in=STATISTICS_INDICATORS).update(
        source=Indicator.Source.STATISTICS
    )
    demo_last_year(source, year=today.year - 1, seed=seed - 1)
    with transaction.atomic():
        plan = _plan_copy(source, year=today.year, title=title)
        source.status = Plan.Status.ARCHIVED
        source.save(update_fields=["status", "updated_at"])
    rng = random.Random(seed)
    months = [month_reported(plan, today.year, month, rng) for month in range(1, today.month)]
    quarter = (today.month - 1) // 3  # the last quarter whose months are all closed
    if quarter and months:
        end_month = quarter * 3
        period = AssessmentPeriod(
            "quarter",
            dt.date(today.year, end_month - 2, 1),
            months[end_month - 1].end,
        )
        assessment_compile(plan=plan, period=period, as_of=today)
    if months:
        # last month's approvals told to each department, as the office's review told them
        from reports.notifications import notify_report_event

        approved = DepartmentReport.objects.filter(period=months[-1], status=DepartmentReport.Status.APPROVED)
        for report_id in approved.values_list("pk", flat=True):
            notify_report_event(report_id=report_id, event="approved")
        # the year so far: this month (and the rest of the year) still open, hence provisional
        year = AssessmentPeriod("year", dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        assessment_compile(plan=plan, period=year, as_of=today)
    return plan


def demo_last_year(source: Plan, *, year: int, seed: int) -> Plan:
    """Last year's plan of 太仓市 (a copy of the sample's work points): every month reported and
    closed, the year assessment compiled and published by the office, and the plan archived, as
    an office would have left it in January. Running it again changes nothing."""
    from django.contrib.auth import get_user_model

    from assessment.services import assessment_publish

    title = f"{year}年太仓市质量强市工作要点"
    existing = Plan.objects.filter(jurisdiction=source.jurisdiction, title=title).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        plan = _plan_copy(source, year=year, title=title)
        if source.status != Plan.Status.ARCHIVED:
            source.status = Plan.Status.ARCHIVED
            source.save(update_fields=["status", "updated_at"])
    rng = random.Random(seed)
    for month in range(1, 13):
        month_reported(plan, year, month, rng)
    period = AssessmentPeriod("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    assessment = assessment_compile(plan=plan, period=period, as_of=dt.date(year + 1, 1, 10))
    office = get_user_model().objects.filter(username="office").first()
    if office is not None:
        assessment_publish(assessment=assessment, actor=office)
        # as the office did it in January: compiled on the 10th, published on the 15th
        type(assessment).objects.filter(pk=assessment.pk).update(
            compiled_at=timezone.make_aware(dt.datetime(year + 1, 1, 10, 9)),
            published_at=timezone.make_aware(dt.datetime(year + 1, 1, 15, 10)),
        )
    plan.status = Plan.Status.ARCHIVED
    plan.save(update_fields=["status", "updated_at"])
    return plan


def _plan_copy(source: Plan, *, year: int, title: str) -> Plan:
    """The plan with its headings, tasks, departments and targets, for another year."""
    plan = Plan.objects.create(
        jurisdiction=source.jurisdiction,
        title=title,
        kind=source.kind,
        issuer=source.issuer,
        document_number=f"太政办〔{year}〕18号",
        issued_on=dt.date(year, 3, 10),
        year_start=year,
        year_end=year,
        reporting_frequency=source.reporting_frequency,
        status=Plan.Status.ACTIVE,
        source_name=source.source_name,
    )
    headings: dict[int, Heading] = {}
    for heading in source.headings.order_by("position"):
        headings[heading.pk] = Heading.objects.create(
            plan=plan,
            parent=headings.get(heading.parent_id),
            number=heading.number,
            path=heading.path,
            title=heading.title,
            position=heading.position,
        )
    for task in source.tasks.order_by("position").prefetch_related("assignments", "targets"):
        copy = Task.objects.create(
            plan=plan,
            heading=headings.get(task.heading_id),
            number=task.number,
            path=task.path,
            title=task.title,
            text=task.text,
            due=task.due.replace(str(source.year_start), str(year)),
            position=task.position,
        )
        Assignment.objects.bulk_create(
            Assignment(
                task=copy,
                department_id=a.department_id,
                role=a.role,
                printed_name=a.printed_name,
                position=a.position,
            )
            for a in task.assignments.all()
        )
        Target.objects.bulk_create(
            Target(
                task=copy,
                indicator_id=t.indicator_id,
                comparator=t.comparator,
                value=t.value,
                value_max=t.value_max,
                stretch=t.stretch,
                baseline=t.baseline,
                due_date=dt.date(year, 12, 31) if t.due_date else None,
                text=t.text,
                position=t.position,
            )
            for t in task.targets.all()
        )
    return plan


def month_reported(plan: Plan, year: int, month: int, rng: random.Random) -> ReportingPeriod:
    """A past month: opened, reported (most on time and approved, some late, a few missing),
    values near the targets, and closed."""
    period = period_open(period=period_ensure(jurisdiction=plan.jurisdiction, year=year, month=month))
    deadline = timezone.make_aware(dt.datetime.combine(period.deadline, dt.time(10)))
    targets = {t.indicator_id: t for t in Target.objects.filter(task__plan=plan).select_related("indicator")}
    for report in DepartmentReport.objects.filter(period=period).select_related("department"):
        roll = rng.random()
        if roll < 0.06:
            continue  # never submitted: missing
        late = roll > 0.88
        report.status = DepartmentReport.Status.APPROVED
        report.is_late = late
        report.submitted_at = deadline + dt.timedelta(days=rng.randint(1, 4) if late else -rng.randint(0, 3))
        report.reviewed_at = report.submitted_at + dt.timedelta(days=1)
        report.rating = rng.choice((80, 85, 90, 95, 100))
        report.save(update_fields=["status", "is_late", "submitted_at", "reviewed_at", "rating"])
        entries = list(report.entries.all())
        for entry in entries:
            entry.progress = rng.choice(PROGRESS).format(n=rng.randint(2, 9), m=rng.randint(5, 60))
            entry.status = rng.choice(("in_progress", "in_progress", "in_progress", "done"))
        TaskEntry.objects.bulk_update(entries, ["progress", "status"])
        values = [v for v in report.values.select_related("indicator") if v.indicator.source != STATISTICS]
        for value in values:
            value.value = _value_near(targets.get(value.indicator_id), month, rng)
        IndicatorValue.objects.bulk_update(values, ["value"])
        measurements_record(report=report, confirmed=True)
    return period_close(period=period)


def _value_near(target: Target | None, month: int, rng: random.Random) -> Decimal:
    """A month's value around the target: rates near the bar (a few below), counts a twelfth
    of the year's goal, more or less."""
    if target is None or target.value is None:
        return Decimal(rng.randint(1, 20))
    bar = target.value_max if target.comparator == Comparator.RANGE else target.value
    if target.indicator.aggregation == "sum":
        share = bar / 12 * Decimal(str(rng.uniform(0.7, 1.3)))
        if bar >= 12:
            return share.quantize(Decimal("1"))
        # a few a year (2 projects, 5 certificates): whole ones, in some months
        return Decimal(1) if rng.random() < share else Decimal(0)
    upward = target.comparator in (Comparator.GTE, Comparator.GT, Comparator.RANGE, Comparator.INCREASE)
    drift = Decimal(str(rng.uniform(-0.03, 0.02) if upward else rng.uniform(-0.02, 0.03)))
    return (bar * (1 + drift)).quantize(Decimal("0.01"))
