"""The office edits a plan's targets and its jurisdiction's indicators in the portal: each change
through the web client, each rule's refusal (naming the field, nothing saved), the jurisdiction
boundary, and a commitment changed at mid-year still judging earlier periods by the old one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from programmes.models import Plan, PlanRevision
from responsibilities.models import AuditEvent, Department
from targets import editor
from targets.models import Indicator, Measurement, Target, TargetHistory
from targets.status import TargetStatus, commitment_at, target_status, target_statuses, targets_with_series
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    IndicatorFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
)
from tests.test_hostile_input import EXAMPLES, assert_safe, hostile_number, hostile_text


@pytest.fixture
def rate(cast):
    """The city's 合格率 indicator, reported by 市市场监管局."""
    return IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name="制造业监督抽查合格率",
        unit="%",
        reporting_department=cast.department,
    )


@pytest.fixture
def target(cast, rate):
    """≥ 90% on the active plan's task, due at the end of 2026."""
    return TargetFactory(
        task=cast.task, indicator=rate, comparator=">=", value=Decimal(90), due_date=dt.date(2026, 12, 31)
    )


def create_url(task) -> str:
    return reverse("targets:target_create", args=[task.pk])


def edit_url(target) -> str:
    return reverse("targets:target_edit", args=[target.pk])


def form_data(**fields) -> dict:
    """A complete target form, as the browser posts it, with the fields given replaced."""
    data = {
        "indicator": "",
        "indicator_name": "",
        "indicator_unit": "",
        "reporting_department": "",
        "aggregation": "",
        "comparator": ">=",
        "value": "",
        "value_max": "",
        "stretch": "",
        "baseline": "",
        "due_date": "",
        "text": "",
        "effective_from": "",
        "reason": "省里调整考核口径",
    }
    data.update({key: "" if value is None else value for key, value in fields.items()})
    return data


def unchanged(plan: Plan):
    """What must stay as it was after a refusal: the targets, indicators, history, the plan's
    revision counter, its revisions and the audit trail."""
    plan.refresh_from_db()
    return (
        list(Target.objects.order_by("pk").values_list("pk", "comparator", "value", "value_max", "stretch")),
        Indicator.objects.count(),
        TargetHistory.objects.count(),
        plan.revision,
        PlanRevision.objects.count(),
        AuditEvent.objects.count(),
    )


# Creating, editing, deleting ------------------------------------------------------------------


def test_office_adds_a_target_on_a_new_indicator_typed_with_full_width_digits(client, cast):
    # given the office on the active plan's task
    client.force_login(cast.office)
    last_audit = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    # when it adds 合格率 ≥ ９３．５% (a Chinese input method's digits) as a new indicator
    response = client.post(
        create_url(cast.task),
        form_data(
            indicator_name="食品抽检合格率",
            indicator_unit="%",
            value="９３．５",
            stretch="95",
            baseline="1,000",
        ),
    )
    # then it is back on the task in the plan editor, the target stored with its numbers read
    assert response.status_code == 302
    assert response.url == reverse("programmes:plan_edit", args=[cast.plan.pk]) + f"#task-{cast.task.pk}"
    target = Target.objects.get(task=cast.task)
    assert (target.comparator, target.value, target.stretch, target.baseline) == (
        ">=",
        Decimal("93.5"),
        Decimal(95),
        Decimal(1000),
    )
    # and the new indicator is the city's, reported by the task's lead unit, read as a rate
    indicator = target.indicator
    assert (indicator.jurisdiction, indicator.unit, indicator.reporting_department) == (
        cast.jurisdiction,
        "%",
        cast.department,
    )
    assert indicator.aggregation == Indicator.Aggregation.LATEST
    # and the change is one revision of the active plan (after its issued version) and one audit row
    cast.plan.refresh_from_db()
    assert cast.plan.revision == 1
    assert list(cast.plan.revisions.order_by("number").values_list("number", "reason")) == [
        (0, "印发版本"),
        (1, "省里调整考核口径"),
    ]
    (audit,) = AuditEvent.objects.filter(pk__gt=last_audit)
    assert audit.action == "target.create"
    assert "食品抽检合格率 ≥ 93.5%（力争 95%）" in audit.summary


