"""The month-end peak: a hundred liaisons log in, autosave their drafts several times and submit,
all at once, against a real gunicorn on loopback; afterwards the database must hold every value
each of them sent last.

The client is the standard library's http.client in one thread per liaison, with a fresh
loopback connection per request; it only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from reports.models import DepartmentReport, IndicatorValue, Notification, ReportingPeriod, TaskEntry
from responsibilities.models import Membership, Role
from targets.models import Measurement

from .measure import count_queries, p95
from .world import BENCH_PASSWORD, bench_jurisdictions

PEAK_KEYS = ("peak_requests", "peak_errors", "peak_lost_values", "peak_p95_ms")
# Seconds between one liaison's autosaves: the page saves 2 s after typing stops, and a
# progress paragraph typed through a Chinese input method takes a while; each liaison also
# starts after up to the longest pause, so the hundred do not fire in the same second.
THINK_S = (4.0, 12.0)


@dataclass(frozen=True)
class Liaison:
    username: str
    report_id: int


def current_reports():
    """The bench reports of the open periods: what the liaisons fill in at month end."""
    return DepartmentReport.objects.current().filter(
        period__jurisdiction__in=bench_jurisdictions(), period__status=ReportingPeriod.Status.OPEN
    )


def peak_liaisons(count: int) -> list[Liaison]:
    """The first `count` departments with an open report, each with its liaison, city by city."""
    reports = current_reports().order_by("period__jurisdiction__name", "department__sort_order", "pk")
    liaison_of = dict(
        Membership.objects.filter(
            role=Role.LIAISON, is_active=True, department__jurisdiction__in=bench_jurisdictions()
        )
        .order_by("-pk")
        .values_list("department_id", "user__username")
    )
    chosen = []
    for report_id, department_id in reports.values_list("pk", "department_id"):
        if department_id in liaison_of:
            chosen.append(Liaison(liaison_of[department_id], report_id))
        if len(chosen) == count:
            break
    return chosen


def peak_reset() -> int:
    """Puts the open periods' bench reports back to blank drafts, so every run starts alike."""
    reports = current_reports()
    ids = list(reports.values_list("pk", flat=True))
    periods = ReportingPeriod.objects.filter(reports__in=ids).distinct()
    DepartmentReport.objects.filter(pk__in=ids).update(
        status=DepartmentReport.Status.DRAFT,
        is_late=False,
        return_count=0,
        rating=None,
        submitted_at=None,
        submitted_by=None,
        signed_off_at=None,
        signed_off_by=None,
        reviewed_at=None,
        reviewed_by=None,
    )
    TaskEntry.objects.filter(report__in=ids).update(
        progress="", problems="", next_steps="", consolidated="", office_comment="", returned=False
    )
    IndicatorValue.objects.filter(report__in=ids).update(value=None, gap_explanation="", note="")
    for period in periods:
        Measurement.objects.filter(
            indicator__jurisdiction_id=period.jurisdiction_id, period_end=period.end
        ).delete()
    Notification.objects.filter(
        user__username__startswith="bench_",
        url__in=[reverse("reports:report_detail", args=[pk]) for pk in ids],
    ).delete()
    return len(ids)


def report_form_queries() -> int | None:
    """Queries of one GET of a liaison's editable report page, through the whole stack."""
    liaisons = peak_liaisons(1)
    if not liaisons:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=liaisons[0].username)
    url = reverse("reports:report_detail", args=[liaisons[0].report_id])
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(user)
        client.get(url)
        with count_queries() as counted:
            response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return counted[0]


# The server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The database this process uses, as a URL for the server it starts."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Gunicorn:
    """gunicorn serving the portal on a free loopback port, in this process's environment."""

    def __init__(self, *, workers: int, threads: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "qualitycity.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - read when the server fails to start
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="0")
        self.process = subprocess.Popen(
            self.command, cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _headers, _body = _Browser(self.url).request("GET", reverse("ping"))
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start: {self.output()[-2000:]}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


# The client -------------------------------------------------------------------------------------


class _Browser:
    """Cookies and one loopback connection per request: just enough of a browser."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError("the peak only talks to the loopback interface")
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form).encode()
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, data
        finally:
            conn.close()


class _FormFields(HTMLParser):
    """The named fields of one form on a page, with the values a browser would post."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("file", "submit", "button"):
            self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.fields or "selected" in a):
            self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, form_id: str | None = "report-form") -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


@dataclass
class _Outcome:
    liaison: Liaison
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: {"save": [], "submit": []})
    last_sent: dict[str, str] = field(default_factory=dict)


class _Timeout(Exception):
    pass


