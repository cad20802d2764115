"""`make demo` shows a living programme: this year's plan, the months before this one reported
and closed, the targets' status from those values, and a quarter assessed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from assessment.models import Assessment
from programmes.models import Delegation, Plan
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from targets.models import Measurement, Target
from targets.status import TargetStatus, target_statuses

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_city_runs_this_years_plan_with_the_year_reported_targets_moving_and_a_quarter_assessed(
    demo,
):
    plan = Plan.objects.exclude(kind="delegated").get(jurisdiction__name="太仓市", status="active")
    assert (plan.year_start, plan.year_end) == (2026, 2026)
    assert Plan.objects.get(jurisdiction__name="太仓市", year_start=2022).status == "archived"
    closed = ReportingPeriod.objects.filter(jurisdiction=plan.jurisdiction, status="closed", start__year=2026)
    assert closed.count() == 10  # January to October (last year's twelve months before them)
    assert (
        ReportingPeriod.objects.get(jurisdiction=plan.jurisdiction, start=dt.date(2026, 11, 1)).status
        == "open"
    )
    approved = DepartmentReport.objects.filter(period__in=closed, status="approved")
    missing = DepartmentReport.objects.filter(period__in=closed).exclude(status="approved")
    assert approved.filter(is_late=False).count() > approved.filter(is_late=True).count() > 0
    assert missing.exists()
    assert Measurement.objects.filter(indicator__targets__task__plan=plan).exists()
    # the targets' status and the assessment show something (one test: loading takes a while)
    statuses = set(target_statuses(Target.objects.filter(task__plan=plan), as_of=TODAY).values())
    assert TargetStatus.MET in statuses and statuses - {TargetStatus.NO_DATA, TargetStatus.MET}
    assessment = Assessment.objects.get(plan=plan, kind="quarter")
    assert (assessment.start, assessment.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert not assessment.provisional and assessment.results.count() >= 30

    # the levels: 苏州市 above 太仓市 and 昆山市 delegated four tasks; both counties reported on
    # them, and 苏州市 assessed the two counties on the third quarter
    taicang = plan.jurisdiction
    assert taicang.full_name == "江苏省苏州市太仓市"
    city_plan = Plan.objects.get(jurisdiction__name="苏州市", status="active")
    delegations = Delegation.objects.filter(task__plan=city_plan)
    assert sorted(delegations.values_list("jurisdiction__name", flat=True)) == ["太仓市"] * 4 + ["昆山市"] * 3
    reported = TaskEntry.objects.filter(
        task__delegated_from__task__plan=city_plan, report__status="approved"
    ).exclude(progress="")
    assert {
        e.report.period.jurisdiction.name for e in reported.select_related("report__period__jurisdiction")
    } == {
        "太仓市",
        "昆山市",
    }
    counties = Assessment.objects.get(plan=city_plan)
    assert sorted(counties.results.values_list("department__name", flat=True)) == [
        "太仓市人民政府",
        "昆山市人民政府",
    ]
