from django.urls import include, path

from . import briefing_views, compilation_views, home_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/save/", views.report_save, name="report_save"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/sign-off/", views.report_sign_off, name="report_sign_off"),
    path("reports/<int:pk>/send-back/", views.report_send_back, name="report_send_back"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("reports/<int:pk>/history/", views.report_history, name="report_history"),
    path("reports/entries/<int:entry_pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("reports/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("reports/evidence/<int:pk>/delete/", views.evidence_remove, name="evidence_remove"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/remind/", views.period_remind, name="period_remind"),
    path("periods/<int:pk>/open/", views.period_open_now, name="period_open"),
    path("periods/<int:pk>/extend/", views.period_extend, name="period_extend"),
    path("updates/", views.work_updates, name="work_updates"),
    path("notifications/", views.notifications, name="notifications"),
    # The to-do home and chasing late departments (issue 16).
    path("home/", home_views.home, name="home"),
    path(
        "periods/<int:pk>/remind/<int:department_pk>/",
        views.period_remind_department,
        name="period_remind_department",
    ),
    path(
        "periods/<int:pk>/supervision/<int:department_pk>.docx",
        views.period_supervision_docx,
        name="period_supervision_docx",
    ),
    # The month's 汇总表 (issue 16): asked for from the period page, built in the worker.
    path(
        "periods/<int:pk>/compilations/<int:plan_pk>/",
        compilation_views.compilation_start,
        name="compilation_start",
    ),
    path("compilations/<int:pk>/", compilation_views.compilation_detail, name="compilation_detail"),
    path("compilations/<int:pk>/status/", compilation_views.compilation_status, name="compilation_status"),
    path(
        "compilations/<int:pk>/<str:extension>/",
        compilation_views.compilation_download,
        name="compilation_download",
    ),
    # 工作简报: the year's issues, the office's editor, issuing, each issue's Word file
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("briefings/new/", briefing_views.briefing_create, name="briefing_create"),
    path("briefings/<int:pk>/", briefing_views.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/save/", briefing_views.briefing_update, name="briefing_update"),
    path("briefings/<int:pk>/issue/", briefing_views.briefing_issue, name="briefing_issue"),
    path("briefings/<int:pk>/delete/", briefing_views.briefing_delete, name="briefing_delete"),
    path("briefings/<int:pk>/download/", briefing_views.briefing_download, name="briefing_download"),
    # Where notifications reach people (政务钉钉, 企业微信, SMS) and the delivery log.
    path("", include("reports.channel_urls")),
    # Official statistics uploaded by the office.
    path("", include("reports.statistics_urls")),
]
