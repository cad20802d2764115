"""The assessment's rules at their edges: nothing due, not rated, late by one working day, the
reporter against the participant, a target nobody reports, and a period still open.

The cast: 市市场监管局 leads the task, 市住建局 joins it; the scheme is the default 30/20/30/20."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.compile import assessment_compile, effective_weights, require_final_result
from assessment.models import CriterionKind
from assessment.periods import AssessmentPeriod
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, at, months, run_tasks_here, submit
from qualitycity.errors import Conflict
from reports.models import DepartmentReport
from reports.services import period_close, period_ensure, period_open, report_submit
from targets.models import Measurement
from tests.factories import AssignmentFactory, DepartmentFactory, IndicatorFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.django_db

ON_TIME, COMPLETENESS, TARGETS, RATING = (
    CriterionKind.ON_TIME,
    CriterionKind.COMPLETENESS,
    CriterionKind.TARGETS,
    CriterionKind.RATING,
)


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch, settings, tmp_path):
    run_tasks_here(monkeypatch)
    settings.PRIVATE_ROOT = tmp_path


def compile_quarter(cast, as_of=AFTER):
    return assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=as_of)


def scores_of(assessment, department) -> dict:
    return {s.kind: s for s in assessment.results.get(department=department).scores.all()}


def reported_target(cast, name, reporter, *, measured=None, value=90):
    """A target on the cast's task whose indicator `reporter` reports, measured in March."""
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name=name,
        unit="%",
        aggregation="latest",
        reporting_department=reporter,
    )
    if measured is not None:
        Measurement.objects.create(
            indicator=indicator,
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
            value=measured,
        )
    return TargetFactory(task=cast.task, indicator=indicator, comparator=">=", value=value)


def page_text(response) -> str:
    """The page as read: the markup taken out, so sentences split by a <strong> still match."""
    assert response.status_code == 200
    return re.sub(r"<[^>]+>", "", response.content.decode())


def provisional_block(text: str) -> str:
    """The page's warning of a provisional result, its reasons listed one per line, as one line."""
    start = text.index("暂定结果：")
    return re.sub(r"\s+", "", text[start : text.index("暂定结果不能发布", start)])


def close(*periods):
    for period in periods:
        period_close(period=period)


# Nothing due ----------------------------------------------------------------------------------


