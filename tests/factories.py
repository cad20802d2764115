"""Factories for the tests: one line builds a jurisdiction, a department, a plan with tasks."""

import factory
from django.contrib.auth import get_user_model

from programmes.models import Assignment, Heading, Plan, Task
from responsibilities.models import Department, Jurisdiction, Membership
from targets.models import Comparator, Indicator, Target


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}市")
    level = Jurisdiction.Level.CITY


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
