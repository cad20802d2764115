"""Dashboards: the office's (leaders see the same, read-only), a department's, the drill-down
lists behind every figure, a task's history, the printable summary and its recipients."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity import charts
from qualitycity.errors import ApplicationError
from qualitycity.exporters.http import attachment_disposition, export_response
from qualitycity.params import QueryRequestConfig, query_choice, query_int
from responsibilities.models import Jurisdiction
from responsibilities.selectors import user_scope
from responsibilities.services import audit_record
from targets.status import TargetStatus

from . import summaries
from .access import (
    dashboard_jurisdiction_for_user,
    department_get_for_user,
    office_dashboard_for_user,
    recipient_get_rw_for_user,
    recipients_jurisdiction_for_user,
    task_get_for_user,
)
from .exports import RankingExport, ReportExport, TargetExport, TaskExport
from .forms import RecipientForm
from .models import SummaryRecipient
from .selectors import (
    STATUS_COLOURS,
    TASK_COLOURS,
    DashboardFilter,
    ReportState,
    dashboard_build,
    dashboard_recent_fingerprint,
    department_page,
    period_figures,
    records_ranked,
    reporting_records,
    selection_from,
    target_rows,
    task_page,
    task_rows,
)
from .selectors.rollup import delegated_task_cells
from .tables import PeriodReportTable, RankingTable, TargetTable, TaskTable

# Query-string keys that belong to the filters, kept when following a figure to its list.
FILTER_KEYS = ("plan", "section", "department", "status", "year", "period")
# Charts are drawn at the width of a dashboard card, so that scaled to a phone's 350 px their
# 12 px text stays readable (scaled from 640 px it would shrink to 6 px).
CARD_WIDTH = 420

DASHBOARD_CACHE_SECONDS = 600


def _filters(request: HttpRequest, jurisdiction: Jurisdiction):
    filterset = DashboardFilter(request.GET or None, jurisdiction=jurisdiction)
    return filterset, selection_from(filterset)


def _query(request: HttpRequest, **changes) -> str:
    """The current filters as a query string, with some keys changed or dropped (None)."""
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_KEYS:
            del params[key]
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@login_required
def dashboard(request: HttpRequest, jurisdiction_pk: int | None = None) -> HttpResponse:
    """The office dashboard; a department's people land on their department's dashboard."""
    access = office_dashboard_for_user(user=request.user, pk=jurisdiction_pk)
    if access.department_id is not None:
        return redirect("dashboards:department_dashboard", pk=access.department_id)
    jurisdiction_id, is_office = access.jurisdiction_id, access.is_office
    key = _dashboard_cache_key(request, jurisdiction_id=jurisdiction_id, is_office=is_office)
    # This process's memory first, then the shared cache, then a fresh build.
    body = caches["local"].get(key)
    if body is None:
        body = cache.get(key)
        if body is None:
            body = _dashboard_body(request, jurisdiction_id=jurisdiction_id, is_office=is_office)
            cache.set(key, body, timeout=DASHBOARD_CACHE_SECONDS)
        caches["local"].set(key, body, timeout=DASHBOARD_CACHE_SECONDS)
    return render(request, "dashboards/dashboard_office.html", {"body": mark_safe(body)})  # noqa: S308  # nosec B308 B703 - our own rendered template


def _dashboard_cache_key(request: HttpRequest, *, jurisdiction_id: int, is_office: bool) -> str:
    """The body is the same for everyone who asks the same question of the same data on the
    same day: keyed by the jurisdiction, the filters as asked, the language, the role, today and
    the data's fingerprint (any write changes it, so a write shows within the second the
    fingerprint is trusted), all known before a filter is built. The TTL bounds edits the
    fingerprint cannot see, such as a target changed in the admin."""
    question = (
        jurisdiction_id,
        sorted(request.GET.lists()),
        get_language(),
        is_office,
        timezone.localdate().isoformat(),
        dashboard_recent_fingerprint(),
    )
    return "dashboard:" + hashlib.sha256(repr(question).encode()).hexdigest()


def _dashboard_body(request: HttpRequest, *, jurisdiction_id: int, is_office: bool) -> str:
    filterset, selection = _filters(request, Jurisdiction.objects.get(pk=jurisdiction_id))
    board = dashboard_build(selection=selection, trend_target_id=query_int(request.GET, "target"))
    context = {
        "filterset": filterset,
        "board": board,
        "selection": selection,
        "is_office": is_office,
        "charts": _charts(request, board),
        "query": _query(request),
        "task_statuses": _task_statuses(request, board),
        "target_statuses": _target_statuses(request, board),
        "report_states": _report_states(request, board),
    }
    return render_to_string("dashboards/_dashboard_body.html", context, request=request)


def _task_statuses(request, board):
    from programmes.models import Task

    return [
        (s.value, s.label, board.task_counts[s.value], _query(request, status=s.value)) for s in Task.Status
    ]


def _target_statuses(request, board):
    return [
        (s.value, s.label, board.target_counts[s.value], _query(request, target_status=s.value))
        for s in TargetStatus
    ]


def _report_states(request, board):
    return [
        (state, ReportState.LABELS[state], board.period.counts.get(state, 0), _query(request, state=state))
        for state in (ReportState.ON_TIME, ReportState.LATE, ReportState.MISSING, ReportState.PENDING)
    ]


def _charts(request, board) -> dict:
    """The five charts, each linking its parts to the list behind them."""
    from django.urls import reverse

    from programmes.models import Task

    tasks_url = reverse("dashboards:dashboard_tasks")
    targets_url = reverse("dashboards:dashboard_targets")
    sections = charts.stacked_bar_chart(
        [(label, counts) for label, counts, _key in board.tasks_by_section],
        series=[(s.value, str(s.label), TASK_COLOURS[s.value]) for s in Task.Status],
        title=_("各部分任务进展"),
        width=CARD_WIDTH,
        links={
            label: f"{tasks_url}?{_query(request, **dict([key.split('=')]))}"
            for label, _c, key in board.tasks_by_section
            if key
        },
        # A segment opens its plan's (or section's) tasks of that status, not all of them.
        segment_links={
            (label, status): f"{tasks_url}?{_query(request, **dict([key.split('=')]), status=status)}"
            for label, counts, key in board.tasks_by_section
            if key
            for status in counts
        },
    )
    lights = charts.traffic_lights(
        board.target_counts,
        labels={s.value: str(s.label) for s in TargetStatus},
        colours={s.value: c for s, c in STATUS_COLOURS.items()},
        title=_("指标完成情况"),
        width=CARD_WIDTH,
        links={s.value: f"{targets_url}?{_query(request, target_status=s.value)}" for s in TargetStatus},
    )
    by_period = {p.pk: _("%(month)s月") % {"month": p.start.month} for p in board.periods}
    heat = charts.heatmap(
        [r.department.name for r in board.records],
        list(by_period.values()),
        {
            (r.department.name, by_period[pid]): state
            for r in board.records
            for pid, state in r.states.items()
        },
        legend={k: (str(v), ReportState.COLOURS[k]) for k, v in ReportState.LABELS.items()},
        title=_("各部门按月报送情况"),
        links={
            r.department.name: reverse("dashboards:department_dashboard", args=[r.department.pk])
            for r in board.records
        },
    )
    ranking = board.ranking[:15]
    rank = charts.bar_chart(
        [(r.department.name, r.rate) for r in ranking],
        unit="%",
        max_value=100,
        title=_("部门按时报送率排名"),
        width=CARD_WIDTH,
        links={
            r.department.name: reverse("dashboards:department_dashboard", args=[r.department.pk])
            for r in ranking
        },
    )
    trend = None
    if board.trend_target:
        target = board.trend_target
        trend = charts.line_chart(
            board.trend_points,
            target=float(target.value) if target.value is not None else None,
            stretch=float(target.stretch) if target.stretch is not None else None,
            unit=target.indicator.unit,
            title=_("%(name)s走势") % {"name": target.indicator.name},
            width=CARD_WIDTH,
        )
    return {"sections": sections, "lights": lights, "heatmap": heat, "ranking": rank, "trend": trend}


def _audit_export(request: HttpRequest, jurisdiction: Jurisdiction, summary: str) -> None:
    """A copy of the jurisdiction's reporting data leaving the portal is recorded: who, which
    list, with which filters."""
    audit_record(
        actor=request.user,
        action="export.dashboard",
        jurisdiction=jurisdiction,
        summary=f"{summary} {_query(request)}",
    )


class DrillDown:
    """One list behind the dashboard's figures: the filters' selection as a sortable table, as
    a page or, with ?_export=xlsx, as an Excel file of every row. A list names its table, its
    rows and its title; the filters, paging and export are the same for every list."""

    table_class: type
    export_class: type  # the file's layout (dashboards.exports)
    name = ""  # the page's title unless title() says more
    slug = ""  # the file's ASCII name for clients that cannot read a Chinese one

    def __init__(self, request: HttpRequest, jurisdiction: Jurisdiction):
        self.request = request
        self.filterset, self.selection = _filters(request, jurisdiction)

    def rows(self) -> list:
        raise NotImplementedError

    def title(self) -> str:
        return str(self.name)

    def query(self) -> str:
        """The filters for the page's links, with the list's own key if it has one."""
        return _query(self.request)

    def export(self) -> HttpResponse:
        """Every row, in the page's order, as a print-ready .xlsx named after the list."""
        rows = self.rows()
        table = self.table_class(rows)
        QueryRequestConfig(self.request, paginate=False).configure(table)
        ordered = [row.record for row in table.rows]  # the order the user sorted the page in
        exporter = self.export_class(title=self.title(), selection=self.selection, rows=ordered)
        export = exporter.render("xlsx")
        _audit_export(self.request, self.selection.jurisdiction, _("导出%(list)s") % {"list": self.title()})
        period = self.selection.period
        stamp = f"{period.start:%Y-%m}" if period else str(self.selection.year)
        return export_response(export, fallback=f"dashboard-{self.slug}-{stamp}.xlsx")

    def response(self) -> HttpResponse:
        request = self.request
        if request.GET.get("_export") == "xlsx":
            return self.export()
        table = self.table_class(self.rows())
        QueryRequestConfig(request, paginate={"per_page": 50}).configure(table)
        params = request.GET.copy()
        params.pop("page", None)
        params["_export"] = "xlsx"
        context = {
            "filterset": self.filterset,
            "selection": self.selection,
            "title": self.title(),
            "query": self.query(),
            "table": table,
            "export_query": params.urlencode(),
        }
        return render(request, "dashboards/dashboard_list.html", context)


