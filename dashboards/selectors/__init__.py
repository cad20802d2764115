"""Reads for the dashboards: where a programme stands and who is behind.

Every figure is aggregated in SQL and the page takes the same number of queries whatever the
number of tasks, targets, months or departments (the office dashboard's query-count test holds
it to that). Every figure is read fresh when a dashboard is built; the view keeps the built
page under the data's fingerprint (dashboard_data_fingerprint), so a write renews it.

Only the tasks in force of the active plans count (selection.tasks_shown): a draft plan is not
yet in force, an archived plan or a withdrawn task has left the programme, and each stays
readable on its own page.

One module per concern: the filters and what they select, the reporting record and ranking,
the dashboard's figures and lists, the department and task pages, the data's fingerprint.
Who may see what is in dashboards.access.
"""

from .figures import (
    STATUS_COLOURS,
    TASK_COLOURS,
    Dashboard,
    TargetRow,
    dashboard_build,
    month_label,
    target_rows,
    target_trend,
    task_rows,
    tasks_by_section,
    trend_points,
)
from .fingerprint import _RECENT_FINGERPRINT, dashboard_data_fingerprint, dashboard_recent_fingerprint
from .pages import DepartmentPage, TaskPage, department_page, task_page
from .reporting import (
    DepartmentRecord,
    PeriodFigures,
    PeriodRow,
    ReportState,
    period_figures,
    records_ranked,
    report_state,
    reporting_records,
)
from .selection import (
    DashboardFilter,
    Selection,
    TaskRow,
    current_statuses,
    plans_shown,
    selected_tasks,
    selection_from,
    selection_of_month,
    tasks_shown,
)

__all__ = [
    "STATUS_COLOURS",
    "TASK_COLOURS",
    "_RECENT_FINGERPRINT",  # cleared between tests by the root conftest
    "Dashboard",
    "DashboardFilter",
    "DepartmentPage",
    "DepartmentRecord",
    "PeriodFigures",
    "PeriodRow",
    "ReportState",
    "Selection",
    "TargetRow",
    "TaskPage",
    "TaskRow",
    "current_statuses",
    "dashboard_build",
    "dashboard_data_fingerprint",
    "dashboard_recent_fingerprint",
    "department_page",
    "month_label",
    "period_figures",
    "plans_shown",
    "records_ranked",
    "report_state",
    "reporting_records",
    "selected_tasks",
    "selection_from",
    "selection_of_month",
    "target_rows",
    "target_trend",
    "task_page",
    "task_rows",
    "tasks_shown",
    "tasks_by_section",
    "trend_points",
]
