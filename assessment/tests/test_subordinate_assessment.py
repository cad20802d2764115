"""Assessing subordinate jurisdictions: a city's plan, with its scheme's subject set to 下级行政区,
ranks the counties it delegated tasks to, each listed as the city's unit that stands for it
(昆山市人民政府), on the county's own data on the delegated tasks.

The data: 苏州市's plan has two tasks, both delegated to 太仓市 and 昆山市 (and to 常熟市, which no
unit of 苏州市 stands for). In each county 市市场监管局 leads the copy of task 1 (with a target on
the county's own indicator) and 市住建局 the copy of task 2; both report in the county's months of
the first quarter of 2026. 昆山市 reports everything on time and meets its target; 太仓市's 市住建局
leaves January's progress blank and reports March three days late, and 太仓市's target is off
track. The scheme is the default 30/20/30/20: the office's rating does not apply to a county, so
on-time, completeness and targets weigh 37.5, 25 and 37.5.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment.compile import assessment_compile, assessment_compute, scheme_as_compiled, scheme_ensure
from assessment.exporters import assessment_render
from assessment.models import AssessmentScheme, CriterionKind
from assessment.periods import AssessmentPeriod
from assessment.services import item_add, scheme_update
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, run_tasks_here, submit
from programmes.models import Delegation, Plan
from qualitycity.errors import ApplicationError
from reports.models import DepartmentReport
from reports.services import period_ensure, period_open
from responsibilities.models import Jurisdiction
from targets.models import Measurement
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    IndicatorFactory,
    JurisdictionFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

ON_TIME, COMPLETENESS, TARGETS, RATING = (
    CriterionKind.ON_TIME,
    CriterionKind.COMPLETENESS,
    CriterionKind.TARGETS,
    CriterionKind.RATING,
)
JURISDICTIONS = AssessmentScheme.Subject.JURISDICTIONS


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch, settings, tmp_path):
    run_tasks_here(monkeypatch)
    settings.PRIVATE_ROOT = tmp_path


@dataclass
class County:
    jurisdiction: Jurisdiction
    government: object  # the city's unit standing for the county
    market: object
    housing: object
    tasks: list
    target: object
    periods: list


def delegate(plan: Plan, child: Jurisdiction, tasks: list) -> list:
    """The child's copies of the tasks, in its plan of the parent plan's delegated tasks, as
    programmes.delegation makes them."""
    host = PlanFactory(
        jurisdiction=child,
        parent_plan=plan,
        kind=Plan.Kind.DELEGATED,
        title=f"{plan.title}（{plan.jurisdiction.name}下发任务）",
    )
    copies = []
    for task in tasks:
        copy = TaskFactory(plan=host, number=task.number, path=list(task.path), title=task.title)
        Delegation.objects.create(task=task, jurisdiction=child, child_task=copy)
        copies.append(copy)
    return copies


def county_build(cast, name: str, *, measured: Decimal, tasks: list) -> County:
    """A county under the cast's city, the city's unit standing for it, the plan's tasks delegated
    to it, its two departments assigned to the copies, its target measured in March, and its
    first quarter's months opened."""
    child = JurisdictionFactory(name=name, parent=cast.jurisdiction, level=Jurisdiction.Level.COUNTY)
    government = DepartmentFactory(jurisdiction=cast.jurisdiction, name=f"{name}人民政府", represents=child)
    market = DepartmentFactory(jurisdiction=child, name="市市场监管局")
    housing = DepartmentFactory(jurisdiction=child, name="市住建局")
    copies = delegate(cast.plan, child, tasks)
    AssignmentFactory(task=copies[0], department=market)
    AssignmentFactory(task=copies[1], department=housing)
    indicator = IndicatorFactory(
        jurisdiction=child,
        name="制造业产品质量合格率",
        unit="%",
        aggregation="latest",
        reporting_department=market,
    )
    Measurement.objects.create(
        indicator=indicator, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31), value=measured
    )
    target = TargetFactory(task=copies[0], indicator=indicator, comparator=">=", value=93)
    periods = [period_open(period=period_ensure(jurisdiction=child, year=2026, month=m)) for m in (1, 2, 3)]
    return County(child, government, market, housing, copies, target, periods)


