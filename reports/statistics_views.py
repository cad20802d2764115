"""The 统计数据 pages: the office uploads the statistics bureau's figures (the page lists the
uploads, and on a refusal every problem as a table with the form kept), downloads the template,
and reads an upload's rows; leaders read. Thin views: one access call, one rule, a page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_refused
from qualitycity.exporters.http import export_response
from qualitycity.params import QueryRequestConfig
from responsibilities.models import Jurisdiction
from responsibilities.scope import user_scope

from . import statistics
from .statistics_forms import StatisticsUploadForm
from .statistics_selectors import (
    statistics_jurisdiction_for_office,
    statistics_jurisdiction_for_reader,
    statistics_upload_get_for_reader,
    statistics_uploads_of,
    statistics_values_of,
)
from .statistics_tables import StatisticsUploadTable, StatisticsValueTable

FILE_NOT_FOUND = gettext_lazy("文件不存在")


def _office_jurisdictions(user):
    scope = user_scope(user)
    if scope.is_superuser:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=sorted(scope.office_jurisdiction_ids))


def _list_page(
    request, jurisdiction: Jurisdiction, *, form=None, problems=None, status: int = 200
) -> HttpResponse:
    is_office = user_scope(request.user).is_office_of(jurisdiction.pk)
    if is_office and form is None:
        form = StatisticsUploadForm(
            jurisdictions=_office_jurisdictions(request.user), initial={"jurisdiction": jurisdiction.pk}
        )
    table = StatisticsUploadTable(statistics_uploads_of(jurisdiction=jurisdiction))
    QueryRequestConfig(request, paginate={"per_page": 50}).configure(table)
    problems = problems or []
    return render(
        request,
        "reports/statistics/list.html",
        {
            "jurisdiction": jurisdiction,
            "is_office": is_office,
            "form": form,
            "table": table,
            "problems": problems[: statistics.PROBLEMS_SHOWN],
            "problems_total": len(problems),
            "problems_hidden": max(0, len(problems) - statistics.PROBLEMS_SHOWN),
        },
        status=status,
    )


@login_required
def statistics_list(request: HttpRequest) -> HttpResponse:
    """The jurisdiction's uploads; the office's upload form and template above them."""
    jurisdiction = statistics_jurisdiction_for_reader(user=request.user, pk=request.GET.get("jurisdiction"))
    return _list_page(request, jurisdiction)


@login_required
@require_POST
def statistics_upload(request: HttpRequest) -> HttpResponse:
    """The office's sheet is saved whole, or refused with every problem listed and nothing saved."""
    jurisdiction = statistics_jurisdiction_for_office(user=request.user, pk=request.POST.get("jurisdiction"))
    form = StatisticsUploadForm(
        request.POST, request.FILES, jurisdictions=_office_jurisdictions(request.user)
    )
    if not form.is_valid():
        return _list_page(request, jurisdiction, form=form, status=400)
    jurisdiction = form.cleaned_data["jurisdiction"]
    try:
        upload = statistics.statistics_upload(
            jurisdiction=jurisdiction, actor=request.user, file=form.cleaned_data["file"]
        )
    except statistics.StatisticsRefused as exc:
        form_refused(form, exc)
        return _list_page(request, jurisdiction, form=form, problems=exc.problems, status=exc.status)
    except ApplicationError as exc:
        form_refused(form, exc)
        return _list_page(request, jurisdiction, form=form, status=exc.status)
    messages.success(
        request,
        _("已保存统计数据%(rows)s行，其中替换原有数据%(replaced)s行")
        % {"rows": upload.row_count, "replaced": upload.replaced_count},
    )
    return redirect("reports:statistics_detail", pk=upload.pk)


@login_required
def statistics_template(request: HttpRequest) -> HttpResponse:
    """The sheet to fill in, with the jurisdiction's name and an example row (the office's)."""
    jurisdiction = statistics_jurisdiction_for_office(user=request.user, pk=request.GET.get("jurisdiction"))
    export = statistics.StatisticsTemplateExporter(jurisdiction).render("xlsx")
    return export_response(export, fallback="statistics-template.xlsx")


@login_required
def statistics_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's rows, each with the value it replaced and the value written."""
    upload = statistics_upload_get_for_reader(user=request.user, pk=pk)
    table = StatisticsValueTable(statistics_values_of(upload=upload))
    QueryRequestConfig(request, paginate={"per_page": 200}).configure(table)
    return render(request, "reports/statistics/detail.html", {"upload": upload, "table": table})


@login_required
def statistics_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet as the office uploaded it, kept for the record; never a public path."""
    upload = statistics_upload_get_for_reader(user=request.user, pk=pk)
    if not upload.file:
        raise Http404(FILE_NOT_FOUND)
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(FILE_NOT_FOUND) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=upload.file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
