"""Reads for the to-do home: what each of the user's roles has waiting, in a fixed number of
queries whatever the number of departments and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from qualitycity.todo import TodoSection, todo_sections
from responsibilities.models import Department, Membership, Role
from responsibilities.scope import roles_for_user, user_scope

from .calendar import is_working_day
from .models import DepartmentReport, ReportingPeriod, TaskEntry
from .selectors import PeriodRow, period_overview

AMBER_WORKING_DAYS = 3


def working_days_left(*, deadline: dt.date, today: dt.date) -> int:
    """Working days after today up to and including the deadline (0 on the deadline day);
    negative: calendar days past it."""
    if today > deadline:
        return -(today - deadline).days
    days, day = 0, today
    while day < deadline:
        day += dt.timedelta(days=1)
        days += is_working_day(day)
    return days


def deadline_tone(*, deadline: dt.date, today: dt.date, done: bool = False) -> str:
    """'overdue' past the deadline, 'soon' within three working days of it, '' otherwise or
    once the report is in."""
    if done:
        return ""
    if today > deadline:
        return "overdue"
    if working_days_left(deadline=deadline, today=today) <= AMBER_WORKING_DAYS:
        return "soon"
    return ""


@dataclass
class LiaisonItem:
    department: Department
    period: ReportingPeriod
    report: DepartmentReport | None
    days_left: int
    tone: str
    returned: list[TaskEntry] = field(default_factory=list)

    @property
    def is_editable(self) -> bool:
        """A current report (never superseded: see the query) in draft is the liaison's to fill."""
        return self.report is not None and self.report.status == DepartmentReport.Status.DRAFT

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


@dataclass
class OfficeItem:
    period: ReportingPeriod
    late: list[PeriodRow]
    missing: list[PeriodRow]
    tone: str


@dataclass
class Home:
    liaison: list[LiaisonItem] = field(default_factory=list)
    to_sign: list[DepartmentReport] = field(default_factory=list)
    to_review: list[DepartmentReport] = field(default_factory=list)
    office: list[OfficeItem] = field(default_factory=list)
    # What other apps have waiting (imports to confirm, appeals to decide): qualitycity.todo.
    sections: list[TodoSection] = field(default_factory=list)
    leader_jurisdiction_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.liaison
            or self.to_sign
            or self.to_review
            or self.office
            or self.sections
            or self.leader_jurisdiction_ids
        )


def home_for_user(*, user, today: dt.date) -> Home:
    """Each of the user's roles adds its part: the liaison this period's report, the head the
    reports to sign, the office the reports to review, the late and missing departments of the
    open periods, and what the other apps registered (imports to confirm, appeals to decide),
    the leader a way to the summary."""
    scope = user_scope(user)
    roles = roles_for_user(user)
    home = Home(leader_jurisdiction_ids=scope.leader_jurisdiction_ids)
    liaison_departments = {r.department_id for r in roles if r.role == Role.LIAISON and r.department_id}
    head_departments = {r.department_id for r in roles if r.role == Role.DEPARTMENT_HEAD and r.department_id}
    if liaison_departments:
        home.liaison = _liaison_items(liaison_departments, today)
    if head_departments:
        home.to_sign = list(
            DepartmentReport.objects.current()
            .filter(department_id__in=head_departments, status=DepartmentReport.Status.SUBMITTED)
            .select_related("period", "department")
            .order_by("period__deadline", "department__sort_order")
        )
    if scope.office_jurisdiction_ids:
        home.to_review = list(
            DepartmentReport.objects.current()
            .filter(
                period__jurisdiction_id__in=scope.office_jurisdiction_ids,
                status=DepartmentReport.Status.SIGNED_OFF,
            )
            .select_related("period", "department")
            .order_by("signed_off_at", "pk")
        )
        home.office = _office_items(scope.office_jurisdiction_ids, today)
    home.sections = todo_sections(user=user, scope=scope, today=today)
    return home


def _liaison_items(department_ids: set[int], today: dt.date) -> list[LiaisonItem]:
    # Query 1: the departments; 2: their jurisdictions' open periods; 3: the reports with
    # 4: their returned entries.
    departments = list(Department.objects.filter(pk__in=department_ids).order_by("sort_order", "name"))
    periods = list(
        ReportingPeriod.objects.open()
        .filter(jurisdiction_id__in={d.jurisdiction_id for d in departments})
        .order_by("deadline")
    )
    if not periods:
        return []
    reports = {
        (r.period_id, r.department_id): r
        for r in DepartmentReport.objects.current()
        .filter(period__in=periods, department_id__in=department_ids)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=TaskEntry.objects.filter(returned=True).select_related("task"),
                to_attr="returned_entries",
            )
        )
    }
    items = []
    for department in departments:
        for period in periods:
            if period.jurisdiction_id != department.jurisdiction_id:
                continue
            report = reports.get((period.pk, department.pk))
            done = report is not None and report.status != DepartmentReport.Status.DRAFT
            items.append(
                LiaisonItem(
                    department=department,
                    period=period,
                    report=report,
                    days_left=working_days_left(deadline=period.deadline, today=today),
                    tone=deadline_tone(deadline=period.deadline, today=today, done=done),
                    returned=report.returned_entries if report else [],
                )
            )
    return items


def _office_items(jurisdiction_ids, today: dt.date) -> list[OfficeItem]:
    items = []
    # One open period per jurisdiction in practice: period_overview is two queries each.
    for period in (
        ReportingPeriod.objects.open()
        .filter(jurisdiction_id__in=jurisdiction_ids)
        .select_related("jurisdiction")
    ):
        rows = period_overview(period=period)
        items.append(
            OfficeItem(
                period=period,
                late=[r for r in rows if r.state == "late"],
                missing=[r for r in rows if r.state == "missing"],
                tone=deadline_tone(deadline=period.deadline, today=today),
            )
        )
    return items


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    phone: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def department_contacts(*, department_ids) -> dict[int, list[Contact]]:
    """Each department's active liaisons and heads with their phone numbers, in one query:
    whom the office calls when a report is late."""
    contacts: dict[int, list[Contact]] = {}
    rows = (
        Membership.objects.filter(
            department_id__in=department_ids,
            role__in=[Role.LIAISON, Role.DEPARTMENT_HEAD],
            is_active=True,
            user__is_active=True,
        )
        .order_by("department_id", "role", "user__last_name", "user__first_name", "user__username")
        .values_list(
            "department_id", "role", "user__last_name", "user__first_name", "user__username", "phone"
        )
    )
    for department_id, role, last, first, username, phone in rows:
        name = f"{last}{first}".strip() or username
        contacts.setdefault(department_id, []).append(Contact(role, name, phone))
    return contacts
