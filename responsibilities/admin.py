"""The admin, where the three separated administrators of 等保 2.0 work.

system administrator: ordinary accounts (no superuser, staff, group or permission flags; not
the administrators' accounts), jurisdictions and departments. security administrator: the
roles of ordinary users, never the administrator roles, never his own or another
administrator's. audit administrator: reads the audit trail. Each acts only in the
jurisdictions of his administrator memberships and those below them (admin_roles); a
superuser, the deployment's own account, does everything. The rules hold in the querysets,
the form fields and choices, the object permissions and again on save, so a forged POST
changes nothing the form would not. Every change made here, in any app, is audited
(admin_audit).
"""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from qualitycity.errors import ApplicationError

from . import two_factor
from .admin_audit import audit_admin_bulk_deletion, deletion_snapshot
from .admin_roles import (
    admin_roles_sync,
    administered_jurisdiction_ids,
    protected_users,
    user_is_manageable_by,
    users_visible_to,
)
from .audit_actions import action_label
from .department_forms import DepartmentChoiceField, DepartmentMultipleChoiceField, department_label
from .jurisdictions import department_represents_validate, jurisdiction_save, jurisdiction_validate
from .models import (
    AuditEvent,
    Department,
    DepartmentAlias,
    Jurisdiction,
    Membership,
    PasswordState,
    Role,
)
from .services import audit_record

User = get_user_model()
ROLE_NOT_GRANTABLE = _("管理员角色只能由超级管理员授予，且不能授予自己或其他管理员")
OUTSIDE_JURISDICTION = _("只能管理本行政区及下级行政区")
OTHER_JURISDICTION_DEPARTMENT = _("%(field)s：%(department)s不是%(jurisdiction)s的部门")
SUCCESSOR_ITSELF = _("机构改革后并入：不能并入它自己")


@admin.action(permissions=["delete"], description=_("删除所选的 %(verbose_name_plural)s"))
def audited_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, audited: it logs several deletions with one bulk insert, which
    sends no signal, so each deleted object is recorded from a snapshot taken before."""
    snapshot = deletion_snapshot(queryset) if request.POST.get("post") else []
    response = django_delete_selected(modeladmin, request, queryset)
    if response is None and len(snapshot) > 1:
        audit_admin_bulk_deletion(actor=request.user, snapshot=snapshot)
    return response


admin.site.add_action(audited_delete_selected, "delete_selected")


class JurisdictionScopedAdmin(admin.ModelAdmin):
    """Rows of the jurisdictions the administrator administers, and choices among them only."""

    jurisdiction_field = "jurisdiction_id"

    def administered(self, request):
        return administered_jurisdiction_ids(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = self.administered(request)
        return queryset if ids is None else queryset.filter(**{f"{self.jurisdiction_field}__in": ids})

    def get_list_filter(self, request):
        # A filter by related object lists only those of the administrator's own rows.
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [
            (f, admin.RelatedOnlyFieldListFilter) if f in {"jurisdiction", "department"} else f
            for f in filters
        ]

    def in_scope(self, request, obj) -> bool:
        ids = self.administered(request)
        return obj is None or ids is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = self.administered(request)
        if ids is not None:
            if db_field.related_model is Jurisdiction:
                kwargs["queryset"] = Jurisdiction.objects.filter(pk__in=ids)
            elif db_field.related_model is Department:
                kwargs["queryset"] = Department.objects.filter(jurisdiction_id__in=ids)
        if db_field.related_model is Department:
            # Two cities' 市市场监管局 differ only by their jurisdiction, named beside them.
            kwargs["form_class"] = DepartmentChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = self.administered(request)
        if ids is not None and db_field.related_model is Department:
            kwargs["queryset"] = Department.objects.filter(jurisdiction_id__in=ids)
        if db_field.related_model is Department:
            kwargs["form_class"] = DepartmentMultipleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _foreign_department_error(form, field: str, department, jurisdiction) -> None:
    """A department of another jurisdiction than the row's is refused on its field."""
    if department is not None and jurisdiction is not None and department.jurisdiction_id != jurisdiction.pk:
        form.add_error(
            field,
            OTHER_JURISDICTION_DEPARTMENT
            % {
                "field": form.fields[field].label,
                "department": department_label(department),
                "jurisdiction": jurisdiction.name,
            },
        )


def _rule_errors(form, check) -> None:
    """A rule of the tree refused the form: its message goes beside the field it names."""
    try:
        check()
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)


