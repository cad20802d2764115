"""Who may see the statistics uploads, and the reads behind their pages.

The office of a jurisdiction uploads; the office and the leaders read the uploads and their
rows. Department people are refused (403): the uploads are the office's record, not theirs;
anyone outside the jurisdiction gets 404, as if the upload did not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Jurisdiction
from responsibilities.scope import office_jurisdiction_for_user, overseen_jurisdiction_for_user, user_scope

from .models import StatisticsUpload, StatisticsValue

OVERSEERS_READ = _("只有质强办和领导可以查看统计数据")
OFFICE_UPLOADS = _("只有本行政区的质强办可以上传统计数据")


def statistics_jurisdiction_for_reader(*, user, pk=None) -> Jurisdiction:
    """The jurisdiction whose uploads the user reads (see overseen_jurisdiction_for_user)."""
    return overseen_jurisdiction_for_user(user=user, pk=pk, refused=OVERSEERS_READ)


def statistics_jurisdiction_for_office(*, user, pk=None) -> Jurisdiction:
    """The jurisdiction the user uploads to as its office; a leader, an office from above or
    department people are refused (see office_jurisdiction_for_user)."""
    return office_jurisdiction_for_user(user=user, pk=pk, refused=OFFICE_UPLOADS)


def statistics_upload_get_for_reader(*, user, pk: int) -> StatisticsUpload:
    """An upload the user reads: the office and the leaders of its jurisdiction; department
    people there are refused, anyone else gets 404."""
    upload = get_object_or_404(StatisticsUpload.objects.select_related("jurisdiction", "uploaded_by"), pk=pk)
    scope = user_scope(user)
    if scope.oversees(upload.jurisdiction_id):
        return upload
    if scope.sees_jurisdiction(upload.jurisdiction_id):
        raise PermissionDenied(OVERSEERS_READ)
    raise Http404


def statistics_uploads_of(*, jurisdiction: Jurisdiction):
    """The jurisdiction's uploads, newest first, with who uploaded each."""
    return StatisticsUpload.objects.filter(jurisdiction=jurisdiction).select_related("uploaded_by")


def statistics_values_of(*, upload: StatisticsUpload):
    """An upload's rows in the sheet's order, with their indicators and departments."""
    return StatisticsValue.objects.filter(upload=upload).select_related("indicator", "department")
