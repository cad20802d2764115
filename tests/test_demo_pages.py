"""On first login after `make demo` the pages show a living programme: the office's dashboard
has figures of every kind, a liaison's report of this month shows its tasks and each indicator's
target with the last value and its status, and the assessment ranks units with scores that
differ; last year's assessment is published and this year's is provisional.

The demo is loaded once for the module, as `make demo` does (the load_demo command, on the
demo's today), and the pages are requested as the users would, reading the rendered figures."""

import datetime as dt
import io
import re

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from assessment.models import Assessment
from programmes.models import Plan
from reports.models import DepartmentReport, ReportingPeriod

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo as `make demo` leaves it, loaded once for the module and removed after it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
        with django_db_blocker.unblock():
            call_command("load_demo", stdout=io.StringIO())
        yield
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def get_page(demo_world, db):
    def _page(username: str, url: str, *, language: str = "zh-hans"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.cookies["django_language"] = language
        response = client.get(url, follow=True)
        assert response.status_code == 200, (username, url, response.status_code)
        return lxml.html.fromstring(response.content.decode())

    return _page


def has(name: str) -> str:
    """An XPath test for a class name."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def figures(doc) -> dict[str, int]:
    """The dashboard's figure cards: {'state-met': 25, 'task-in_progress': 28, …}."""
    found = {}
    for li in doc.xpath(f"//*[{has('figure-card')}]//li[{has('fig')}]"):
        key = next(c for c in li.get("class").split() if c.startswith(("state-", "task-")))
        found[key] = int(li.xpath(".//strong")[0].text_content())
    return found


def text(node) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


def test_the_office_dashboard_shows_targets_of_every_status_and_the_months_reported(get_page):
    doc = get_page("office", "/dashboard/")
    counts = figures(doc)
    # targets met, at risk, off track and waiting for the statistics bureau's figure
    for status in ("state-met", "state-at_risk", "state-off_track", "state-awaiting_data"):
        assert counts[status] > 0, (status, counts)
    assert counts["task-in_progress"] > 0
    # this month's reports are being filled; the month's tile names who has not submitted
    assert counts["state-pending"] > 0 and doc.xpath(f"//*[{has('missing-names')}]//a")

    # last month's reports: most on time, some late, a few missing
    october = ReportingPeriod.objects.get(jurisdiction__name="太仓市", start=dt.date(2026, 10, 1))
    counts = figures(get_page("office", f"/dashboard/?period={october.pk}"))
    assert counts["state-on_time"] > counts["state-late"] > 0, counts
    assert counts["state-missing"] + counts["state-late"] > 0

    # the departments' on-time rates over the year: below 100% for some, different from each other
    doc = get_page("office", "/dashboard/departments/")
    column = [text(th) for th in doc.xpath("//table/thead//th")].index("按时报送率")
    rates = [
        float(m.group(1))
        for row in doc.xpath("//table/tbody/tr")
        if (m := re.search(r"([\d.]+)%", text(row.xpath("./td")[column])))
    ]
    assert len(rates) >= 30, rates
    assert 0 < min(rates) < 100 and len(set(rates)) > 3, rates


def test_a_liaisons_report_of_this_month_shows_its_tasks_and_the_last_value_of_each_target(get_page):
    report = DepartmentReport.objects.get(
        period__jurisdiction__name="太仓市",
        period__start=dt.date(2026, 11, 1),
        department__code="scjgj",
        superseded_by__isnull=True,
    )
    # the liaison's to-do list leads to the report
    home = get_page("liaison_scjgj", "/")
    assert home.xpath(f'//a[@href="/reports/{report.pk}/"]')

    doc = get_page("liaison_scjgj", f"/reports/{report.pk}/")
    entries = doc.xpath(f"//section[{has('entry')}]")
    assert len(entries) == report.entries.count() > 3
    values = doc.xpath(f"//section[{has('value')}]")
    assert len(values) == report.values.count() > 3
    lines = [li for card in values for li in card.xpath(f".//ul[{has('targets')}]/li")]
    assert lines and all(li.xpath(f".//*[{has('commitment')}]") for li in lines)
    # each target says what the months before left it at: the last value and its status
    reading = f".//*[{has('last-reading')}]"
    readings = [text(li.xpath(reading)[0]) for li in lines if li.xpath(reading)]
    assert len(readings) == len(lines), [text(li) for li in lines]
    assert any(re.search(r"至上期 [\d.]+", r) for r in readings), readings
    statuses = {text(b) for li in lines for b in li.xpath(f"{reading}/*[{has('badge')}]")}
    assert len(statuses) >= 2, statuses

    # last month's report, approved, shows the figures reported
    past = DepartmentReport.objects.get(
        period__jurisdiction__name="太仓市",
        period__start=dt.date(2026, 10, 1),
        department__code="scjgj",
        superseded_by__isnull=True,
    )
    doc = get_page("liaison_scjgj", f"/reports/{past.pk}/")
    numbers = [text(p) for card in doc.xpath(f"//section[{has('value')}]") for p in card.xpath(".//p/strong")]
    assert numbers and any(re.match(r"[\d.]+", n) for n in numbers), numbers


def test_last_years_assessment_is_published_and_this_years_provisional_and_units_rank_apart(get_page):
    taicang = Plan.objects.exclude(kind="delegated").filter(jurisdiction__name="太仓市")
    last_year = Assessment.objects.get(plan__in=taicang, kind="year", start=dt.date(2025, 1, 1))
    assert last_year.is_published and not last_year.provisional
    assert last_year.plan.status == Plan.Status.ARCHIVED
    this_year = Assessment.objects.get(plan__in=taicang, kind="year", start=dt.date(2026, 1, 1))
    assert this_year.provisional and not this_year.is_published
    quarter = Assessment.objects.get(plan__in=taicang, kind="quarter")

    listing = text(get_page("office", "/assessments/"))
    for label in ("2025年度", "2026年度", "2026年第三季度"):
        assert label in listing
    for assessment in (last_year, this_year, quarter):
        doc = get_page("office", f"/assessments/{assessment.pk}/")
        rows = doc.xpath(f"//table[{has('ranking')}]/tbody/tr")
        assert len(rows) >= 30
        totals = [text(row.xpath("./td")[-2]) for row in rows]
        assert len(set(totals)) > 10, totals
        ranks = [int(text(row.xpath("./td")[0])) for row in rows if text(row.xpath("./td")[0]).isdigit()]
        assert ranks == sorted(ranks) and ranks[0] == 1
    assert "暂定结果" in text(get_page("office", f"/assessments/{this_year.pk}/"))

    # a department sees last year's published ranking; its appeal window closed in January
    assert "2025年度" in text(get_page("liaison_scjgj", "/assessments/"))
    get_page("liaison_scjgj", f"/assessments/{last_year.pk}/")
    result = last_year.results.get(department__code="scjgj")
    appeal = text(get_page("liaison_scjgj", f"/assessments/results/{result.pk}/appeal/"))
    assert "申诉期已于 2026年1月22日 截止" in appeal and "提交申诉" not in appeal

    # in English the periods read as English writes them; the stored label stays Chinese
    listing = text(get_page("office", "/assessments/", language="en"))
    assert "Q3 2026" in listing and "2026年第三季度" not in listing
    with translation.override("en"):
        assert quarter.display_label == "Q3 2026" and quarter.label == "2026年第三季度"
