from django.urls import path

from . import rollup_views

# Included by dashboards.urls, so these names live in the "dashboards" namespace.
urlpatterns = [
    path("dashboard/<int:jurisdiction_pk>/rollup/", rollup_views.rollup, name="rollup"),
]
