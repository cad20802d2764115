"""统计数据: the office's uploads of the statistics bureau's figures (issue 16)."""

from django.urls import path

from . import statistics_views

urlpatterns = [
    path("statistics/", statistics_views.statistics_list, name="statistics_list"),
    path("statistics/upload/", statistics_views.statistics_upload, name="statistics_upload"),
    path("statistics/template.xlsx", statistics_views.statistics_template, name="statistics_template"),
    path("statistics/<int:pk>/", statistics_views.statistics_detail, name="statistics_detail"),
    path("statistics/<int:pk>/file/", statistics_views.statistics_file, name="statistics_file"),
]