class _Session:
    """One liaison's month end: log in, open the report, autosave, submit."""

    def __init__(self, base_url, liaison: Liaison, *, deadline: float, rng: random.Random):
        self.browser = _Browser(base_url)
        self.liaison = liaison
        self.outcome = _Outcome(liaison)
        self.deadline = deadline
        self.rng = rng
        self.page = reverse("reports:report_detail", args=[liaison.report_id])

    def call(self, method, path, *, form=None, headers=None, expect=(200,), timed: str = ""):
        if time.monotonic() > self.deadline:
            raise _Timeout(f"{method} {path}: time limit reached")
        started = time.perf_counter()
        self.outcome.requests += 1
        status, response_headers, body = self.browser.request(method, path, form=form, headers=headers)
        if timed:
            self.outcome.latencies_ms[timed].append((time.perf_counter() - started) * 1000)
        if status not in expect:
            raise RuntimeError(f"{method} {path} answered {status}: {body[:200]!r}")
        return status, response_headers, body

    def open(self) -> dict[str, str]:
        login = reverse("login")
        _s, _h, body = self.call("GET", login)
        token = form_fields(body.decode(), form_id=None)
        self.call(
            "POST",
            login,
            form={
                "username": self.liaison.username,
                "password": BENCH_PASSWORD,
                "csrfmiddlewaretoken": token.get("csrfmiddlewaretoken", ""),
                "next": self.page,
            },
            headers={"Referer": f"http://{self.browser.host}:{self.browser.port}{login}"},
            expect=(302,),
        )
        _s, _h, body = self.call("GET", self.page)
        fields = form_fields(body.decode())
        if not any(k.endswith("-version") for k in fields):
            raise RuntimeError(f"{self.page}: no editable fields after login")
        return fields

    def save(self, fields: dict[str, str]) -> None:
        """An autosave: the whole form, as the page's script posts it; versions come back."""
        self.outcome.last_sent = dict(fields)
        _s, _h, body = self.call(
            "POST",
            reverse("reports:report_save", args=[self.liaison.report_id]),
            form=fields,
            headers=self._ajax(),
            timed="save",
        )
        answer = json.loads(body)
        if answer.get("conflicts") or answer.get("errors"):
            raise RuntimeError(f"save refused: {answer.get('conflicts')} {answer.get('errors')}")
        for key, version in answer["versions"].items():
            if f"{key}-version" in fields:
                fields[f"{key}-version"] = str(version)

    def submit(self, fields: dict[str, str]) -> None:
        self.outcome.last_sent = dict(fields)
        self.call(
            "POST",
            reverse("reports:report_submit", args=[self.liaison.report_id]),
            form=fields,
            headers=self._ajax(fetch=False),
            expect=(302,),
            timed="submit",
        )

    def _ajax(self, fetch: bool = True) -> dict[str, str]:
        headers = {"X-CSRFToken": self.browser.cookies.get("csrftoken", "")}
        if fetch:
            headers["X-Requested-With"] = "fetch"
        return headers

    # What the liaison types ------------------------------------------------------------------

    def type_some(self, fields: dict[str, str], round_: int) -> None:
        entries = _keys(fields, "entry", "progress")
        values = _keys(fields, "value", "value")
        for key in self.rng.sample(entries, k=min(len(entries), 3)):
            fields[key] = self._progress(round_)
        for key in self.rng.sample(values, k=min(len(values), 2)):
            fields[key] = self._number()

    def complete(self, fields: dict[str, str], round_: int) -> None:
        """Everything the submission needs: each task's progress, each indicator's value, and
        a word on any gap (the liaison cannot tell from the page how the office will read a
        running total, so every value carries its note)."""
        for key in _keys(fields, "entry", "progress"):
            if not fields[key].strip():
                fields[key] = self._progress(round_)
        for key in _keys(fields, "value", "value"):
            if not fields[key].strip():
                fields[key] = self._number()
            fields[key.removesuffix("-value") + "-gap_explanation"] = (
                "本期数据已核实；未达目标部分系季节性因素所致，预计年底前完成。"
            )

    def _progress(self, round_: int) -> str:
        return (
            f"本月，我局召开专题推进会，检查企业{self.rng.randint(3, 60)}家，"
            f"督促整改问题{self.rng.randint(1, 12)}个，工作按计划推进。（第{round_}次保存）"
        )

    def _number(self) -> str:
        return f"{self.rng.uniform(40, 120):.2f}"


def _keys(fields: dict[str, str], kind: str, name: str) -> list[str]:
    return sorted(k for k in fields if k.startswith(f"{kind}-") and k.endswith(f"-{name}"))


def _liaison_thread(session: _Session, barrier: threading.Barrier, *, saves: int, think: tuple) -> None:
    outcome = session.outcome
    fields = None
    try:
        fields = session.open()
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the others
        outcome.errors.append(f"open: {exc}")
    # Everyone is in and has the page open: the peak starts together. Logging in is spread
    # over the morning in real life; here its password hashing would only crowd the saves.
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=max(1.0, session.deadline - time.monotonic()))
    if fields is None:
        return
    try:
        time.sleep(session.rng.uniform(0, think[1]))
        for round_ in range(1, saves + 1):
            session.type_some(fields, round_)
            session.save(fields)
            time.sleep(session.rng.uniform(*think))
        session.complete(fields, saves + 1)
        session.submit(fields)
    except Exception as exc:  # noqa: BLE001
        outcome.errors.append(f"{type(exc).__name__}: {exc}")


