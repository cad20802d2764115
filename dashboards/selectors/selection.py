"""The dashboard's filters and what they select: the jurisdiction's tasks, each with its current
status, and the reporting months the figures cover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import django_filters
from django.db.models import CharField, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes.models import Assignment, Heading, Plan, Task
from qualitycity.params import query_int
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department, Jurisdiction


def plans_shown(jurisdiction: Jurisdiction) -> QuerySet:
    """The plans the dashboards count: the jurisdiction's active ones. A draft is not yet in
    force and an archived plan is done with; both stay readable on their own plan page."""
    return Plan.objects.active().filter(jurisdiction=jurisdiction)


def tasks_shown() -> QuerySet:
    """The tasks the dashboards count: those in force (not withdrawn) of an active plan; a
    withdrawn task keeps its history on its own page."""
    # A join on the plan rather than a subquery: the callers join it already (jurisdiction).
    return Task.objects.in_force().filter(plan__status=Plan.Status.ACTIVE)


def departments_with_tasks(jurisdiction: Jurisdiction) -> QuerySet:
    """The units that lead or join a task in force of an active plan, directly or through a
    collective name: the departments a dashboard can be narrowed to (a town with no task would
    only ever show an empty dashboard; every unit stays on the 责任部门 page)."""
    in_force = Assignment.objects.filter(task__in=tasks_shown().filter(plan__jurisdiction=jurisdiction))
    return (
        Department.objects.filter(jurisdiction=jurisdiction)
        .units()
        .filter(
            Q(pk__in=in_force.values("department_id")) | Q(collectives__in=in_force.values("department_id"))
        )
        .distinct()
        .order_by("sort_order", "name")
    )


def current_statuses(tasks: QuerySet, *, as_of: dt.date) -> dict[int, str]:
    """Each task's current status: the one its lead department gave in its latest submitted
    report of the twelve months up to the date (latest period, then latest version), found in
    one aggregate query; a task with no such entry keeps the status the plan gave it."""
    # The latest entry has the greatest "period start + version" key; its status rides along.
    key = Concat(
        Cast("report__period__start", CharField()),
        LPad(Cast("report__version", CharField()), 5, Value("0")),
        Value("|"),
        "status",
        output_field=CharField(),
    )
    # A task is reported in its plan's jurisdiction's periods: naming the (few, distinct)
    # jurisdictions lets the planner start from their dozen periods of the window, then their
    # reports and entries, rather than read every jurisdiction's reports or every month of history.
    jurisdiction_ids = tasks.order_by().values("plan__jurisdiction_id").distinct()
    latest = dict(
        TaskEntry.objects.filter(
            task__in=tasks.values("pk"),
            role=TaskEntry.Role.LEAD,
            report__period__jurisdiction_id__in=jurisdiction_ids,
            report__period__start__gt=as_of - dt.timedelta(days=366),
            report__period__start__lte=as_of,
        )
        .exclude(report__status=DepartmentReport.Status.DRAFT)
        .order_by()
        .values("task_id")
        .annotate(key=Max(key))
        .values_list("task_id", "key")
    )
    own = tasks.order_by().values_list("pk", "status")
    return {pk: latest[pk].rsplit("|", 1)[1] if pk in latest else status for pk, status in own}


@dataclass(frozen=True)
class TaskRow:
    pk: int
    plan_id: int
    plan_title: str
    heading_id: int | None
    status: str


def selected_tasks(selection: Selection) -> list[TaskRow]:
    """The tasks the filters select, each with its current status, in the status asked for."""
    statuses = current_statuses(selection.tasks, as_of=selection.as_of)
    rows = selection.tasks.order_by("plan_id", "position").values_list(
        "pk", "plan_id", "plan__title", "heading_id"
    )
    result = [
        TaskRow(pk, plan_id, title, heading_id, statuses[pk]) for pk, plan_id, title, heading_id in rows
    ]
    return [r for r in result if not selection.status or r.status == selection.status]


class DashboardFilter(django_filters.FilterSet):
    """The dashboard's filters over a jurisdiction's tasks; year and period pick the months the
    reporting figures cover."""

    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), label=_("工作方案"))
    section = django_filters.ModelChoiceFilter(
        queryset=Heading.objects.none(), label=_("部分"), method="filter_section"
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("责任部门"), method="filter_department"
    )
    # A task's current status comes from its entries (current_statuses), not from a column.
    status = django_filters.ChoiceFilter(
        choices=Task.Status.choices, label=_("任务状态"), method="filter_nothing"
    )
    year = django_filters.TypedChoiceFilter(choices=[], coerce=int, label=_("年度"), method="filter_nothing")
    period = django_filters.ModelChoiceFilter(
        queryset=ReportingPeriod.objects.none(), label=_("报送期"), method="filter_nothing"
    )

    class Meta:
        model = Task
        fields = ["plan", "section", "department", "status", "year", "period"]

    def __init__(self, data=None, *, jurisdiction: Jurisdiction, **kwargs):
        queryset = tasks_shown().filter(plan__jurisdiction=jurisdiction)
        super().__init__(data, queryset=queryset, **kwargs)
        self.jurisdiction = jurisdiction
        self.filters["plan"].queryset = plans_shown(jurisdiction).order_by("-year_end", "title")
        sections = Heading.objects.filter(plan__in=plans_shown(jurisdiction), parent__isnull=True)
        plan_id = query_int(data or {}, "plan")
        if plan_id is not None:
            sections = sections.filter(plan_id=plan_id)
        self.filters["section"].queryset = sections.order_by("plan_id", "position")
        self.filters["department"].queryset = departments_with_tasks(jurisdiction)
        # Each period's option reads its jurisdiction's name: joined, not one query per option.
        periods = ReportingPeriod.objects.filter(jurisdiction=jurisdiction).select_related("jurisdiction")
        periods = periods.order_by("-start")
        self.filters["period"].queryset = periods
        today = timezone.localdate()
        years = range(today.year, today.year - 6, -1)
        self.filters["year"].extra["choices"] = [(y, gettext("%(year)s年") % {"year": y}) for y in years]

    def filter_section(self, queryset, name, value):
        """A section holds the tasks under its heading at any depth (three levels in print)."""
        return queryset.filter(Q(heading=value) | Q(heading__parent=value) | Q(heading__parent__parent=value))

    def filter_department(self, queryset, name, value):
        """A department's tasks: those it leads or joins, directly or through a collective name."""
        named = Assignment.objects.filter(Q(department=value) | Q(department__members=value))
        return queryset.filter(pk__in=named.values("task_id"))

    def filter_nothing(self, queryset, name, value):
        return queryset


