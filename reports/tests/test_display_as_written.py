"""Figures and dates on the report pages read as people write them: 95.2, not 95.2000; a date
input pre-filled as 2026-11-29, the only form a date input takes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import DepartmentReport

pytestmark = pytest.mark.django_db


def test_a_reported_value_shows_without_trailing_zeros(client, cast, period, rated):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    report.values.filter(indicator=rated).update(value=Decimal("95.2000"))
    client.force_login(cast.liaison)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert 'value="95.2"' in page and "95.2000" not in page


def test_the_work_update_date_is_prefilled_in_the_form_a_date_input_takes(client, cast):
    client.force_login(cast.liaison)
    page = client.get(reverse("reports:work_updates")).content.decode()
    field = re.search(r'<input type="date" name="date" value="([^"]*)"', page)
    assert field and re.fullmatch(r"\d{4}-\d{2}-\d{2}", field.group(1))