class TaskList(DrillDown):
    table_class = TaskTable
    export_class = TaskExport
    slug = "tasks"
    name = gettext_lazy("任务清单")

    def rows(self) -> list:
        return task_rows(selection=self.selection)


class TargetList(DrillDown):
    """Optionally of one status (?target_status=)."""

    table_class = TargetTable
    export_class = TargetExport
    slug = "targets"
    name = gettext_lazy("指标清单")

    @property
    def status(self) -> str | None:
        return query_choice(self.request.GET, "target_status", TargetStatus.values)

    def rows(self) -> list:
        return target_rows(selection=self.selection, status=self.status)

    def title(self) -> str:
        if not self.status:
            return str(self.name)
        return _("%(list)s：%(status)s") % {"list": self.name, "status": TargetStatus(self.status).label}

    def query(self) -> str:
        return _query(self.request, target_status=self.status)


class ReportList(DrillDown):
    """The selected period's reports, optionally of one state (?state=)."""

    table_class = PeriodReportTable
    export_class = ReportExport
    slug = "reports"
    name = gettext_lazy("报送情况")

    def rows(self) -> list:
        state = self.state
        return [r for r in period_figures(self.selection).rows if not state or r.state == state]

    @property
    def state(self) -> str | None:
        return query_choice(self.request.GET, "state", ReportState.LABELS)

    def title(self) -> str:
        period = self.selection.period
        title = (
            _("%(period)s%(list)s") % {"period": period.display_label, "list": self.name}
            if period
            else str(self.name)
        )
        if self.state:
            title = _("%(list)s：%(state)s") % {"list": title, "state": ReportState.LABELS[self.state]}
        return title

    def query(self) -> str:
        return _query(self.request, state=self.state)


