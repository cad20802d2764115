"""The levels in the demo: 江苏省 above 苏州市, and 苏州市 above 太仓市 (the sample city) and
昆山市. 苏州市's office runs this year's work points, delegates four of its tasks to the counties
(three to both through 各县级市（区）人民政府, one to 太仓市 alone), each county's office assigns
its own departments to them, and the counties report on them month by month; 苏州市 assesses the
two counties on the delegated tasks. Made before the living year (bench.living) so that 太仓市's
months carry the delegated tasks too; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessment.compile import assessment_compile
from assessment.models import AssessmentScheme
from assessment.periods import AssessmentPeriod
from programmes.delegation import task_delegate
from programmes.models import Assignment, Delegation, Heading, Plan, Task
from responsibilities.jurisdictions import jurisdiction_save
from responsibilities.models import Department, Jurisdiction, PasswordState, Role
from responsibilities.services import jurisdiction_ensure, user_ensure_with_role
from targets.models import Comparator, Indicator, Target

SUZHOU_DEPARTMENTS = (
    # name, code, represents (a county's name), represents every county
    ("市市场监管局", "scjgj", None, False),
    ("市工信局", "gxj", None, False),
    ("市住建局", "zjj", None, False),
    ("太仓市人民政府", "tcszf", "太仓市", False),
    ("昆山市人民政府", "ksszf", "昆山市", False),
    ("各县级市（区）人民政府", "gxszf", None, True),
)
KUNSHAN_DEPARTMENTS = (("市市场监管局", "scjgj"), ("市工信局", "gxj"), ("市住建局", "zjj"))

# 苏州市's work points: (heading, number, title, leads, participants, delegated to, target)
# target: (indicator, unit, aggregation, comparator, value) — the counties report their own.
WORK_POINTS = (
    (
        "一、实施质量提升行动",
        "1",
        "开展制造业产品质量提升行动，组织重点工业产品质量监督抽查",
        ("市市场监管局",),
        ("各县级市（区）人民政府",),
        ("太仓市", "昆山市"),
        ("制造业产品质量合格率", "%", Indicator.Aggregation.LATEST, Comparator.GTE, Decimal(95)),
    ),
    (
        "一、实施质量提升行动",
        "2",
        "推进质量品牌建设，培育“江苏精品”认证企业",
        ("市市场监管局",),
        ("各县级市（区）人民政府",),
        ("太仓市", "昆山市"),
        ("新增“江苏精品”认证企业", "家", Indicator.Aggregation.SUM, Comparator.GTE, Decimal(12)),
    ),
    (
        "二、夯实质量基础",
        "3",
        "推动规模以上企业建立首席质量官制度",
        ("市工信局",),
        ("各县级市（区）人民政府", "市市场监管局"),
        ("太仓市", "昆山市"),
        (
            "规模以上企业建立首席质量官制度比例",
            "%",
            Indicator.Aggregation.LATEST,
            Comparator.GTE,
            Decimal(60),
        ),
    ),
    (
        "二、夯实质量基础",
        "4",
        "加强太仓港口岸进出口商品质量安全监管",
        ("太仓市人民政府",),
        ("市市场监管局",),
        ("太仓市",),
        None,
    ),
    (
        "二、夯实质量基础",
        "5",
        "完善计量、标准、认证认可、检验检测公共技术服务平台",
        ("市市场监管局",),
        ("市工信局",),
        (),
        None,
    ),
)


def demo_levels(*, today: dt.date | None = None) -> Plan | None:
    """苏州市's plan with its delegations to 太仓市 and 昆山市 (see the module); None without the sample city."""
    today = today or timezone.localdate()
    taicang = Jurisdiction.objects.filter(name="太仓市").first()
    if taicang is None:
        return None
    title = f"{today.year}年苏州市质量强市工作要点"
    existing = Plan.objects.filter(jurisdiction__name="苏州市", title=title).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        province = jurisdiction_ensure(name="江苏省", level=Jurisdiction.Level.PROVINCE)
        suzhou = jurisdiction_ensure(
            name="苏州市",
            level=Jurisdiction.Level.CITY,
            office_name="苏州市质量强市工作领导小组办公室",
            parent=province,
        )
        taicang.parent = suzhou
        jurisdiction_save(jurisdiction=taicang)
        kunshan = jurisdiction_ensure(
            name="昆山市",
            level=Jurisdiction.Level.COUNTY,
            office_name="昆山市质量强市工作领导小组办公室",
            parent=suzhou,
        )
        counties = {"太仓市": taicang, "昆山市": kunshan}
        city_departments = _departments(suzhou, SUZHOU_DEPARTMENTS, counties)
        _departments(kunshan, [(n, c, None, False) for n, c in KUNSHAN_DEPARTMENTS], counties)
        office = _users(suzhou, kunshan)
        plan = _plan(suzhou, title, today.year, city_departments)
        for task in plan.tasks.order_by("position"):
            names = next(point[5] for point in WORK_POINTS if point[2] == task.title)
            if names:
                task_delegate(task=task, jurisdictions=[counties[n] for n in names], actor=office)
        for delegation in Delegation.objects.filter(task__plan=plan).select_related(
            "child_task", "jurisdiction"
        ):
            _county_assigns(delegation)
        AssessmentScheme.objects.update_or_create(
            plan=plan, defaults={"subject": AssessmentScheme.Subject.JURISDICTIONS}
        )
    return plan


