from django.urls import include, path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<int:jurisdiction_pk>/", views.dashboard, name="dashboard_for"),
    path("dashboard/tasks/", views.dashboard_tasks, name="dashboard_tasks"),
    path("dashboard/targets/", views.dashboard_targets, name="dashboard_targets"),
    path("dashboard/reports/", views.dashboard_reports, name="dashboard_reports"),
    path("dashboard/departments/", views.dashboard_departments, name="dashboard_departments"),
    path("dashboard/departments/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("dashboard/task/<int:pk>/", views.task_history, name="task_history"),
    path("dashboard/summary/", views.dashboard_summary, name="dashboard_summary"),
    path("dashboard/summary.pdf", views.dashboard_summary_pdf, name="dashboard_summary_pdf"),
    path("dashboard/recipients/", views.summary_recipients, name="summary_recipients"),
    path(
        "dashboard/recipients/<int:pk>/remove/",
        views.summary_recipient_remove,
        name="summary_recipient_remove",
    ),
    path("", include("dashboards.rollup_urls")),
]
