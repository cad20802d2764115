from django.urls import path

from . import views

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
]