def test_office_picks_an_indicator_already_used_and_sets_who_reports_it(client, cast, rate):
    client.force_login(cast.office)
    # when it picks the city's 合格率 for a count-like range and names 市住建局 as reporter, summing
    response = client.post(
        create_url(cast.task),
        form_data(
            indicator=rate.pk,
            comparator="range",
            value="2",
            value_max="3",
            reporting_department=cast.other_department.pk,
            aggregation="sum",
            due_date="2026-06-30",
            text="新增…2-3个",
        ),
    )
    # then the target is on that indicator and the indicator is now reported by 市住建局
    assert response.status_code == 302
    target = Target.objects.get(task=cast.task)
    assert target.indicator == rate
    assert (target.value, target.value_max, target.due_date, target.text) == (
        Decimal(2),
        Decimal(3),
        dt.date(2026, 6, 30),
        "新增…2-3个",
    )
    rate.refresh_from_db()
    assert (rate.reporting_department, rate.aggregation) == (cast.other_department, "sum")
    assert Indicator.objects.filter(jurisdiction=cast.jurisdiction).count() == 1


def test_the_edit_form_shows_numbers_as_printed_and_dates_as_iso(client, cast, target):
    # given a target stored as 90.0000 with a due date
    client.force_login(cast.office)
    # when the office opens it
    html = client.get(edit_url(target)).content.decode()
    # then the number reads 90, the date 2026-12-31, and the department shown is the indicator's
    assert 'name="value" value="90"' in html
    assert 'type="date" name="due_date" value="2026-12-31"' in html
    assert f'<option value="{cast.department.pk}" selected>' in html
    # and an active plan asks when the change takes effect and why
    assert 'name="effective_from"' in html
    assert 'name="reason"' in html


def test_a_draft_plans_target_changes_without_a_reason_or_a_kept_commitment(client, cast, target):
    # given a draft plan
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    client.force_login(cast.office)
    assert 'name="reason"' not in client.get(edit_url(target)).content.decode()
    # when its target goes from ≥ 90 to ≥ 95 with no reason
    data = form_data(indicator=target.indicator_id, value="95", reason="")
    response = client.post(edit_url(target), data)
    # then it is changed, with no history and no revision (a draft's changes are not revisions)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 95
    assert TargetHistory.objects.count() == 0
    assert PlanRevision.objects.count() == 0
    assert AuditEvent.objects.filter(action="target.update").count() == 1


def test_office_deletes_a_target_and_its_indicator_stays(client, cast, target):
    client.force_login(cast.office)
    # when the office deletes it with a reason
    response = client.post(reverse("targets:target_delete", args=[target.pk]), {"reason": "指标已取消"})
    # then it is gone, the indicator kept, and back to the task
    assert response.status_code == 302
    assert response.url.endswith(f"#task-{cast.task.pk}")
    assert not Target.objects.filter(pk=target.pk).exists()
    assert Indicator.objects.filter(pk=target.indicator_id).exists()
    assert AuditEvent.objects.filter(action="target.delete").count() == 1


def test_deleting_is_a_post_with_a_confirmation(client, cast, target):
    client.force_login(cast.office)
    assert client.get(reverse("targets:target_delete", args=[target.pk])).status_code == 405
    html = client.get(edit_url(target)).content.decode()
    assert 'data-confirm="' in html[html.index(reverse("targets:target_delete", args=[target.pk])) :]


def test_deleting_from_an_active_plan_needs_a_reason(client, cast, target):
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    response = client.post(reverse("targets:target_delete", args=[target.pk]), {"reason": ""})
    assert response.status_code == 302 and response.url == edit_url(target)
    assert unchanged(cast.plan) == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["调整原因：执行中的方案每次调整都要写明原因"]


# Refusals ---------------------------------------------------------------------------------------


