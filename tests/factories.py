"""Factories for the tests: one line builds a jurisdiction, a department, a plan with tasks."""

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model

from programmes.models import Assignment, Heading, Plan, Task
from responsibilities.models import Department, Jurisdiction, Membership
from targets.models import Comparator, Indicator, Target


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("name", "parent")

    name = factory.Sequence(lambda n: f"测试{n}市")
    level = Jurisdiction.Level.CITY
    parent = None  # names are unique among siblings: get_or_create by name and parent


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"市测试{n}局")
    code = factory.Sequence(lambda n: f"d{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Demo@2026")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    role = "office_admin"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.Sequence(lambda n: f"测试工作方案{n}")
    year_start = 2026
    year_end = 2026


class HeadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heading

    plan = factory.SubFactory(PlanFactory)
    number = "一"
    path = factory.LazyAttribute(lambda h: [h.number])
    title = "重点任务"
    position = factory.Sequence(lambda n: n + 1)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    path = factory.LazyAttribute(lambda t: [t.number])
    title = factory.Sequence(lambda n: f"测试任务{n}")
    position = factory.Sequence(lambda n: n + 1000)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Assignment.Role.LEAD


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "%"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    task = factory.SubFactory(TaskFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    comparator = Comparator.GTE
    value = 93


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


def cast_create() -> Cast:
    """The cast, built in the current database (the permission matrix builds it once a module)."""
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
