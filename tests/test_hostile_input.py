"""Random, oversized and hostile values posted to every form and import: never a server error,
never a stored script, and a message in Chinese when the input is refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models import DepartmentReport
from reports.services import period_ensure, period_open

NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE programmes_plan; --",
    "1' OR '1'='1",
    "\x00\x01\x02\x1b[31m",
    "\u202e\u200b\ufeff",  # right-to-left override, zero width, BOM
    "𠜎𠜱𠝹𠱓",  # CJK beyond the BMP
    "Ａ１２３．５",
    "{{ settings.SECRET_KEY }}",
    "%(counter)s %s {0}",
    "../../../../etc/passwd",
    "a" * 20000,
]
NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "1e-400",
    "-0",
    "0x1F",
    "９９．５",
    "1,000,000",
    "1e13",
    "",
    " ",
    "一百",
]

hostile_text = st.one_of(st.sampled_from([*NASTY, "长" * 6000, "\n" * 3000]), st.text(max_size=300))
hostile_number = st.one_of(
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# 429: five failed sign-ins lock the account (django-axes), with the lockout page in Chinese
OK_STATUSES = {200, 302, 400, 403, 404, 409, 429}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
RAW_IMG_HANDLER = re.compile(r"<img\b[^>]*\bonerror\s*=", re.IGNORECASE)


def assert_safe(response):
    assert response.status_code in OK_STATUSES, response.status_code
    body = response.content.decode(errors="replace")
    assert "<script>alert(1)</script>" not in body
    # the attribute-breaking value comes back, if at all, escaped: never as an <img> tag of its own
    assert RAW_IMG_HANDLER.search(body) is None, "an unescaped <img … onerror=…> reached the page"
    if response.status_code == 400:
        assert CHINESE.search(body), "a refusal says why, in Chinese"


@pytest.fixture
def open_report(cast, rated):
    return DepartmentReport.objects.get(period__jurisdiction=cast.jurisdiction, department=cast.department)


@pytest.fixture
def rated(cast):
    from tests.factories import IndicatorFactory, TargetFactory

    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="合格率", unit="%", reporting_department=cast.department
    )
    TargetFactory(task=cast.task, indicator=indicator, value=93)
    return period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=11))


@EXAMPLES
@given(progress=hostile_text, problems=hostile_text, value=hostile_number, explanation=hostile_text)
def test_report_form(client, cast, open_report, progress, problems, value, explanation):
    entry, row = open_report.entries.get(), open_report.values.get()
    entry.refresh_from_db()
    row.refresh_from_db()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{open_report.pk}/save/",
        {
            f"entry-{entry.pk}-progress": progress,
            f"entry-{entry.pk}-problems": problems,
            f"entry-{entry.pk}-status": "in_progress",
            f"entry-{entry.pk}-version": entry.version,
            f"value-{row.pk}-value": value,
            f"value-{row.pk}-gap_explanation": explanation,
            f"value-{row.pk}-version": row.version,
        },
    )
    assert_safe(response)
    entry.refresh_from_db()
    assert "\x00" not in entry.progress
    assert_safe(client.get(f"/reports/{open_report.pk}/"))


@EXAMPLES
@given(
    version=st.one_of(st.text(max_size=20), st.integers().map(str)),
    status=hostile_text,
    key=st.text(max_size=30),
)
def test_report_form_with_forged_fields(client, cast, open_report, version, status, key):
    entry = open_report.entries.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{open_report.pk}/save/",
        {
            f"entry-{entry.pk}-status": status,
            f"entry-{entry.pk}-version": version,
            f"entry-{key}-progress": "x",
            "entry-999999999-progress": "不属于本月报",
            f"value-{key}-value": "1",
        },
    )
    assert response.status_code in OK_STATUSES


@EXAMPLES
@given(
    title=hostile_text,
    body=hostile_text,
    date=st.one_of(st.sampled_from(["2026-02-30", "0000-00-00", "明天"]), st.text(max_size=12)),
)
def test_work_update_form(client, cast, title, body, date):
    client.force_login(cast.liaison)
    response = client.post(
        "/updates/", {"department": cast.department.pk, "date": date, "title": title, "body": body}
    )
    assert_safe(response)
    assert_safe(client.get("/updates/"))


@EXAMPLES
@given(
    content=st.one_of(
        st.binary(max_size=3000),
        st.sampled_from([b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0" + b"\x00" * 600]),
    ),
    name=hostile_text,
)
def test_evidence_upload(client, cast, open_report, content, name, tmp_path_factory):
    from django.test import override_settings

    entry = open_report.entries.get()
    client.force_login(cast.liaison)
    upload = SimpleUploadedFile((name or "x")[:150] + ".pdf", content)
    # override_settings rather than the settings fixture: hypothesis runs many examples per call
    with override_settings(PRIVATE_ROOT=tmp_path_factory.mktemp("private")):
        assert_safe(client.post(f"/reports/entries/{entry.pk}/evidence/", {"file": upload}, follow=True))


@EXAMPLES
@given(text=hostile_text)
def test_plan_import_of_pasted_text(client, cast, text):
    client.force_login(cast.office)
    response = client.post("/plans/import/", {"text": text, "jurisdiction": cast.jurisdiction.pk})
    assert_safe(response)
    if response.status_code == 302:
        assert_safe(client.get(response.url))


@EXAMPLES
@given(
    content=st.binary(max_size=4000),
    suffix=st.sampled_from([".txt", ".docx", ".xlsx", ".doc", ".xls", ".pdf", ""]),
)
def test_plan_import_of_random_files(client, cast, content, suffix):
    client.force_login(cast.office)
    response = client.post(
        "/plans/import/",
        {"file": SimpleUploadedFile(f"方案{suffix}", content), "jurisdiction": cast.jurisdiction.pk},
    )
    assert_safe(response)


@EXAMPLES
@given(name=hostile_text, username=hostile_text, phone=hostile_text, email=hostile_text)
def test_people_form(client, cast, name, username, phone, email):
    client.force_login(cast.office)
    response = client.post(
        "/people/",
        {
            "full_name": name,
            "username": username[:200],
            "department": cast.department.pk,
            "role": "liaison",
            "phone": phone,
            "email": email,
        },
    )
    assert_safe(response)


@EXAMPLES
@given(q=hostile_text, year=hostile_number)
def test_list_filters(client, cast, q, year):
    client.force_login(cast.office)
    assert_safe(client.get("/plans/", {"q": q, "year": year}))
    assert_safe(client.get("/audit/", {"q": q, "since": year, "actor": q}))


@EXAMPLES
@given(username=hostile_text, password=hostile_text)
def test_login_form(client, db, username, password):
    assert_safe(client.post("/accounts/login/", {"username": username, "password": password}))