@pytest.fixture
def city(cast):
    """苏州市's plan with two tasks delegated to 太仓市 (late once, a blank entry, off track),
    昆山市 (all on time and complete, target met) and 常熟市 (no unit of 苏州市 stands for it);
    the scheme assesses the subordinate jurisdictions."""
    cast.jurisdiction.name = "苏州市"
    cast.jurisdiction.save()
    months(cast, 1, 2, 3)  # the plan runs in 2026 (the city's own months are not read)
    second = TaskFactory(plan=cast.plan, title="推进建设工程质量提升")
    AssignmentFactory(task=second, department=cast.other_department)
    tasks = [cast.task, second]
    taicang = county_build(cast, "太仓市", measured=Decimal(80), tasks=tasks)
    kunshan = county_build(cast, "昆山市", measured=Decimal(95), tasks=tasks)
    changshu = JurisdictionFactory(name="常熟市", parent=cast.jurisdiction, level=Jurisdiction.Level.COUNTY)
    delegate(cast.plan, changshu, tasks)
    jan, feb, mar = taicang.periods
    submit(jan, taicang.market)
    submit(jan, taicang.housing)
    DepartmentReport.objects.get(period=jan, department=taicang.housing).entries.update(progress="")
    submit(feb, taicang.market)
    submit(feb, taicang.housing)
    submit(mar, taicang.market)
    submit(mar, taicang.housing, on=mar.deadline + dt.timedelta(days=3))
    for period in kunshan.periods:
        submit(period, kunshan.market)
        submit(period, kunshan.housing)
    AssessmentScheme.objects.filter(pk=scheme_of(cast).pk).update(subject=JURISDICTIONS)
    return {"cast": cast, "taicang": taicang, "kunshan": kunshan, "changshu": changshu}


def scheme_of(cast) -> AssessmentScheme:
    return scheme_ensure(plan=cast.plan)


def compile_quarter(cast, as_of=AFTER):
    return assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=as_of)


def scores_of(assessment, department) -> dict:
    return {s.kind: s for s in assessment.results.get(department=department).scores.all()}


def md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


# The ranking and each criterion --------------------------------------------------------------


def test_the_counties_are_ranked_as_the_units_standing_for_them(city):
    cast, taicang, kunshan = city["cast"], city["taicang"], city["kunshan"]
    assessment = compile_quarter(cast)
    ranking = [(r.rank, r.department.name, r.total) for r in assessment.results.order_by("rank")]
    # 昆山市: 37.5 + 25 + 37.5; 太仓市: 31.25 + 20.83 + 0 (hand-computed below)
    assert ranking == [(1, "昆山市人民政府", Decimal(100)), (2, "太仓市人民政府", Decimal("52.08"))]
    # the city's own departments are not assessed on a scheme of subordinate jurisdictions
    assert not assessment.results.filter(department__in=[cast.department, cast.other_department]).exists()
    assert assessment.scheme["subject"] == JURISDICTIONS
    assert scheme_as_compiled(assessment).subject == JURISDICTIONS
    assert (
        assessment.results.get(department=kunshan.government).grade,
        assessment.summary["departments"],
    ) == (
        "A",
        2,
    )
    assert assessment.results.get(department=taicang.government).grade == "D"


def test_on_time_counts_the_countys_reports_on_the_delegated_tasks(city):
    taicang = city["taicang"]
    score = scores_of(compile_quarter(city["cast"]), taicang.government)[ON_TIME]
    mar = taicang.periods[2]
    # six reports due (two departments × three months), 37.5 rescaled: 6.25 each, one late
    assert (score.applies, score.effective_weight, score.raw, score.computed) == (
        True,
        Decimal("37.5"),
        "按时 5/6",
        Decimal("31.25"),
    )
    late = mar.deadline + dt.timedelta(days=3)
    assert score.lost == [
        f"太仓市：2026年3月报送逾期3天（市住建局，截止{md(mar.deadline)}，{md(late)}提交），扣6.25分"
    ]