# The dashboard ---------------------------------------------------------------------------------


@dataclass
class Selection:
    """What the filters resolved to."""

    jurisdiction: Jurisdiction
    tasks: QuerySet  # the filtered tasks, with current_status
    plan: Plan | None
    section: Heading | None
    department: Department | None
    status: str | None
    year: int
    period: ReportingPeriod | None
    as_of: dt.date
    today: dt.date

    @property
    def status_label(self) -> str:
        return str(Task.Status(self.status).label) if self.status else ""


def selection_from(filterset: DashboardFilter, *, today: dt.date | None = None) -> Selection:
    """The filters resolved, with defaults: this year, and its latest period that has started."""
    today = today or timezone.localdate()
    filterset.form.is_valid()
    data = getattr(filterset.form, "cleaned_data", {})
    year = data.get("year") or today.year
    period = data.get("period")
    if period is None:
        period = (
            ReportingPeriod.objects.filter(
                jurisdiction=filterset.jurisdiction, start__year=year, start__lte=today
            )
            .order_by("-start")
            .first()
        )
    as_of = today if year >= today.year else dt.date(year, 12, 31)
    return Selection(
        jurisdiction=filterset.jurisdiction,
        tasks=filterset.qs,
        plan=data.get("plan"),
        section=data.get("section"),
        department=data.get("department"),
        status=data.get("status") or None,
        year=year,
        period=period,
        as_of=as_of,
        today=today,
    )


def selection_of_month(*, jurisdiction: Jurisdiction, month: dt.date, today: dt.date) -> Selection:
    """The whole jurisdiction, unfiltered, with the reporting period that starts in the month."""
    return Selection(
        jurisdiction=jurisdiction,
        tasks=tasks_shown().filter(plan__jurisdiction=jurisdiction),
        plan=None,
        section=None,
        department=None,
        status=None,
        year=month.year,
        period=ReportingPeriod.objects.filter(jurisdiction=jurisdiction, start=month).first(),
        as_of=min(today, dt.date(month.year, 12, 31)),
        today=today,
    )