def test_compiled_before_the_first_deadline_nobody_gets_points_for_nothing(client, cast):
    # given January open, its deadline (5 February) not yet passed, nothing submitted
    months(cast, 1)
    january = AssessmentPeriod("month", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    # when January is compiled on 3 February
    assessment = assessment_compile(plan=cast.plan, period=january, as_of=dt.date(2026, 2, 3))
    # then no unit is ranked, and none is given 80 points for reports not yet due
    assert not assessment.results.exists()
    assert assessment.summary["departments"] == 0
    assert sorted(u["department"] for u in assessment.summary["not_ranked"]) == ["市住建局", "市市场监管局"]
    assert (
        assessment.summary["not_ranked"][0]["reason"]
        == "无应报月报、无应填报任务、无应考核目标、未评分，不参加排名"
    )
    # and the office's page says so, and that the result is provisional
    client.force_login(cast.office)
    html = page_text(client.get(reverse("assessment:assessment_detail", args=[assessment.pk])))
    assert "不参加排名" in html and "市住建局：无应报月报" in html
    assert provisional_block(html).startswith("暂定结果：2026年1月报送期尚未截止（截止2月5日）")


def test_a_criterion_with_nothing_due_does_not_apply_and_the_others_are_rescaled_to_100(client, cast):
    # given a quarter 市市场监管局 reported in full, on time, unrated, with no target it reports
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
    # when compiled
    assessment = compile_quarter(cast)
    scores = scores_of(assessment, cast.department)
    # then targets and rating do not apply, give nothing and say why
    for kind, note in ((TARGETS, "本单位不报送本方案目标的指标数据"), (RATING, "质强办尚未评分")):
        assert (scores[kind].applies, scores[kind].computed, scores[kind].effective_weight) == (
            False,
            Decimal(0),
            Decimal(0),
        )
        assert scores[kind].lost == [f"{note}，不计此项；其余各项按比例折算"]
    # and on-time and completeness (30 and 20) weigh 60 and 40: full marks are 100, not 50
    assert (scores[ON_TIME].effective_weight, scores[COMPLETENESS].effective_weight) == (
        Decimal(60),
        Decimal(40),
    )
    assert assessment.results.get(department=cast.department).total == Decimal(100)
    # and the page marks what does not apply and what was rescaled
    client.force_login(cast.office)
    html = page_text(client.get(reverse("assessment:assessment_detail", args=[assessment.pk])))
    assert "不适用" in html and "折算为60" in html and "折算为40" in html


def test_rescaled_weights_always_add_up_to_the_full_base():
    weights = [Decimal(30), Decimal(20), Decimal(30), Decimal(20)]
    assert effective_weights(weights, [True, True, True, True]) == weights
    assert effective_weights(weights, [True, False, True, True]) == [
        Decimal("37.50"),
        Decimal(0),
        Decimal("37.50"),
        Decimal("25.00"),
    ]
    thirds = effective_weights(weights, [True, True, False, True])  # 30/20/20 of 70
    assert thirds == [Decimal("42.86"), Decimal("28.57"), Decimal(0), Decimal("28.57")]
    assert sum(thirds) == 100
    assert effective_weights(weights, [False] * 4) == [Decimal(0)] * 4


def test_a_report_never_submitted_scores_nothing_for_on_time_or_completeness(cast):
    # given a quarter whose deadlines have all passed, 市住建局 never submitting
    months(cast, 1, 2, 3)
    scores = scores_of(compile_quarter(cast), cast.other_department)
    # then its draft reports count as due and missing: nothing on either criterion
    assert (scores[ON_TIME].applies, scores[ON_TIME].computed, scores[ON_TIME].raw) == (True, 0, "按时 0/3")
    assert scores[ON_TIME].lost[-1] == "2026年3月月报未报送（截止4月7日），扣20分"
    assert (scores[COMPLETENESS].computed, scores[COMPLETENESS].raw) == (0, "已填报 0/3（0.00%）")


def test_a_month_whose_report_never_asked_about_the_plan_is_not_due(cast):
    # given 市住建局 leads a second task of the plan only after January's reports were opened
    (jan,) = months(cast, 1)
    second = TaskFactory(plan=cast.plan, number="2", path=["2"], title="推进建筑工程品质提升")
    AssignmentFactory(task=second, department=cast.other_department, role="lead")
    feb, mar = months(cast, 2, 3)
    for period in (jan, feb, mar):
        submit(period, cast.other_department)
    # when compiled
    scores = scores_of(compile_quarter(cast), cast.other_department)
    # then the second task is expected from February on only (January's report never asked)
    assert scores[COMPLETENESS].raw == "已填报 5/5（100.00%）"


# Not rated ------------------------------------------------------------------------------------


def test_not_yet_rated_gives_no_free_points_and_a_rating_counts_once_given(cast):
    # given 市市场监管局 rated for January only, 市住建局 not rated at all, both on time
    jan, feb, mar = months(cast, 1, 2, 3)
    for period in (jan, feb, mar):
        submit(period, cast.department, rating=60 if period == jan else None)
        submit(period, cast.other_department)
    assessment = compile_quarter(cast)
    mine, theirs = scores_of(assessment, cast.department), scores_of(assessment, cast.other_department)
    # then the unrated unit's rating does not apply (it was 20 of 20 "未评分" before)
    assert (theirs[RATING].applies, theirs[RATING].raw, theirs[RATING].score) == (False, "未评分", 0)
    # and the rated one's counts, on its rescaled weight: 30/20/20 of 70 → rating 28.57 × 60%
    assert (mine[RATING].applies, mine[RATING].effective_weight) == (True, Decimal("28.57"))
    assert mine[RATING].computed == Decimal("17.14")
    assert assessment.results.get(department=cast.department).total == Decimal("88.57")
    assert assessment.results.get(department=cast.other_department).total == Decimal(100)


# Late by one working day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "month,submitted,on_time",
    [
        # April's deadline, 5 May, falls in the May Day holiday: it moves to Wednesday 6 May
        (4, dt.date(2026, 5, 6), True),
        (4, dt.date(2026, 5, 7), False),
        # May's deadline is Friday 5 June; Monday 8 June is one working day late
        (5, dt.date(2026, 6, 5), True),
        (5, dt.date(2026, 6, 8), False),
    ],
)
def test_a_report_one_working_day_late_scores_nothing_for_on_time(cast, month, submitted, on_time):
    # given the month's report submitted by the liaison on the day
    (period,) = months(cast, month)
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    report.entries.update(progress="按计划推进")
    report_submit(report=report, actor=cast.liaison, today=submitted)
    # (the service stamps the real time; the report keeps the day it was submitted on)
    DepartmentReport.objects.filter(pk=report.pk).update(submitted_at=at(submitted, 17))
    close(period)
    # when the month is compiled after its deadline
    start = dt.date(2026, month, 1)
    month_period = AssessmentPeriod("month", start, period.end)
    scores = scores_of(
        assessment_compile(plan=cast.plan, period=month_period, as_of=dt.date(2026, 6, 30)), cast.department
    )
    # then on time keeps the on-time points; a day late loses them all, and says when
    assert period.deadline == {4: dt.date(2026, 5, 6), 5: dt.date(2026, 6, 5)}[month]
    # (no target reported, not rated: on-time 30 and completeness 20 weigh 60 and 40)
    assert scores[ON_TIME].computed == (Decimal(60) if on_time else 0)
    if not on_time:
        late = (submitted - period.deadline).days
        assert scores[ON_TIME].lost == [
            f"{period.label}月报逾期{late}天提交（截止{period.deadline.month}月{period.deadline.day}日，"
            f"{submitted.month}月{submitted.day}日提交），扣60分"
        ]
    # and the progress it did write still counts for completeness
    assert scores[COMPLETENESS].computed == scores[COMPLETENESS].effective_weight


