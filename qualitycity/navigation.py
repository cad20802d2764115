"""The main navigation: which of its sections a page belongs to."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import ResolverMatch

# Each section of the main navigation, with the views it lights up for: a namespace and the
# prefixes of their names. The first match wins, so 'department_dashboard' is a dashboard.
SECTIONS = (
    ("dashboard", "dashboards", ("",)),
    ("plans", "programmes", ("plan", "heading_", "task_", "node_", "renumber")),
    ("plans", "plandocs", ("plan",)),
    ("plans", "targets", ("target_", "indicator_")),
    ("departments", "programmes", ("department_",)),
    ("departments", "responsibilities", ("department_",)),
    ("assessment", "assessment", ("",)),
    ("updates", "reports", ("work_updates", "briefing_")),
    ("notifications", "reports", ("notifications", "channel_preferences")),
    (
        "reports",
        "reports",
        (
            "my_reports",
            "report_",
            "evidence_",
            "period_",
            "compilation_",
            "statistics_",
            "robot_",
            "delivery_",
        ),
    ),
    ("people", "responsibilities", ("people", "person_", "contacts_")),
    ("audit", "responsibilities", ("audit_log",)),
)


def nav_section(match: ResolverMatch | None) -> str | None:
    """The navigation section a view belongs to, by its namespace and name; None for others."""
    if match is None or not match.url_name:
        return None
    for section, namespace, prefixes in SECTIONS:
        if match.namespace == namespace and match.url_name.startswith(prefixes):
            return section
    return None


def navigation(request: HttpRequest) -> dict:
    """Context processor: the current page's navigation section, for base.html."""
    return {"nav_section": nav_section(getattr(request, "resolver_match", None))}
