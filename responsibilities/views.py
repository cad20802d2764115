from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_refused
from qualitycity.params import QueryRequestConfig, parse_int

from . import services
from .access import audit_events_for_user, membership_get_for_office, office_jurisdiction_for_user
from .exporters import AuditTrailExporter, ContactListExporter
from .filters import AuditFilter
from .forms import MoveForm, PersonForm
from .models import Department, Membership, Role
from .selectors import user_home_jurisdiction
from .tables import AuditTable, PeopleTable


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the requirement to change it."""

    def form_valid(self, form):
        from .middleware import SESSION_KEY

        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        services.audit_record(
            actor=self.request.user,
            action="auth.password_change",
            obj=self.request.user,
            jurisdiction=user_home_jurisdiction(self.request.user),
            summary=_("修改密码"),
        )
        return response


def _chosen_jurisdiction(request) -> int | None:
    return parse_int(request.GET.get("jurisdiction") or request.POST.get("jurisdiction"))


@login_required
def people(request: HttpRequest) -> HttpResponse:
    jurisdiction = office_jurisdiction_for_user(user=request.user, pk=_chosen_jurisdiction(request))
    departments = Department.objects.filter(jurisdiction=jurisdiction).units().active()
    form = PersonForm(request.POST or None, departments=departments)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, password = services.person_create(
                actor=request.user,
                department=data["department"],
                role=data["role"],
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
            )
            created = (membership, password)
            form = PersonForm(departments=departments)
        except ApplicationError as exc:
            form_refused(form, exc)
    memberships = Membership.objects.filter(
        jurisdiction=jurisdiction, role__in=Role.department_roles()
    ).select_related("user", "department")
    table = PeopleTable(memberships, order_by=("department",))
    QueryRequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "responsibilities/people.html",
        {
            "jurisdiction": jurisdiction,
            "form": form,
            "table": table,
            "created": created,
            "move_form": MoveForm(departments=departments),
        },
    )


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_get_for_office(user=request.user, pk=pk)
    services.person_deactivate(actor=request.user, membership=membership)
    messages.success(
        request, _("已停用 %(name)s") % {"name": membership.user.first_name or membership.user.username}
    )
    return redirect("responsibilities:people")


@login_required
@require_POST
def person_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_get_for_office(user=request.user, pk=pk)
    password = services.person_reset_password(actor=request.user, membership=membership)
    return render(
        request, "responsibilities/password_issued.html", {"membership": membership, "password": password}
    )


@login_required
@require_POST
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_get_for_office(user=request.user, pk=pk)
    departments = Department.objects.filter(jurisdiction=membership.jurisdiction).units().active()
    form = MoveForm(request.POST, departments=departments)
    if not form.is_valid():
        messages.error(request, _("请选择本行政区的部门"))
        return redirect("responsibilities:people")
    department = form.cleaned_data["department"]
    try:
        services.person_move(actor=request.user, membership=membership, department=department)
    except ApplicationError as exc:
        # The people page is where the office acts: the refusal shows there, as success does.
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已调整到%(department)s") % {"department": department.name})
    return redirect("responsibilities:people")


@login_required
def contacts_export(request: HttpRequest) -> HttpResponse:
    jurisdiction = office_jurisdiction_for_user(user=request.user, pk=_chosen_jurisdiction(request))
    export = ContactListExporter(jurisdiction).render("xlsx")
    # Names, phone numbers and e-mail addresses: personal data, so who took them is recorded.
    services.audit_record(
        actor=request.user,
        action="export.contacts",
        jurisdiction=jurisdiction,
        summary=_("导出%(jurisdiction)s联络员名单") % {"jurisdiction": jurisdiction.name},
    )
    return _attachment(export)


def _attachment(export) -> HttpResponse:
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(export.filename)}"
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit administrator and the office read their jurisdiction's audit trail, filtered by
    action, actor, dates and object type, and file it as Excel (?_export=xlsx); nobody edits it."""
    readers = audit_events_for_user(user=request.user)
    audit_filter = AuditFilter(request.GET, queryset=readers.select_related("actor"))
    if request.GET.get("_export") == "xlsx":
        return _audit_export(request, audit_filter)
    table = AuditTable(audit_filter.qs)
    QueryRequestConfig(request).configure(table)
    params = request.GET.copy()
    params.pop("page", None)
    params["_export"] = "xlsx"
    context = {"filter": audit_filter, "table": table, "export_query": params.urlencode()}
    return render(request, "responsibilities/audit_log.html", context)


def _audit_export(request: HttpRequest, audit_filter: AuditFilter) -> HttpResponse:
    """The filtered trail as Excel; taking a copy of the trail is itself recorded."""
    events = audit_filter.qs
    jurisdiction = user_home_jurisdiction(request.user)
    conditions = (
        {k: v for k, v in audit_filter.form.cleaned_data.items() if v} if audit_filter.is_valid() else {}
    )
    services.audit_record(
        actor=request.user,
        action="export.audit",
        jurisdiction=jurisdiction,
        summary=_("导出审计日志%(count)s条，条件：%(conditions)s")
        % {
            "count": events.count(),
            "conditions": ", ".join(f"{k}={v}" for k, v in conditions.items()) or "—",
        },
    )
    heading = _("%(jurisdiction)s审计日志") % {"jurisdiction": jurisdiction.name if jurisdiction else ""}
    return _attachment(AuditTrailExporter(events, heading=heading).render("xlsx"))
