"""A walk of every page the people of a department, its head, the leaders (太仓市's and 苏州市's
above it) and a county's liaison reach, and of the pages anyone reaches (login, a missing page,
the public results), in Chinese and in English, on a PC (1366 px) and on a phone (390 px), on
the demo as `make demo` leaves it.

Each page is screenshotted to test-results/walk/people/<role>-<lang>-<width>-<page>.png for
people to look at, and checked: no error page, nothing wider than a phone at 390 px, no number
with four decimals, no ISO date, no "None", in Chinese no ASCII colon after Chinese, and in
English no Chinese in the page's own words. Chinese that is data (names of places, departments,
plans, tasks, indicators and people, report texts, the stored reasons of an assessment…) is
taken from the database and subtracted; anything Chinese left is a string not translated.

The demo is loaded once and every person walks in one test (a transactional test's data does
not outlive it): each person and language in a browser context of its own."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessment.models import Assessment, AssessmentResult
from bench.demo import DEMO_PASSWORD
from programmes.models import Plan, Task
from reports.models import DepartmentReport, ReportingPeriod
from responsibilities.models import Department, Jurisdiction

from .stored import stored_strings

WALK = Path(__file__).resolve().parents[2] / "test-results" / "walk" / "people"
WIDTHS = (1366, 390)
LANGUAGES = ("zh-hans", "en")
TALLEST = 5000  # px of a page kept in a screenshot

CJK = re.compile(r"[\u3400-\u9fff]+")
FOUR_DECIMALS = re.compile(r"\d+\.\d{4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
NONE = re.compile(r"\bNone\b")
ASCII_COLON_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff]:")
FULL_WIDTH_AFTER_ENGLISH = re.compile(r"[A-Za-z][：（]")

# The visible text nodes with Chinese in them, leaving out what is marked as written in another
# language (the language switch names 简体中文 in Chinese).
CJK_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const lang = document.documentElement.lang;
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    if (!text || !/[\\u3400-\\u9fff]/.test(text)) continue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, noscript')) continue;
    const marked = el.closest('[lang]');
    if (marked && marked.lang !== lang) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    out.push(text);
  }
  return out;
}"""

# Fields whose Chinese is a page's own wording, not data, even though stored: a period's and an
# assessment's label have a display label for pages.
NOT_DATA = {("reports", "reportingperiod"), ("assessment", "assessment", "label")}


@pytest.fixture
def world(transactional_db):
    """The demo as `make demo` leaves it (load_demo on the real date)."""
    call_command("load_demo", stdout=io.StringIO())


def data_strings() -> tuple[dict[str, list[str]], str]:
    """Every Chinese string stored in the database's text fields (choices aside: their labels
    are translated), by first character for finding them in a text, and as one blob to find a
    shortened title in."""
    found: set[str] = set()

    def add(value: str) -> None:
        if CJK.search(value):
            found.add(value.strip())
            found.update(line.strip() for line in value.splitlines() if line.strip())

    def leave_out(model, field) -> bool:
        label = (model._meta.app_label, model._meta.model_name)
        return (
            label in NOT_DATA
            or model._meta.app_label in ("admin", "contenttypes", "sessions")
            or bool(field.choices)
            or (*label, field.name) in NOT_DATA
        )

    for value in stored_strings(leave_out=leave_out):
        add(value)
    for user in get_user_model().objects.all():
        add(user.get_full_name())
    for jurisdiction in Jurisdiction.objects.all():
        add(jurisdiction.full_name)
    by_first: dict[str, list[str]] = {}
    for value in sorted(found, key=len, reverse=True):
        by_first.setdefault(value[0], []).append(value)
    return by_first, "\x00".join(sorted(found))


def without_data(text: str, by_first: dict[str, list[str]]) -> str:
    """The text with every stored string in it blanked out, the longest first at each place."""
    out, i = [], 0
    while i < len(text):
        match = next((v for v in by_first.get(text[i], ()) if text.startswith(v, i)), None)
        if match:
            out.append(" ")
            i += len(match)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def untranslated(texts: list[str], by_first: dict[str, list[str]], blob: str) -> list[str]:
    """The Chinese left in a page's text nodes once the data is taken out: a run of Chinese is
    data when it is part of a stored string in the text, or a long enough piece of one (a title
    cut short)."""
    left = []
    for text in texts:
        if text.rstrip("…").strip() in blob:
            continue
        rest = without_data(text, by_first)
        if any(len(run) < 4 or run not in blob for run in CJK.findall(rest)):
            left.append(text)
    return left


