"""Who may act on a report and a period: each access function returns the object to the allowed
role, 403 to a role of the same city that may not, 404 to anyone who cannot see it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from reports.access import (
    period_get_for_office,
    period_get_for_overseer,
    report_get_for_department,
    report_get_for_head,
    report_get_for_liaison,
    report_get_for_office,
)
from reports.models import DepartmentReport
from reports.services import report_save_draft, report_submit

ALLOWED, REFUSED, HIDDEN = "allowed", PermissionDenied, Http404


def answer(function, user, pk):
    try:
        function(user=user, pk=pk)
    except (PermissionDenied, Http404) as exc:
        return type(exc)
    return ALLOWED


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (
            report_get_for_department,
            {"liaison": ALLOWED, "head": ALLOWED, "office": REFUSED, "leader": REFUSED},
        ),
        (report_get_for_liaison, {"liaison": ALLOWED, "head": REFUSED, "office": REFUSED, "leader": REFUSED}),
        (report_get_for_head, {"liaison": REFUSED, "head": ALLOWED, "office": REFUSED, "leader": REFUSED}),
        (report_get_for_office, {"liaison": REFUSED, "head": REFUSED, "office": ALLOWED, "leader": REFUSED}),
    ],
)
def test_each_role_gets_the_report_it_may_act_on_and_no_other(
    cast, period, other_liaison, function, expected
):
    # given
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    # when
    got = {who: answer(function, getattr(cast, who), report.pk) for who in expected}
    # then: another department's liaison and another city's office do not see it at all
    assert got == expected
    assert answer(function, other_liaison, report.pk) is HIDDEN
    assert answer(function, cast.outsider_office, report.pk) is HIDDEN


def test_the_office_runs_a_period_that_leaders_only_read(cast, period):
    assert answer(period_get_for_office, cast.office, period.pk) == ALLOWED
    assert answer(period_get_for_office, cast.leader, period.pk) is REFUSED
    assert answer(period_get_for_overseer, cast.leader, period.pk) == ALLOWED
    assert answer(period_get_for_overseer, cast.liaison, period.pk) is REFUSED
    assert answer(period_get_for_overseer, cast.outsider_office, period.pk) is HIDDEN


def test_saving_a_submitted_report_is_answered_as_a_conflict_for_the_pages_script(client, cast, period):
    # given a submitted report
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    report_save_draft(
        report=report, actor=cast.liaison, entries={entry.pk: {"progress": "完成", "version": 0}}, values={}
    )
    report_submit(report=report, actor=cast.liaison)
    client.force_login(cast.liaison)
    # when the page's script saves it again
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"entry-{entry.pk}-progress": "再改", f"entry-{entry.pk}-version": entry.version + 1},
        headers={"x-requested-with": "fetch"},
    )
    # then the refusal comes back as JSON, with the reason, and nothing changes
    assert response.status_code == 409
    assert "不能再修改" in response.json()["error"]
    entry.refresh_from_db()
    assert entry.progress == "完成"


def test_a_refused_workflow_step_is_a_message_on_the_report(client, cast, period):
    # given a draft, which the office cannot approve yet
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    client.force_login(cast.office)
    # when
    response = client.post(f"/reports/{report.pk}/approve/", follow=True)
    # then
    assert response.redirect_chain == [(f"/reports/{report.pk}/", 302)]
    assert "当前状态（草稿）不能执行此操作" in response.content.decode()
