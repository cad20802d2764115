"""The delegation page's route, included in programmes.urls (namespace programmes)."""

from django.urls import path

from . import delegation_views

urlpatterns = [
    path("tasks/<int:pk>/delegate/", delegation_views.task_delegate, name="task_delegate"),
]
