from django.urls import path

from . import views

app_name = "responsibilities"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reset-password/", views.person_reset_password, name="person_reset_password"),
    path("people/<int:pk>/move/", views.person_move, name="person_move"),
    path("people/contacts.xlsx", views.contacts_export, name="contacts_export"),
    path("audit/", views.audit_log, name="audit_log"),
]
