from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from . import services
from .exporters import ContactListExporter
from .filters import AuditFilter
from .forms import MoveForm, PersonForm
from .models import Department, Jurisdiction, Membership, Role
from .selectors import audit_events_for_user, user_scope
from .tables import AuditTable, PeopleTable


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the requirement to change it."""

    def form_valid(self, form):
        from .middleware import SESSION_KEY

        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        services.audit_record(
            actor=self.request.user, action="auth.password_change", obj=self.request.user, summary="修改密码"
        )
        return response


def _office_jurisdiction(request) -> Jurisdiction:
    """The jurisdiction whose people the signed-in office user manages (403 for anyone else)."""
    scope = user_scope(request.user)
    ids = sorted(scope.office_jurisdiction_ids)
    if not ids:
        raise PermissionDenied("只有质强办可以管理联络员和负责人")
    chosen = request.GET.get("jurisdiction") or request.POST.get("jurisdiction")
    pk = int(chosen) if chosen and chosen.isdigit() and int(chosen) in ids else ids[0]
    return Jurisdiction.objects.get(pk=pk)


def _membership_for_office(request, pk) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "department", "jurisdiction"),
        pk=pk,
        jurisdiction_id__in=user_scope(request.user).jurisdiction_ids,
        role__in=Role.department_roles(),
    )
    if not user_scope(request.user).is_office_of(membership.jurisdiction_id):
        raise PermissionDenied("只有质强办可以管理联络员和负责人")
    return membership


@login_required
def people(request: HttpRequest) -> HttpResponse:
    jurisdiction = _office_jurisdiction(request)
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
        except ValidationError as exc:
            form.add_error("username", exc.messages[0])
    memberships = Membership.objects.filter(
        jurisdiction=jurisdiction, role__in=Role.department_roles()
    ).select_related("user", "department")
    table = PeopleTable(memberships, order_by=("department",))
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
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
    membership = _membership_for_office(request, pk)
    services.person_deactivate(actor=request.user, membership=membership)
    messages.success(request, f"已停用 {membership.user.first_name or membership.user.username}")
    return redirect("responsibilities:people")


@login_required
@require_POST
def person_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for_office(request, pk)
    password = services.person_reset_password(actor=request.user, membership=membership)
    return render(
        request, "responsibilities/password_issued.html", {"membership": membership, "password": password}
    )


@login_required
@require_POST
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for_office(request, pk)
    departments = Department.objects.filter(jurisdiction=membership.jurisdiction).units().active()
    form = MoveForm(request.POST, departments=departments)
    if form.is_valid():
        try:
            services.person_move(
                actor=request.user, membership=membership, department=form.cleaned_data["department"]
            )
            messages.success(request, f"已调整到{form.cleaned_data['department'].name}")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        messages.error(request, "请选择本行政区的部门")
    return redirect("responsibilities:people")


@login_required
def contacts_export(request: HttpRequest) -> HttpResponse:
    jurisdiction = _office_jurisdiction(request)
    export = ContactListExporter(jurisdiction).render("xlsx")
    services.audit_record(
        actor=request.user,
        action="export.contacts",
        jurisdiction=jurisdiction,
        summary=f"导出{jurisdiction.name}联络员名单",
    )
    response = HttpResponse(export.data, content_type=export.content_type)
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(export.filename)}"
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit administrator and the office read their jurisdiction's audit trail; nobody edits it."""
    readers = audit_events_for_user(user=request.user)
    audit_filter = AuditFilter(request.GET, queryset=readers.select_related("actor"))
    table = AuditTable(audit_filter.qs)
    RequestConfig(request).configure(table)
    return render(request, "responsibilities/audit_log.html", {"filter": audit_filter, "table": table})
