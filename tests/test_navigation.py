"""The main navigation: each page lights its own section, and each user sees the links of
their roles, although the navigation is cached."""

import re

import pytest
from django.urls import resolve, reverse

from qualitycity.navigation import nav_section


def nav(html: str) -> str:
    return html[html.find('<nav class="main-nav"') : html.find("</nav>")]


def current(html: str) -> list[str]:
    """The labels of the navigation links marked as the current page."""
    return re.findall(r'aria-current="page">([^<]+)</a>', nav(html))


@pytest.mark.parametrize(
    ("name", "args", "label"),
    [
        ("dashboards:dashboard_tasks", [], "工作看板"),
        ("programmes:plan_list", [], "工作方案"),
        ("programmes:department_list", [], "责任部门"),
        ("reports:period_list", [], "月度报送"),
        ("reports:work_updates", [], "工作动态"),
        ("assessment:assessment_home", [], "考核"),
        ("reports:notifications", [], "通知"),
        ("responsibilities:people", [], "联络员管理"),
        ("responsibilities:audit_log", [], "审计日志"),
    ],
)
def test_each_page_lights_its_own_section_and_no_other(client, cast, name, args, label):
    client.force_login(cast.office)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert current(response.content.decode()) == [label]


def test_a_departments_dashboard_is_a_dashboard_and_a_plans_page_a_plan():
    assert nav_section(resolve(reverse("dashboards:department_dashboard", args=[1]))) == "dashboard"
    assert nav_section(resolve(reverse("programmes:plan_detail", args=[1]))) == "plans"
    assert nav_section(resolve(reverse("programmes:department_detail", args=[1]))) == "departments"
    assert nav_section(resolve(reverse("assessment:assessment_run", args=[1]))) == "assessment"
    assert nav_section(resolve(reverse("login"))) is None


def test_the_cached_navigation_still_shows_each_user_the_links_of_their_roles(client, cast):
    # given the office's navigation, cached on the office's visit
    client.force_login(cast.office)
    office = nav(client.get(reverse("programmes:plan_list")).content.decode())
    assert "联络员管理" in office and "审计日志" in office
    # when a liaison opens the same page
    client.force_login(cast.liaison)
    liaison = nav(client.get(reverse("programmes:plan_list")).content.decode())
    # then the liaison's navigation has neither of the office's links
    assert "工作方案" in liaison
    assert "联络员管理" not in liaison and "审计日志" not in liaison


def test_the_cached_navigation_follows_the_language(client, cast):
    client.force_login(cast.office)
    assert "工作方案" in nav(client.get(reverse("programmes:plan_list")).content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = nav(client.get(reverse("programmes:plan_list")).content.decode())
    assert "Plans" in english and "工作方案" not in english


def test_every_link_the_navigation_offers_opens_for_every_role(client, cast):
    """No role is offered a link it would be refused: the separated administrators have no
    dashboard, and the superuser does not manage the office's people."""
    from tests.factories import MembershipFactory, UserFactory

    people = {
        "office": cast.office,
        "liaison": cast.liaison,
        "head": cast.head,
        "leader": cast.leader,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    for role in ("system_admin", "security_admin", "audit_admin"):
        people[role] = UserFactory(username=role, is_staff=True)
        MembershipFactory(user=people[role], jurisdiction=cast.jurisdiction, role=role)
    refused = {}
    for who, user in people.items():
        client.force_login(user)
        links = re.findall(
            r'href="([^"]+)"', nav(client.get(reverse("reports:notifications")).content.decode())
        )
        assert len(links) >= 5, who
        refused.update(
            {
                f"{who} {link}": code
                for link in links
                if (code := client.get(link, follow=True).status_code) != 200
            }
        )
    assert refused == {}
