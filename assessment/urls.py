from django.urls import path

from . import appeal_views, views

app_name = "assessment"

urlpatterns = [
    path("assessments/", views.assessment_home, name="assessment_home"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/publish/", views.assessment_publish, name="assessment_publish"),
    path(
        "assessments/<int:pk>/download/<str:extension>/",
        views.assessment_download,
        name="assessment_download",
    ),
    path("assessments/scores/<int:pk>/final/", views.assessment_final, name="assessment_final"),
    path("assessments/runs/<int:pk>/", views.assessment_run, name="assessment_run"),
    path(
        "assessments/runs/<int:pk>/status/",
        views.assessment_run_status,
        name="assessment_run_status",
    ),
    path(
        "assessments/items/<int:pk>/delete/",
        views.assessment_item_remove,
        name="assessment_item_remove",
    ),
    path("assessments/results/<int:pk>/appeal/", appeal_views.appeal_create, name="appeal_create"),
    path("assessments/appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("assessments/appeals/<int:pk>/accept/", appeal_views.appeal_accept, name="appeal_accept"),
    path("assessments/appeals/<int:pk>/reject/", appeal_views.appeal_reject, name="appeal_reject"),
    path(
        "assessments/appeals/files/<int:pk>/",
        appeal_views.appeal_file_download,
        name="appeal_file_download",
    ),
    path("plans/<int:pk>/assessment/", views.assessment_scheme, name="assessment_scheme"),
    path("plans/<int:pk>/assessment/items/", views.assessment_item_add, name="assessment_item_add"),
    path("plans/<int:pk>/assessment/run/", views.assessment_run_start, name="assessment_run_start"),
    path("plans/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
]
