"""The shared cast: one jurisdiction with its office, a liaison, a head and a leader, and an
outsider jurisdiction whose data nobody in the cast may see."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    JurisdictionFactory,
    MembershipFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

# The open period and its rated indicator, shared by the reporting, dashboard and assessment tests.
pytest_plugins = ["tests.period_fixtures"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches, the shared one and this process's own: cached pages
    of one test's data never reach another."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def dashboards_see_every_write(settings):
    """Tests read the dashboard data's fingerprint on every request, so that a write made by
    a test shows at once; the one second production trusts it for is tested on its own."""
    from dashboards.selectors import _RECENT_FINGERPRINT

    settings.DASHBOARD_FINGERPRINT_SECONDS = 0
    _RECENT_FINGERPRINT.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    jurisdiction: object
    department: object
    other_department: object
    office: object
    liaison: object
    head: object
    leader: object
    outsider_jurisdiction: object
    outsider_office: object
    plan: object
    task: object
    outsider_plan: object


@pytest.fixture
def cast(db) -> Cast:
    city = JurisdictionFactory(name="甲市")
    elsewhere = JurisdictionFactory(name="乙市")
    market = DepartmentFactory(jurisdiction=city, name="市市场监管局", code="scjgj")
    housing = DepartmentFactory(jurisdiction=city, name="市住建局", code="zjj")
    office = MembershipFactory(
        user=UserFactory(username="office"), jurisdiction=city, role="office_admin"
    ).user
    liaison = MembershipFactory(
        user=UserFactory(username="liaison"), jurisdiction=city, department=market, role="liaison"
    ).user
    head = MembershipFactory(
        user=UserFactory(username="head"), jurisdiction=city, department=market, role="department_head"
    ).user
    leader = MembershipFactory(user=UserFactory(username="leader"), jurisdiction=city, role="leader").user
    outsider = MembershipFactory(
        user=UserFactory(username="outsider"), jurisdiction=elsewhere, role="office_admin"
    ).user
    plan = PlanFactory(jurisdiction=city, title="甲市质量强市工作要点")
    task = TaskFactory(plan=plan, title="加强制造业质量提升")
    AssignmentFactory(task=task, department=market)
    AssignmentFactory(task=task, department=housing, role="participating")
    outsider_plan = PlanFactory(jurisdiction=elsewhere, title="乙市质量提升方案")
    return Cast(
        city, market, housing, office, liaison, head, leader, elsewhere, outsider, plan, task, outsider_plan
    )
