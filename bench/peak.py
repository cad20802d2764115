"""The month-end peak: five hundred liaisons open their reports, autosave their drafts several
times and submit, within a couple of minutes, against two real gunicorn servers on loopback
sharing one PostgreSQL and one Redis; afterwards the database must hold every value each of
them sent last.

The servers stand behind no proxy with stickiness: each liaison's requests alternate between
them (a round-robin proxy), so every save lands on the other server from the one before, and
the session, the CSRF token and the versions must hold across servers.

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

PEAK_KEYS = (
    "peak_liaisons",
    "peak_app_servers",
    "peak_requests",
    "peak_errors",
    "peak_lost_values",
    "peak_p95_ms",
    "peak_open_p95_ms",
    "peak_save_p95_ms",
    "peak_submit_p95_ms",
)
PEAK_STEPS = ("open", "save", "submit")
# Seconds between one liaison's autosaves: the page saves 2 s after typing stops, and a
# progress paragraph typed through a Chinese input method takes a while.
THINK_S = (5.0, 15.0)
# Seconds over which the liaisons open their reports: the last afternoon before the deadline
# squeezed into two minutes, each liaison arriving at a random moment within it.
ARRIVAL_S = 120.0
# Each of the two servers: two processes for the machine's two cores, and threads to cover
# the time a request waits on PostgreSQL (locks, commits).
SERVERS, WORKERS, THREADS = 2, 2, 4


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


def peak_sessions(liaisons: list[Liaison]) -> dict[str, str]:
    """Each liaison signed in as Django's login() signs a person in (the sign-in signals run:
    the audit row, the second-factor and password-policy steps), without the password check:
    the session cookie value by user name. Signing in is spread over the morning, and 500
    checks of a password hashed for 1.1 s each would keep two cores busy for five minutes."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=[lz.username for lz in liaisons])
    cookies = {}
    for user in users:
        client = Client()
        client.force_login(user)
        cookies[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


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
    """The database this process uses, as a URL for the servers it starts: the configured URL,
    unless the process now uses another database (pytest's test database)."""
    db = connection.settings_dict
    configured = os.environ.get("DATABASE_URL", "")
    if configured and urlsplit(configured).path.strip("/") == db["NAME"]:
        return configured
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Gunicorn:
    """gunicorn serving the portal on a free loopback port, in this process's environment."""

    def __init__(self, *, workers: int, threads: int, env: dict[str, str] | None = None):
        self.env = dict(env or {})
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
        env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="0") | self.env
        self.process = subprocess.Popen(
            self.command, cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _headers, _body = Browser(self.url).request("GET", reverse("ping"))
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

    def cpu_seconds(self) -> float | None:
        """CPU time the server's processes (the master and its workers) have used so far, from
        /proc (None where there is none): what the requests cost whatever else loads the machine."""
        proc = Path("/proc")
        if self.process is None or not proc.is_dir():
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # after the name: state, ppid, ..., utime and stime are the 12th and 13th
            if stat.parent.name == str(self.process.pid) or fields[1] == str(self.process.pid):
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def warm(self, path: str, cookies: dict[str, str], *, requests: int) -> None:
        """`requests` GETs of a page at once, so that each worker has imported and compiled
        what the page needs before anything is timed."""
        browsers = [Browser(self.url) for _ in range(requests)]
        for browser in browsers:
            browser.cookies.update(cookies)
        threads = [threading.Thread(target=b.request, args=("GET", path)) for b in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


# The client -------------------------------------------------------------------------------------


class Browser:
    """Cookies and one loopback connection per request: just enough of a browser. The cookies
    go with every request, to whichever server it is sent (base_url, or the server= given)."""

    def __init__(self, base_url: str, timeout: float = 60):
        self.host, self.port = _loopback(base_url)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict | None = None,
        server: str | None = None,
    ):
        host, port = _loopback(server) if server else (self.host, self.port)
        conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if files is not None:
                body, sent["Content-Type"] = _multipart(form or {}, files)
            elif form is not None:
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


def _loopback(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise ValueError("the peak only talks to the loopback interface")
    return parts.hostname, parts.port


def _multipart(form: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser posts a form with a file input."""
    boundary = f"----peak{random.getrandbits(64):016x}"
    parts = []
    for name, value in form.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


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
    requests_by_server: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in PEAK_STEPS})
    last_sent: dict[str, str] = field(default_factory=dict)


class _Timeout(Exception):
    pass


class _Session:
    """One liaison's month end: (sign in,) open the report, autosave, submit. The requests go
    to the servers in turn, starting at `first` (a round-robin proxy without stickiness)."""

    def __init__(
        self,
        base_urls: list[str],
        liaison: Liaison,
        *,
        deadline: float,
        rng: random.Random,
        session: str | None = None,
        first: int = 0,
    ):
        self.servers = list(base_urls)
        self.turn = first
        self.browser = Browser(self.servers[0])
        if session:
            self.browser.cookies[settings.SESSION_COOKIE_NAME] = session
        self.liaison = liaison
        self.outcome = _Outcome(liaison)
        self.deadline = deadline
        self.rng = rng
        self.page = reverse("reports:report_detail", args=[liaison.report_id])

    def call(self, method, path, *, form=None, headers=None, expect=(200,), timed: str = ""):
        if time.monotonic() > self.deadline:
            raise _Timeout(f"{method} {path}: time limit reached")
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        started = time.perf_counter()
        self.outcome.requests += 1
        self.outcome.requests_by_server[server] = self.outcome.requests_by_server.get(server, 0) + 1
        status, response_headers, body = self.browser.request(
            method, path, form=form, headers=headers, server=server
        )
        if timed:
            self.outcome.latencies_ms[timed].append((time.perf_counter() - started) * 1000)
        if status not in expect:
            raise RuntimeError(f"{method} {path} on {server} answered {status}: {body[:200]!r}")
        return status, response_headers, body

    def sign_in(self) -> None:
        """The login page and the password, as a person signs in (not timed)."""
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

    def open(self) -> dict[str, str]:
        if settings.SESSION_COOKIE_NAME not in self.browser.cookies:
            self.sign_in()
        _s, _h, body = self.call("GET", self.page, timed="open")
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


def _liaison_thread(session: _Session, start: float, *, arrival: float, saves: int, think: tuple) -> None:
    """The liaison arrives at a random moment of the arrival window, opens the report, types
    and autosaves `saves` times with a pause before each, pauses once more and submits."""
    outcome = session.outcome
    try:
        time.sleep(max(0.0, start + session.rng.uniform(0, arrival) - time.monotonic()))
        fields = session.open()
        for round_ in range(1, saves + 1):
            time.sleep(session.rng.uniform(*think))
            session.type_some(fields, round_)
            session.save(fields)
        time.sleep(session.rng.uniform(*think))
        session.complete(fields, saves + 1)
        session.submit(fields)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the others
        outcome.errors.append(f"{type(exc).__name__}: {exc}")


@dataclass
class PeakResult:
    liaisons: int
    app_servers: int
    requests: int
    requests_by_server: list[int]
    errors: list[str]
    lost_values: int
    p95_ms: float | None
    step_p95_ms: dict[str, float | None]
    submitted: int
    seconds: float

    def figures(self) -> dict:
        return {
            "peak_liaisons": self.liaisons,
            "peak_app_servers": self.app_servers,
            "peak_requests": self.requests,
            "peak_requests_by_server": self.requests_by_server,
            "peak_errors": len(self.errors),
            "peak_lost_values": self.lost_values,
            "peak_p95_ms": self.p95_ms,
            **{f"peak_{step}_p95_ms": self.step_p95_ms[step] for step in PEAK_STEPS},
            "peak_submitted": self.submitted,
            "peak_seconds": self.seconds,
        }


def peak_run(
    *,
    base_url: str | list[str],
    liaisons: list[Liaison],
    sessions: dict[str, str] | None = None,
    saves: int = 4,
    arrival: float = ARRIVAL_S,
    think: tuple[float, float] = THINK_S,
    time_limit: float = 600,
    seed: int = 2026,
) -> PeakResult:
    """Every liaison within the arrival window, on the given servers in turn; then the database
    is checked against what each sent last. Liaisons without a prepared session (sessions, by
    user name) sign in first, untimed."""
    servers = [base_url] if isinstance(base_url, str) else list(base_url)
    sessions = sessions or {}
    started = time.monotonic()
    deadline = started + time_limit
    runs = [
        _Session(
            servers,
            liaison,
            deadline=deadline,
            rng=random.Random(seed + n),
            session=sessions.get(liaison.username),
            first=n,
        )
        for n, liaison in enumerate(liaisons)
    ]
    threads = [
        threading.Thread(
            target=_liaison_thread,
            args=(run, started),
            kwargs={"arrival": arrival, "saves": saves, "think": think},
            daemon=True,
        )
        for run in runs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 70)
    outcomes = [run.outcome for run in runs]
    errors = [f"{o.liaison.username}: {e}" for o in outcomes for e in o.errors]
    errors += [
        f"{run.liaison.username}: still running" for run, t in zip(runs, threads, strict=True) if t.is_alive()
    ]
    submitted = set(
        DepartmentReport.objects.filter(
            pk__in=[lz.report_id for lz in liaisons], status=DepartmentReport.Status.SUBMITTED
        ).values_list("pk", flat=True)
    )
    errors += [
        f"{o.liaison.username}: not submitted" for o in outcomes if o.liaison.report_id not in submitted
    ]
    latencies = {step: [ms for o in outcomes for ms in o.latencies_ms[step]] for step in PEAK_STEPS}
    return PeakResult(
        liaisons=len(liaisons),
        app_servers=len(servers),
        requests=sum(o.requests for o in outcomes),
        requests_by_server=[sum(o.requests_by_server.get(url, 0) for o in outcomes) for url in servers],
        errors=errors,
        lost_values=lost_values(outcomes),
        p95_ms=_p95([ms for samples in latencies.values() for ms in samples]),
        step_p95_ms={step: _p95(samples) for step, samples in latencies.items()},
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
    liaisons: int = 500,
    servers: int = SERVERS,
    workers: int = WORKERS,
    threads: int = THREADS,
    saves: int = 4,
    arrival: float = ARRIVAL_S,
    think: tuple[float, float] = THINK_S,
    time_limit: float = 600,
) -> dict:
    """The month-end peak against `servers` gunicorn servers on PostgreSQL and Redis; on SQLite
    the keys are null and say why. With fewer open bench reports than liaisons asked for (the
    default seed_large has 180), it runs with those there are and says so in peak_short."""
    if connection.vendor != "postgresql":
        return dict.fromkeys(PEAK_KEYS) | {
            "peak_skipped": "需要 PostgreSQL：SQLite 一次只允许一个写入者，测不出并发高峰"
        }
    peak_reset()
    chosen = peak_liaisons(liaisons)
    if not chosen:
        return dict.fromkeys(PEAK_KEYS) | {"peak_skipped": "没有开放中的基准月报，请先运行 seed_large"}
    sessions = peak_sessions(chosen)
    with contextlib.ExitStack() as stack:
        started = [stack.enter_context(Gunicorn(workers=workers, threads=threads)) for _ in range(servers)]
        page = reverse("reports:report_detail", args=[chosen[0].report_id])
        for server in started:
            server.warm(
                page, {settings.SESSION_COOKIE_NAME: sessions[chosen[0].username]}, requests=4 * workers
            )
        cpu_before = [server.cpu_seconds() for server in started]
        result = peak_run(
            base_url=[server.url for server in started],
            liaisons=chosen,
            sessions=sessions,
            saves=saves,
            arrival=arrival,
            think=think,
            time_limit=time_limit,
        )
        cpu = [
            None if before is None else server.cpu_seconds() - before
            for server, before in zip(started, cpu_before, strict=True)
        ]
    figures = result.figures()
    if None not in cpu and result.requests:
        figures["peak_server_cpu_s"] = round(sum(cpu), 1)
        figures["peak_server_cpu_ms_per_request"] = round(sum(cpu) * 1000 / result.requests, 1)
    figures.update(
        {
            "peak_arrival_s": arrival,
            "peak_think_s": list(think),
            "peak_server": f"{servers} × gunicorn -w {workers} --threads {threads}",
        }
    )
    if len(chosen) < liaisons:
        figures["peak_short"] = (
            f"只有 {len(chosen)} 份开放中的基准月报，少于 {liaisons} 名联络员；请运行 seed_large --province"
        )
    if result.errors:
        figures["peak_first_errors"] = result.errors[:3]
    return figures
