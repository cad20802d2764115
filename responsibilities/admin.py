from django.contrib import admin

from .models import Department, DepartmentAlias, Jurisdiction, Membership


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