class JurisdictionAdminForm(forms.ModelForm):
    """A jurisdiction is never below itself, and no sibling has its name."""

    class Meta:
        model = Jurisdiction
        fields = ["name", "level", "parent", "office_name"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            candidate = Jurisdiction(
                pk=self.instance.pk,
                name=cleaned.get("name", self.instance.name),
                parent=cleaned.get("parent", self.instance.parent)
                if "parent" in self.fields
                else self.instance.parent,
            )
            _rule_errors(self, lambda: jurisdiction_validate(jurisdiction=candidate))
        return cleaned


class DepartmentAdminForm(forms.ModelForm):
    """A department's successor and members are departments of its own jurisdiction; it stands
    for a direct child of its jurisdiction, or for every child, not both."""

    class Meta:
        model = Department
        fields = [
            "jurisdiction",
            "name",
            "code",
            "kind",
            "members",
            "successor",
            "represents",
            "represents_children",
            "is_active",
            "sort_order",
        ]

    def clean(self):
        cleaned = super().clean()
        jurisdiction = cleaned.get("jurisdiction")
        if jurisdiction is not None and not self.errors:
            candidate = Department(
                name=cleaned.get("name") or "",
                jurisdiction=jurisdiction,
                represents=cleaned.get("represents"),
                represents_children=bool(cleaned.get("represents_children")),
            )
            _rule_errors(self, lambda: department_represents_validate(department=candidate))
        successor = cleaned.get("successor")
        if successor is not None and self.instance.pk and successor.pk == self.instance.pk:
            self.add_error("successor", SUCCESSOR_ITSELF)
        else:
            _foreign_department_error(self, "successor", successor, jurisdiction)
        for member in cleaned.get("members") or []:
            _foreign_department_error(self, "members", member, jurisdiction)
            if "members" not in cleaned:
                break
        return cleaned


class MembershipAdminForm(forms.ModelForm):
    """A liaison's or head's department is one of the membership's jurisdiction."""

    class Meta:
        model = Membership
        fields = ["user", "jurisdiction", "department", "role", "phone", "is_active"]

    def clean(self):
        cleaned = super().clean()
        _foreign_department_error(self, "department", cleaned.get("department"), cleaned.get("jurisdiction"))
        return cleaned

    def save_model(self, request, obj, form, change):
        ids = self.administered(request)
        target = getattr(obj, self.jurisdiction_field, None)
        if ids is not None and target is not None and target not in ids:
            raise PermissionDenied(OUTSIDE_JURISDICTION)
        super().save_model(request, obj, form, change)


@admin.register(Jurisdiction)
class JurisdictionAdmin(JurisdictionScopedAdmin):
    form = JurisdictionAdminForm
    list_display = ["name", "full_name", "level", "parent", "office_name"]
    list_filter = ["level"]
    search_fields = ["name"]
    jurisdiction_field = "pk"

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser moves a jurisdiction in the tree: below an administrator's own
        # jurisdiction is all he may choose, which would put it under itself.
        return [] if request.user.is_superuser else ["parent"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and not request.user.is_superuser:
            field.required = True  # a new jurisdiction goes below one the administrator has
        return field

    def save_model(self, request, obj, form, change):
        ids = self.administered(request)
        if ids is not None and not change and obj.parent_id not in ids:
            raise PermissionDenied(OUTSIDE_JURISDICTION)
        jurisdiction_save(jurisdiction=obj)


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    fields = ["name", "note"]
    extra = 1


@admin.register(Department)
class DepartmentAdmin(JurisdictionScopedAdmin):
    form = DepartmentAdminForm
    list_display = ["name", "jurisdiction", "kind", "successor", "is_active", "sort_order"]
    list_filter = ["jurisdiction", "kind", "is_active"]
    search_fields = ["name", "aliases__name"]
    filter_horizontal = ["members"]
    inlines = [DepartmentAliasInline]


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(JurisdictionScopedAdmin):
    list_display = ["name", "department", "jurisdiction", "note"]
    list_filter = ["jurisdiction"]
    search_fields = ["name", "department__name"]
    readonly_fields = ["jurisdiction"]

    def save_model(self, request, obj, form, change):
        ids = self.administered(request)
        if ids is not None and obj.department.jurisdiction_id not in ids:
            raise PermissionDenied(OUTSIDE_JURISDICTION)
        admin.ModelAdmin.save_model(self, request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(JurisdictionScopedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "jurisdiction", "department", "role", "phone", "is_active"]
    list_filter = ["jurisdiction", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    autocomplete_fields = ["user"]

    # The administrators' own roles are the superuser's to give and take.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or _grantable(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or _grantable(request.user, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = (
                users_visible_to(request.user)
                .exclude(pk=request.user.pk)
                .exclude(pk__in=protected_users().values("pk"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label) for value, label in Role.choices if value not in Role.admin_roles()
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Role changes made in the admin are audited like any other."""
        if not request.user.is_superuser and not _grantable(request.user, obj):
            raise PermissionDenied(ROLE_NOT_GRANTABLE)
        before = {k: str(form.initial.get(k)) for k in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        admin_roles_sync(obj.user)
        audit_record(
            actor=request.user,
            action="role.change" if change else "role.grant",
            obj=obj,
            jurisdiction=obj.jurisdiction,
            summary=f"{obj}",
            before=before,
            after={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user, action="role.revoke", obj=obj, jurisdiction=obj.jurisdiction, summary=f"{obj}"
        )
        super().delete_model(request, obj)
        admin_roles_sync(obj.user)

    def delete_queryset(self, request, queryset):
        users = list(User.objects.filter(memberships__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for user in users:
            admin_roles_sync(user)


def _grantable(admin_user, membership: Membership) -> bool:
    """A security administrator gives and takes only ordinary roles, of ordinary users other than himself."""
    if membership.role in Role.admin_roles() or membership.user_id == admin_user.pk:
        return False
    return not protected_users().filter(pk=membership.user_id).exists()


class AuditActionFilter(admin.SimpleListFilter):
    """The trail's actions in words (登录, 提交月报), filtered on their codes."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(JurisdictionScopedAdmin):
    """Read-only: the audit trail is append-only from every part of the portal, the admin included."""

    list_display = ["at", "actor", "jurisdiction", "action_words", "summary"]
    list_filter = [AuditActionFilter, "jurisdiction"]
    search_fields = ["summary", "actor__username", "object_id"]
    date_hierarchy = "at"
    # the action and the object in words, never their codes (auth.login, auth.user)
    # who and where as text: an audit administrator may read the trail of people and places
    # whose own pages are not theirs to open
    fields = [
        "at",
        "actor_name",
        "jurisdiction_name",
        "action_words",
        "object_words",
        "summary",
        "before",
        "after",
    ]
    readonly_fields = fields

    @admin.display(description=_("操作人"))
    def actor_name(self, obj) -> str:
        if obj.actor is None:
            return "—"
        name = obj.actor.get_full_name() or obj.actor.first_name
        return f"{name}（{obj.actor.username}）" if name else obj.actor.username

    @admin.display(description=_("行政区"))
    def jurisdiction_name(self, obj) -> str:
        return str(obj.jurisdiction) if obj.jurisdiction else "—"

    @admin.display(description=_("操作"), ordering="action")
    def action_words(self, obj) -> str:
        return action_label(obj.action)

    @admin.display(description=_("对象"))
    def object_words(self, obj) -> str:
        """The object's kind in words (用户 52), from its model's name."""
        if not obj.object_type:
            return "—"
        try:
            kind = apps.get_model(obj.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            kind = obj.object_type
        return f"{kind} {obj.object_id}".strip()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PasswordState)
class PasswordStateAdmin(admin.ModelAdmin):
    list_display = ["user", "changed_at", "must_change", "exempt"]
    fields = ["user", "changed_at", "must_change", "exempt"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__in=users_visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Exemption from expiry is for the demo accounts, set by the deployment's superuser.
        return ["user", "changed_at"] if request.user.is_superuser else ["user", "changed_at", "exempt"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_is_manageable_by(request.user, obj.user))


# Accounts ------------------------------------------------------------------------------------------


class PortalUserAdmin(UserAdmin):
    """Accounts. Only a superuser sets superuser, staff, groups and permissions: staff and the
    administrator groups follow the administrator roles (admin_roles_sync)."""

    actions = ["otp_reset"]

    def get_queryset(self, request):
        return (
            users_visible_to(request.user) if not request.user.is_superuser else super().get_queryset(request)
        )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return (
            (None, {"fields": ("username", "password")}),
            (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
            (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_staff", "is_superuser", "last_login", "date_joined"]

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (
            obj is None
            or request.user.is_superuser
            or users_visible_to(request.user).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        # The password form (user/<id>/password/) asks this too: no administrator's password,
        # and no deactivating an administrator, but by a superuser.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_is_manageable_by(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            if change and not user_is_manageable_by(request.user, obj):
                raise PermissionDenied
            stored = (
                User.objects.filter(pk=obj.pk).values("is_staff", "is_superuser").first() if change else None
            )
            obj.is_staff = stored["is_staff"] if stored else False
            obj.is_superuser = stored["is_superuser"] if stored else False
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if request.user.is_superuser:
            super().save_related(request, form, formsets, change)
        # else: the form has no groups or permissions to save, and none is taken from the POST

    def has_otp_reset_permission(self, request):
        return (
            request.user.is_superuser
            or Membership.objects.filter(user=request.user, is_active=True, role=Role.SECURITY_ADMIN).exists()
        )

    @admin.action(permissions=["otp_reset"], description=_("重置所选用户的双因素设备（手机丢失时）"))
    def otp_reset(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                two_factor.otp_devices_reset(actor=request.user, user=user)
            except PermissionDenied as error:
                self.message_user(request, f"{user}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("已重置 %(n)s 个用户的双因素设备") % {"n": done}, messages.SUCCESS)


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
