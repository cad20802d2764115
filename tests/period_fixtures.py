"""Fixtures of an open reporting period in the cast's jurisdiction."""

import pytest

from reports.services import period_ensure, period_open
from tests.factories import (
    IndicatorFactory,
    MembershipFactory,
    TargetFactory,
    UserFactory,
)


@pytest.fixture
def period(cast):
    """November 2026 in 甲市, open, with the cast's plan due."""
    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    return period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=11))


@pytest.fixture
def rated(cast, period):
    """An indicator 市市场监管局 reports, with a ≥ 93% target in the cast's plan, added after the
    period opened; opening it again brings the open reports up to date."""
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name="制造业监督抽查合格率",
        unit="%",
        reporting_department=cast.department,
        aggregation="latest",
    )
    TargetFactory(task=cast.task, indicator=indicator, comparator=">=", value=93)
    period_open(period=period)
    return indicator


@pytest.fixture
def second_liaison(cast):
    return MembershipFactory(
        user=UserFactory(username="liaison2"),
        jurisdiction=cast.jurisdiction,
        department=cast.department,
        role="liaison",
    ).user


@pytest.fixture
def other_liaison(cast):
    """A liaison of 市住建局, which joins the cast's task."""
    return MembershipFactory(
        user=UserFactory(username="housing"),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="liaison",
    ).user
