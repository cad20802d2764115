from django.urls import path

from . import delegation_urls, editor_views, views

app_name = "programmes"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", editor_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/revisions/", editor_views.plan_revisions, name="plan_revisions"),
    path("plans/<int:pk>/edit/", editor_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/edit/details/", editor_views.plan_update, name="plan_update"),
    path("plans/<int:pk>/edit/<str:change>/", editor_views.plan_status, name="plan_status"),
    path("plans/<int:pk>/delete/", editor_views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/headings/new/", editor_views.heading_form, name="heading_create"),
    path("plans/<int:pk>/headings/<int:heading_pk>/", editor_views.heading_form, name="heading_update"),
    path("plans/<int:pk>/tasks/new/", editor_views.task_form, name="task_create"),
    path("plans/<int:pk>/tasks/<int:task_pk>/", editor_views.task_form, name="task_update"),
    path("plans/<int:pk>/tasks/<int:task_pk>/withdraw/", editor_views.task_withdraw, name="task_withdraw"),
    path("plans/<int:pk>/tasks/<int:task_pk>/reinstate/", editor_views.task_reinstate, name="task_reinstate"),
    path(
        "plans/<int:pk>/<str:kind>/<int:node_pk>/move-<str:step>/",
        editor_views.node_move,
        name="node_move",
    ),
    path("plans/<int:pk>/<str:kind>/<int:node_pk>/delete/", editor_views.node_delete, name="node_delete"),
    path("plans/<int:pk>/renumber/", editor_views.renumber, name="renumber"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    *delegation_urls.urlpatterns,
]
