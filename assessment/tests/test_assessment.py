"""The assessment: each criterion on data built for it, bonus, penalty, veto, ties, re-runs,
publication, self-assessment, periods, files."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from assessment.compile import AssessmentFrozen, PlanNotInForce, assessment_compile, ranks
from assessment.exporters import assessment_files_render
from assessment.models import Assessment, AssessmentRun, CriterionKind
from assessment.periods import assessment_period, last_closed_periods
from assessment.services import (
    assessment_publish,
    assessment_run_request,
    item_add,
    scheme_update,
    score_set_final,
    self_assessment_submit,
)
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, closed, months, run_tasks_here, submit
from programmes.editor import plan_archive, task_withdraw
from programmes.models import Plan
from qualitycity.errors import ApplicationError, Conflict
from targets.models import Measurement
from tests.factories import AssignmentFactory, IndicatorFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    run_tasks_here(monkeypatch)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def compile_quarter(cast, **kwargs):
    return assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER, **kwargs)


def score_of(assessment, department, kind):
    return assessment.results.get(department=department).scores.get(kind=kind)


# Criteria ------------------------------------------------------------------------------------


def test_on_time_rate_loses_a_share_per_late_or_missing_report_and_says_how_late(cast):
    # given a quarter: January on time, February four days late, March never submitted
    jan, feb, _mar = months(cast, 1, 2, 3)
    submit(jan, cast.department)
    submit(feb, cast.department, on=feb.deadline + dt.timedelta(days=4))
    # when the quarter is compiled
    score = score_of(compile_quarter(cast), cast.department, CriterionKind.ON_TIME)
    # then one report in three was on time; with no target it reports and no rating, on-time and
    # completeness are rescaled to the full 100 (30 → 60): 60 × 1/3, and both misses are explained
    assert score.raw == "按时 1/3"
    assert (score.weight, score.effective_weight) == (Decimal(30), Decimal(60))
    assert score.computed == Decimal("20.00")
    assert score.lost == [
        "2026年2月月报逾期4天提交（截止3月5日，3月9日提交），扣20分",
        "2026年3月月报未报送（截止4月7日），扣20分",
    ]


def test_completeness_counts_tasks_with_progress_in_submitted_reports_and_names_the_task(cast):
    # given a second task for 市市场监管局, left blank in February
    second = TaskFactory(plan=cast.plan, number="2", path=["2"], title="开展质量品牌建设")
    AssignmentFactory(task=second, department=cast.department)
    jan, feb, mar = months(cast, 1, 2, 3)
    for period in (jan, feb, mar):
        submit(period, cast.department)
    feb_report = feb.reports.get(department=cast.department)
    feb_report.entries.filter(task=second).update(progress="")
    # when compiled
    score = score_of(compile_quarter(cast), cast.department, CriterionKind.COMPLETENESS)
    # then 5 of 6 task-months count: 40 (20 rescaled, as targets and rating do not apply) × 5/6
    assert score.computed == Decimal("33.33")
    assert score.lost == ["任务2「开展质量品牌建设」有1期未填报进展（2026年2月），扣6.67分"]


def test_targets_keep_full_share_when_met_half_at_risk_none_off_track_and_skip_awaiting_statistics(cast):
    # given four targets whose indicators 市市场监管局 reports, measured at the end of March, and
    # a quarter reported in full and rated (every criterion applies: the weights stay 30/20/30/20)
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=100)

    def target(name, value, measured, source="reported"):
        indicator = IndicatorFactory(
            jurisdiction=cast.jurisdiction,
            name=name,
            unit="%",
            aggregation="latest",
            source=source,
            reporting_department=cast.department,
        )
        if measured is not None:
            Measurement.objects.create(
                indicator=indicator,
                period_start=dt.date(2026, 3, 1),
                period_end=dt.date(2026, 3, 31),
                value=measured,
            )
        return TargetFactory(task=cast.task, indicator=indicator, comparator=">=", value=value)

    target("制造业监督抽查合格率", 93, 95)  # met
    target("产品质量合格率", 90, 85)  # 5.6% short: at risk
    target("服务质量满意度", 90, 60)  # off track
    target("质量竞争力指数", 85, None, source="statistics")  # awaiting data, not counted
    # when compiled
    score = score_of(compile_quarter(cast), cast.department, CriterionKind.TARGETS)
    # then three targets count, 10 points each: 10 + 5 + 0
    assert score.raw == "达标或进度正常 1/3"
    assert score.computed == Decimal("15.00")
    assert any(
        "「产品质量合格率 ≥ 90%」（任务" in line and "存在风险" in line and "扣5分" in line
        for line in score.lost
    )
    assert any("服务质量满意度" in line and "明显滞后，当前60%" in line for line in score.lost)
    # and the participating department, which reports none of them, is not held to them
    other = score_of(compile_quarter(cast), cast.other_department, CriterionKind.TARGETS)
    assert (other.raw, other.applies, other.computed) == ("无应考核目标", False, Decimal(0))


def test_the_offices_rating_is_the_average_of_approved_reports(cast):
    jan, feb, _mar = months(cast, 1, 2, 3)
    submit(jan, cast.department, rating=90)
    submit(feb, cast.department, rating=70)
    score = score_of(compile_quarter(cast), cast.department, CriterionKind.RATING)
    # no target to hold it to: 30/20/20 rescaled to 100, rating 20 → 28.57; 28.57 × 80/100
    assert score.effective_weight == Decimal("28.57")
    assert score.computed == Decimal("22.86")
    assert score.lost == ["质强办评分平均80分（2026年1月90分、2026年2月70分），扣5.71分"]


# Bonus, penalty, veto, grades, ranks --------------------------------------------------------


def test_bonus_is_capped_penalty_subtracted_and_both_carry_their_reasons(cast):
    # given a department with a full score before adjustments
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=100)
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="bonus",
        points=Decimal(4),
        reason="获全国质量奖",
        occurred_on=dt.date(2026, 2, 1),
    )
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="bonus",
        points=Decimal(3),
        reason="省级质量标杆",
        occurred_on=dt.date(2026, 3, 1),
    )
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="penalty",
        points=Decimal(8),
        reason="被省通报批评",
        occurred_on=dt.date(2026, 3, 2),
    )
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="penalty",
        points=Decimal(50),
        reason="上一季度的事",
        occurred_on=dt.date(2025, 12, 31),
    )
    # when compiled
    result = compile_quarter(cast).results.get(department=cast.department)
    # then bonus 7 is capped at 5, penalty 8 counts, the December item does not; total within 100
    assert (result.base, result.bonus, result.penalty) == (Decimal(100), Decimal(5), Decimal(8))
    assert result.total == Decimal(97)
    assert [a["reason"] for a in result.adjustments] == ["获全国质量奖", "省级质量标杆", "被省通报批评"]


def test_an_adjustment_needs_a_reason(cast):
    with pytest.raises(ApplicationError, match="事由"):
        item_add(
            plan=cast.plan,
            department=cast.department,
            actor=cast.office,
            kind="penalty",
            points=Decimal(2),
            reason="  ",
            occurred_on=dt.date(2026, 3, 2),
        )


def test_a_veto_forces_grade_d_and_ranks_after_everyone_whatever_the_score(cast):
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department, rating=100)
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="veto",
        points=Decimal(0),
        reason="发生重大质量安全事故",
        occurred_on=dt.date(2026, 3, 15),
    )
    assessment = compile_quarter(cast)
    vetoed = assessment.results.get(department=cast.department)
    other = assessment.results.get(department=cast.other_department)
    assert vetoed.total > other.total
    assert (vetoed.grade, vetoed.vetoed, vetoed.rank) == ("D", True, 2)
    assert other.rank == 1


def test_equal_totals_share_a_place_and_the_next_place_is_skipped():
    assert ranks(
        [(False, Decimal(90)), (False, Decimal(95)), (False, Decimal(90)), (False, Decimal(80))]
    ) == [2, 1, 2, 4]
    assert ranks([(True, Decimal(99)), (False, Decimal(50))]) == [2, 1]


def test_two_departments_with_the_same_total_share_the_rank_in_a_compiled_assessment(cast):
    # given two departments with a quarter due and nothing submitted: the same total
    months(cast, 1, 2, 3)
    assessment = compile_quarter(cast)
    assert sorted(assessment.results.values_list("rank", flat=True)) == [1, 1]


def test_grades_follow_the_offices_thresholds(cast):
    scheme_update(
        plan=cast.plan,
        actor=cast.office,
        weights={"on_time": 40, "completeness": 20, "targets": 20, "rating": 20},
        grade_a=Decimal(95),
        grade_b=Decimal(85),
        grade_c=Decimal(40),
        bonus_cap=Decimal(5),
        year_start_month=1,
    )
    jan, feb, _mar = months(cast, 1, 2, 3)
    submit(jan, cast.department, rating=100)
    submit(feb, cast.department, rating=100)
    # no target to hold it to: 40/20/20 rescaled to 50/25/25; two months of three on time and
    # complete, rated 100: 33.33 + 16.67 + 25 = 75 → C
    result = compile_quarter(cast).results.get(department=cast.department)
    assert (result.total, result.grade) == (Decimal(75), "C")


def test_scheme_weights_must_add_up_to_100(cast):
    with pytest.raises(ApplicationError, match="合计应为100分"):
        scheme_update(
            plan=cast.plan,
            actor=cast.office,
            weights={"on_time": 50, "completeness": 20, "targets": 20, "rating": 20},
            grade_a=Decimal(90),
            grade_b=Decimal(80),
            grade_c=Decimal(60),
            bonus_cap=Decimal(5),
            year_start_month=1,
        )


# Re-runs and publication ----------------------------------------------------------------------


def test_a_rerun_replaces_the_draft_and_keeps_the_offices_final_scores(cast):
    months(cast, 1, 2, 3)
    first = compile_quarter(cast)
    score = score_of(first, cast.department, CriterionKind.ON_TIME)
    score_set_final(score=score, actor=cast.office, final=Decimal(15), reason="3月系统故障，已电话报送")
    # when compiled again
    second = compile_quarter(cast)
    # then one draft remains, the new one, with the office's final score carried over
    assert list(Assessment.objects.filter(plan=cast.plan).values_list("pk", flat=True)) == [second.pk]
    carried = score_of(second, cast.department, CriterionKind.ON_TIME)
    assert (carried.final, carried.final_reason) == (Decimal(15), "3月系统故障，已电话报送")
    # 15 (final) + 0 complete; targets and rating do not apply and give nothing
    assert second.results.get(department=cast.department).total == Decimal(15)


def test_a_provisional_assessment_is_not_published(cast):
    months(cast, 1, 2, 3)  # open: their reports may still change
    assessment = compile_quarter(cast)
    assert assessment.provisional
    with pytest.raises(Conflict, match="暂定结果不能发布"):
        assessment_publish(assessment=assessment, actor=cast.office)
    assert Assessment.objects.get().status == "draft"


def test_a_published_assessment_is_frozen_and_a_rerun_is_refused(cast):
    closed(months(cast, 1, 2, 3))
    assessment = assessment_publish(assessment=compile_quarter(cast), actor=cast.office)
    with pytest.raises(AssessmentFrozen):
        compile_quarter(cast)
    with pytest.raises(AssessmentFrozen):
        assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    with pytest.raises(AssessmentFrozen):
        score_set_final(
            score=score_of(assessment, cast.department, "rating"),
            actor=cast.office,
            final=Decimal(1),
            reason="x",
        )
    assert Assessment.objects.get().status == "published"


def test_asking_twice_for_a_compile_gives_one_job(cast, django_capture_on_commit_callbacks):
    months(cast, 1, 2, 3)
    # when the office clicks twice before the job runs
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
        again = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    # then there is one job, queued once
    assert first.pk == again.pk
    assert AssessmentRun.objects.count() == 1
    assert len(queued) == 1


def test_a_job_compiles_renders_files_and_points_at_its_result(cast, django_capture_on_commit_callbacks):
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
    # when the job runs (eagerly, without REDIS_URL)
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    run.refresh_from_db()
    # then it succeeded with its result and the three files
    assert (run.status, run.progress, run.attempts) == ("success", 100, 1)
    assert run.assessment.xlsx and run.assessment.pdf and run.assessment.docx
    # and running the same job again changes nothing (safe to run twice)
    from assessment.services import assessment_run_execute

    assert assessment_run_execute(run_id=run.pk).assessment_id == run.assessment_id


# Plans and tasks not in force -----------------------------------------------------------------


def test_a_withdrawn_task_leaves_its_leads_completeness_and_targets_and_its_reports_stay(cast):
    # given a second task 市市场监管局 leads, with a target it met, reported all quarter
    second = TaskFactory(plan=cast.plan, number="2", path=["2"], title="开展质量品牌建设")
    AssignmentFactory(task=second, department=cast.department)
    indicator = IndicatorFactory(jurisdiction=cast.jurisdiction, name="品牌培育数", unit="个")
    TargetFactory(task=second, indicator=indicator, comparator=">=", value=3)
    Measurement.objects.create(
        indicator=indicator, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31), value=5
    )
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
    # when the office withdraws it and the quarter is compiled
    task_withdraw(plan=cast.plan, actor=cast.office, task=second, reason="并入品牌建设专项")
    assessment = compile_quarter(cast)
    # then only the task in force counts, and it has no target
    assert score_of(assessment, cast.department, CriterionKind.COMPLETENESS).raw == "已填报 3/3（100.00%）"
    assert score_of(assessment, cast.department, CriterionKind.TARGETS).raw == "无应考核目标"
    # and the withdrawn task's three months of progress are still there
    assert second.entries.exclude(progress="").count() == 3


def test_a_compile_job_for_a_plan_archived_meanwhile_fails_saying_why(
    cast, django_capture_on_commit_callbacks
):
    # given a compile queued, and the plan archived before the job runs
    months(cast, 1, 2, 3)
    with django_capture_on_commit_callbacks(execute=False):
        run = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    plan_archive(plan=cast.plan, actor=cast.office, reason="本年度工作已完成")
    # when the job runs
    from assessment.services import assessment_run_execute

    run = assessment_run_execute(run_id=run.pk)
    # then it failed, saying why, and wrote nothing
    assert run.status == AssessmentRun.Status.FAILED
    assert run.error == "《甲市质量强市工作要点》已归档，不再考核"
    assert not Assessment.objects.exists()


def test_a_draft_plan_is_not_assessed(cast):
    months(cast, 1, 2, 3)
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    cast.plan.refresh_from_db()
    with pytest.raises(PlanNotInForce, match="还是草稿"):
        compile_quarter(cast)


# Self-assessment -----------------------------------------------------------------------------


def test_the_office_sees_the_self_score_beside_the_computed_one_and_must_give_a_reason_to_differ(cast):
    months(cast, 1, 2, 3)
    self_assessment_submit(
        plan=cast.plan,
        department=cast.department,
        period=FIRST_QUARTER,
        actor=cast.liaison,
        scores={"on_time": {"score": Decimal(30), "justification": "3月系统故障，已电话报送"}},
    )
    score = score_of(compile_quarter(cast), cast.department, CriterionKind.ON_TIME)
    assert (score.self_score, score.computed) == (Decimal(30), Decimal(0))
    assert score.self_justification == "3月系统故障，已电话报送"
    with pytest.raises(ApplicationError, match="请填写理由"):
        score_set_final(score=score, actor=cast.office, final=Decimal(20), reason="")
    score_set_final(score=score, actor=cast.office, final=Decimal(20), reason="3月确有系统故障，1、2月未报送")
    assert score_of(Assessment.objects.get(), cast.department, "on_time").final == Decimal(20)


def test_a_self_score_is_within_the_criterions_weight_and_only_for_ones_own_department(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ApplicationError, match="0到30分"):
        self_assessment_submit(
            plan=cast.plan,
            department=cast.department,
            period=FIRST_QUARTER,
            actor=cast.liaison,
            scores={"on_time": {"score": Decimal(31)}},
        )
    with pytest.raises(PermissionDenied):
        self_assessment_submit(
            plan=cast.plan,
            department=cast.other_department,
            period=FIRST_QUARTER,
            actor=cast.liaison,
            scores={"on_time": {"score": Decimal(1)}},
        )


# Periods --------------------------------------------------------------------------------------


def test_an_assessment_year_may_run_july_to_june():
    year = assessment_period(kind="year", year=2025, year_start_month=7)
    assert (year.start, year.end, year.label) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30), "2025—2026年度")
    third = assessment_period(kind="quarter", year=2025, number=3, year_start_month=7)
    assert (third.start, third.end, third.label) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        "2026年第一季度",
    )
    odd = assessment_period(kind="quarter", year=2025, number=2, year_start_month=8)
    assert odd.label == "2025年11月至2026年1月"


def test_a_july_to_june_year_counts_the_reports_of_both_calendar_years(cast):
    cast.plan.year_start = 2025
    cast.plan.save()
    from reports.services import period_ensure, period_open

    dec = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2025, month=12))
    jun = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=6))
    period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=7))  # next year
    submit(dec, cast.department)
    submit(jun, cast.department, on=jun.deadline + dt.timedelta(days=1))
    year = assessment_period(kind="year", year=2025, year_start_month=7)
    score = score_of(
        assessment_compile(plan=cast.plan, period=year, as_of=dt.date(2026, 8, 1)), cast.department, "on_time"
    )
    assert score.raw == "按时 1/2"


def test_the_schedule_compiles_the_month_and_the_quarter_and_year_it_closes():
    kinds = [(p.kind, p.start) for p in last_closed_periods(today=dt.date(2026, 7, 8), year_start_month=7)]
    assert kinds == [
        ("month", dt.date(2026, 6, 1)),
        ("quarter", dt.date(2026, 4, 1)),
        ("year", dt.date(2025, 7, 1)),
    ]


# Files ----------------------------------------------------------------------------------------


def test_the_three_files_hold_the_ranking_and_each_departments_details(cast):
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    jan, feb, _mar = months(cast, 1, 2, 3)
    submit(feb, cast.department, on=feb.deadline + dt.timedelta(days=4))
    assessment = assessment_files_render(assessment=compile_quarter(cast))
    workbook = load_workbook(io.BytesIO(assessment.xlsx.read()))
    assert workbook.sheetnames == ["考核排名", "市市场监管局", "市住建局"]
    ranking = [[c.value for c in row] for row in workbook["考核排名"].iter_rows()]
    assert any(row[:2] == [1, "市市场监管局"] for row in ranking)  # the rank is a number
    details = " ".join(str(c.value) for row in workbook["市市场监管局"].iter_rows() for c in row if c.value)
    assert "2026年2月月报逾期4天提交" in details

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(assessment.pdf.read())).pages)
    assert "2026年第一季度考核结果的通报" in text.replace(" ", "").replace("\n", "")
    assert "逾期4天" in text.replace(" ", "")

    document = docx.Document(io.BytesIO(assessment.docx.read()))
    assert "考核结果的通报" in document.paragraphs[0].text
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "2026年2月月报逾期4天提交" in cells  # each department's table in 附件2
    assert document.tables[0].rows[1].cells[1].text == "市市场监管局"
    assert len(document.inline_shapes) == 1  # the chart, as a picture
