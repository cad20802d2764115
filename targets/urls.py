from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("tasks/<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
]
