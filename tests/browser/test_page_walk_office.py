"""A walk of every page the office (质强办管理员, 审核员), the city office above (苏州市) and the
separated administrators (system, security, audit, and the superuser in the Django admin) reach,
in Simplified Chinese and in English, at 1366 and 390 px, on the living demo.

Each role starts at the home page and follows every link of each page it reaches (one page per
route), plus the detail pages a link may not lead to (a report under review, an import draft, a
compilation, an upload). Every page is looked at once per language and photographed at both
widths in test-results/walk/office/<role>-<lang>-<width>-<page>.png, and must: answer 200, fit a
390 px phone, keep status tags on one line, show no raw decimals (0.9500), ISO timestamps,
"None" or field keys; in Chinese no label ending in an ASCII colon; in English no Chinese words
but the data's own (names and texts read from the database).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from bench.demo import DEMO_PASSWORD

# pytest-playwright empties test-results/ when a browser session starts: WALK_DIR keeps a copy
# elsewhere while other sessions run
WALK = Path(
    os.environ.get("WALK_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "walk" / "office"
)
LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOT_MAX_HEIGHT = 2600  # a long list is photographed down to here: enough to read its layout

# Routes a link may name that are files, JSON, actions or another flow's steps, never a page.
SKIPPED_NAMES = re.compile(
    r"(download|export|_file$|template$|_status$|_json$|pdf$|docx$|^logout$|^set_language$|"
    r"two_factor_verify|evidence_|password_change_done)"
)
# Not walked: the admin's forms of adding, deleting and history, and the lists of the libraries'
# own models (django-axes' attempts, django-otp's devices), whose words are the libraries'.
SKIPPED_ADMIN = re.compile(
    r"(_add$|_delete$|_history$|_password$|logout|password_change|jsi18n|autocomplete|view_on_site"
    r"|(^|:)(axes|otp_static|otp_totp)_)"
)

# The admin's change forms walked: the people, their roles, the trail, the places and units (each
# other model's list is walked, and its form is Django's own).
ADMIN_CHANGE = re.compile(
    r"(auth_user|responsibilities_(membership|auditevent|department|jurisdiction)|programmes_plan)_change$"
)

RAW_DECIMAL = re.compile(r"\d+\.\d{4}\b")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T")
ISO_DATE = re.compile(r"(?<![\d/-])20\d\d-[01]\d-[0-3]\d(?![\d-])")
NONE = re.compile(r"\bNone\b(?! available)")  # Django's admin: "None available"
FIELD_KEY = re.compile(
    r"\b[a-z]{2,}(?:_[a-z]{2,})+\b|\b(?:auth|plan|task|report|period|target|department|user)\.[a-z_]+\b"
)
HAN = re.compile(r"[\u3400-\u9fff]")
ASCII_COLON_LABEL = re.compile(r"[\u4e00-\u9fff]:")
# an English label ending in a Chinese colon (Deadline：7 Dec 2026)
FULL_WIDTH_COLON_LABEL = re.compile(r"\b[A-Za-z][a-z]*[A-Za-z)]：")
# An English page's words are split on Latin words and ASCII punctuation; what is left and
# still Chinese must be the data's own.
LATIN = re.compile(r"[A-Za-z][A-Za-z'’.\-]*(?:\s+[A-Za-z][A-Za-z'’.\-]*)*|[:;,()\[\]|·•/<>=\"?!→›]")
# …and a part that is not one datum, on the spaces and marks that join data (三 重点任务,
# 市住建局、市交运局, 指标名（单位）)
JOINS = re.compile(r"[\s、（）“”]+")
PUNCTUATION = " \t\n\u00a0.-–—…%+*#×≥≤~～：，。、；（）【】“”《》"
DIGITS = "0123456789"
# The language switch names each language in its own words.
LANGUAGE_NAMES = {"简体中文"}
# Django's own Chinese admin strings (its catalogue, not ours) and django-celery-beat's.
FOREIGN_COLONS = {"排序优先级:", "例如:"}

TEXT_NODES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    // a text box's content is what someone typed (or will edit), not the page's words
    if (!text || !node.parentElement || node.parentElement.closest('script,style,noscript,template,textarea')) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],input[type=submit],input[type=button]')) {
    for (const name of ['placeholder', 'title', 'aria-label']) {
      const value = el.getAttribute(name);
      // a placeholder may show what to type, dates as the parser reads them (2026-06-30 …)
      if (value && value.trim()) out.push((name === 'placeholder' ? '\u0001' : '') + value.trim());
    }
    if ((el.type === 'submit' || el.type === 'button') && el.value) out.push(el.value);
  }
  out.push(document.title);
  return out;
}"""
LINKS = """() => Array.from(document.querySelectorAll('a[href]'),
  a => new URL(a.getAttribute('href'), location.href).href)"""