class DepartmentRanking(DrillDown):
    table_class = RankingTable
    export_class = RankingExport
    slug = "ranking"
    name = gettext_lazy("部门按时报送排名")

    def rows(self) -> list:
        _periods, records = reporting_records(self.selection)
        return records_ranked(records)

    def title(self) -> str:
        return _("%(year)s年部门按时报送排名") % {"year": self.selection.year}


@login_required
def dashboard_tasks(request: HttpRequest) -> HttpResponse:
    """The tasks behind a figure: the dashboard's filters, as a sortable, exportable table."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    return TaskList(request, jurisdiction).response()


@login_required
def dashboard_targets(request: HttpRequest) -> HttpResponse:
    """The targets behind a figure, optionally of one status."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    return TargetList(request, jurisdiction).response()


@login_required
def dashboard_reports(request: HttpRequest) -> HttpResponse:
    """The selected period's reports, optionally of one state (on time, late, missing)."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    return ReportList(request, jurisdiction).response()


@login_required
def dashboard_departments(request: HttpRequest) -> HttpResponse:
    """Every department's on-time record for the year, ranked."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    return DepartmentRanking(request, jurisdiction).response()


@login_required
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's dashboard: its tasks, the current report and its deadline, what the office
    returned, and its whole reporting history."""
    department = department_get_for_user(user=request.user, pk=pk)
    page = department_page(department=department)
    columns = {p.pk: _("%(month)s月") % {"month": p.start.month} for p in page.periods}
    heat = charts.heatmap(
        [department.name],
        list(columns.values()),
        {(department.name, columns[pid]): state for pid, state in page.record.states.items()},
        legend={k: (str(v), ReportState.COLOURS[k]) for k, v in ReportState.LABELS.items()},
        title=_("本年按月报送情况"),
    )
    return render(request, "dashboards/dashboard_department.html", {"page": page, "heatmap": heat})


@login_required
def task_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's full history of entries and its targets' values."""
    task = task_get_for_user(user=request.user, pk=pk)
    page = task_page(task=task)
    trends = [
        (
            target,
            reading,
            charts.line_chart(
                points,
                target=float(target.value) if target.value is not None else None,
                stretch=float(target.stretch) if target.stretch is not None else None,
                unit=target.indicator.unit,
                title=_("%(name)s走势") % {"name": target.indicator.name},
            ),
            measurements,
        )
        for target, reading, points, measurements in page.targets
    ]
    # A delegated task's children, as far as the reader oversees them: never a sibling's.
    scope = user_scope(request.user)
    delegated = delegated_task_cells(
        task=task, jurisdiction_ids=None if scope.is_superuser else scope.overseen_jurisdiction_ids
    )
    return render(
        request, "dashboards/task_history.html", {"page": page, "trends": trends, "delegated": delegated}
    )