REFUSALS = [
    # (what is posted, the message shown)
    ({"comparator": "range", "value": "3", "value_max": "2"}, "区间上限：区间上限须大于区间下限"),
    ({"comparator": "range", "value": "3", "value_max": "3"}, "区间上限：区间上限须大于区间下限"),
    ({"comparator": "range", "value": "2"}, "区间上限：区间目标须填写上限"),
    ({"comparator": ">=", "value": "93", "value_max": "95"}, "区间上限：只有“区间”目标填写上限"),
    ({"comparator": ">=", "value": "93", "stretch": "90"}, "力争值：须高于目标值93"),
    ({"comparator": ">", "value": "93", "stretch": "93"}, "力争值：须高于目标值93"),
    ({"comparator": "<=", "value": "0.30", "stretch": "0.40"}, "力争值：须低于目标值0.3"),
    ({"comparator": "=", "value": "1", "stretch": "2"}, "力争值：“等于”目标不设力争值"),
    ({"comparator": "range", "value": "2", "value_max": "3", "stretch": "4"}, "力争值：“区间”目标不设力争值"),
    ({"comparator": "increase", "stretch": "4"}, "力争值：“逐年增长”目标不设力争值"),
    ({"comparator": "decrease", "value": "4"}, "目标值：“逐年下降”不填目标值"),
    ({"comparator": ">="}, "目标值：请填写目标值"),
    ({"comparator": "≥", "value": "93"}, "请选择列表中的比较方式"),
    ({"value": "九十三"}, "请输入数字"),
    ({"value": "NaN"}, "请输入数字"),
    ({"value": "inf"}, "请输入数字"),
    ({"value": "93", "stretch": "1e400"}, "确认总共不超过 18 个数字"),
    ({"value": "93.00001"}, "确认小数不超过 4 位"),
    ({"value": "93", "reason": ""}, "调整原因：执行中的方案每次调整都要写明原因"),
    ({"value": "93", "due_date": "2025-12-31"}, "完成日期：不能早于方案起始年度（2026年）"),
    ({"value": "93", "due_date": "明天"}, "请输入正确的日期"),
    ({"value": "93", "indicator": ""}, "指标：请选择已有指标，或填写新指标的名称"),
]


@pytest.mark.parametrize(("fields", "message"), REFUSALS)
def test_a_target_the_rules_refuse_is_not_saved_and_the_form_says_why(client, cast, rate, fields, message):
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    # when a target is added with the flaw
    response = client.post(create_url(cast.task), form_data(**({"indicator": rate.pk} | fields)))
    # then the form comes back with the message, and nothing was saved
    assert response.status_code == 200
    assert message in response.content.decode()
    assert unchanged(cast.plan) == before


