"""The monthly report's life: draft, submit, sign off, approve or return, correct."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from qualitycity.errors import ApplicationError, Conflict
from reports.models import DepartmentReport, TaskEntry
from reports.services import (
    report_approve,
    report_correct,
    report_ensure,
    report_return,
    report_save_draft,
    report_sign_off,
    report_submit,
)
from responsibilities.models import AuditEvent
from targets.models import Measurement


def fill(report, actor, text="已完成抽查120批次", value=None):
    entries = {e.pk: {"progress": text, "version": e.version} for e in report.entries.all()}
    values = (
        {v.pk: {"value": value, "version": v.version} for v in report.values.all()}
        if value is not None
        else {}
    )
    return report_save_draft(report=report, actor=actor, entries=entries, values=values)


def report_of(cast, period):
    return DepartmentReport.objects.get(period=period, department=cast.department)


def test_opening_a_period_gives_each_department_one_report_with_its_tasks(cast, period):
    # the cast's task: 市市场监管局 leads, 市住建局 joins
    lead = report_of(cast, period)
    joined = DepartmentReport.objects.get(period=period, department=cast.other_department)
    assert [(e.task_id, e.role) for e in lead.entries.all()] == [(cast.task.pk, "lead")]
    assert [(e.task_id, e.role) for e in joined.entries.all()] == [(cast.task.pk, "participating")]


def test_one_report_covers_every_plan_due_and_each_indicator_once(cast, period, rated):
    from tests.factories import AssignmentFactory, PlanFactory, TargetFactory, TaskFactory

    # given a second plan of the same city targeting the same indicator
    plan2 = PlanFactory(jurisdiction=cast.jurisdiction, year_start=2026, year_end=2026)
    task2 = TaskFactory(plan=plan2)
    AssignmentFactory(task=task2, department=cast.department)
    TargetFactory(task=task2, indicator=rated, comparator=">=", value=95)
    # when the report is brought up to date
    report = report_ensure(period=period, department=cast.department)
    # then it holds both plans' tasks, and the indicator once
    assert set(report.entries.values_list("task_id", flat=True)) == {cast.task.pk, task2.pk}
    assert list(report.values.values_list("indicator_id", flat=True)) == [rated.pk]
    assert DepartmentReport.objects.filter(period=period, department=cast.department).count() == 1


def test_full_workflow_submit_sign_off_approve_freezes_and_records_measurement(cast, period, rated):
    report = report_of(cast, period)
    assert fill(report, cast.liaison, value="95.5").ok
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))
    report_sign_off(report=report, actor=cast.head)
    report = report_approve(report=report, actor=cast.office, rating=90)
    assert report.status == DepartmentReport.Status.APPROVED and report.is_frozen
    assert not report.is_late
    measurement = Measurement.objects.get(indicator=rated)
    assert measurement.value == Decimal("95.5") and measurement.confirmed
    with pytest.raises(Conflict, match="不能再修改"):
        fill(report, cast.liaison, text="改一下")
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(report.pk), object_type="reports.departmentreport"
        ).values_list("action", flat=True)
    )
    assert set(actions) >= {"report.submit", "report.sign_off", "report.approve"}


def test_submitting_after_the_deadline_is_accepted_and_marked_late(cast, period):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    report = report_submit(report=report, actor=cast.liaison, today=period.deadline + dt.timedelta(days=1))
    assert report.status == DepartmentReport.Status.SUBMITTED
    assert report.is_late


def test_a_report_with_an_empty_task_cannot_be_submitted(cast, period):
    report = report_of(cast, period)
    with pytest.raises(ApplicationError, match="尚未填写进展情况"):
        report_submit(report=report, actor=cast.liaison)


def test_a_value_missing_its_target_needs_an_explanation(cast, period, rated):
    report = report_of(cast, period)
    fill(report, cast.liaison, value="90")
    with pytest.raises(ApplicationError, match="制造业监督抽查合格率"):
        report_submit(report=report, actor=cast.liaison)
    value = report.values.get()
    result = report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={},
        values={value.pk: {"value": "90", "gap_explanation": "受停产企业影响", "version": value.version}},
    )
    assert result.ok
    assert report_submit(report=report, actor=cast.liaison).status == DepartmentReport.Status.SUBMITTED


def test_a_value_exactly_on_target_needs_no_explanation(cast, period, rated):
    report = report_of(cast, period)
    fill(report, cast.liaison, value="93")
    assert report_submit(report=report, actor=cast.liaison).status == DepartmentReport.Status.SUBMITTED


def test_office_return_goes_back_to_draft_with_comments_then_resubmits(cast, period):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    report_submit(report=report, actor=cast.liaison)
    report_sign_off(report=report, actor=cast.head)
    entry = report.entries.get()
    report = report_return(report=report, actor=cast.office, comments={entry.pk: "请补充抽查批次和合格率"})
    assert report.status == DepartmentReport.Status.DRAFT and report.return_count == 1
    entry.refresh_from_db()
    assert entry.returned and entry.office_comment == "请补充抽查批次和合格率"
    fill(report, cast.liaison, text="抽查120批次，合格率95%")
    report_submit(report=report, actor=cast.liaison)
    entry.refresh_from_db()
    assert not entry.returned


def test_return_without_a_comment_is_refused(cast, period):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    report_submit(report=report, actor=cast.liaison)
    report_sign_off(report=report, actor=cast.head)
    with pytest.raises(ApplicationError, match="至少"):
        report_return(report=report, actor=cast.office, comments={})


def test_correction_after_approval_is_a_new_version_and_both_stay(cast, period):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    report_submit(report=report, actor=cast.liaison)
    report_sign_off(report=report, actor=cast.head)
    report_approve(report=report, actor=cast.office)
    new = report_correct(report=report, actor=cast.liaison)
    assert new.version == 2 and new.supersedes_id == report.pk and new.is_editable
    assert new.entries.get().progress == "已完成抽查120批次"
    report.refresh_from_db()
    assert report.status == DepartmentReport.Status.APPROVED
    assert list(DepartmentReport.objects.current().filter(department=cast.department)) == [new]
    with pytest.raises(Conflict, match="已有更正版本"):
        report_correct(report=report, actor=cast.liaison)


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (report_sign_off, "liaison"),
        (report_approve, "liaison"),
        (report_approve, "head"),
        (report_submit, "head"),
        (report_submit, "office"),
        (report_approve, "outsider_office"),
    ],
)
def test_each_step_is_only_for_its_role(cast, period, action, who):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    if action is not report_submit:
        report_submit(report=report, actor=cast.liaison)
    if action is report_approve and who != "head":
        report_sign_off(report=report, actor=cast.head)
    with pytest.raises(PermissionDenied):
        action(report=report, actor=getattr(cast, who))


def test_a_liaison_cannot_save_another_departments_report(cast, period, other_liaison):
    report = report_of(cast, period)
    with pytest.raises(PermissionDenied):
        fill(report, other_liaison)


def test_the_lead_sees_the_participating_departments_part(cast, period, other_liaison):
    from reports.selectors import report_page

    joined = DepartmentReport.objects.get(period=period, department=cast.other_department)
    fill(joined, other_liaison, text="住建局完成工程质量检查")
    page = report_page(report=report_of(cast, period))
    parts = page.parts_by_task[cast.task.pk]
    assert [(p.report.department.name, p.progress) for p in parts] == [("市住建局", "住建局完成工程质量检查")]


def test_entries_keep_who_saved_them_last(cast, period):
    report = report_of(cast, period)
    fill(report, cast.liaison)
    assert TaskEntry.objects.get(report=report).updated_by == cast.liaison
