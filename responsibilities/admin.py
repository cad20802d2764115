from django.contrib import admin

from .admin_roles import admin_roles_sync
from .models import AuditEvent, Department, DepartmentAlias, Jurisdiction, Membership, PasswordState
from .services import audit_record


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "office_name"]
    list_filter = ["level"]
    search_fields = ["name"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    fields = ["name", "note"]
    extra = 1


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "kind", "successor", "is_active", "sort_order"]
    list_filter = ["jurisdiction", "kind", "is_active"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["successor"]
    filter_horizontal = ["members"]
    inlines = [DepartmentAliasInline]


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "jurisdiction", "note"]
    list_filter = ["jurisdiction"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department"]
    readonly_fields = ["jurisdiction"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "department", "role", "phone", "is_active"]
    list_filter = ["jurisdiction", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    autocomplete_fields = ["user", "department"]

    def save_model(self, request, obj, form, change):
        """Role changes made in the admin are audited like any other."""
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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only from every part of the portal, the admin included."""

    list_display = ["at", "actor", "jurisdiction", "action", "summary"]
    list_filter = ["action", "jurisdiction"]
    search_fields = ["summary", "actor__username", "object_id"]
    date_hierarchy = "at"

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
    readonly_fields = ["user", "changed_at"]
