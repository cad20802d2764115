"""Every GET page of the portal, asked with hostile query values by the office: never a server
error. `isdigit()` and `int()` take ², ① and ٣٤ for digits and 20-digit numbers overflow the
database's integers; each view reads its parameters through qualitycity.params instead.

The world and the URL walk are the permission matrix's (tests/test_permission_matrix.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction

from tests.test_permission_matrix import MATRIX, shared_world, url_for  # noqa: F401 - shared_world is a fixture

HOSTILE = ["²", "①", "٣٤", "１２", "99999999999999999999", "-1", "0", "1_000", "\x00", "<script>", "%00", ""]

# The paging and sorting keys every list reads (django-tables2), and the dashboards' filters.
TABLE_KEYS = ("page", "per_page", "sort")
DASHBOARD_KEYS = ("plan", "section", "department", "status", "year", "period", "target_status", "state")
LIST_KEYS = (*DASHBOARD_KEYS, *TABLE_KEYS, "_export")
# What each page reads from its query string (found by reading the views).
READS = {
    "dashboards:dashboard": (*DASHBOARD_KEYS, "target"),
    "dashboards:dashboard_for": (*DASHBOARD_KEYS, "target"),
    "dashboards:dashboard_tasks": LIST_KEYS,
    "dashboards:dashboard_targets": LIST_KEYS,
    "dashboards:dashboard_reports": LIST_KEYS,
    "dashboards:dashboard_departments": LIST_KEYS,
    "dashboards:dashboard_summary": DASHBOARD_KEYS,
    "dashboards:dashboard_summary_pdf": ("plan", "year", "period"),
    "responsibilities:people": ("jurisdiction", *TABLE_KEYS),
    "responsibilities:contacts_export": ("jurisdiction",),
    "responsibilities:audit_log": (
        "action",
        "actor",
        "object_type",
        "since",
        "until",
        "q",
        *TABLE_KEYS,
        "_export",
    ),
    "programmes:plan_list": ("q", "kind", "status", "year", *TABLE_KEYS),
    "assessment:self_assessment": ("kind", "year", "number"),
    "plandocs:plan_export_xlsx": ("scope",),
    "plandocs:plan_export_docx": ("scope",),
}
# The dashboards read each key on its own through qualitycity.params (a bad value counts as
# absent), so every key at once per value runs every parser: 12 renders a page, not 100.
ALL_AT_ONCE = {name for name in READS if name.startswith("dashboards:")}
# Every other page reads none of these; each is asked with all of them at once.
ALL_KEYS = ("plan", "target", "jurisdiction", "period", "state", "target_status", "department", "year")
ALL_KEYS += ("month", "page", "sort", "_export")

GET_URLS = sorted(name for name, spec in MATRIX.items() if spec["method"] == "GET")
DASHBOARDS = [name for name in GET_URLS if name.startswith("dashboards:")]


@pytest.fixture
def office(client, shared_world):  # noqa: F811 - the fixture imported above
    users, ids, _evidence = shared_world
    client.force_login(users["office"])
    client.raise_request_exception = False  # a server error is counted, not raised
    return client, ids


def ask(client, url: str, params: dict) -> int:
    with transaction.atomic():
        response = client.get(f"{url}?{urlencode(params)}")
        transaction.set_rollback(True)
    return response.status_code


def test_the_sweep_covers_every_page_that_reads_the_query_string():
    assert set(READS) <= set(GET_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_URLS)
def test_no_hostile_query_value_is_a_server_error(office, name):
    client, ids = office
    url = url_for(name, ids)
    errors = []
    for value in HOSTILE:
        if name in ALL_AT_ONCE:
            if ask(client, url, dict.fromkeys(READS[name], value)) == 500:
                errors.append(("*", value))
        elif name in READS:
            for key in READS[name]:
                status = ask(client, url, {key: value})
                if status == 500:
                    errors.append((key, value))
        else:
            status = ask(client, url, dict.fromkeys(ALL_KEYS, value))
            if status == 500:
                errors.append(("*", value))
    assert errors == [], f"{name}: server errors for {errors}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", DASHBOARDS)
def test_a_valid_filter_still_shows_the_dashboard(office, name):
    client, ids = office
    url = url_for(name, ids)
    expected = 302 if name == "dashboards:summary_recipient_remove" else 200
    params = {"plan": ids["plan"], "period": ids["period"], "year": 2026, "page": 1}
    assert ask(client, url, params) == expected
