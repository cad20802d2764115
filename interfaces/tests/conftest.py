"""The interfaces' test world: the cast's city 甲 with an indicator fed by official statistics
and a target on it, and a way to make tokens and call the API with them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from interfaces.models import ApiToken
from interfaces.tokens import token_create
from targets.models import Indicator
from tests.factories import JurisdictionFactory, MembershipFactory, TargetFactory, UserFactory

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(cast):
    """甲 (under a province) with a statistics indicator and a ≥ 7% target in its plan; 乙 with
    an indicator of its own; an office for the province above them."""
    cast.plan.year_start, cast.plan.year_end = 2026, 2026
    cast.plan.save()
    province = JurisdictionFactory(name="上级省", level="province")
    for city in (cast.jurisdiction, cast.outsider_jurisdiction):
        city.parent = province
        city.save()
    indicator = Indicator.objects.create(
        jurisdiction=cast.jurisdiction,
        name="规模以上工业增加值增速",
        unit="%",
        source=Indicator.Source.STATISTICS,
        reporting_department=cast.department,
    )
    target = TargetFactory(task=cast.task, indicator=indicator, value=7, text="规模以上工业增加值增速达到7%")
    foreign = Indicator.objects.create(jurisdiction=cast.outsider_jurisdiction, name="乙市指标", unit="%")
    above = MembershipFactory(
        user=UserFactory(username="above_office"), jurisdiction=province, role="office_admin"
    ).user
    cast.province = province
    cast.indicator = indicator
    cast.target = target
    cast.foreign_indicator = foreign
    cast.above_office = above
    return cast


@pytest.fixture
def make_token(world):
    def _make(*, scope=ApiToken.Scope.READ, jurisdiction=None, actor=None, days=30):
        jurisdiction = jurisdiction or world.jurisdiction
        actor = actor or (
            world.office
            if jurisdiction == world.jurisdiction
            else world.outsider_office
            if jurisdiction == world.outsider_jurisdiction
            else world.above_office
        )
        return token_create(jurisdiction=jurisdiction, actor=actor, name="大数据局", scope=scope, days=days)

    return _make


@pytest.fixture
def call(client):
    """client.get/post to the API with a key (None: no Authorization header)."""

    def _call(method, path, key=None, *, json=None, body=None, **params):
        headers = {"authorization": f"Bearer {key}"} if key else {}
        url = f"/api/v1{path}"
        if method == "GET":
            return client.get(url, params, headers=headers)
        data = body if body is not None else __import__("json").dumps(json)
        return client.post(url, data=data, content_type="application/json", headers=headers)

    return _call


def last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def assert_error(response, status: int, code: str) -> dict:
    """A refusal is JSON {code, message (Chinese), details}."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert CHINESE.search(body["message"]), body["message"]
    assert isinstance(body["details"], list)
    return body
