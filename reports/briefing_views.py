"""The 工作简报 pages: the year's issues (office and leaders), the office's editor of a draft
(header, items picked and ordered, a preview), issuing, deleting a draft, and each issue's Word
file. Thin views: one access call, one rule, a page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_refused
from qualitycity.exporters import DOCX_CONTENT_TYPE
from qualitycity.params import query_int
from responsibilities.scope import user_scope

from . import briefings
from .briefing_exporter import issue_label
from .briefing_forms import BriefingForm
from .briefing_selectors import (
    briefing_get_for_office,
    briefing_get_for_reader,
    briefing_years,
    briefings_of_year,
    candidate_entries,
    candidate_updates,
    jurisdiction_for_reader,
    require_office_of,
)
from .models import Briefing


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The year's issues of a jurisdiction, each downloadable; the office's drafts too."""
    jurisdiction = jurisdiction_for_reader(user=request.user, pk=request.GET.get("jurisdiction"))
    year = query_int(request.GET, "year", low=2000, high=2100) or timezone.localdate().year
    is_office = user_scope(request.user).is_office_of(jurisdiction.pk)
    issued, drafts = briefings_of_year(jurisdiction=jurisdiction, year=year, include_drafts=is_office)
    years = sorted(
        set(briefing_years(jurisdiction=jurisdiction)) | {year, timezone.localdate().year}, reverse=True
    )
    return render(
        request,
        "reports/briefing_list.html",
        {
            "jurisdiction": jurisdiction,
            "year": year,
            "years": years,
            "issued": issued,
            "drafts": drafts,
            "is_office": is_office,
        },
    )


@login_required
@require_POST
def briefing_create(request: HttpRequest) -> HttpResponse:
    jurisdiction = jurisdiction_for_reader(user=request.user, pk=request.POST.get("jurisdiction"))
    require_office_of(user=request.user, jurisdiction=jurisdiction)
    briefing = briefings.briefing_create(jurisdiction=jurisdiction, actor=request.user)
    messages.success(request, _("已新建一期简报草稿，请选择内容"))
    return redirect("reports:briefing_detail", pk=briefing.pk)


def _editor(request, briefing: Briefing, *, form=None, status: int = 200) -> HttpResponse:
    if form is None:
        form = BriefingForm(
            initial={
                "title": briefing.title,
                "editor_unit": briefing.editor_unit,
                "issued_on": briefing.issued_on,
                "send_to": briefing.send_to,
                "copy_to": briefing.copy_to,
            }
        )
    picked = {(item["kind"], item["id"]) for item in briefing.items}
    return render(
        request,
        "reports/briefing_edit.html",
        {
            "briefing": briefing,
            "label": issue_label(briefing.year, briefing.number),
            "form": form,
            "items": [{**item, "order": k + 1, "index": k} for k, item in enumerate(briefing.items)],
            "updates": [
                u
                for u in candidate_updates(jurisdiction=briefing.jurisdiction)
                if ("update", u.pk) not in picked
            ],
            "entries": [
                e
                for e in candidate_entries(jurisdiction=briefing.jurisdiction)
                if ("entry", e.pk) not in picked
            ],
        },
        status=status,
    )


@login_required
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An issue: the office edits a draft here; an issued one (and a leader's view) reads."""
    briefing = briefing_get_for_reader(user=request.user, pk=pk)
    if briefing.status == Briefing.Status.DRAFT:
        return _editor(request, briefing)
    return render(
        request,
        "reports/briefing_detail.html",
        {"briefing": briefing, "label": issue_label(briefing.year, briefing.number)},
    )


@login_required
@require_POST
def briefing_update(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_office(user=request.user, pk=pk)
    form = BriefingForm(request.POST)
    if not form.is_valid():
        return _editor(request, briefing, form=form, status=400)
    try:
        briefings.briefing_update(
            briefing=briefing, actor=request.user, items=form.items, **form.cleaned_data
        )
    except ApplicationError as exc:
        form_refused(form, exc)
        briefing.refresh_from_db()
        return _editor(request, briefing, form=form, status=exc.status)
    messages.success(request, _("简报已保存"))
    return redirect("reports:briefing_detail", pk=pk)


@login_required
@require_POST
def briefing_issue(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_office(user=request.user, pk=pk)
    issued = briefings.briefing_issue(briefing=briefing, actor=request.user)
    messages.success(request, _("简报已印发：%(label)s") % {"label": issue_label(issued.year, issued.number)})
    return redirect("reports:briefing_detail", pk=pk)


@login_required
@require_POST
def briefing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_office(user=request.user, pk=pk)
    jurisdiction_id = briefing.jurisdiction_id
    briefings.briefing_delete(briefing=briefing, actor=request.user)
    messages.success(request, _("简报草稿已删除"))
    return redirect(f"{reverse('reports:briefing_list')}?jurisdiction={jurisdiction_id}")


@login_required
def briefing_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue's stored Word file (a draft: the office's preview), after the access check."""
    briefing = briefing_get_for_reader(user=request.user, pk=pk)
    try:
        name, data = briefings.briefing_file(briefing=briefing)
    except FileNotFoundError as exc:
        raise Http404(_("文件不存在")) from exc
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
