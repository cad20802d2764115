"""Several app servers behind one address (issue 19): two real gunicorn servers on one
PostgreSQL database, one Redis and one shared PRIVATE_ROOT. Whatever one server writes the
other serves: the office's dashboard within the second its data fingerprint is trusted, the
session, and the evidence files.

PostgreSQL and Redis only: a second process cannot share pytest's SQLite database, nor the
embedded in-memory cache.
"""

import os
import re
import time

import pytest
from django.conf import global_settings
from django.db import connection
from django.urls import reverse

from bench.peak import Browser, Gunicorn, form_fields
from reports.models import DepartmentReport, Evidence
from tests.test_celery_worker import database_url_for_processes

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）"),
]

PASSWORD = "Demo@2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def servers(transactional_db, settings, tmp_path):
    """Two gunicorn servers, A and B, on the test database, this run's Redis database and one
    private directory, trusting the dashboard fingerprint for a second as in production."""
    if connection.vendor != "postgresql":
        pytest.skip("两台服务器须共用 PostgreSQL：SQLite 的测试库只在本进程内可见")
    env = {
        "DATABASE_URL": database_url_for_processes(),
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "PRIVATE_ROOT": str(tmp_path / "private"),
        "DASHBOARD_FINGERPRINT_SECONDS": "1",
    }
    with Gunicorn(workers=1, threads=2, env=env) as a, Gunicorn(workers=1, threads=2, env=env) as b:
        yield a, b


@pytest.fixture
def people(cast, period, settings):
    """The cast's liaison and office, with passwords hashed as the servers check them (the
    tests' fast hasher is not among the servers')."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for user in (cast.liaison, cast.office):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return cast


def sign_in(browser: Browser, server: Gunicorn, username: str) -> None:
    """The login page and the password, with the page's CSRF token, on the given server."""
    login = reverse("login")
    status, _h, body = browser.request("GET", login, server=server.url)
    assert status == 200
    token = form_fields(body.decode(), form_id=None)["csrfmiddlewaretoken"]
    status, headers, _b = browser.request(
        "POST",
        login,
        form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        server=server.url,
    )
    assert status == 302, f"{username} could not sign in on {server.url}"


def missing_names(html: str) -> str:
    start = html.find('class="missing-names"')
    return html[start : html.find("</p>", start)] if start >= 0 else ""


def test_a_session_started_on_one_server_works_on_the_other(servers, people):
    a, b = servers
    report = DepartmentReport.objects.get(period__status="open", department=people.department)
    page = reverse("reports:report_detail", args=[report.pk])
    liaison = Browser(a.url)

    # given a liaison signed in on A (a real login: the password, the CSRF token)
    sign_in(liaison, a, "liaison")

    # when the same cookies reach B
    status, _h, body = liaison.request("GET", page, server=b.url)

    # then B knows the session (it is in the database): the editable report, not the login page
    assert status == 200
    assert any(key.endswith("-version") for key in form_fields(body.decode()))
    # and a save B answers keeps the CSRF token A's page gave
    fields = form_fields(body.decode())
    entry_key = next(k for k in fields if k.startswith("entry-") and k.endswith("-progress"))
    fields[entry_key] = "在B上保存的进展"
    headers = {"X-CSRFToken": liaison.cookies["csrftoken"], "X-Requested-With": "fetch"}
    save = reverse("reports:report_save", args=[report.pk])
    status, _h, body = liaison.request("POST", save, form=fields, headers=headers, server=b.url)
    assert status == 200, body[:300]
    assert report.entries.get().progress == "在B上保存的进展"

    # and a stranger's cookie opens nothing on either server
    stranger = Browser(b.url)
    stranger.cookies["sessionid"] = "not-a-session"
    status, headers, _b = stranger.request("GET", page)
    assert status == 302 and headers["Location"].startswith(reverse("login"))


def test_evidence_uploaded_through_one_server_downloads_through_the_other(servers, people):
    a, b = servers
    report = DepartmentReport.objects.get(period__status="open", department=people.department)
    entry = report.entries.get()
    liaison = Browser(a.url)
    sign_in(liaison, a, "liaison")
    _s, _h, body = liaison.request("GET", report.get_absolute_url(), server=a.url)
    token = form_fields(body.decode(), form_id=f"evidence-{entry.pk}")["csrfmiddlewaretoken"]

    # when the liaison uploads a PDF through A
    status, _h, _b = liaison.request(
        "POST",
        reverse("reports:evidence_upload", args=[entry.pk]),
        form={"csrfmiddlewaretoken": token},
        files={"file": ("抽查报告.pdf", PDF, "application/pdf")},
        server=a.url,
    )
    assert status == 302
    evidence = Evidence.objects.get(entry=entry)

    # then B's report page lists it and B streams the very bytes A stored
    _s, _h, body = liaison.request("GET", report.get_absolute_url(), server=b.url)
    download = reverse("reports:evidence_download", args=[evidence.pk])
    assert re.search(rf'href="{re.escape(download)}"[^>]*>抽查报告\.pdf<', body.decode())
    status, headers, data = liaison.request("GET", download, server=b.url)
    assert status == 200
    assert data == PDF
    assert "attachment" in headers["Content-Disposition"]


def test_a_submission_through_one_server_shows_on_the_other_servers_cached_dashboard_within_a_second(
    servers, people
):
    a, b = servers
    report = DepartmentReport.objects.get(period__status="open", department=people.department)
    dashboard = (
        reverse("dashboards:dashboard_for", args=[people.jurisdiction.pk]) + f"?period={report.period_id}"
    )
    office = Browser(b.url)
    sign_in(office, b, "office")

    # given B has built the office's dashboard and serves it again from its memory:
    # 市市场监管局 has not submitted
    for _ in range(2):
        status, _h, body = office.request("GET", dashboard)
        assert status == 200
        assert "市市场监管局" in missing_names(body.decode())

    # when the liaison fills in the progress and submits through A
    liaison = Browser(a.url)
    sign_in(liaison, a, "liaison")
    _s, _h, body = liaison.request("GET", report.get_absolute_url())
    fields = form_fields(body.decode())
    for key in fields:
        if key.startswith("entry-") and key.endswith("-progress"):
            fields[key] = "本月检查企业12家，整改问题3个。"
    status, headers, _b = liaison.request(
        "POST", reverse("reports:report_submit", args=[report.pk]), form=fields
    )
    assert status == 302
    report.refresh_from_db()
    assert report.status == DepartmentReport.Status.SUBMITTED
    submitted_at = time.monotonic()

    # then within the second B trusts its fingerprint for (and a margin for the machine's
    # load), B's dashboard no longer names the department as missing
    polls = []
    while True:
        _s, _h, body = office.request("GET", dashboard)
        seen = "市市场监管局" not in missing_names(body.decode())
        polls.append(round(time.monotonic() - submitted_at, 2))
        if seen or time.monotonic() - submitted_at > 2.0:
            break
        time.sleep(0.1)
    assert seen, f"B still showed the old page {polls[-1]} s after the submission (polled at {polls})"
