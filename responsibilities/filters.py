import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("操作"))
    actor = django_filters.CharFilter(
        field_name="actor__username", lookup_expr="icontains", label=_("操作人")
    )
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))
    q = django_filters.CharFilter(field_name="summary", lookup_expr="icontains", label=_("摘要包含"))

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "since", "until", "q"]