# Reporter against participant -----------------------------------------------------------------


def test_a_target_counts_for_the_unit_that_reports_its_indicator_not_for_every_unit_on_the_task(cast):
    # given two targets on the task: one whose figure 市市场监管局 (the lead) reports and never
    # did, one whose figure 市住建局 (the participant) reports and met
    reported_target(cast, "制造业监督抽查合格率", cast.department)
    reported_target(cast, "工程质量验收合格率", cast.other_department, measured=98)
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=100)
        submit(period, cast.other_department, rating=100)
    assessment = compile_quarter(cast)
    mine, theirs = scores_of(assessment, cast.department), scores_of(assessment, cast.other_department)
    # then the lead answers for its own figure only: 0 of 30
    assert (mine[TARGETS].raw, mine[TARGETS].computed) == ("达标或进度正常 0/1", 0)
    assert mine[TARGETS].lost == [
        f"目标「制造业监督抽查合格率 ≥ 90%」（任务{cast.task.path_label}）未报送数据，扣30分"
    ]
    # and the participant does not lose points for the lead's figure: 30 of 30 for its own
    assert (theirs[TARGETS].raw, theirs[TARGETS].computed) == ("达标或进度正常 1/1", 30)
    assert assessment.results.get(department=cast.other_department).total == Decimal(100)
    assert assessment.summary["unreported_targets"] == []


def test_a_participant_reporting_no_target_is_not_held_to_the_leads(cast):
    reported_target(cast, "制造业监督抽查合格率", cast.department, measured=50)
    for period in months(cast, 1, 2, 3):
        submit(period, cast.other_department)
    theirs = scores_of(compile_quarter(cast), cast.other_department)
    assert (theirs[TARGETS].applies, theirs[TARGETS].raw) == (False, "无应考核目标")
    assert theirs[TARGETS].lost == ["本单位不报送本方案目标的指标数据，不计此项；其余各项按比例折算"]


# Nobody reporting -----------------------------------------------------------------------------


def test_a_target_nobody_reports_counts_for_nobody_and_is_listed_for_the_office(client, cast):
    # given a target with no reporting department, and one reported by a unit on no task of the plan
    reported_target(cast, "质量竞争力指数", None)
    statistics = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市统计局", code="tjj")
    reported_target(cast, "规上工业增加值增速", statistics, value=6)
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=100)
    assessment = compile_quarter(cast)
    # then neither counts against the task's lead or participant
    for department in (cast.department, cast.other_department):
        assert scores_of(assessment, department)[TARGETS].raw == "无应考核目标"
    assert assessment.results.get(department=cast.department).total == Decimal(100)
    assert not assessment.results.filter(department=statistics).exists()
    # and the office is told which targets nobody answers for, and why
    assert [(t["indicator"], t["reason"]) for t in assessment.summary["unreported_targets"]] == [
        ("质量竞争力指数", "指标未指定报送部门"),
        ("规上工业增加值增速", "报送部门「市统计局」未承担本方案在执行的任务，不参加本方案考核"),
    ]
    url = reverse("assessment:assessment_detail", args=[assessment.pk])
    client.force_login(cast.office)
    html = page_text(client.get(url))
    assert "2个目标无单位报送指标数据" in html
    assert (
        f"质量竞争力指数 ≥ 90%（任务{cast.task.path_label}「加强制造业质量提升」）：指标未指定报送部门"
        in html
    )
    # (the list is the office's to act on: a leader reads the ranking without it)
    client.force_login(cast.leader)
    assert "无单位报送指标数据" not in page_text(client.get(url))