def test_completeness_counts_the_delegated_tasks_filled(city):
    score = scores_of(compile_quarter(city["cast"]), city["taicang"].government)[COMPLETENESS]
    # six entries asked, five with progress: 25 × 5 / 6
    assert (score.raw, score.computed) == ("已填报 5/6（83.33%）", Decimal("20.83"))
    assert len(score.lost) == 1
    assert score.lost[0].startswith("太仓市：市住建局任务")
    assert score.lost[0].endswith("有1期未填报进展（2026年1月），扣4.17分")


def test_targets_are_the_countys_targets_on_the_delegated_tasks(city):
    assessment = compile_quarter(city["cast"])
    taicang = scores_of(assessment, city["taicang"].government)[TARGETS]
    assert (taicang.raw, taicang.computed) == ("达标或进度正常 0/1", Decimal(0))
    assert len(taicang.lost) == 1 and taicang.lost[0].startswith("太仓市：目标「制造业产品质量合格率")
    assert "当前80%" in taicang.lost[0] and taicang.lost[0].endswith("扣37.5分")
    kunshan = scores_of(assessment, city["kunshan"].government)[TARGETS]
    assert (kunshan.raw, kunshan.computed, kunshan.lost) == ("达标或进度正常 1/1", Decimal("37.5"), [])


def test_the_offices_rating_does_not_apply_to_a_county_and_the_others_are_rescaled(city):
    # even a rated report of the county does not count: its office's rating is its own
    DepartmentReport.objects.filter(department=city["taicang"].market).update(rating=40)
    score = scores_of(compile_quarter(city["cast"]), city["taicang"].government)[RATING]
    assert (score.applies, score.computed, score.effective_weight) == (False, Decimal(0), Decimal(0))
    assert score.lost == ["考核下级行政区不计质强办评分，不计此项；其余各项按比例折算"]


def test_a_county_with_no_target_is_rescaled_over_reporting_alone(city):
    city["taicang"].target.delete()
    scores = scores_of(compile_quarter(city["cast"]), city["taicang"].government)
    assert not scores[TARGETS].applies
    assert scores[TARGETS].lost == ["下发太仓市的任务没有目标，不计此项；其余各项按比例折算"]
    # 30 and 20 weigh 60 and 40: 10 a report (five on time), 40 / 6 an entry (five filled)
    assert (scores[ON_TIME].effective_weight, scores[ON_TIME].computed) == (Decimal(60), Decimal(50))
    assert (scores[COMPLETENESS].effective_weight, scores[COMPLETENESS].computed) == (
        Decimal(40),
        Decimal("33.33"),
    )