def person_pages(username: str) -> list[tuple[str, str]]:
    """(name, path) of every page the person reaches from the navigation and the pages it leads to."""
    user = get_user_model().objects.get(username=username)
    membership = user.memberships.filter(is_active=True).select_related("department", "jurisdiction").first()
    jurisdiction = membership.jurisdiction
    today = timezone.localdate()
    pages = [
        ("home", "/home/"),
        ("notifications", "/notifications/"),
        ("channels", "/notifications/channels/"),
        ("updates", "/updates/"),
        ("plans", "/plans/"),
        ("departments", "/departments/"),
        ("dashboard", "/dashboard/"),
        ("assessments", "/assessments/"),
        ("password", "/accounts/password/"),
        ("two-factor", "/accounts/two-factor/"),
        ("two-factor-enrol", "/accounts/two-factor/enrol/"),
    ]
    # the jurisdiction's own plan before one handed down from above
    plans = Plan.objects.filter(jurisdiction=jurisdiction, status=Plan.Status.ACTIVE)
    plan = min(plans, key=lambda p: (p.kind == Plan.Kind.DELEGATED, p.pk), default=None)
    if plan is not None:
        pages.append(("plan", f"/plans/{plan.pk}/"))
    department = membership.department
    if department is not None:
        reports = DepartmentReport.objects.filter(
            department=department, superseded_by__isnull=True, period__jurisdiction=jurisdiction
        )
        current = reports.filter(period__start=today.replace(day=1)).first()
        past = reports.filter(period__status=ReportingPeriod.Status.CLOSED, status="approved").order_by(
            "-period__start"
        )
        past = past.first()
        pages += [
            ("reports", "/reports/"),
            ("department-dashboard", f"/dashboard/departments/{department.pk}/"),
        ]
        if current:
            pages.append(("report-open", f"/reports/{current.pk}/"))
        if past:
            pages += [
                ("report-past", f"/reports/{past.pk}/"),
                ("report-history", f"/reports/{past.pk}/history/"),
            ]
        task = Task.objects.filter(
            plan__jurisdiction=jurisdiction, plan__status="active", assignments__department=department
        )
        task = task.order_by("plan__kind", "position").first()
        if task:
            pages.append(("task-history", f"/dashboard/task/{task.pk}/"))
        if plan is not None:
            pages.append(("self-assessment", f"/plans/{plan.pk}/self-assessment/"))
        published = AssessmentResult.objects.filter(
            department=department, assessment__status=Assessment.Status.PUBLISHED
        ).select_related("assessment")
        result = published.order_by("-assessment__end").first()
        if result:
            pages += [
                ("assessment", f"/assessments/{result.assessment_id}/"),
                ("appeal", f"/assessments/results/{result.pk}/appeal/"),
            ]
    else:
        # a leader: the office's dashboard and its lists, a department's, a task's history, the
        # assessments of the jurisdiction's plans
        unit = Department.objects.filter(jurisdiction=jurisdiction).units().order_by("sort_order").first()
        pages += [
            ("summary", "/dashboard/summary/"),
            ("dashboard-tasks", "/dashboard/tasks/"),
            ("dashboard-targets", "/dashboard/targets/"),
            ("dashboard-reports", "/dashboard/reports/"),
            ("dashboard-departments", "/dashboard/departments/"),
            ("department-dashboard", f"/dashboard/departments/{unit.pk}/"),
            ("reports", "/reports/"),
        ]
        task = Task.objects.filter(plan=plan).order_by("position").first() if plan else None
        if task:
            pages.append(("task-history", f"/dashboard/task/{task.pk}/"))
        for assessment in Assessment.objects.filter(plan__jurisdiction=jurisdiction).order_by("-end", "kind"):
            pages.append(
                (f"assessment-{assessment.kind}-{assessment.start:%Y%m}", f"/assessments/{assessment.pk}/")
            )
        if jurisdiction.children.exists():
            pages.append(("rollup", f"/dashboard/{jurisdiction.pk}/rollup/"))
            child = jurisdiction.children.order_by("name").first()
            pages.append(("dashboard-child", f"/dashboard/{child.pk}/"))
    return pages


