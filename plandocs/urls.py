from django.urls import path

from . import views

app_name = "plandocs"

urlpatterns = [
    path("plans/<int:pk>/export.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("plans/<int:pk>/export.docx", views.plan_export_docx, name="plan_export_docx"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/<int:pk>/", views.plan_import_review, name="plan_import_review"),
    path("plans/import/<int:pk>/confirm/", views.plan_import_confirm_view, name="plan_import_confirm"),
    path("plans/import/<int:pk>/discard/", views.plan_import_discard_view, name="plan_import_discard"),
]