@pytest.mark.parametrize(("fields", "message"), REFUSALS[:12])
def test_a_change_the_rules_refuse_leaves_the_target_as_it_was(client, cast, target, fields, message):
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    response = client.post(edit_url(target), form_data(indicator=target.indicator_id, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert unchanged(cast.plan) == before


def test_a_withdrawn_task_gets_no_targets_and_keeps_the_ones_it_has(client, cast, target):
    # given the task withdrawn
    cast.task.withdrawn_at = timezone.now()
    cast.task.save()
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    message = "工作任务：该任务已撤销，不能添加、修改或删除目标"
    # when the office adds, changes and deletes a target of it
    added = client.post(create_url(cast.task), form_data(indicator=target.indicator_id, value="95"))
    changed = client.post(edit_url(target), form_data(indicator=target.indicator_id, value="95"))
    deleted = client.post(reverse("targets:target_delete", args=[target.pk]), {"reason": "x"})
    # then each is refused, and nothing changed
    assert message in added.content.decode()
    assert message in changed.content.decode()
    assert [str(m) for m in deleted.wsgi_request._messages] == [message]
    assert unchanged(cast.plan) == before


def test_an_archived_plans_targets_are_read_only(client, cast, target):
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.ARCHIVED)
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    response = client.post(edit_url(target), form_data(indicator=target.indicator_id, value="95"))
    assert "方案已归档，只能查看" in response.content.decode()
    assert unchanged(cast.plan) == before


def test_the_reporting_department_must_be_an_active_unit_of_the_plans_jurisdiction(client, cast, rate):
    collective = DepartmentFactory(
        jurisdiction=cast.jurisdiction, name="各成员单位", kind=Department.Kind.COLLECTIVE
    )
    retired = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市质监局", is_active=False)
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    for department in (collective, retired, elsewhere):
        # through the form
        response = client.post(
            create_url(cast.task),
            form_data(indicator=rate.pk, value="93", reporting_department=department.pk),
        )
        assert "须为本行政区在用的单位" in response.content.decode()
        # and through the rule itself
        with pytest.raises(editor.TargetEditError) as refused:
            editor.target_create(
                task=cast.task,
                actor=cast.office,
                reason="x",
                data={
                    "indicator": rate,
                    "comparator": ">=",
                    "value": "93",
                    "reporting_department": department,
                },
            )
        assert (refused.value.field, str(refused.value)) == (
            "reporting_department",
            "报送部门：须为本行政区在用的单位（不能是集合名称）",
        )
    assert unchanged(cast.plan) == before


def test_the_indicator_must_be_of_the_plans_jurisdiction(client, cast):
    theirs = IndicatorFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市合格率")
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    response = client.post(create_url(cast.task), form_data(indicator=theirs.pk, value="93"))
    assert "只能选用本行政区的指标" in response.content.decode()
    assert "乙市合格率" not in response.content.decode()
    with pytest.raises(editor.TargetEditError) as refused:
        editor.target_create(
            task=cast.task,
            actor=cast.office,
            reason="x",
            data={"indicator": theirs.pk, "comparator": ">=", "value": 93},
        )
    assert (refused.value.field, str(refused.value)) == ("indicator", "指标：只能选用本行政区的指标")
    assert unchanged(cast.plan) == before


def test_the_rules_refuse_numbers_that_are_no_numbers_even_past_the_form(cast, rate):
    for value, message in (
        ("NaN", "目标值：“NaN”不是数字"),
        (Decimal("NaN"), "目标值：请填写有限的数字"),
        (float("inf"), "目标值：请填写有限的数字"),
        ("1e20", "目标值：数值过大"),
        ("0.00001", "目标值：最多4位小数"),
    ):
        with pytest.raises(editor.TargetEditError) as refused:
            editor.target_create(
                task=cast.task,
                actor=cast.office,
                reason="x",
                data={"indicator": rate, "comparator": ">=", "value": value},
            )
        assert str(refused.value) == message
    assert not Target.objects.exists()


# Who may ---------------------------------------------------------------------------------------


def write_requests(cast, target, rate):
    return [
        ("get", create_url(cast.task), None),
        ("post", create_url(cast.task), form_data(indicator=rate.pk, value="95")),
        ("get", edit_url(target), None),
        ("post", edit_url(target), form_data(indicator=rate.pk, value="95")),
        ("post", reverse("targets:target_delete", args=[target.pk]), {"reason": "x"}),
        ("get", reverse("targets:indicator_edit", args=[rate.pk]), None),
        ("post", reverse("targets:indicator_edit", args=[rate.pk]), {"name": "改名", "aggregation": "sum"}),
    ]


@pytest.mark.parametrize(
    ("who", "answer"), [("leader", 403), ("liaison", 403), ("head", 403), ("outsider_office", 404)]
)
def test_only_the_office_of_the_plans_jurisdiction_edits_targets_and_indicators(
    client, cast, target, rate, who, answer
):
    client.force_login(getattr(cast, who))
    before = unchanged(cast.plan)
    for method, url, data in write_requests(cast, target, rate):
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == answer, (method, url)
    assert unchanged(cast.plan) == before
    rate.refresh_from_db()
    assert rate.name == "制造业监督抽查合格率"


def test_anonymous_users_are_sent_to_sign_in(client, cast, target, rate):
    for method, url, data in write_requests(cast, target, rate):
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_another_citys_office_cannot_use_this_citys_indicator_or_department(client, cast, rate):
    # given 乙市's office on a task of its own plan
    task = TaskFactory(plan=cast.outsider_plan)
    client.force_login(cast.outsider_office)
    # when it posts 甲市's indicator, or a new indicator reported by 甲市's department
    picked = client.post(create_url(task), form_data(indicator=rate.pk, value="93"))
    named = client.post(
        create_url(task),
        form_data(indicator_name="合格率", value="93", reporting_department=cast.department.pk),
    )
    # then both are refused
    assert "只能选用本行政区的指标" in picked.content.decode()
    assert "须为本行政区在用的单位" in named.content.decode()
    assert not Target.objects.filter(task=task).exists()
    assert not Indicator.objects.filter(jurisdiction=cast.outsider_jurisdiction).exists()


# The commitment changed at mid-year ---------------------------------------------------------------


def measure(indicator, month: int, value) -> None:
    start = dt.date(2026, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    Measurement.objects.create(indicator=indicator, period_start=start, period_end=end, value=Decimal(value))


def test_a_mid_year_change_keeps_judging_earlier_periods_by_the_earlier_commitment(client, cast, target):
    # given 92% measured in June and in September against ≥ 90%
    measure(target.indicator, 6, "92")
    measure(target.indicator, 9, "92")
    client.force_login(cast.office)
    # when the office raises the target to ≥ 95% from 1 July
    response = client.post(
        edit_url(target),
        form_data(
            indicator=target.indicator_id, value="95", effective_from="2026-07-01", reason="省考核目标提高"
        ),
    )
    assert response.status_code == 302
    # then ≥ 90% is kept as in force until 30 June
    kept = TargetHistory.objects.get(target=target)
    assert (kept.valid_until, kept.comparator, kept.value, kept.commitment) == (
        dt.date(2026, 6, 30),
        ">=",
        Decimal(90),
        "≥ 90%",
    )
    # and June is met (92 ≥ 90), September is not (92 < 95), by every path to a status
    june, september = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
    targets = Target.objects.filter(pk=target.pk)
    assert target_statuses(targets, as_of=june) == {target.pk: TargetStatus.MET}
    assert target_statuses(targets, as_of=september) == {target.pk: TargetStatus.AT_RISK}
    measurements = list(Measurement.objects.filter(indicator=target.indicator))
    target.refresh_from_db()
    assert target_status(target, measurements=measurements, as_of=june) == TargetStatus.MET
    assert target_status(target, measurements=measurements, as_of=september) == TargetStatus.AT_RISK
    # and the commitment shown for each date is the one in force then
    assert commitment_at(target, june).commitment == "≥ 90%"
    assert commitment_at(target, september).commitment == "≥ 95%"
    assert target.value == 95  # commitment_at never changes the target it is given
    (loaded,) = targets_with_series(targets, as_of=june)
    assert (loaded.value, loaded.commitment_until) == (Decimal(90), dt.date(2026, 6, 30))


def test_changes_at_several_dates_keep_each_commitment_for_its_own_periods(cast, target):
    # given ≥ 90 until June, ≥ 95 from July, ≥ 97 from October
    editor.target_update(
        target=target, actor=cast.office, reason="a", effective_from=dt.date(2026, 7, 1), data={"value": 95}
    )
    editor.target_update(
        target=target, actor=cast.office, reason="b", effective_from="2026-10-01", data={"value": 97}
    )
    assert list(TargetHistory.objects.values_list("valid_until", "value")) == [
        (dt.date(2026, 6, 30), Decimal(90)),
        (dt.date(2026, 9, 30), Decimal(95)),
    ]
    # when the office moves the last change back to 1 September, at ≥ 96
    editor.target_update(
        target=target, actor=cast.office, reason="c", effective_from="2026-09-01", data={"value": 96}
    )
    # then ≥ 95 held only in July and August; ≥ 97 never held
    assert list(TargetHistory.objects.values_list("valid_until", "value")) == [
        (dt.date(2026, 6, 30), Decimal(90)),
        (dt.date(2026, 8, 31), Decimal(95)),
    ]
    target.refresh_from_db()
    values = {
        day: commitment_at(target, day).value
        for day in (dt.date(2026, 5, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30))
    }
    assert values == {dt.date(2026, 5, 31): 90, dt.date(2026, 8, 31): 95, dt.date(2026, 9, 30): 96}
    # and a change from the plan's first day replaces every earlier commitment
    editor.target_update(
        target=target, actor=cast.office, reason="d", effective_from="2026-01-01", data={"value": 91}
    )
    assert not TargetHistory.objects.exists()


def test_a_change_of_due_date_or_text_alone_keeps_no_history(cast, target):
    editor.target_update(
        target=target,
        actor=cast.office,
        reason="x",
        data={"value": "90.0", "due_date": "2026-09-30", "text": "原文"},
    )
    assert not TargetHistory.objects.exists()
    target.refresh_from_db()
    assert (target.due_date, target.text) == (dt.date(2026, 9, 30), "原文")


def test_the_change_takes_effect_from_the_first_of_this_month_unless_told(cast, target):
    editor.target_update(target=target, actor=cast.office, reason="x", data={"value": 95})
    first = timezone.localdate().replace(day=1)
    assert TargetHistory.objects.get().valid_until == first - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2025-12-01", "生效日期：不能早于方案起始日期2026-01-01"),
        ("future", "生效日期：不能晚于一年以后"),
    ],
)
def test_the_effective_date_lies_within_the_plan_and_a_year_ahead(client, cast, target, day, message):
    if day == "future":
        day = (timezone.localdate() + dt.timedelta(days=370)).isoformat()
    client.force_login(cast.office)
    before = unchanged(cast.plan)
    response = client.post(
        edit_url(target), form_data(indicator=target.indicator_id, value="95", effective_from=day)
    )
    assert message in response.content.decode()
    assert unchanged(cast.plan) == before