def check_page(page, *, language: str, width: int, exact: set[str], blob: str) -> list[str]:
    """What is wrong with the page on the screen, as lines to print."""
    problems = []
    body = page.inner_text("body")
    if width < 1000:
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1] + 1:
            problems.append(f"wider than the phone: {scroll[0]} px > {scroll[1]} px")
    for name, pattern in (("four decimals", FOUR_DECIMALS), ("ISO date", ISO_DATE), ("None", NONE)):
        if found := pattern.findall(body):
            problems.append(f"{name}: {sorted(set(found))[:5]}")
    if language == "zh-hans":
        if found := [
            body[max(0, m.start() - 12) : m.end() + 8] for m in ASCII_COLON_AFTER_CHINESE.finditer(body)
        ]:
            problems.append(f"ASCII colon after Chinese: {found[:5]}")
    else:
        if found := [
            body[max(0, m.start() - 12) : m.end() + 8] for m in FULL_WIDTH_AFTER_ENGLISH.finditer(body)
        ]:
            problems.append(f"Chinese punctuation after English: {sorted(set(found))[:5]}")
        if left := untranslated(page.evaluate(CJK_TEXT_JS), exact, blob):
            problems.append(f"not translated: {sorted(set(left))[:40]}")
    return problems


def visit(page, url: str, *, shot: str, language: str, exact, blob, expect_status: int = 200) -> list[str]:
    """The page at both widths: screenshots and the problems found."""
    problems = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    response = page.goto(url)
    status = response.status if response else 0
    if status != expect_status:
        problems.append(f"answered {status}, not {expect_status} (at {page.url})")
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": 844})
        height = page.evaluate("document.documentElement.scrollHeight")
        WALK.mkdir(parents=True, exist_ok=True)  # test-results/ may be cleared while the walk runs
        page.screenshot(
            path=str(WALK / f"{shot.format(width=width)}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": min(height, TALLEST)},
        )
        problems += [
            f"{width}: {p}" for p in check_page(page, language=language, width=width, exact=exact, blob=blob)
        ]
    return problems


def switch_language(page, language: str) -> None:
    """The header's language switch, as a person would use it."""
    if language != "zh-hans":
        page.click(f".lang-switch button[value={language}]")
        page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == language


PEOPLE = ("liaison_scjgj", "head_scjgj", "leader", "leader_sz", "liaison_ks_scjgj")


def test_every_page_of_every_person_reads_right_in_both_languages_and_fits_a_phone(
    world, browser, live_server
):
    WALK.mkdir(parents=True, exist_ok=True)
    exact, blob = data_strings()
    started = time.monotonic()
    problems: list[str] = []
    walked = 0
    public = Jurisdiction.objects.get(name="太仓市")
    for language in LANGUAGES:
        # anyone: the login page, a page that does not exist, the public results
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        switch_language(page, language)
        for name, path, status in (
            ("login", "/accounts/login/", 200),
            ("404", "/no-such-page/", 404),
            ("public", f"/public/{public.pk}/", 200),
        ):
            found = visit(
                page,
                f"{live_server.url}{path}",
                shot=f"anonymous-{language}-{{width}}-{name}",
                language=language,
                exact=exact,
                blob=blob,
                expect_status=status,
            )
            problems += [f"anonymous {language} {name} {path}: {p}" for p in found]
            walked += 1
        context.close()
        for username in PEOPLE:
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click(".login-card button[type=submit]")
            page.wait_for_load_state()
            switch_language(page, language)
            role = username if username in ("leader", "leader_sz") else username.rsplit("_", 1)[0]
            for name, path in person_pages(username):
                found = visit(
                    page,
                    f"{live_server.url}{path}",
                    shot=f"{role}-{language}-{{width}}-{name}",
                    language=language,
                    exact=exact,
                    blob=blob,
                )
                problems += [f"{username} {language} {name} {path}: {p}" for p in found]
                walked += 1
            context.close()
    print(f"walked {walked} pages at {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_what_it_looks_for():
    """The checks fail on what they are for: untranslated words among data, a cut title."""
    stored = ["市市场监管局", "2026年太仓市质量强市工作要点", "批次/千人", "市市场监管局联络员"]
    by_first: dict[str, list[str]] = {}
    for value in sorted(stored, key=len, reverse=True):
        by_first.setdefault(value[0], []).append(value)
    blob = "\x00".join(sorted(stored))
    data = [
        "市市场监管局",
        "2026年太仓市质量…",
        "Report of 市市场监管局",
        "7.07批次/千人",
        "市市场监管局联络员 · 市市场监管局 Liaison",
    ]
    assert untranslated(data, by_first, blob) == []
    assert untranslated(["提交 市市场监管局"], by_first, blob) == ["提交 市市场监管局"]
    assert untranslated(["Due 12月7日"], by_first, blob) == ["Due 12月7日"]
    assert FOUR_DECIMALS.search("95.1234%") and not FOUR_DECIMALS.search("2026.11")
    assert ISO_DATE.search("2026-11-29 10:00") and ASCII_COLON_AFTER_CHINESE.search("截止:")
    assert FULL_WIDTH_AFTER_ENGLISH.search("Deadline：7 Dec") and not FULL_WIDTH_AFTER_ENGLISH.search("市：")
