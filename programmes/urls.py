from django.urls import path

from . import import_views, views

app_name = "programmes"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("plans/<int:pk>/export.docx", views.plan_export_docx, name="plan_export_docx"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("plans/import/", import_views.plan_import, name="plan_import"),
    path("plans/import/<int:pk>/", import_views.plan_import_review, name="plan_import_review"),
    path("plans/import/<int:pk>/confirm/", import_views.plan_import_confirm_view, name="plan_import_confirm"),
    path("plans/import/<int:pk>/discard/", import_views.plan_import_discard_view, name="plan_import_discard"),
]
