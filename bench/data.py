"""The synthetic data set `seed_large` builds: jurisdictions named 基准N市, rebuilt on each run."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from programmes.models import Assignment, Delegation, Heading, Plan, Task
from responsibilities.models import Department, Jurisdiction, Membership, Role
from targets.models import Comparator, Indicator, Target

from .reports import first_reporting_year, reports_clear, reports_seed
from .world import BENCH_PASSWORD, PREFIX, bench_jurisdictions, bench_office_username

UNITS = ["%", "个", "家", "件", "项", "万元"]


@dataclass(frozen=True)
class Scale:
    jurisdictions: int = 3
    departments: int = 60
    tasks: int = 300
    targets: int = 1200
    plans: int = 1
    sections: int = 10
    months: int = 36  # closed months of reports before the current, open one


@dataclass(frozen=True)
class Province:
    """The tree `seed_large --province` builds: one province over its cities, each over its
    counties, every jurisdiction at the per-jurisdiction Scale; each city delegates some of its
    tasks to each of its counties, whose copies carry targets on indicators feeding the city's."""

    cities: int = 13
    counties: int = 8
    delegated: int = 10  # tasks each city delegates to every county


@transaction.atomic
def seed_large(scale: Scale, *, seed: int = 2026, province: Province | None = None) -> dict:
    """Replace the bench jurisdictions with fresh ones at the given scale (or a province of
    them); returns the counts."""

    rng = random.Random(seed)
    bench_clear()
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)

    if province is None:
        for j in range(1, scale.jurisdictions + 1):
            _jurisdiction(f"{PREFIX}{j}市", None, bench_office_username(j), scale, rng, User, password)
    else:
        _province(province, scale, rng, User, password)
    reports = reports_seed(months=scale.months, rng=rng)
    return {
        "jurisdictions": bench_jurisdictions().count(),
        "departments": Department.objects.filter(jurisdiction__in=bench_jurisdictions()).count(),
        "plans": Plan.objects.filter(jurisdiction__in=bench_jurisdictions()).count(),
        "tasks": Task.objects.filter(plan__jurisdiction__in=bench_jurisdictions()).count(),
        "targets": Target.objects.filter(task__plan__jurisdiction__in=bench_jurisdictions()).count(),
        "delegations": Delegation.objects.filter(jurisdiction__in=bench_jurisdictions()).count(),
        **reports,
    }


def bench_clear() -> None:
    """Removes the bench jurisdictions and everything of theirs, the deepest first (a parent,
    and a parent's plan, are protected while a child refers to them)."""
    reports_clear(bench_jurisdictions())
    Delegation.objects.filter(jurisdiction__in=bench_jurisdictions()).delete()
    for jurisdiction in sorted(bench_jurisdictions(), key=lambda j: -len(j.full_name or j.name)):
        Plan.objects.filter(jurisdiction=jurisdiction).delete()
        Indicator.objects.filter(jurisdiction=jurisdiction).delete()
        Membership.objects.filter(jurisdiction=jurisdiction).delete()
        Department.objects.filter(jurisdiction=jurisdiction).delete()
        jurisdiction.delete()
    get_user_model().objects.filter(username__startswith="bench_").delete()


def _province(province: Province, scale: Scale, rng, User, password) -> None:
    """基准省 over 基准N市 (office bench_office_N, as without a province) over 基准N市M县
    (office bench_office_N_M)."""
    top = Jurisdiction.objects.create(name=f"{PREFIX}省", level=Jurisdiction.Level.PROVINCE)
    office = User.objects.create(username="bench_office_province", password=password)
    Membership.objects.create(user=office, jurisdiction=top, role=Role.OFFICE_ADMIN)
    for c in range(1, province.cities + 1):
        city, plans = _jurisdiction(
            f"{PREFIX}{c}市", top, bench_office_username(c), scale, rng, User, password
        )
        for k in range(1, province.counties + 1):
            county, _plans = _jurisdiction(
                f"{PREFIX}{c}市{k}县", city, f"{bench_office_username(c)}_{k}", scale, rng, User, password
            )
            if province.delegated:
                _delegate(plans[0], county, province.delegated)


def _jurisdiction(name: str, parent, office_username: str, scale: Scale, rng, User, password):
    """One bench jurisdiction with its departments, office, liaisons, indicators and plans."""
    level = Jurisdiction.Level.COUNTY if parent is not None and parent.parent_id else Jurisdiction.Level.CITY
    jurisdiction = Jurisdiction.objects.create(name=name, level=level, parent=parent)
    key = jurisdiction.pk
    prefix = "县" if level == Jurisdiction.Level.COUNTY else "市"
    departments = Department.objects.bulk_create(
        Department(jurisdiction=jurisdiction, name=f"{prefix}基准{d:02d}局", code=f"b{key}d{d}", sort_order=d)
        for d in range(1, scale.departments + 1)
    )
    office = User.objects.create(username=office_username, password=password)
    Membership.objects.create(user=office, jurisdiction=jurisdiction, role=Role.OFFICE_ADMIN)
    liaisons = User.objects.bulk_create(
        User(username=f"bench_liaison_{key}_{d.pk}", password=password) for d in departments
    )
    Membership.objects.bulk_create(
        Membership(user=u, jurisdiction=jurisdiction, department=d, role=Role.LIAISON)
        for u, d in zip(liaisons, departments, strict=True)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            jurisdiction=jurisdiction,
            name=f"基准指标{i:04d}",
            unit=UNITS[i % len(UNITS)],
            reporting_department=departments[i % len(departments)],
            # Counts of things done (件, 项) add up month by month; the rest are levels.
            aggregation=(
                Indicator.Aggregation.SUM
                if UNITS[i % len(UNITS)] in ("件", "项")
                else Indicator.Aggregation.LATEST
            ),
        )
        for i in range(scale.targets)
    )
    plans = [_plan(jurisdiction, p, scale, departments, indicators, rng) for p in range(1, scale.plans + 1)]
    return jurisdiction, plans


