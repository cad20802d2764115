"""The synthetic data set `seed_large` builds: jurisdictions named 基准N市, rebuilt on each run."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from programmes.models import Assignment, Heading, Plan, Task
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


@transaction.atomic
def seed_large(scale: Scale, *, seed: int = 2026) -> dict:
    """Replace the bench jurisdictions with fresh ones at the given scale; returns the counts."""

    rng = random.Random(seed)
    reports_clear(bench_jurisdictions())
    for jurisdiction in bench_jurisdictions():
        Plan.objects.filter(jurisdiction=jurisdiction).delete()
        Indicator.objects.filter(jurisdiction=jurisdiction).delete()
        Membership.objects.filter(jurisdiction=jurisdiction).delete()
        Department.objects.filter(jurisdiction=jurisdiction).delete()
        jurisdiction.delete()
    User = get_user_model()
    User.objects.filter(username__startswith="bench_").delete()
    password = make_password(BENCH_PASSWORD)

    for j in range(1, scale.jurisdictions + 1):
        jurisdiction = Jurisdiction.objects.create(name=f"{PREFIX}{j}市", level=Jurisdiction.Level.CITY)
        departments = Department.objects.bulk_create(
            Department(jurisdiction=jurisdiction, name=f"市基准{d:02d}局", code=f"b{j}d{d}", sort_order=d)
            for d in range(1, scale.departments + 1)
        )
        office = User.objects.create(username=bench_office_username(j), password=password)
        Membership.objects.create(user=office, jurisdiction=jurisdiction, role=Role.OFFICE_ADMIN)
        liaisons = User.objects.bulk_create(
            User(username=f"bench_liaison_{j}_{d.pk}", password=password) for d in departments
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
        for p in range(1, scale.plans + 1):
            _plan(jurisdiction, p, scale, departments, indicators, rng)
    reports = reports_seed(months=scale.months, rng=rng)
    return {
        "jurisdictions": scale.jurisdictions,
        "departments": Department.objects.filter(jurisdiction__in=bench_jurisdictions()).count(),
        "plans": Plan.objects.filter(jurisdiction__in=bench_jurisdictions()).count(),
        "tasks": Task.objects.filter(plan__jurisdiction__in=bench_jurisdictions()).count(),
        "targets": Target.objects.filter(task__plan__jurisdiction__in=bench_jurisdictions()).count(),
        **reports,
    }


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