WRAPPED_TAGS = """() => Array.from(document.querySelectorAll('.badge'))
  .filter(b => b.offsetParent !== null
    && b.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(b).fontSize))
  .map(b => b.textContent.trim())"""
# The widest elements past the right edge of a phone, to say what overflowed.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let scrolled = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) { scrolled = true; break; }
      }
      if (!scrolled) out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(box.right));
    }
  }
  return out.slice(0, 5);
}"""


# The world -------------------------------------------------------------------------------------


@pytest.fixture
def walk_world(transactional_db, settings, tmp_path):
    """The demo as `make demo` leaves it (苏州市 above 太仓市 and 昆山市, 太仓市's living year,
    this month open), with what the office's pages show besides: an office reviewer, the three
    administrators of 太仓市, a report awaiting review, a briefing draft, a month's compilation,
    an upload of statistics, a group robot and its test message, an API token, the published
    results and an import draft. Returns the seeds of each role and the data's texts."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    from bench.demo import demo_load, demo_open_current_period
    from bench.levels import demo_levels, demo_levels_months
    from bench.living import demo_living

    started = time.monotonic()
    demo_load()
    print(f"demo {time.monotonic() - started:.1f}s", flush=True)
    city = demo_levels()
    print(f"levels {time.monotonic() - started:.1f}s", flush=True)
    living = demo_living()
    print(f"living {time.monotonic() - started:.1f}s", flush=True)
    demo_levels_months(city)
    print(f"levels months {time.monotonic() - started:.1f}s", flush=True)
    demo_open_current_period()
    seeds = _extras(living, city)
    print(f"extras {time.monotonic() - started:.1f}s", flush=True)
    return seeds, _data_texts()


