import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Plan


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("标题包含"))
    year = django_filters.NumberFilter(method="filter_year", label=_("年度"))

    class Meta:
        model = Plan
        fields = ["q", "kind", "status", "year"]

    def filter_year(self, queryset, name, value):
        """A plan runs in a year when the year falls between its start and end."""
        return queryset.filter(year_start__lte=value, year_end__gte=value)
