import django_filters
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDateField

from .models import AuditEvent


class BoundedDateFilter(django_filters.DateFilter):
    """A date typed as people type it (full-width digits too), between 1949 and 2100."""

    field_class = FormDateField


class AuditFilter(django_filters.FilterSet):
    """The audit administrator narrows the trail by action, actor, date range and object type."""

    action = django_filters.CharFilter(lookup_expr="startswith", label=_("操作"))
    actor = django_filters.CharFilter(
        field_name="actor__username", lookup_expr="icontains", label=_("操作人")
    )
    object_type = django_filters.CharFilter(lookup_expr="exact", label=_("对象类型"))
    since = BoundedDateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = BoundedDateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))
    q = django_filters.CharFilter(field_name="summary", lookup_expr="icontains", label=_("摘要包含"))

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_type", "since", "until", "q"]