# A period still open --------------------------------------------------------------------------


def test_compiling_while_a_month_is_open_gives_a_provisional_result_that_cannot_be_published(client, cast):
    # given the quarter's months, March still open on 5 April (its deadline is 7 April)
    jan, feb, mar = months(cast, 1, 2, 3)
    close(jan, feb)
    for period in (jan, feb):
        submit(period, cast.department)
    assessment = compile_quarter(cast, as_of=dt.date(2026, 4, 5))
    # then the result is provisional, and says why
    assert assessment.provisional
    assert assessment.summary["provisional_reasons"] == ["2026年3月报送期尚未截止（截止4月7日）"]
    # and March, not yet due, costs nobody anything
    assert scores_of(assessment, cast.department)[ON_TIME].raw == "按时 2/2"
    # and the page warns, and offers no publishing
    client.force_login(cast.office)
    response = client.get(reverse("assessment:assessment_detail", args=[assessment.pk]))
    # the reasons listed one per line, then what to do
    assert (
        provisional_block(page_text(response))
        == "暂定结果：2026年3月报送期尚未截止（截止4月7日）截止后请重新计算，"
    )
    assert reverse("assessment:assessment_publish", args=[assessment.pk]) not in response.content.decode()
    with pytest.raises(Conflict, match="暂定结果不能发布"):
        require_final_result(assessment=assessment)

    # when March's deadline has passed but the period is not yet closed, it is still provisional
    assessment = compile_quarter(cast, as_of=dt.date(2026, 4, 8))
    assert assessment.summary["provisional_reasons"] == ["2026年3月报送期尚未关闭（截止4月7日）"]

    # when March is closed and the quarter compiled again, the result is final and may be published
    close(mar)
    assessment = compile_quarter(cast, as_of=dt.date(2026, 4, 8))
    assert not assessment.provisional and assessment.summary["provisional_reasons"] == []
    require_final_result(assessment=assessment)
    response = client.get(reverse("assessment:assessment_detail", args=[assessment.pk]))
    assert "暂定结果" not in page_text(response)
    assert reverse("assessment:assessment_publish", args=[assessment.pk]) in response.content.decode()


def test_a_period_not_yet_over_is_provisional_even_with_every_month_so_far_closed(cast):
    year = AssessmentPeriod("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    close(*months(cast, 1, 2))
    assessment = assessment_compile(plan=cast.plan, period=year, as_of=dt.date(2026, 3, 20))
    assert assessment.provisional
    assert assessment.summary["provisional_reasons"] == ["考核期至2026年12月31日尚未结束"]


def test_a_final_score_set_by_the_office_keeps_the_compiles_findings(cast):
    from assessment.services import score_set_final

    reported_target(cast, "质量竞争力指数", None)
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
    assessment = compile_quarter(cast)
    score = scores_of(assessment, cast.department)[ON_TIME]
    score_set_final(score=score, actor=cast.office, final=Decimal(20), reason="2月系统故障")
    assessment.refresh_from_db()
    assert assessment.summary["unreported_targets"][0]["indicator"] == "质量竞争力指数"
    assert assessment.results.get(department=cast.department).total == Decimal(60)  # 20 + 40


# Cost -----------------------------------------------------------------------------------------


def test_the_compile_reads_in_a_number_of_queries_that_does_not_grow_with_the_units(cast):
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=90)
    reported_target(cast, "制造业监督抽查合格率", cast.department, measured=95)
    compile_quarter(cast)  # the first compile creates the scheme

    def queries():
        with CaptureQueriesContext(connection) as captured:
            compile_quarter(cast)
        return len(captured)

    two_units = queries()
    # given four more units on the task, each with a quarter of reports and a target it reports
    for n in range(4):
        unit = DepartmentFactory(jurisdiction=cast.jurisdiction, name=f"区镇{n}", code=f"qz{n}")
        AssignmentFactory(task=cast.task, department=unit, role="participating")
        reported_target(cast, f"指标{n}", unit, measured=95)
    for number in (1, 2, 3):
        period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=number))
    assert queries() == two_units