@dataclass
class PeakResult:
    requests: int
    errors: list[str]
    lost_values: int
    p95_ms: float | None
    save_p95_ms: float | None
    submit_p95_ms: float | None
    submitted: int
    seconds: float

    def figures(self) -> dict:
        return {
            "peak_requests": self.requests,
            "peak_errors": len(self.errors),
            "peak_lost_values": self.lost_values,
            "peak_p95_ms": self.p95_ms,
            "peak_save_p95_ms": self.save_p95_ms,
            "peak_submit_p95_ms": self.submit_p95_ms,
            "peak_submitted": self.submitted,
            "peak_seconds": self.seconds,
        }


def peak_run(
    *,
    base_url: str,
    liaisons: list[Liaison],
    saves: int = 4,
    think: tuple[float, float] = THINK_S,
    time_limit: float = 300,
    seed: int = 2026,
) -> PeakResult:
    """Every liaison at once; then the database is checked against what each sent last."""
    started = time.monotonic()
    deadline = started + time_limit
    barrier = threading.Barrier(len(liaisons))
    sessions = [
        _Session(base_url, liaison, deadline=deadline, rng=random.Random(seed + n))
        for n, liaison in enumerate(liaisons)
    ]
    threads = [
        threading.Thread(target=_liaison_thread, args=(s, barrier), kwargs={"saves": saves, "think": think})
        for s in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 70)
    outcomes = [s.outcome for s in sessions]
    errors = [f"{o.liaison.username}: {e}" for o in outcomes for e in o.errors]
    errors += [
        f"{s.liaison.username}: still running" for s, t in zip(sessions, threads, strict=True) if t.is_alive()
    ]
    submitted = set(
        DepartmentReport.objects.filter(
            pk__in=[lz.report_id for lz in liaisons], status=DepartmentReport.Status.SUBMITTED
        ).values_list("pk", flat=True)
    )
    errors += [
        f"{o.liaison.username}: not submitted" for o in outcomes if o.liaison.report_id not in submitted
    ]
    latencies = {kind: [ms for o in outcomes for ms in o.latencies_ms[kind]] for kind in ("save", "submit")}
    return PeakResult(
        requests=sum(o.requests for o in outcomes),
        errors=errors,
        lost_values=lost_values(outcomes),
        p95_ms=_p95(latencies["save"] + latencies["submit"]),
        save_p95_ms=_p95(latencies["save"]),
        submit_p95_ms=_p95(latencies["submit"]),
        submitted=len(submitted),
        seconds=round(time.monotonic() - started, 1),
    )


def _p95(samples: list[float]) -> float | None:
    return round(p95(samples), 1) if samples else None


def lost_values(outcomes: list[_Outcome]) -> int:
    """Each entry's progress and each indicator's value the liaison sent last that the database
    does not hold."""
    progress, values = {}, {}
    for outcome in outcomes:
        for key, sent in outcome.last_sent.items():
            kind, _, rest = key.partition("-")
            pk, _, name = rest.partition("-")
            if kind == "entry" and name == "progress":
                progress[int(pk)] = sent.replace("\r\n", "\n")
            elif kind == "value" and name == "value":
                values[int(pk)] = sent
    lost = sum(
        1
        for pk, stored in TaskEntry.objects.filter(pk__in=progress).values_list("pk", "progress")
        if stored != progress[pk]
    )
    stored_values = dict(IndicatorValue.objects.filter(pk__in=values).values_list("pk", "value"))
    for pk, sent in values.items():
        stored = stored_values.get(pk)
        try:
            expected = Decimal(sent) if sent.strip() else None
        except InvalidOperation:
            expected = sent
        lost += stored != expected
    lost += len(progress) - TaskEntry.objects.filter(pk__in=progress).count()
    return lost


def peak_figures(
    *,
    liaisons: int = 100,
    workers: int = 2,
    threads: int = 4,
    saves: int = 4,
    think: tuple[float, float] = THINK_S,
    time_limit: float = 300,
) -> dict:
    """The month-end peak against gunicorn on PostgreSQL; on SQLite the keys are null and say why."""
    if connection.vendor != "postgresql":
        return dict.fromkeys(PEAK_KEYS) | {
            "peak_skipped": "需要 PostgreSQL：SQLite 一次只允许一个写入者，测不出并发高峰"
        }
    peak_reset()
    chosen = peak_liaisons(liaisons)
    if not chosen:
        return dict.fromkeys(PEAK_KEYS) | {"peak_skipped": "没有开放中的基准月报，请先运行 seed_large"}
    with Gunicorn(workers=workers, threads=threads) as server:
        result = peak_run(
            base_url=server.url, liaisons=chosen, saves=saves, think=think, time_limit=time_limit
        )
    figures = result.figures()
    figures.update(
        {
            "peak_liaisons": len(chosen),
            "peak_think_s": list(think),
            "peak_server": f"gunicorn -w {workers} --threads {threads}",
        }
    )
    if result.errors:
        figures["peak_first_errors"] = result.errors[:3]
    return figures