def demo_levels_months(plan: Plan, *, today: dt.date | None = None, seed: int = 2027) -> None:
    """苏州市's and 昆山市's months before this one reported and closed, this one open, and the
    last closed quarter of the counties assessed by 苏州市 (太仓市's months are bench.living's)."""
    from reports.services import period_ensure, period_open

    from .living import month_reported

    today = today or timezone.localdate()
    rng = random.Random(seed)
    kunshan_plan = Plan.objects.get(jurisdiction__name="昆山市", parent_plan=plan)
    for host in (plan, kunshan_plan):
        for month in range(1, today.month):
            month_reported(host, today.year, month, rng)
        period_open(period=period_ensure(jurisdiction=host.jurisdiction, year=today.year, month=today.month))
    quarter = (today.month - 1) // 3
    if quarter:
        end = dt.date(today.year, quarter * 3 + 1, 1) - dt.timedelta(days=1)
        period = AssessmentPeriod("quarter", dt.date(today.year, quarter * 3 - 2, 1), end)
        assessment_compile(plan=plan, period=period, as_of=today)


def _departments(jurisdiction, rows, counties) -> dict[str, Department]:
    found = {}
    for position, (name, code, county, every) in enumerate(rows):
        found[name], _ = Department.objects.get_or_create(
            jurisdiction=jurisdiction,
            name=name,
            defaults={
                "code": code,
                "sort_order": position + 1,
                "represents": counties.get(county) if county else None,
                "represents_children": every,
            },
        )
    return found


def _users(suzhou: Jurisdiction, kunshan: Jurisdiction):
    """苏州市's office and leader, 昆山市's office and a liaison per department (the demo password)."""
    from .demo import DEMO_PASSWORD

    hashed = make_password(DEMO_PASSWORD)
    accounts = [
        ("office_sz", "苏州市质强办", suzhou, Role.OFFICE_ADMIN, None),
        ("leader_sz", "苏州市分管副市长", suzhou, Role.LEADER, None),
        ("office_ks", "昆山市质强办", kunshan, Role.OFFICE_ADMIN, None),
    ] + [
        (f"liaison_ks_{d.code}", f"昆山市{d.name}联络员", kunshan, Role.LIAISON, d)
        for d in Department.objects.filter(jurisdiction=kunshan).order_by("sort_order")
    ]
    memberships = [
        user_ensure_with_role(
            username=username,
            password_hash=hashed,
            full_name=full_name,
            jurisdiction=jurisdiction,
            role=role,
            department=department,
        )
        for username, full_name, jurisdiction, role, department in accounts
    ]
    for membership in memberships:
        PasswordState.objects.update_or_create(
            user=membership.user, defaults={"exempt": True, "must_change": False}
        )
    return memberships[0].user


def _plan(suzhou: Jurisdiction, title: str, year: int, departments: dict[str, Department]) -> Plan:
    plan = Plan.objects.create(
        jurisdiction=suzhou,
        title=title,
        kind=Plan.Kind.WORK_POINTS,
        issuer="苏州市人民政府办公室",
        document_number=f"苏府办〔{year}〕21号",
        issued_on=dt.date(year, 3, 1),
        year_start=year,
        year_end=year,
        status=Plan.Status.ACTIVE,
    )
    headings: dict[str, Heading] = {}
    position = 0
    for heading_title, number, task_title, leads, participants, _, target in WORK_POINTS:
        if heading_title not in headings:
            position += 1
            heading_number, _, heading_text = heading_title.partition("、")
            headings[heading_title] = Heading.objects.create(
                plan=plan,
                number=f"{heading_number}、",
                path=[heading_number],
                title=heading_text,
                position=position,
            )
        heading = headings[heading_title]
        position += 1
        task = Task.objects.create(
            plan=plan,
            heading=heading,
            number=number,
            path=[*heading.path, number],
            title=task_title,
            due=f"{year}年12月底",
            position=position,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(task=task, department=departments[name], role=role, printed_name=name, position=i)
                for i, (name, role) in enumerate(
                    [(n, Assignment.Role.LEAD) for n in leads]
                    + [(n, Assignment.Role.PARTICIPATING) for n in participants]
                )
            ]
        )
        if target:
            name, unit, aggregation, comparator, value = target
            indicator, _ = Indicator.objects.get_or_create(
                jurisdiction=suzhou,
                name=name,
                defaults={
                    "unit": unit,
                    "aggregation": aggregation,
                    "reporting_department": departments[leads[0]],
                },
            )
            Target.objects.create(
                task=task,
                indicator=indicator,
                comparator=comparator,
                value=value,
                text=f"{name}{value}{unit}",
            )
    return plan


def _county_assigns(delegation: Delegation) -> None:
    """The county's office puts its own departments on its copy: the market regulator leads,
    the industry bureau joins; the copy's new indicators are reported by the regulator."""
    county = delegation.jurisdiction
    units = {d.code: d for d in Department.objects.filter(jurisdiction=county)}
    lead, partner = units.get("scjgj"), units.get("gxj")
    copy = delegation.child_task
    if lead is None or copy.assignments.exists():
        return
    rows = [
        Assignment(task=copy, department=lead, role=Assignment.Role.LEAD, printed_name=lead.name, position=0)
    ]
    if partner is not None:
        rows.append(
            Assignment(
                task=copy,
                department=partner,
                role=Assignment.Role.PARTICIPATING,
                printed_name=partner.name,
                position=1,
            )
        )
    Assignment.objects.bulk_create(rows)
    Indicator.objects.filter(
        jurisdiction=county, targets__task=copy, reporting_department__isnull=True
    ).update(reporting_department=lead)