# The printable summary and its e-mail ----------------------------------------------------------


@login_required
def dashboard_summary(request: HttpRequest) -> HttpResponse:
    """The one-page summary for the leading group's meeting (print to A4)."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    _filterset, selection = _filters(request, jurisdiction)
    return HttpResponse(summaries.summary_html(selection=selection, request=request))


@login_required
def dashboard_summary_pdf(request: HttpRequest) -> HttpResponse:
    """The same summary as a PDF, as the monthly e-mail sends it."""
    jurisdiction = dashboard_jurisdiction_for_user(user=request.user)
    _filterset, selection = _filters(request, jurisdiction)
    pdf = summaries.summary_pdf(selection=selection)
    _audit_export(request, jurisdiction, _("导出工作简报（PDF）"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = summaries.summary_filename(selection=selection)
    response["Content-Disposition"] = attachment_disposition(name, fallback="dashboard-summary.pdf")
    return response


@login_required
def summary_recipients(request: HttpRequest) -> HttpResponse:
    """Who receives the monthly summary: the office's to set (leaders receive, they don't edit)."""
    jurisdiction = recipients_jurisdiction_for_user(user=request.user)
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summaries.recipient_add(jurisdiction=jurisdiction, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field or "email", exc.message)
        else:
            messages.success(request, _("已添加接收人"))
            return redirect("dashboards:summary_recipients")
    recipients = SummaryRecipient.objects.filter(jurisdiction=jurisdiction)
    return render(
        request,
        "dashboards/summary_recipients.html",
        {"recipients": recipients, "form": form, "is_office": True, "jurisdiction": jurisdiction},
    )


@login_required
@require_POST
def summary_recipient_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The office removes a recipient of its jurisdiction's summary."""
    recipient = recipient_get_rw_for_user(user=request.user, pk=pk)
    summaries.recipient_remove(recipient=recipient, actor=request.user)
    messages.success(request, _("已移除接收人"))
    return redirect("dashboards:summary_recipients")
