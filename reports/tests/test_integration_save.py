"""An integration the office enabled writes a department's draft entries for the office: only the
office of the report's jurisdiction, at each entry's version, never after the submission."""

import pytest
from django.core.exceptions import PermissionDenied

from qualitycity.errors import Conflict
from reports.models import DepartmentReport
from reports.services import report_entries_save_for_office, report_save_draft, report_submit


def report_of(cast, period):
    return DepartmentReport.objects.get(period=period, department=cast.department)


def test_the_office_writes_a_drafts_entry_at_its_version(cast, period):
    report = report_of(cast, period)
    entry = report.entries.get()
    result = report_entries_save_for_office(
        report=report,
        actor=cast.office,
        entries={entry.pk: {"progress": "系统写入：抽查86批次", "version": entry.version}},
    )
    assert result.ok
    entry.refresh_from_db()
    assert (entry.progress, entry.version) == ("系统写入：抽查86批次", 1)
    # a second write at the old version is refused, the text kept
    stale = report_entries_save_for_office(
        report=report, actor=cast.office, entries={entry.pk: {"progress": "覆盖", "version": 0}}
    )
    assert not stale.ok
    entry.refresh_from_db()
    assert entry.progress == "系统写入：抽查86批次"


@pytest.mark.parametrize("who", ["liaison", "head", "leader", "outsider_office"])
def test_nobody_but_the_office_of_the_jurisdiction_writes_for_an_integration(cast, period, who):
    report = report_of(cast, period)
    entry = report.entries.get()
    with pytest.raises(PermissionDenied):
        report_entries_save_for_office(
            report=report, actor=getattr(cast, who), entries={entry.pk: {"progress": "x", "version": 0}}
        )


def test_nothing_is_written_after_the_submission(cast, period):
    report = report_of(cast, period)
    entry = report.entries.get()
    report_save_draft(
        report=report, actor=cast.liaison, entries={entry.pk: {"progress": "已完成", "version": 0}}, values={}
    )
    report_submit(report=report, actor=cast.liaison)
    with pytest.raises(Conflict):
        report_entries_save_for_office(
            report=report, actor=cast.office, entries={entry.pk: {"progress": "改写", "version": 1}}
        )
