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


def test_the_autosave_messages_come_in_the_readers_language(client, cast, period):
    from django.utils import translation

    report = DepartmentReport.objects.get(period=period, department=cast.department)
    client.force_login(cast.liaison)
    chinese = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert 'data-msg-saved="已自动保存 %(time)s"' in chinese
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(
            reverse("reports:report_detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'data-msg-saved="Saved automatically at %(time)s"' in english
    assert "已自动保存" not in english


def test_the_history_reads_in_words_not_field_keys(client, cast, period, rated):
    from reports.services import report_save_draft

    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    value = report.values.get(indicator=rated)
    report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "完成抽查", "status": "in_progress", "version": entry.version}},
        values={value.pk: {"value": "95.2", "gap_explanation": "", "version": value.version}},
    )
    client.force_login(cast.liaison)
    page = client.get(reverse("reports:report_history", args=[report.pk])).content.decode()
    assert "进展情况" in page and "推进中" in page and "95.2" in page
    for code in (">progress<", ">status<", ">value<", "in_progress", "95.2000"):
        assert code not in page
