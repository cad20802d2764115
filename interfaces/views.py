"""The office's 开放接口 pages (tokens, the public page's settings) and the public results page
itself, anonymous, as a page and as JSON. Thin views: one access call, one rule, a page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_refused
from responsibilities.models import Jurisdiction
from responsibilities.scope import office_jurisdiction_for_user, user_scope

from .forms import PublicationForm, TokenForm
from .models import ApiToken
from .publication import public_results, publication_of, publication_save, publishable_plans
from .tokens import OFFICE_ONLY, token_create, token_revoke, tokens_of

NOT_PUBLISHED = gettext_lazy("该行政区没有公开结果公示")


def _office_jurisdiction(user, pk=None) -> Jurisdiction:
    """The jurisdiction whose interfaces the user manages as its office (see
    office_jurisdiction_for_user)."""
    return office_jurisdiction_for_user(user=user, pk=pk, refused=OFFICE_ONLY)


def _tokens_page(request, jurisdiction, *, form=None, new_key=None, new_token=None, status=200):
    return render(
        request,
        "interfaces/tokens.html",
        {
            "jurisdiction": jurisdiction,
            "form": form or TokenForm(jurisdiction=jurisdiction),
            "tokens": tokens_of(jurisdiction=jurisdiction),
            "new_key": new_key,
            "new_token": new_token,
            "docs_url": reverse("interfaces:api_v1:openapi-view"),
            "schema_url": reverse("interfaces:api_v1:openapi-json"),
        },
        status=status,
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The jurisdiction's tokens (scope, expiry, last use, revoke) and the form for a new one;
    a new token's key is shown on the answer to its creation, once, and never again."""
    jurisdiction = _office_jurisdiction(
        request.user, request.GET.get("jurisdiction") or request.POST.get("jurisdiction")
    )
    if request.method != "POST":
        return _tokens_page(request, jurisdiction)
    form = TokenForm(request.POST, jurisdiction=jurisdiction)
    if not form.is_valid():
        return _tokens_page(request, jurisdiction, form=form, status=400)
    try:
        token, key = token_create(
            jurisdiction=jurisdiction,
            actor=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            department=form.cleaned_data["department"],
        )
    except ApplicationError as exc:
        form_refused(form, exc)
        return _tokens_page(request, jurisdiction, form=form, status=exc.status)
    return _tokens_page(request, jurisdiction, new_key=key, new_token=token)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The office revokes one of its jurisdiction's tokens."""
    token = get_object_or_404(ApiToken.objects.select_related("jurisdiction"), pk=pk)
    scope = user_scope(request.user)
    if not scope.sees_jurisdiction(token.jurisdiction_id):
        raise Http404
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("已吊销接口令牌“%(name)s”") % {"name": token.name})
    return redirect(f"{reverse('interfaces:tokens')}?jurisdiction={token.jurisdiction_id}")


@login_required
def publication(request: HttpRequest) -> HttpResponse:
    """What the jurisdiction's public results page shows, set by its office."""
    jurisdiction = _office_jurisdiction(
        request.user, request.GET.get("jurisdiction") or request.POST.get("jurisdiction")
    )
    setting = publication_of(jurisdiction=jurisdiction)
    plans = publishable_plans(jurisdiction=jurisdiction)
    status = 200
    if request.method == "POST":
        form = PublicationForm(request.POST, plans=plans)
        if form.is_valid():
            try:
                publication_save(
                    jurisdiction=jurisdiction,
                    actor=request.user,
                    is_published=form.cleaned_data["is_published"],
                    plans=list(form.cleaned_data["plans"]),
                    show_task_statuses=form.cleaned_data["show_task_statuses"],
                    show_indicator_values=form.cleaned_data["show_indicator_values"],
                )
            except ApplicationError as exc:
                form_refused(form, exc)
                status = exc.status
            else:
                messages.success(request, _("公示设置已保存"))
                return redirect(f"{reverse('interfaces:publication')}?jurisdiction={jurisdiction.pk}")
        else:
            status = 400
    else:
        initial = {
            "is_published": setting.is_published,
            "plans": list(setting.plans.all()) if setting.pk else [],
            "show_task_statuses": setting.show_task_statuses,
            "show_indicator_values": setting.show_indicator_values,
        }
        form = PublicationForm(initial=initial, plans=plans)
    return render(
        request,
        "interfaces/publication.html",
        {"jurisdiction": jurisdiction, "form": form, "setting": setting},
        status=status,
    )


def _published(pk: int) -> dict:
    data = public_results(jurisdiction_id=pk)
    if data is None:
        raise Http404(NOT_PUBLISHED)
    return data


def public_page(request: HttpRequest, pk: int) -> HttpResponse:
    """结果公示: anyone may read what the office published, on a phone or a PC."""
    data = _published(pk)
    context = {
        "data": data,
        "generated_at": dt.datetime.fromisoformat(data["generated_at"]),
        "published_at": dt.datetime.fromisoformat(data["published_at"]) if data["published_at"] else None,
        "json_url": reverse("interfaces:public_json", args=[pk]),
    }
    response = render(request, "interfaces/public_results.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


def public_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The same published results as JSON."""
    response = JsonResponse(_published(pk), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