def test_picking_another_indicator_when_editing_keeps_that_indicators_department(client, cast, target):
    # given another indicator of the city reported by 市住建局
    other = IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="竣工验收合格率", reporting_department=cast.other_department
    )
    client.force_login(cast.office)
    # when the office picks it, leaving the department the form showed (the old indicator's)
    response = client.post(
        edit_url(target),
        form_data(
            indicator=other.pk, value="90", reporting_department=cast.department.pk, aggregation="latest"
        ),
    )
    # then the target moves to it and it is still reported by 市住建局
    assert response.status_code == 302
    target.refresh_from_db()
    other.refresh_from_db()
    assert (target.indicator, other.reporting_department) == (other, cast.other_department)


# Statuses read the history in one query -------------------------------------------------------------


def test_the_kept_commitments_cost_one_query_whatever_the_number_of_targets(cast):
    def make(n):
        plan = PlanFactory(jurisdiction=cast.jurisdiction)
        for i in range(n):
            indicator = IndicatorFactory(jurisdiction=cast.jurisdiction)
            target = TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, value=10)
            TargetHistory.objects.create(
                target=target, valid_until=dt.date(2026, 6, 30), comparator=">=", value=5, commitment="≥ 5%"
            )
            TargetHistory.objects.create(
                target=target, valid_until=dt.date(2026, 3, 31), comparator=">=", value=4, commitment="≥ 4%"
            )
            measure(indicator, 3, i)
        return Target.objects.filter(task__plan=plan)

    small, large = make(2), make(12)
    with CaptureQueriesContext(connection) as few:
        targets_with_series(small, as_of=dt.date(2026, 5, 31))
    with CaptureQueriesContext(connection) as many:
        loaded = targets_with_series(large, as_of=dt.date(2026, 5, 31))
    # as without kept commitments: the targets (with the commitment in force, in the same query),
    # and the window's sums and latest values, read together
    assert len(few) == len(many) == 2
    assert {t.value for t in loaded} == {5}  # the one in force on 31 May, not 31 March's


