"""What the API reads, each starting from the token's scope (responsibilities.scope): the
token's jurisdiction, and read-only those below it. Every list is read in a number of queries
that does not grow with its length."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Assessment, AssessmentResult
from dashboards.selectors.selection import current_statuses
from programmes.models import Assignment, Heading, Plan, Task
from reports.models import DepartmentReport, ReportingPeriod
from responsibilities.models import Jurisdiction
from responsibilities.scope import Scope
from targets.models import Indicator, Target
from targets.status import TargetStatus, reading_of_series, targets_with_series

from .tokens import ApiRefused


def _not_found(what: str) -> ApiRefused:
    return ApiRefused("not_found", _("%(what)s不存在，或不在本令牌的范围内") % {"what": what}, status=404)


def jurisdiction_ids_in(scope: Scope, jurisdiction: int | None) -> list[int]:
    """The jurisdictions a list covers: the one asked for (it must be in the scope: another
    jurisdiction's is refused, never an empty list), else every one the token reads."""
    if jurisdiction is None:
        return sorted(scope.jurisdiction_ids)
    if jurisdiction not in scope.jurisdiction_ids:
        raise ApiRefused(
            "jurisdiction_forbidden",
            _("本令牌不能读取行政区%(id)s的数据：令牌只能读取本行政区及下级行政区") % {"id": jurisdiction},
            status=403,
        )
    return [jurisdiction]


def jurisdictions_read(*, scope: Scope, own_id: int) -> list[dict]:
    rows = Jurisdiction.objects.filter(pk__in=sorted(scope.jurisdiction_ids)).order_by("pk")
    return [
        {"id": j.pk, "name": j.name, "level": j.level, "parent_id": j.parent_id, "own": j.pk == own_id}
        for j in rows
    ]


def _plan_dict(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "jurisdiction_id": plan.jurisdiction_id,
        "title": plan.title,
        "kind": plan.kind,
        "status": plan.status,
        "year_start": plan.year_start,
        "year_end": plan.year_end,
        "document_number": plan.document_number,
        "issued_on": plan.issued_on,
    }


def plans_read(*, scope: Scope, jurisdiction: int | None = None) -> list[dict]:
    plans = Plan.objects.filter(jurisdiction_id__in=jurisdiction_ids_in(scope, jurisdiction)).defer(
        "source_text"
    )
    return [_plan_dict(p) for p in plans.order_by("jurisdiction_id", "-year_start", "pk")]


def plan_get(*, scope: Scope, pk: int) -> Plan:
    plan = (
        Plan.objects.filter(pk=pk, jurisdiction_id__in=sorted(scope.jurisdiction_ids))
        .defer("source_text")
        .first()
    )
    if plan is None:
        raise _not_found(_("工作方案%(id)s") % {"id": pk})
    return plan


def plan_tree_read(*, plan: Plan) -> dict:
    """The plan with its headings nested as printed, each with its tasks (three queries)."""
    headings = list(Heading.objects.filter(plan=plan).order_by("position", "pk"))
    tasks = (
        Task.objects.filter(plan=plan)
        .order_by("position", "pk")
        .values("pk", "heading_id", "number", "title", "withdrawn_at")
    )
    statuses = current_statuses(Task.objects.filter(plan=plan), as_of=timezone.localdate())
    nodes = {
        h.pk: {"id": h.pk, "number": h.number, "title": h.title, "headings": [], "tasks": []}
        for h in headings
    }
    top = {"headings": [], "tasks": []}
    for h in headings:
        (nodes[h.parent_id]["headings"] if h.parent_id in nodes else top["headings"]).append(nodes[h.pk])
    for t in tasks:
        node = nodes.get(t["heading_id"], top)
        node["tasks"].append(
            {
                "id": t["pk"],
                "number": t["number"],
                "title": t["title"],
                "status": statuses.get(t["pk"], Task.Status.NOT_STARTED),
                "withdrawn": t["withdrawn_at"] is not None,
            }
        )
    return {**_plan_dict(plan), "headings": top["headings"], "tasks": top["tasks"]}


def plan_tasks_read(*, plan: Plan) -> list[dict]:
    """The plan's tasks with their lead and participating departments (three queries)."""
    assignments = Assignment.objects.select_related("department").order_by("role", "position", "pk")
    tasks = (
        Task.objects.filter(plan=plan)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
    )
    statuses = current_statuses(Task.objects.filter(plan=plan), as_of=timezone.localdate())
    return [
        {
            "id": t.pk,
            "plan_id": t.plan_id,
            "heading_id": t.heading_id,
            "number": t.number,
            "title": t.title,
            "text": t.text,
            "due": t.due,
            "due_date": t.due_date,
            "status": statuses.get(t.pk, t.status),
            "withdrawn": t.withdrawn_at is not None,
            "assignments": [
                {"department_id": a.department_id, "department": a.department.name, "role": a.role}
                for a in t.assignments.all()
            ],
        }
        for t in tasks
    ]


def indicators_read(*, scope: Scope, jurisdiction: int | None = None) -> list[dict]:
    rows = (
        Indicator.objects.filter(jurisdiction_id__in=jurisdiction_ids_in(scope, jurisdiction))
        .order_by("jurisdiction_id", "name", "pk")
        .values(
            "pk",
            "jurisdiction_id",
            "name",
            "unit",
            "aggregation",
            "source",
            "reporting_department_id",
            "reporting_department__name",
        )
    )
    return [
        {
            "id": r["pk"],
            "jurisdiction_id": r["jurisdiction_id"],
            "name": r["name"],
            "unit": r["unit"],
            "aggregation": r["aggregation"],
            "source": r["source"],
            "reporting_department_id": r["reporting_department_id"],
            "reporting_department": r["reporting_department__name"],
        }
        for r in rows
    ]


# What the target list reads of a target: no text of the task, only what the status needs.
TARGET_FIELDS = (
    *(f.name for f in Target._meta.concrete_fields),
    "task__number",
    "task__position",
    "task__plan__year_start",
    "task__plan__year_end",
    "indicator__name",
    "indicator__unit",
    "indicator__aggregation",
    "indicator__source",
)


def plan_targets_read(*, plan: Plan, as_of: dt.date) -> list[dict]:
    """Every target of the plan with its status at the date, computed in bulk as the dashboards
    do (targets.status.targets_with_series): a fixed number of queries for any number."""
    targets = targets_with_series(
        Target.objects.filter(task__plan=plan)
        .only(*TARGET_FIELDS)
        .order_by("task__position", "position", "pk"),
        as_of=as_of,
    )
    labels = {s.value: str(s.label) for s in TargetStatus}
    result = []
    for t in targets:
        reading = reading_of_series(t, series=t.series, as_of=as_of)
        result.append(
            {
                "id": t.pk,
                "task_id": t.task_id,
                "task_number": t.task.number,
                "indicator_id": t.indicator_id,
                "indicator": t.indicator.name,
                "unit": t.indicator.unit,
                "comparator": t.comparator,
                "value": t.value,
                "value_max": t.value_max,
                "stretch": t.stretch,
                "baseline": t.baseline,
                "due_date": t.due_date,
                "text": t.text,
                "status": TargetStatus(reading.status).value,
                "status_label": labels[reading.status],
                "current": reading.current,
                "expected": reading.expected,
            }
        )
    return result


def periods_read(*, scope: Scope, jurisdiction: int | None = None) -> list[dict]:
    periods = ReportingPeriod.objects.filter(jurisdiction_id__in=jurisdiction_ids_in(scope, jurisdiction))
    return [
        {
            "id": p.pk,
            "jurisdiction_id": p.jurisdiction_id,
            "start": p.start,
            "end": p.end,
            "deadline": p.deadline,
            "status": p.status,
        }
        for p in periods.order_by("jurisdiction_id", "-start", "pk")
    ]


def period_reports_read(*, scope: Scope, pk: int) -> dict:
    """A period and, per department, its current report's status: who has reported (two queries)."""
    period = ReportingPeriod.objects.filter(pk=pk, jurisdiction_id__in=sorted(scope.jurisdiction_ids)).first()
    if period is None:
        raise _not_found(_("报送期%(id)s") % {"id": pk})
    reports = (
        DepartmentReport.objects.current()
        .filter(period=period)
        .select_related("department")
        .order_by("department__sort_order", "department__name", "pk")
    )
    reported = {
        DepartmentReport.Status.SUBMITTED,
        DepartmentReport.Status.SIGNED_OFF,
        DepartmentReport.Status.APPROVED,
    }
    return {
        "id": period.pk,
        "jurisdiction_id": period.jurisdiction_id,
        "start": period.start,
        "end": period.end,
        "deadline": period.deadline,
        "status": period.status,
        "reports": [
            {
                "department_id": r.department_id,
                "department": r.department_name or r.department.name,
                "status": r.status,
                "reported": r.status in reported,
                "is_late": r.is_late,
                "submitted_at": r.submitted_at,
                "version": r.version,
            }
            for r in reports
        ],
    }


def assessments_read(*, scope: Scope, jurisdiction: int | None = None) -> list[dict]:
    """Published assessments (never drafts) with their ranked results (two queries)."""
    results = AssessmentResult.objects.select_related("department").order_by("rank", "department__name")
    assessments = (
        Assessment.objects.filter(
            plan__jurisdiction_id__in=jurisdiction_ids_in(scope, jurisdiction),
            status=Assessment.Status.PUBLISHED,
        )
        .select_related("plan")
        .prefetch_related(Prefetch("results", queryset=results))
        .order_by("-end", "pk")
    )
    return [
        {
            "id": a.pk,
            "plan_id": a.plan_id,
            "plan": a.plan.title,
            "jurisdiction_id": a.plan.jurisdiction_id,
            "label": a.label,
            "start": a.start,
            "end": a.end,
            "as_of": a.as_of,
            "version": a.version,
            "published_at": a.published_at,
            "results": [
                {
                    "department_id": r.department_id,
                    "department": r.department.name,
                    "rank": r.rank,
                    "total": r.total,
                    "grade": r.grade,
                    "vetoed": r.vetoed,
                }
                for r in a.results.all()
            ],
        }
        for a in assessments
    ]
