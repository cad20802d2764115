"""Two people saving the same report never overwrite each other silently."""

from reports.models import DepartmentReport
from reports.services import report_save_draft


def test_the_later_save_of_the_same_entry_is_refused_and_the_first_kept(cast, period, second_liaison):
    # given two liaisons who opened the report at the same version
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    loaded_version = entry.version

    # when the first saves, then the second saves on top of the version they loaded
    first = report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "甲的内容", "version": loaded_version}},
        values={},
    )
    second = report_save_draft(
        report=report,
        actor=second_liaison,
        entries={entry.pk: {"progress": "乙的内容", "version": loaded_version}},
        values={},
    )

    # then the second is refused and the first's text stands
    assert first.ok and first.saved == 1
    assert second.conflicts == [f"entry-{entry.pk}"]
    entry.refresh_from_db()
    assert entry.progress == "甲的内容"


def test_saves_of_different_entries_do_not_collide(cast, period, second_liaison, rated):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    from reports.services import report_ensure

    report = report_ensure(period=period, department=cast.department)
    entry, value = report.entries.get(), report.values.get()
    a = report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "进展", "version": entry.version}},
        values={},
    )
    b = report_save_draft(
        report=report,
        actor=second_liaison,
        entries={},
        values={value.pk: {"value": "95", "version": value.version}},
    )
    assert a.ok and b.ok


def test_the_refused_save_via_the_page_keeps_the_text_for_the_person(client, cast, period, second_liaison):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    stale = entry.version
    report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "甲的内容", "version": stale}},
        values={},
    )
    client.force_login(second_liaison)
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"entry-{entry.pk}-progress": "乙刚写的很长的内容", f"entry-{entry.pk}-version": stale},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "乙刚写的很长的内容" in html  # their text is still in the box
    assert "甲的内容" in html  # and they see what the other saved


def test_autosave_answers_json_with_new_versions(client, cast, period):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"entry-{entry.pk}-progress": "自动保存", f"entry-{entry.pk}-version": entry.version},
        headers={"x-requested-with": "fetch"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["saved"] == 1 and data["versions"][f"entry-{entry.pk}"] == entry.version + 1


def test_a_row_that_moved_on_without_the_reports_lock_refuses_the_whole_save(cast, period, rated):
    import pytest
    from django.db.models import F

    from qualitycity.errors import Conflict
    from reports.models import IndicatorValue
    from reports.services import SaveResult, _write_at_versions, report_ensure

    # given a value read at its version, as a save reads it under the lock
    report = report_ensure(period=period, department=cast.department)
    current = {row.pk: row for row in report.values.all()}
    value = report.values.get()
    # when a writer that skipped the lock moves the value on before the save's one update
    IndicatorValue.objects.filter(pk=value.pk).update(value=80, version=F("version") + 1)

    # then the save is refused rather than overwriting it
    with pytest.raises(Conflict):
        _write_at_versions(IndicatorValue, "value", current, {value.pk: {"value": 95}}, SaveResult())
    value.refresh_from_db()
    assert value.value == 80 and value.version == current[value.pk].version + 1  # the other's write stands