def _extras(living, city) -> dict[str, list[str]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import Workbook

    from interfaces.publication import publication_save
    from interfaces.tokens import token_create
    from plandocs.review import plan_import_create
    from programmes.models import Delegation
    from reports.briefings import briefing_create
    from reports.channel_services import robot_create, robot_test
    from reports.compilation_services import compilation_request
    from reports.compilation_worker import compilation_build
    from reports.models import DepartmentReport, ReportingPeriod
    from reports.statistics import statistics_upload
    from responsibilities.admin_roles import admin_roles_sync
    from responsibilities.models import PasswordState, Role
    from responsibilities.services import user_ensure_with_role
    from targets.models import Indicator

    taicang, suzhou = living.jurisdiction, city.jurisdiction
    office = _user("office")
    for username, name, role in (
        ("reviewer", "太仓市质强办审核员", Role.OFFICE_REVIEWER),
        ("system_admin", "太仓市系统管理员", Role.SYSTEM_ADMIN),
        ("security_admin", "太仓市安全管理员", Role.SECURITY_ADMIN),
        ("audit_admin", "太仓市审计管理员", Role.AUDIT_ADMIN),
    ):
        membership = user_ensure_with_role(
            username=username, password=DEMO_PASSWORD, full_name=name, jurisdiction=taicang, role=role
        )
        PasswordState.objects.update_or_create(
            user=membership.user, defaults={"exempt": True, "must_change": False}
        )
        admin_roles_sync(membership.user)

    # a report of this month submitted and signed off: the office's review
    open_period = ReportingPeriod.objects.filter(jurisdiction=taicang, status="open").latest("start")
    report = DepartmentReport.objects.filter(period=open_period).select_related("department").first()
    now = timezone.now()
    for n, entry in enumerate(report.entries.all()):
        entry.progress = f"本月完成专项检查{n + 3}次，覆盖重点企业{n + 12}家。"
        entry.status = "in_progress"
        entry.save(update_fields=["progress", "status"])
    report.status = DepartmentReport.Status.SIGNED_OFF
    report.submitted_at = now - dt.timedelta(hours=5)
    report.signed_off_at = now - dt.timedelta(hours=2)
    report.submitted_by = _user(f"liaison_{report.department.code}")
    report.head_comment = "同意报送。"
    report.save(update_fields=["status", "submitted_at", "signed_off_at", "submitted_by", "head_comment"])
    closed = ReportingPeriod.objects.filter(jurisdiction=taicang, status="closed").latest("start")

    briefing = briefing_create(jurisdiction=taicang, actor=office)
    compilation = compilation_request(period=closed, plan=living, actor=office)
    compilation_build(compilation_id=compilation.pk)

    # official statistics: a month, a quarter, half a year and a year of two indicators
    indicators = list(Indicator.objects.filter(jurisdiction=taicang).order_by("pk")[:2])
    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "行政区或部门", "期间", "数值", "数据来源", "备注"])
    year = closed.start.year
    for indicator in indicators:
        value = 96.5 if indicator.unit == "%" else 12
        for period in (
            f"{year}年{closed.start.month}月",
            f"{year}年第一季度",
            f"{year}年上半年",
            f"{year - 1}年",
        ):
            sheet.append([indicator.name, "", period, value, "市统计局", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = statistics_upload(
        jurisdiction=taicang,
        actor=office,
        file=SimpleUploadedFile("太仓市统计局数据.xlsx", buffer.getvalue()),
    )

    robot = robot_create(
        actor=office,
        jurisdiction=taicang,
        department=None,
        kind="dingtalk",
        name="太仓市质强办工作群",
        webhook_url="http://127.0.0.1:9/robot/send?access_token=walk",
    )
    robot_test(actor=office, robot=robot, mobile=None)
    token_create(jurisdiction=taicang, actor=office, name="市大数据局数据共享", scope="read", days=90)
    publication_save(
        jurisdiction=taicang,
        actor=office,
        is_published=True,
        plans=[living],
        show_task_statuses=True,
        show_indicator_values=True,
    )
    draft = plan_import_create(
        jurisdiction=taicang,
        actor=office,
        data=sorted((Path(__file__).resolve().parents[2] / "fixtures" / "samples").glob("003_*.txt"))[
            0
        ].read_text(),
        filename="太仓市工作要点.txt",
        title=f"{year + 1}年太仓市质量强市工作要点（征求意见稿）",
    )

    sz_period = ReportingPeriod.objects.filter(jurisdiction=suzhou, status="closed").latest("start")
    sz_task = Delegation.objects.filter(task__plan=city).select_related("task").first().task
    taicang_seeds = [
        reverse("reports:report_detail", args=[report.pk]),
        reverse("reports:report_history", args=[report.pk]),
        reverse("reports:period_detail", args=[open_period.pk]),
        reverse("reports:period_detail", args=[closed.pk]),
        reverse("reports:briefing_detail", args=[briefing.pk]),
        reverse("reports:compilation_detail", args=[compilation.pk]),
        reverse("reports:statistics_detail", args=[upload.pk]),
        reverse("reports:robot_edit", args=[robot.pk]),
        reverse("plandocs:plan_import_review", args=[draft.pk]),
        reverse("interfaces:public_page", args=[taicang.pk]),
        reverse("programmes:plan_revisions", args=[living.pk]),
        reverse("two_factor_enrol"),
        reverse("password_change"),
    ]
    city_seeds = [
        reverse("dashboards:rollup", args=[suzhou.pk]),
        reverse("programmes:plan_edit", args=[city.pk]),
        reverse("programmes:task_delegate", args=[sz_task.pk]),
        reverse("reports:period_detail", args=[sz_period.pk]),
        reverse("two_factor_enrol"),
    ]
    admin_seeds = [reverse("admin:index"), reverse("two_factor_enrol")]
    # the trail is the audit administrator's and the superuser's, never the other two's (三员分立)
    audit_seeds = [reverse("responsibilities:audit_log"), *admin_seeds]
    return {
        "office": taicang_seeds,
        "reviewer": taicang_seeds,
        "office_sz": city_seeds,
        "system_admin": admin_seeds,
        "security_admin": admin_seeds,
        "audit_admin": audit_seeds,
        "admin": audit_seeds,
    }


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _data_texts() -> set[str]:
    """Every Chinese text the database holds (names, titles, tasks, reports, briefings, …),
    and each of their lines: what a page shows as data, not as its own words. The audit trail's
    summaries are data too: each is the record of a step as it was written at the time, in
    Chinese, and is never rewritten (saying them in the reader's language would need the
    message and its values stored instead)."""
    from django.apps import apps

    from .stored import stored_strings

    skipped = {("admin", "logentry"), ("sessions", "session")}
    texts: set[str] = set()
    for value in stored_strings(
        leave_out=lambda model, field: (model._meta.app_label, model._meta.model_name) in skipped
    ):
        texts.update(ISO_DATE.findall(value))  # a date as a document wrote it (an import's text)
        if HAN.search(value):
            for text in (value, *value.splitlines()):
                texts.update({text.strip(), text.strip(PUNCTUATION + "()")} - {""})
            # and its parts, as pages join them with other words (Can view 审计记录, 批次/千人)
            for piece in LATIN.split(value):
                texts.update(part.strip(PUNCTUATION) for part in JOINS.split(piece) if HAN.search(part))
    usernames = set(apps.get_model("auth", "User").objects.values_list("username", flat=True))
    return texts | usernames


# Looking at a page -----------------------------------------------------------------------------


def catalogue() -> tuple[set[str], set[str], set[str]]:
    """The portal's own Chinese strings (the English catalogue's msgids), the Chinese its English
    keeps on purpose (a sheet's column names, another app's menus: 指标 (indicator)), and the
    msgids still without English."""
    msgids, kept, empty = set(), set(), set()
    entries = re.split(r"\n\n+", LOCALE.read_text(encoding="utf-8"))
    for entry in entries:
        parts = re.split(r"^msgstr(?:\[\d\])? ", entry, flags=re.M)
        match = re.search(r"^msgid ((?:\".*\"\n?)+)", parts[0], flags=re.M)
        if not match or entry.lstrip().startswith("#~"):
            continue
        msgid = _po_text(match.group(1))
        msgids.add(msgid)
        english = [_po_text(text.split("\nmsgid")[0]) for text in parts[1:]]
        if not any(english) or "#, fuzzy" in parts[0]:
            empty.add(msgid)
        for text in english:
            kept.update(re.findall(r"[\u3400-\u9fff]+", text))
    return msgids, kept, empty


def _po_text(quoted: str) -> str:
    return "".join(line.strip()[1:-1] for line in quoted.strip().splitlines() if line.strip().startswith('"'))


class Texts:
    """The data's texts, for telling a page's own words from what it shows."""

    def __init__(self, data: set[str]):
        self.data = data
        self.blob = "\n" + "\n".join(sorted(data)) + "\n"
        self.msgids, self.kept, self.empty = catalogue()
        self.memo: dict[str, bool] = {}

    def refresh(self, data: set[str]) -> None:
        if data != self.data:
            self.__init__(data)

    def is_data(self, text: str) -> bool:
        if text not in self.memo:
            self.memo[text] = self._is_data(text)
        return self.memo[text]

    def _is_data(self, text: str) -> bool:
        """Whether a text is the data's own: a whole text, a unit after its number, or a part of
        a longer one (four characters or more, or cut short with …); never one of the portal's
        own strings."""
        for candidate in (text.strip(PUNCTUATION), text.strip(PUNCTUATION + DIGITS)):
            if not candidate or candidate in self.data or candidate in LANGUAGE_NAMES:
                return True
            if candidate in self.empty:
                return False
            if candidate in self.kept:
                return True
            if candidate in self.msgids:
                return False  # the portal's own words, whatever data shares them
            if (candidate.endswith("…") or len(candidate) >= 4) and candidate.rstrip("…") in self.blob:
                return True
        return False

    def untranslated(self, text: str) -> list[str]:
        """The Chinese pieces of an English page's text node that are not data."""
        if not HAN.search(text) or self.is_data(text):
            return []
        # the stretch from the first Chinese character to the last, when it is one datum
        han = [m.start() for m in HAN.finditer(text)]
        if self.is_data(text[han[0] : han[-1] + 1]):
            return []
        found = []
        for piece in LATIN.split(text):
            piece = piece.strip(PUNCTUATION)
            if HAN.search(piece) and not self.is_data(piece):
                found += [part for part in JOINS.split(piece) if HAN.search(part) and not self.is_data(part)]
        return found

    def ascii_colons(self, text: str) -> list[str]:
        """The Chinese labels of a Chinese page's text node that end in an ASCII colon."""
        found = []
        for match in ASCII_COLON_LABEL.finditer(text):
            start = match.start()
            while start > 0 and HAN.match(text[start - 1]):
                start -= 1
            label = text[start : match.end()]
            if label not in self.blob and label not in FOREIGN_COLONS and not self.is_data(label[:-1]):
                found.append(label)
        return found


def page_problems(page, texts: Texts, language: str, allowed_keys: set[str], *, admin: bool) -> list[str]:
    nodes = page.evaluate(TEXT_NODES)
    joined = "\n".join(node for node in nodes if not node.startswith("\u0001"))
    nodes = [node.lstrip("\u0001") for node in nodes]
    problems = []
    for name, pattern in (
        ("raw decimal", RAW_DECIMAL),
        ("ISO timestamp", ISO_TIMESTAMP),
        ("ISO date", ISO_DATE),
        ("None", NONE),
    ):
        hits = sorted({m.group(0) for m in pattern.finditer(joined)} - texts.data)
        if hits:
            problems.append(f"{name}: {hits[:5]}")
    keys = sorted({m.group(0) for m in FIELD_KEY.finditer(joined)} - allowed_keys)
    if keys and "django_celery_beat" not in page.url:  # the scheduler's tasks are named in code
        problems.append(f"field keys or codes: {keys[:8]}")
    if language == "en":
        left = sorted({piece for node in nodes for piece in texts.untranslated(node)})
        if left:
            problems.append(f"untranslated: {left[:40]}")
        colons = sorted({m.group(0) for m in FULL_WIDTH_COLON_LABEL.finditer(joined)})
        if colons:
            problems.append(f"Chinese colon after English: {colons[:10]}")
    else:
        colons = sorted({label for node in nodes for label in texts.ascii_colons(node)})
        if colons:
            problems.append(f"ASCII colon after Chinese: {colons[:10]}")
    return problems


def page_key(url: str, origin: str) -> str | None:
    """The route a link names (namespace:name), or None for another site, a file, an action."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.url_name or ""
    if "api" in match.namespace or not name or SKIPPED_NAMES.search(name):
        return None
    if match.namespace == "admin" and (
        SKIPPED_ADMIN.search(name) or (name.endswith("_change") and not ADMIN_CHANGE.match(name))
    ):
        return None
    return f"{match.namespace}:{name}" if match.namespace else name


def shoot(page, path: Path) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    if height > SHOT_MAX_HEIGHT:
        page.screenshot(
            path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": SHOT_MAX_HEIGHT}
        )
    else:
        page.screenshot(path=str(path), full_page=True)


def walk(browser, live_server, role: str, language: str, seeds: list[str], texts: Texts, allowed_keys):
    """Every page the role reaches, in one language: {route: problems}."""
    from django.conf import settings

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=WIDE)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", role)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{role} could not sign in"

    origin = live_server.url
    queue = [f"{origin}/", *(origin + seed for seed in seeds)]
    seen: dict[str, str] = {}
    found: dict[str, list[str]] = {}
    while queue:
        url = queue.pop(0)
        key = page_key(url, origin)
        if key is None or key in seen:
            continue
        seen[key] = url
        started = time.monotonic()
        problems = []
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            found[f"{key} {urlsplit(url).path}"] = [str(error).splitlines()[0]]
            continue
        if response is None or response.status != 200:
            problems.append(f"HTTP {response.status if response else 'none'}")
        final_key = page_key(page.url, origin) or key
        seen.setdefault(final_key, page.url)
        name = final_key.replace(":", "-")
        problems += page_problems(page, texts, language, allowed_keys, admin=final_key.startswith("admin:"))
        shoot(page, WALK / f"{role}-{language}-1366-{name}.png")
        page.set_viewport_size(PHONE)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"] + 1:
            problems.append(f"wider than a phone: {scroll_width} px {page.evaluate(OVERFLOWING)}")
        wrapped = page.evaluate(WRAPPED_TAGS)
        if wrapped:
            problems.append(f"tags wrapped at 390 px: {wrapped[:5]}")
        shoot(page, WALK / f"{role}-{language}-390-{name}.png")
        page.set_viewport_size(WIDE)
        print(f"  {time.monotonic() - started:5.2f}s {key}", flush=True)
        if problems:
            found[f"{final_key} {urlsplit(page.url).path}"] = problems
        for link in page.evaluate(LINKS):
            link_key = page_key(link, origin)
            if link_key and link_key not in seen:
                queue.append(link.split("#")[0])
    context.close()
    return seen, found


# Each role's pages that must be among those it reached.
MUST_REACH = {
    "office": {
        "reports:home",
        "dashboards:dashboard",
        "programmes:plan_list",
        "programmes:plan_detail",
        "programmes:plan_edit",
        "programmes:plan_revisions",
        "programmes:task_update",
        "programmes:department_list",
        "programmes:department_detail",
        "targets:indicator_list",
        "plandocs:plan_import",
        "plandocs:plan_import_review",
        "reports:period_list",
        "reports:period_detail",
        "reports:report_detail",
        "reports:report_history",
        "reports:work_updates",
        "reports:briefing_list",
        "reports:briefing_detail",
        "reports:compilation_detail",
        "reports:statistics_list",
        "reports:statistics_detail",
        "reports:robot_list",
        "reports:delivery_list",
        "reports:notifications",
        "reports:channel_preferences",
        "interfaces:tokens",
        "interfaces:publication",
        "responsibilities:people",
        "responsibilities:audit_log",
        "assessment:assessment_home",
        "assessment:assessment_detail",
        "two_factor",
        "two_factor_enrol",
    },
    "office_sz": {
        "dashboards:rollup",
        "programmes:task_delegate",
        "programmes:plan_edit",
        "reports:period_detail",
    },
    "audit_admin": {"responsibilities:audit_log"},
    "admin": {"admin:index"},
}
ROLES = ("office", "reviewer", "office_sz", "system_admin", "security_admin", "audit_admin", "admin")


def test_every_office_and_administrator_page_in_both_languages_at_both_widths(
    walk_world, browser, live_server, subtests
):
    seeds, data = walk_world
    texts = Texts(data)
    allowed_keys = {text for text in data if FIELD_KEY.fullmatch(text)}
    WALK.mkdir(parents=True, exist_ok=True)
    for old in WALK.glob("*.png"):
        old.unlink()
    counts = {}
    for role in ROLES:
        for language in ("zh-hans", "en"):
            with subtests.test(role=role, language=language):
                texts.refresh(_data_texts())  # what the walk itself made (an enrolment's device)
                seen, found = walk(browser, live_server, role, language, seeds[role], texts, allowed_keys)
                counts[(role, language)] = len(set(seen.values()))
                print(f"{role} {language}: {len(seen)} routes", flush=True)
                missing = MUST_REACH.get(role, set()) - set(seen)
                assert not missing, f"{role} did not reach {sorted(missing)}"
                assert not found, "\n".join(f"{page}: {'; '.join(p)}" for page, p in sorted(found.items()))
    print("pages walked (each at 1366 and 390 px):", counts)
