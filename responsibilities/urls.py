from django.urls import path

from . import department_views, views

app_name = "responsibilities"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reset-password/", views.person_reset_password, name="person_reset_password"),
    path("people/<int:pk>/move/", views.person_move, name="person_move"),
    path("people/contacts.xlsx", views.contacts_export, name="contacts_export"),
    path("audit/", views.audit_log, name="audit_log"),
    path("departments/new/", department_views.department_create, name="department_create"),
    path("departments/<int:pk>/rename/", department_views.department_rename, name="department_rename"),
    path("departments/<int:pk>/merge/", department_views.department_merge, name="department_merge"),
    path(
        "departments/<int:pk>/deactivate/",
        department_views.department_deactivate,
        name="department_deactivate",
    ),
    path(
        "departments/<int:pk>/reactivate/",
        department_views.department_reactivate,
        name="department_reactivate",
    ),
]
