"""The office's 开放接口 pages and the public results page (公示): who may do what, a key shown
once, a publication audited, and a public page with no one's name on it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from interfaces.models import ApiToken, PublicationSetting
from interfaces.publication import publication_save
from interfaces.tokens import token_create
from programmes.models import Plan
from responsibilities.models import AuditEvent
from targets.models import Measurement
from tests.factories import PlanFactory, TaskFactory

from .conftest import last_month

pytestmark = pytest.mark.django_db


# Tokens -----------------------------------------------------------------------------------------


def test_the_office_creates_a_token_and_sees_its_key_once(client, world):
    client.force_login(world.office)
    response = client.post(reverse("interfaces:tokens"), {"name": "市大数据局", "scope": "write", "days": 90})
    assert response.status_code == 200
    key = re.search(r"qc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.jurisdiction) == ("市大数据局", "write", world.jurisdiction)
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    # the list afterwards never shows the key again
    listing = client.get(reverse("interfaces:tokens")).content.decode()
    assert key not in listing and f"qc_{token.prefix}…" in listing
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scope": "read", "days": 30}, "name"),
        ({"name": "x", "scope": "admin", "days": 30}, "scope"),
        ({"name": "x", "scope": "read", "days": 0}, "days"),
        ({"name": "x", "scope": "read", "days": 100000}, "days"),
        ({"name": "x", "scope": "read", "days": "三十"}, "days"),
    ],
)
def test_a_bad_token_form_is_refused_and_nothing_made(client, world, data, field):
    client.force_login(world.office)
    response = client.post(reverse("interfaces:tokens"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["liaison", "head", "leader"])
def test_department_people_and_leaders_manage_no_tokens(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("interfaces:tokens")).status_code == 403
    assert (
        client.post(reverse("interfaces:tokens"), {"name": "x", "scope": "read", "days": 1}).status_code
        == 403
    )
    assert client.get(reverse("interfaces:publication")).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_office_above_makes_tokens_for_its_own_level_only(client, world):
    client.force_login(world.above_office)
    client.post(
        f"{reverse('interfaces:tokens')}?jurisdiction={world.jurisdiction.pk}",
        {"name": "x", "scope": "read", "days": 1},
    )
    assert list(ApiToken.objects.values_list("jurisdiction", flat=True)) == [world.province.pk]


def test_the_office_revokes_a_token_and_another_office_cannot(client, world):
    token, _key = token_create(
        jurisdiction=world.jurisdiction, actor=world.office, name="x", scope="read", days=1
    )
    client.force_login(world.outsider_office)
    assert client.post(reverse("interfaces:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(world.liaison)
    assert client.post(reverse("interfaces:token_revoke", args=[token.pk])).status_code == 403
    client.force_login(world.above_office)
    assert client.post(reverse("interfaces:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(world.office)
    response = client.post(reverse("interfaces:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.office
    assert client.get(reverse("interfaces:token_revoke", args=[token.pk])).status_code == 405


def test_the_token_list_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.office)
    for n in range(15):
        token_create(jurisdiction=world.jurisdiction, actor=world.office, name=f"t{n}", scope="read", days=1)
    # session, user, roles (the scope), password state, the jurisdiction, the tokens with
    # their creators, the navigation's unread count, and the session's save
    with django_assert_max_num_queries(12):
        assert client.get(reverse("interfaces:tokens")).status_code == 200


# Publication ------------------------------------------------------------------------------------


def _publish(world, **overrides):
    fields = {
        "is_published": True,
        "plans": [world.plan],
        "show_task_statuses": True,
        "show_indicator_values": True,
    }
    fields.update(overrides)
    return publication_save(jurisdiction=world.jurisdiction, actor=world.office, **fields)


def test_the_office_publishes_chosen_plans(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("interfaces:publication"),
        {"is_published": "on", "plans": [world.plan.pk], "show_indicator_values": "on"},
    )
    assert response.status_code == 302
    setting = PublicationSetting.objects.get()
    assert list(setting.plans.all()) == [world.plan]
    assert (setting.is_published, setting.show_task_statuses, setting.show_indicator_values) == (
        True,
        False,
        True,
    )
    assert setting.published_at is not None
    assert AuditEvent.objects.filter(action="publication.change").count() == 1


def test_a_plan_of_another_jurisdiction_or_a_draft_cannot_be_published(client, world):
    draft = PlanFactory(jurisdiction=world.jurisdiction, status=Plan.Status.DRAFT)
    client.force_login(world.office)
    for plan in (world.outsider_plan, draft):
        response = client.post(reverse("interfaces:publication"), {"is_published": "on", "plans": [plan.pk]})
        assert response.status_code == 400
        assert response.context["form"].errors["plans"]
    response = client.post(reverse("interfaces:publication"), {"is_published": "on"})
    assert response.status_code == 400
    assert not PublicationSetting.objects.exists()


def _values(data):
    """Every value (not key) of the JSON answer."""
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value)
    else:
        yield data


# The public page --------------------------------------------------------------------------------


def test_an_unpublished_jurisdiction_has_no_public_page(client, world):
    assert client.get(reverse("interfaces:public_page", args=[world.jurisdiction.pk])).status_code == 404
    assert client.get(reverse("interfaces:public_json", args=[world.jurisdiction.pk])).status_code == 404
    _publish(world, is_published=False, plans=[])
    assert client.get(reverse("interfaces:public_page", args=[world.jurisdiction.pk])).status_code == 404


def test_the_public_page_shows_chosen_plans_their_date_and_no_names(client, world):
    # given a figure last month, a liaison and head with names and phones, and a second plan
    year, month = last_month()
    Measurement.objects.create(
        indicator=world.indicator,
        period_start=dt.date(year, month, 1),
        period_end=dt.date(year, month, 28),
        value=Decimal("7.5"),
    )
    for user, name in ((world.liaison, "张晓明"), (world.head, "李建国"), (world.office, "王主任")):
        user.first_name, user.last_name = name[1:], name[0]
        user.save()
    hidden = PlanFactory(jurisdiction=world.jurisdiction, title="未公开的方案")
    TaskFactory(plan=hidden, title="不公开的任务")
    _publish(world)
    # when anyone (not signed in) opens the page and its JSON
    page = client.get(reverse("interfaces:public_page", args=[world.jurisdiction.pk]))
    data = client.get(reverse("interfaces:public_json", args=[world.jurisdiction.pk])).json()
    html = page.content.decode()
    # then the chosen plan shows with its status and the date of its data, nobody's name
    assert page.status_code == 200
    assert "甲市质量强市工作要点" in html and "已达标" in html and "加强制造业质量提升" in html
    assert f"指标数据截至{year}年{month}月28日" in html
    assert "本页生成于" in html
    assert "未公开的方案" not in html and "不公开的任务" not in html
    for name in ("张晓明", "李建国", "王主任", "晓明", "建国"):
        assert name not in html, name
        assert name not in str(data), name
    # nor the accounts' user names (HTML words such as <head> aside)
    for username in ("liaison", "office", "head"):
        assert f">{username}<" not in html and f" {username}" not in html
        assert username not in str(list(_values(data))), username
    assert data["data_until"] == f"{year}-{month:02d}-28"
    assert [p["title"] for p in data["plans"]] == ["甲市质量强市工作要点"]
    assert data["plans"][0]["targets"][0]["status"] == "met"
    assert data["plans"][0]["targets"][0]["current"] == "7.5"


def test_values_and_task_statuses_show_only_if_the_office_says_so(client, world):
    _publish(world, show_task_statuses=False, show_indicator_values=False)
    data = client.get(reverse("interfaces:public_json", args=[world.jurisdiction.pk])).json()
    plan = data["plans"][0]
    assert "tasks" not in plan and "task_counts" not in plan
    assert "current" not in plan["targets"][0]
    html = client.get(reverse("interfaces:public_page", args=[world.jurisdiction.pk])).content.decode()
    assert "加强制造业质量提升" not in html and "当前" not in html


def test_the_public_page_is_served_from_the_cache_and_a_change_shows_at_once(
    client, world, django_assert_max_num_queries
):
    _publish(world)
    url = reverse("interfaces:public_json", args=[world.jurisdiction.pk])
    client.get(url)
    # the setting (which names the cached entry), nothing else
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200
    _publish(world, is_published=False, plans=[])
    assert client.get(url).status_code == 404


def test_the_public_page_is_for_everyone_and_cacheable(client, world):
    _publish(world)
    client.force_login(world.outsider_office)
    response = client.get(reverse("interfaces:public_page", args=[world.jurisdiction.pk]))
    assert response.status_code == 200
    anonymous = client.__class__().get(reverse("interfaces:public_page", args=[world.jurisdiction.pk]))
    assert "public" in anonymous["Cache-Control"]
    assert 'name="viewport"' in anonymous.content.decode()
