"""Targets: the database refuses commitments that cannot be stated, and reads them as printed."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plandocs.services import PlanMeta, plan_save_document
from qualitycity.errors import ApplicationError
from targets.models import Indicator, Target
from targets.services import indicator_guess_aggregation
from tests.factories import (
    DepartmentFactory,
    IndicatorFactory,
    JurisdictionFactory,
    TargetFactory,
    TaskFactory,
)


@pytest.mark.parametrize(
    "fields",
    [
        {"comparator": "range", "value": 3, "value_max": 2},  # upper bound below the lower
        {"comparator": "range", "value": 2, "value_max": 2},
        {"comparator": "range", "value": 2, "value_max": None},
        {"comparator": ">=", "value": 2, "value_max": 3},  # a bound only a range has
        {"comparator": ">=", "value": None},  # a threshold needs a value
        {"comparator": "increase", "value": None, "stretch": 5},  # stretch without a firm value
        {"comparator": "about", "value": 1},  # not a comparator
    ],
)
def test_database_refuses_an_impossible_target(db, fields):
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(task=task, indicator__jurisdiction=task.plan.jurisdiction, **fields)


@pytest.mark.parametrize(
    ("fields", "unit", "printed"),
    [
        ({"comparator": ">=", "value": Decimal("93")}, "%", "≥ 93%"),
        (
            {"comparator": "<=", "value": Decimal("0.30"), "stretch": Decimal("0.25")},
            "",
            "≤ 0.3（力争 0.25）",
        ),
        ({"comparator": "range", "value": 2, "value_max": 3}, "个", "2–3个"),
        ({"comparator": "increase", "value": None}, "", "逐年增长"),
        ({"comparator": ">", "value": Decimal("96.80")}, "%", "> 96.8%"),
    ],
)
def test_commitment_reads_as_people_write_it(db, fields, unit, printed):
    target = TargetFactory.build(indicator=IndicatorFactory.build(unit=unit), **fields)
    assert target.commitment == printed


def test_one_indicator_carries_targets_in_two_plans(db):
    # given two plans of one city that both commit on the same indicator
    city = JurisdictionFactory(name="丙市")
    DepartmentFactory(jurisdiction=city, name="市市场监管局")
    target = {
        "indicator": "制造业监督抽查合格率",
        "unit": "%",
        "comparator": ">=",
        "value": 93,
        "value_max": None,
        "stretch": None,
        "text": "",
        "task_path": ["1"],
    }
    task = {
        "number": "1",
        "path": ["1"],
        "title": "提升产品质量",
        "lead": ["市市场监管局"],
        "participating": [],
    }
    for year, value in ((2021, 93), (2022, 95)):
        plan_save_document(
            jurisdiction=city,
            meta=PlanMeta(title=f"{year}年工作要点", year_start=year, year_end=year),
            document={"tasks": [task], "targets": [dict(target, value=value)]},
        )
    # then there is one indicator with a target in each plan, reported by the lead department
    indicator = Indicator.objects.get(jurisdiction=city)
    assert sorted(indicator.targets.values_list("value", flat=True)) == [93, 95]
    assert indicator.reporting_department.name == "市市场监管局"


def test_a_plan_document_with_an_unknown_department_saves_nothing(db):
    city = JurisdictionFactory(name="丁市")
    DepartmentFactory(jurisdiction=city, name="市商务局")
    document = {
        "tasks": [
            {"number": "1", "path": ["1"], "title": "甲", "lead": ["市商务局"], "participating": []},
            {"number": "2", "path": ["2"], "title": "乙", "lead": ["市海洋局"], "participating": []},
        ],
        "targets": [],
    }
    with pytest.raises(ApplicationError, match="市海洋局"):
        plan_save_document(
            jurisdiction=city, meta=PlanMeta(title="方案", year_start=2022, year_end=2022), document=document
        )
    assert not city.plans.exists()
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("name", "unit", "aggregation"),
    [
        ("制造业监督抽查合格率", "%", "latest"),
        ("新申请国内注册商标", "件", "sum"),
        ("有效期内的名牌产品", "个", "latest"),
        ("现代服务业增加值占服务业比重", "%", "latest"),
        ("新增智能工厂(车间)", "家", "sum"),
    ],
)
def test_aggregation_guess_reads_rates_as_latest_and_additions_as_sums(name, unit, aggregation):
    assert indicator_guess_aggregation(name=name, unit=unit) == aggregation