# Indicators -------------------------------------------------------------------------------------


def test_office_edits_an_indicator_once_for_every_plan(client, cast, target, rate):
    client.force_login(cast.office)
    response = client.post(
        reverse("targets:indicator_edit", args=[rate.pk]),
        {
            "name": "制造业产品监督抽查合格率",
            "unit": "%",
            "aggregation": "average",
            "source": "statistics",
            "reporting_department": cast.other_department.pk,
            "description": "",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#indicator-{rate.pk}")
    rate.refresh_from_db()
    assert (rate.name, rate.aggregation, rate.source, rate.reporting_department) == (
        "制造业产品监督抽查合格率",
        "average",
        "statistics",
        cast.other_department,
    )
    (audit,) = AuditEvent.objects.filter(action="indicator.update")
    assert audit.before == {
        "name": "制造业监督抽查合格率",
        "aggregation": "latest",
        "source": "reported",
        "reporting_department": "市市场监管局",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "已有指标", "unit": "%"}, "指标名称：本行政区已有“已有指标”（%）这一指标"),
        ({"reporting_department": "elsewhere"}, "须为本行政区在用的单位"),
        ({"reporting_department": ""}, "这个字段是必填项"),
        ({"name": ""}, "这个字段是必填项"),
        ({"aggregation": "max"}, "选择一个有效的选项"),
    ],
)
def test_an_indicator_change_the_rules_refuse_is_not_saved(client, cast, rate, fields, message):
    IndicatorFactory(jurisdiction=cast.jurisdiction, name="已有指标", unit="%")
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction)
    data = {
        "name": rate.name,
        "unit": rate.unit,
        "aggregation": "latest",
        "source": "reported",
        "reporting_department": cast.department.pk,
    } | fields
    if data["reporting_department"] == "elsewhere":
        data["reporting_department"] = elsewhere.pk
    client.force_login(cast.office)
    audits = AuditEvent.objects.count()
    response = client.post(reverse("targets:indicator_edit", args=[rate.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    rate.refresh_from_db()
    assert (rate.name, rate.reporting_department) == ("制造业监督抽查合格率", cast.department)
    assert AuditEvent.objects.count() == audits


def test_indicator_create_refuses_a_department_of_another_jurisdiction(cast):
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction)
    with pytest.raises(editor.TargetEditError) as refused:
        editor.indicator_create(
            jurisdiction=cast.jurisdiction,
            actor=cast.office,
            data={"name": "新指标", "unit": "件", "reporting_department": elsewhere},
        )
    assert refused.value.field == "reporting_department"
    created = editor.indicator_create(
        jurisdiction=cast.jurisdiction,
        actor=cast.office,
        data={"name": "新增注册商标", "unit": "件", "reporting_department": cast.department},
    )
    assert created.aggregation == Indicator.Aggregation.SUM
    assert AuditEvent.objects.filter(action="indicator.create").count() == 1


def test_everyone_of_the_city_reads_its_indicators_and_only_the_office_sees_edit_links(
    client, cast, target, rate
):
    for who in ("office", "leader", "liaison"):
        client.force_login(getattr(cast, who))
        html = client.get(reverse("targets:indicator_list")).content.decode()
        assert "制造业监督抽查合格率" in html and "≥ 90%" in html and cast.plan.title in html
        has_links = reverse("targets:indicator_edit", args=[rate.pk]) in html
        assert has_links is (who == "office"), who
        assert (edit_url(target) in html) is (who == "office"), who


def test_another_citys_office_sees_only_its_own_indicators(client, cast, rate):
    theirs = IndicatorFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市指标")
    client.force_login(cast.outsider_office)
    html = client.get(
        reverse("targets:indicator_list") + f"?jurisdiction={cast.jurisdiction.pk}"
    ).content.decode()
    assert theirs.name in html
    assert rate.name not in html


def test_a_user_of_several_jurisdictions_chooses_which_to_read(client, cast, rate):
    from tests.factories import MembershipFactory

    MembershipFactory(user=cast.office, jurisdiction=cast.outsider_jurisdiction, role="leader")
    theirs = IndicatorFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市指标")
    client.force_login(cast.office)
    html = client.get(
        reverse("targets:indicator_list") + f"?jurisdiction={cast.outsider_jurisdiction.pk}"
    ).content.decode()
    assert theirs.name in html and rate.name not in html
    assert reverse("targets:indicator_edit", args=[theirs.pk]) not in html  # a leader there, not its office
    assert 'name="jurisdiction"' in html


def test_the_indicator_list_takes_the_same_queries_however_many_indicators(client, cast):
    client.force_login(cast.office)
    url = reverse("targets:indicator_list")
    client.get(url)

    def grow(n):
        for _ in range(n):
            indicator = IndicatorFactory(jurisdiction=cast.jurisdiction, reporting_department=cast.department)
            TargetFactory(task=TaskFactory(plan=cast.plan), indicator=indicator)
            TargetFactory(
                task=TaskFactory(plan=PlanFactory(jurisdiction=cast.jurisdiction)), indicator=indicator
            )

    grow(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # session, user, roles, the user's jurisdictions, the indicators with their departments,
    # their targets with tasks and plans
    assert len(few) == len(many)


def test_the_lead_unit_reports_a_new_indicator_unless_told_and_a_task_without_one_asks(client, cast):
    task = TaskFactory(plan=cast.plan)  # no departments assigned
    collective = DepartmentFactory(
        jurisdiction=cast.jurisdiction, name="各成员单位", kind=Department.Kind.COLLECTIVE
    )
    AssignmentFactory(task=task, department=collective)
    client.force_login(cast.office)
    response = client.post(
        create_url(task), form_data(indicator_name="新指标", indicator_unit="家", value="3")
    )
    assert "报送部门：请选择报送该指标的单位" in response.content.decode()
    assert not Indicator.objects.filter(name="新指标").exists()


# Hostile input -----------------------------------------------------------------------------------


@EXAMPLES
@given(value=hostile_number, stretch=hostile_number, name=hostile_text, text=hostile_text, day=hostile_text)
def test_hostile_values_in_the_target_form_are_refused_or_stored_safely(
    client, cast, value, stretch, name, text, day
):
    client.force_login(cast.office)
    response = client.post(
        create_url(cast.task),
        form_data(
            indicator_name=name, indicator_unit="%", value=value, stretch=stretch, text=text, due_date=day
        ),
    )
    assert_safe(response)
    for target in Target.objects.filter(task=cast.task):
        assert target.value is None or target.value.is_finite()
        assert_safe(client.get(edit_url(target)))
    assert_safe(client.get(reverse("targets:indicator_list")))
