"""The public results page (公示) in Chromium at a PC's width (1366 px) and a phone's (390 px):
readable without sideways scrolling, the data's date in view, nobody's name, no script or style
refused by the Content-Security-Policy. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from interfaces.publication import publication_save
from targets.models import Measurement
from tests.browser.conftest import browser_context_args, browser_type_launch_args, screenshot  # noqa: F401
from tests.factories import TargetFactory, TaskFactory

from .conftest import last_month

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def published(world):
    year, month = last_month()
    Measurement.objects.create(
        indicator=world.indicator,
        period_start=dt.date(year, month, 1),
        period_end=dt.date(year, month, 28),
        value=Decimal("6.4"),
    )
    for n, (title, value) in enumerate(
        [
            ("制造业产品质量合格率稳定在93%以上", 93),
            ("新申请国内注册商标2500件，力争突破3000件，持续推动品牌建设与商标品牌战略实施", 2500),
            ("生产安全事故死亡率控制在0.30以内", Decimal("0.3")),
        ]
    ):
        task = TaskFactory(plan=world.plan, number=str(n + 2), title=f"推进质量提升重点工作{n + 2}")
        TargetFactory(task=task, indicator__jurisdiction=world.jurisdiction, text=title, value=value)
    world.liaison.first_name, world.liaison.last_name = "晓明", "张"
    world.liaison.save()
    publication_save(
        jurisdiction=world.jurisdiction,
        actor=world.office,
        is_published=True,
        plans=[world.plan],
        show_task_statuses=True,
        show_indicator_values=True,
    )
    return world


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_the_public_page_reads_on_a_pc_and_a_phone(page, live_server, published, screenshot, width, height):  # noqa: F811
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/public/{published.jurisdiction.pk}/")
    year, month = last_month()
    date_line = page.locator(".data-date")
    assert f"指标数据截至{year}年{month}月28日" in date_line.inner_text()  # as Chinese write dates
    assert date_line.is_visible()
    page.click(".public-tasks summary")
    body = page.locator("body").inner_text()
    assert "甲市质量强市工作要点" in body
    assert "存在风险" in page.locator(".public-targets").inner_text()
    assert "张晓明" not in body and "晓明" not in body
    # nothing wider than the screen: no sideways scrolling on a phone
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow
    assert refused == []
    screenshot(f"public-results-{width}")


def test_the_api_documentation_runs_under_the_policy(page, live_server, screenshot):  # noqa: F811
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 10
    assert refused == []
    screenshot("api-docs-1366", full_page=False)