def _delegate(parent_plan: Plan, county: Jurisdiction, count: int) -> None:
    """The first `count` tasks of the city's plan delegated to a county: a plan of them in the
    county, each led by one county department and joined by another, its targets on county
    indicators feeding the city's (Indicator.upstream)."""
    tasks = list(parent_plan.tasks.order_by("position")[:count])
    departments = list(Department.objects.filter(jurisdiction=county).order_by("sort_order")[:2])
    plan = Plan.objects.create(
        jurisdiction=county,
        title=f"{parent_plan.title}下发任务",
        kind=Plan.Kind.DELEGATED,
        parent_plan=parent_plan,
        year_start=parent_plan.year_start,
        year_end=parent_plan.year_end,
    )
    copies = Task.objects.bulk_create(
        Task(plan=plan, number=t.number, path=[t.number], title=t.title, text=t.text, position=n)
        for n, t in enumerate(tasks, start=1)
    )
    Delegation.objects.bulk_create(
        Delegation(task=t, jurisdiction=county, child_task=c) for t, c in zip(tasks, copies, strict=True)
    )
    Assignment.objects.bulk_create(
        Assignment(task=c, department=d, role=role, position=i)
        for c in copies
        for i, (d, role) in enumerate(
            zip(departments, (Assignment.Role.LEAD, Assignment.Role.PARTICIPATING), strict=False), start=1
        )
    )
    copy_of = {t.pk: c for t, c in zip(tasks, copies, strict=True)}
    targets = list(Target.objects.filter(task__in=tasks).select_related("indicator").order_by("pk"))
    feeding = Indicator.objects.bulk_create(
        Indicator(
            jurisdiction=county,
            name=f"{t.indicator.name}（上级下发）",
            unit=t.indicator.unit,
            reporting_department=departments[0],
            aggregation=t.indicator.aggregation,
            upstream=t.indicator,
        )
        for t in targets
    )
    Target.objects.bulk_create(
        Target(
            task=copy_of[t.task_id],
            indicator=i,
            comparator=t.comparator,
            value=t.value,
            value_max=t.value_max,
            position=t.position,
        )
        for t, i in zip(targets, feeding, strict=True)
    )


def bench_plan_create(*, jurisdiction: Jurisdiction, tasks: int, seed: int = 2026) -> Plan:
    """One more plan of `tasks` tasks in a seeded bench jurisdiction, built as seed_large builds
    its plans; the bench times exports on it inside a transaction it rolls back."""
    departments = list(Department.objects.filter(jurisdiction=jurisdiction).order_by("sort_order"))
    indicators = list(Indicator.objects.filter(jurisdiction=jurisdiction).order_by("pk"))
    number = Plan.objects.filter(jurisdiction=jurisdiction).count() + 1
    scale = Scale(tasks=tasks, targets=min(len(indicators), tasks + tasks // 5))
    return _plan(jurisdiction, number, scale, departments, indicators, random.Random(seed))


def _plan(jurisdiction, p, scale: Scale, departments, indicators, rng) -> Plan:
    """One plan of the scale's sections and tasks, three departments a task, and its targets."""
    plan = Plan.objects.create(
        jurisdiction=jurisdiction,
        title=f"{jurisdiction.name}质量强市行动计划（基准{p}）",
        year_start=min(2024, first_reporting_year(months=scale.months)),
        year_end=2026,
        document_number=f"基政办〔2024〕{p}号",
    )
    tasks = _tasks(plan, scale)
    assignments = []
    for task in tasks:
        chosen = rng.sample(departments, 3)
        assignments.append(Assignment(task=task, department=chosen[0], role=Assignment.Role.LEAD, position=1))
        assignments += [
            Assignment(task=task, department=d, role=Assignment.Role.PARTICIPATING, position=i)
            for i, d in enumerate(chosen[1:], start=1)
        ]
    Assignment.objects.bulk_create(assignments)
    targets = []
    for i in range(scale.targets):
        task = tasks[i % len(tasks)]
        if i % 10 == 9:
            targets.append(
                Target(task=task, indicator=indicators[i], comparator=Comparator.RANGE, value=2, value_max=3)
            )
        else:
            targets.append(
                Target(
                    task=task, indicator=indicators[i], comparator=Comparator.GTE, value=rng.randint(50, 100)
                )
            )
    Target.objects.bulk_create(targets)
    return plan


def _tasks(plan: Plan, scale: Scale) -> list[Task]:
    """The plan's sections, each heading followed by its share of the tasks."""
    per_section = max(1, scale.tasks // scale.sections)
    position = 0
    headings = []
    for s in range(scale.sections):
        position += 1
        number = "一二三四五六七八九十"[s % 10] if s < 10 else str(s + 1)
        headings.append(
            Heading(
                plan=plan, number=number, path=[number], title=f"第{s + 1}部分重点任务", position=position
            )
        )
        position += per_section
    Heading.objects.bulk_create(headings)
    tasks = []
    for n in range(scale.tasks):
        heading = headings[min(n // per_section, len(headings) - 1)]
        tasks.append(
            Task(
                plan=plan,
                heading=heading,
                number=str(n + 1),
                path=[heading.number, str(n + 1)],
                title=f"基准任务{n + 1}：推进质量提升重点工作",
                text="推进质量提升重点工作，" * 8,
                position=heading.position + 1 + n % per_section
                if n < per_section * len(headings)
                else position + n,
            )
        )
    Task.objects.bulk_create(tasks)
    return tasks