def test_a_county_with_nothing_due_yet_is_not_ranked_and_says_why(city):
    # compiled on 3 February: no county's January deadline has passed
    cast = city["cast"]
    january = AssessmentPeriod("month", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assessment = assessment_compile(plan=cast.plan, period=january, as_of=dt.date(2026, 2, 3))
    assert not assessment.results.exists()
    reasons = {u["department"]: u["reason"] for u in assessment.summary["not_ranked"]}
    # the target has no data while nothing was due: no criterion applies
    assert reasons == {
        "太仓市人民政府": "无应报月报、无应填报任务、目标暂无数据、不计评分，不参加排名",
        "昆山市人民政府": "无应报月报、无应填报任务、目标暂无数据、不计评分，不参加排名",
    }
    assert any(
        r.startswith("太仓市2026年1月报送期尚未截止") for r in assessment.summary["provisional_reasons"]
    )


def test_a_county_no_unit_stands_for_is_listed_for_the_office(client, city):
    cast = city["cast"]
    assessment = compile_quarter(cast)
    assert assessment.summary["unassessable"] == [
        {
            "jurisdiction_id": city["changshu"].pk,
            "jurisdiction": "常熟市",
            "reason": "常熟市没有代表其人民政府的部门，请在责任部门中设置",
        }
    ]
    client.force_login(cast.office)
    html = client.get(reverse("assessment:assessment_detail", args=[assessment.pk])).content.decode()
    assert "常熟市没有代表其人民政府的部门，请在责任部门中设置" in html
    assert "以下级行政区为考核对象" in html


def test_an_inactive_representative_or_a_collective_does_not_stand_for_a_county(city):
    cast, taicang = city["cast"], city["taicang"]
    taicang.government.is_active = False
    taicang.government.save()
    collective = DepartmentFactory(
        jurisdiction=cast.jurisdiction,
        name="各县(市、区)人民政府",
        kind="collective",
        represents_children=True,
    )
    assert collective.pk
    assessment = compile_quarter(cast)
    assert [r.department.name for r in assessment.results.all()] == ["昆山市人民政府"]
    assert [u["jurisdiction"] for u in assessment.summary["unassessable"]] == ["太仓市", "常熟市"]


def test_a_withdrawn_task_leaves_the_county_assessment(city):
    cast = city["cast"]
    type(cast.task).objects.filter(pk=cast.task.pk).update(withdrawn_at=timezone.now())
    score = scores_of(compile_quarter(cast), city["taicang"].government)
    # only task 2 (市住建局) is left: three reports, one late; no target left
    assert score[ON_TIME].raw == "按时 2/3"
    assert not score[TARGETS].applies


def test_the_parent_offices_items_count_on_the_unit_standing_for_the_county(city):
    cast, kunshan = city["cast"], city["kunshan"]
    item_add(
        plan=cast.plan,
        department=kunshan.government,
        actor=cast.office,
        kind="veto",
        points=Decimal(0),
        reason="发生较大质量安全事故",
        occurred_on=dt.date(2026, 2, 10),
    )
    assessment = compile_quarter(cast)
    result = assessment.results.get(department=kunshan.government)
    assert (result.vetoed, result.grade, result.rank) == (True, "D", 2)


def test_the_compile_reads_in_a_number_of_queries_that_does_not_grow_with_the_tasks(city):
    cast = city["cast"]

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assessment_compute(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
        return len(queries)

    before = counted()
    # a third task delegated to both counties, with a target each, reported in every month
    third = TaskFactory(plan=cast.plan, title="实施质量品牌提升")
    for county in (city["taicang"], city["kunshan"]):
        (copy,) = delegate_more(cast.plan, county.jurisdiction, [third])
        AssignmentFactory(task=copy, department=county.market)
        TargetFactory(task=copy, indicator=county.target.indicator, comparator=">=", value=90)
        for period in county.periods:
            report = DepartmentReport.objects.get(period=period, department=county.market)
            report.entries.create(task=copy, role="lead", progress="已完成")
    assert counted() == before


def delegate_more(plan: Plan, child: Jurisdiction, tasks: list) -> list:
    """More copies in the child's existing plan of delegated tasks."""
    host = Plan.objects.get(jurisdiction=child, parent_plan=plan)
    copies = []
    for task in tasks:
        copy = TaskFactory(plan=host, number=task.number, path=list(task.path), title=task.title)
        Delegation.objects.create(task=task, jurisdiction=child, child_task=copy)
        copies.append(copy)
    return copies


# Departments as before -----------------------------------------------------------------------


def test_a_scheme_of_departments_ranks_the_departments_as_before(city):
    cast = city["cast"]
    AssessmentScheme.objects.filter(plan=cast.plan).update(subject=AssessmentScheme.Subject.DEPARTMENTS)
    assessment = compile_quarter(cast)
    names = {r.department.name for r in assessment.results.all()} | {
        u["department"] for u in assessment.summary["not_ranked"]
    }
    # the city's departments named in its tasks; the counties' units are not named, not assessed
    assert names == {"市市场监管局", "市住建局"}
    assert assessment.scheme["subject"] == AssessmentScheme.Subject.DEPARTMENTS
    assert assessment.summary["unassessable"] == []


# The scheme form -----------------------------------------------------------------------------

SCHEME_POST = {
    "on_time": 30,
    "completeness": 20,
    "targets": 30,
    "rating": 20,
    "grade_a": 90,
    "grade_b": 80,
    "grade_c": 60,
    "bonus_cap": 5,
    "year_start_month": 1,
}


def test_the_office_sets_the_subject_on_the_scheme_page(client, cast):
    client.force_login(cast.office)
    url = reverse("assessment:assessment_scheme", args=[cast.plan.pk])
    response = client.post(url, {**SCHEME_POST, "subject": "jurisdictions"})
    assert response.status_code == 302
    assert AssessmentScheme.objects.get(plan=cast.plan).subject == JURISDICTIONS
    page = client.get(url).content.decode()
    assert "以下级行政区为考核对象" in page
    assert '<option value="jurisdictions" selected>' in page
    # a form without the field (an older page) keeps the subject
    client.post(url, {**SCHEME_POST, "bonus_cap": 4})
    scheme = AssessmentScheme.objects.get(plan=cast.plan)
    assert (scheme.subject, scheme.bonus_cap) == (JURISDICTIONS, Decimal(4))


@pytest.mark.parametrize("subject", ["counties", "DEPARTMENTS", "jurisdictions ", "<script>", "1" * 300])
def test_a_subject_not_offered_is_refused_and_nothing_is_saved(client, cast, subject):
    client.force_login(cast.office)
    url = reverse("assessment:assessment_scheme", args=[cast.plan.pk])
    response = client.post(url, {**SCHEME_POST, "bonus_cap": 3, "subject": subject})
    assert response.status_code == 200
    assert "考核对象：请选择“本级成员单位”或“下级行政区”" in response.content.decode()
    scheme = AssessmentScheme.objects.get(plan=cast.plan)
    assert (scheme.subject, scheme.bonus_cap) == (AssessmentScheme.Subject.DEPARTMENTS, Decimal(5))


def test_the_service_refuses_a_subject_not_offered(cast):
    with pytest.raises(ApplicationError, match="考核对象：请选择"):
        scheme_update(
            plan=cast.plan,
            actor=cast.office,
            weights={"on_time": 30, "completeness": 20, "targets": 30, "rating": 20},
            grade_a=Decimal(90),
            grade_b=Decimal(80),
            grade_c=Decimal(60),
            bonus_cap=Decimal(5),
            year_start_month=1,
            subject="provinces",
        )


def test_a_leader_reads_the_subject_but_cannot_change_it(client, cast):
    client.force_login(cast.leader)
    url = reverse("assessment:assessment_scheme", args=[cast.plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {**SCHEME_POST, "subject": "jurisdictions"}).status_code == 403
    assert AssessmentScheme.objects.get(plan=cast.plan).subject == AssessmentScheme.Subject.DEPARTMENTS


def test_the_items_form_offers_the_units_standing_for_the_counties(client, city):
    cast = city["cast"]
    client.force_login(cast.office)
    page = client.get(reverse("assessment:assessment_scheme", args=[cast.plan.pk])).content.decode()
    form = re.search(r'<select name="department".*?</select>', page, re.S).group(0)
    assert "太仓市人民政府" in form and "昆山市人民政府" in form
    assert "市市场监管局" not in form


# The 考核通报 ---------------------------------------------------------------------------------


def test_the_report_files_list_the_counties_governments_as_units(city):
    cast = city["cast"]
    assessment = compile_quarter(cast)
    workbook = load_workbook(io.BytesIO(assessment_render(assessment=assessment, extension="xlsx")))
    ws = workbook["考核排名"]
    header = next(c.row for c in ws["A"] if c.value == "名次")
    rows = [
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value) for r in (header + 1, header + 2)
    ]
    assert rows == [(1, "昆山市人民政府"), (2, "太仓市人民政府")]
    assert "太仓市人民政府" in workbook.sheetnames
    document = docx.Document(io.BytesIO(assessment_render(assessment=assessment, extension="docx")))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "昆山市人民政府" in text and "太仓市人民政府" in text
    assert "太仓市：2026年3月报送逾期3天" in text
    # addressed to the county governments, counting counties, not 责任单位
    assert "各县（市、区）人民政府：" in text and "各责任单位" not in text
    assert "个县（市、区）" in text
