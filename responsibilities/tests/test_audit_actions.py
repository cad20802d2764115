"""The audit log shows actions in words: every action code the portal records has a label."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from responsibilities.audit_actions import ACTIONS, action_label
from responsibilities.services import audit_record

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "qualitycity",
    "responsibilities",
    "programmes",
    "targets",
    "plandocs",
    "reports",
    "dashboards",
    "assessment",
)
# action="report.submit", or a helper's second argument: _audit_report(actor, "report.submit", …)
RECORDED = re.compile(r"""(?:action=|_audit\w*\([^,()]+,\s*)"([a-z_]+\.[a-z_]+)\"""")


def recorded_codes() -> set[str]:
    codes = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            codes.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_recorded_action_has_words():
    codes = recorded_codes()
    assert {"report.submit", "plan.archive", "auth.login"} <= codes  # the scan finds them
    missing = sorted(code for code in codes if code not in ACTIONS)
    assert missing == [], f"add these to responsibilities/audit_actions.py: {missing}"
    # the moves recorded as f"{kind}.move"
    assert {"heading.move", "task.move"} <= set(ACTIONS)


def test_an_unknown_code_shows_its_family_and_the_code():
    assert action_label("report.submit") == "提交月报"
    assert action_label("plan.something_new") == "工作方案（plan.something_new）"
    assert action_label("zzz.unknown") == "zzz.unknown"


@pytest.mark.django_db
def test_the_audit_log_reads_in_words(client, cast):
    audit_record(
        actor=cast.office,
        action="plan.archive",
        obj=cast.plan,
        jurisdiction=cast.jurisdiction,
        summary="归档",
    )
    client.force_login(cast.office)
    page = client.get(reverse("responsibilities:audit_log")).content.decode()
    assert "方案归档" in page and ">plan.archive<" not in page
