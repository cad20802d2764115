"""The data's fingerprint: what the cached dashboard pages are keyed by, read in one cheap query."""

from __future__ import annotations

import time

from django.conf import settings

FINGERPRINT_SQL = """
SELECT
  (SELECT MAX(updated_at) FROM reports_departmentreport),
  (SELECT MAX(id) FROM reports_departmentreport),
  (SELECT MAX(updated_at) FROM reports_taskentry),
  (SELECT MAX(updated_at) FROM reports_indicatorvalue),
  (SELECT MAX(recorded_at) FROM targets_measurement),
  (SELECT MAX(id) FROM targets_measurement),
  (SELECT MAX(updated_at) FROM programmes_plan),
  (SELECT COUNT(*) FROM programmes_plan),
  (SELECT SUM(revision) FROM programmes_plan),
  (SELECT MAX(id) FROM programmes_task),
  (SELECT MAX(id) FROM targets_target),
  (SELECT MAX(id) FROM programmes_assignment),
  (SELECT COUNT(*) FROM responsibilities_department),
  (SELECT MAX(opened_at) FROM reports_reportingperiod),
  (SELECT MAX(closed_at) FROM reports_reportingperiod),
  (SELECT MAX(deadline) FROM reports_reportingperiod),
  (SELECT COUNT(*) FROM reports_reportingperiod)
"""
FINGERPRINT_STATEMENT = "dashboard_data_fingerprint"


def dashboard_data_fingerprint() -> str:
    """What the dashboard's figures depend on, read in one cheap query: the latest change to
    reports, entries, values, measurements, plans and periods, the newest task, target and
    assignment, how many plans, departments and periods there are, and the sum of the plans'
    revisions. Every write through the portal's services changes it (rows are added, or their
    change time moves); every change the plan editor makes (a plan archived, a task withdrawn,
    a target or assignment changed or removed) goes through programmes.revisions.plan_change,
    which bumps its plan's revision without touching updated_at, so the sum moves.

    Only indexed maxima, counts of the three small tables and one sum over the smallest (plans),
    so its cost does not grow with the data; global rather than per jurisdiction, so a change
    anywhere renews every dashboard (over-eager). One blind spot: change times are stamped when a row is saved, not when its
    transaction commits, so a write that commits after a later-stamped one leaves the maxima
    as they were; the next write anywhere, or the cache's expiry, renews the page.

    On PostgreSQL the query is a prepared statement, once per connection: planning its seventeen
    subqueries costs twice what running them does. A prepared statement lives on one server
    connection, which a pooler in transaction mode (PgBouncer's pool_mode = transaction) does not
    keep a client on: there DASHBOARD_FINGERPRINT_PREPARED = False sends the query as it is,
    planned each time (a few milliseconds, at most once a second per process, see
    dashboard_recent_fingerprint)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.DASHBOARD_FINGERPRINT_PREPARED:
            cursor.execute(FINGERPRINT_SQL)
        else:
            # Prepared statements outlive transactions and die with the connection they were
            # made on: one per raw connection, which Django replaces when it reconnects.
            if getattr(connection, "_dashboard_fingerprint_prepared_on", None) is not connection.connection:
                cursor.execute(f"PREPARE {FINGERPRINT_STATEMENT} AS {FINGERPRINT_SQL}")
                connection._dashboard_fingerprint_prepared_on = connection.connection
            cursor.execute(f"EXECUTE {FINGERPRINT_STATEMENT}")
        return "|".join(str(value) for value in cursor.fetchone())


# The fingerprint this process read last, and when (time.monotonic()).
_RECENT_FINGERPRINT: dict[str, tuple[float, str]] = {}


def dashboard_recent_fingerprint() -> str:
    """The data fingerprint as this process last read it, if that was less than
    DASHBOARD_FINGERPRINT_SECONDS ago, else read afresh: a write shows on the dashboards within
    that time, and a burst of dashboard requests (a meeting opening the page at once) reads the
    fingerprint once, not once per request."""
    now = time.monotonic()
    recent = _RECENT_FINGERPRINT.get("default")
    if recent is not None and 0 <= now - recent[0] < settings.DASHBOARD_FINGERPRINT_SECONDS:
        return recent[1]
    fingerprint = dashboard_data_fingerprint()
    _RECENT_FINGERPRINT["default"] = (now, fingerprint)
    return fingerprint
