"""A database of the old layout, with rows in every moved table, migrates to the new apps and
keeps every row, every foreign key and every permission.

Before the apps were split, the assessment and the summary's recipients belonged to reports and
the import drafts to programmes. The test migrates the test database back to that schema, fills
it through the historical models, migrates forward and reads the rows through today's models.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations of the old layout, before any app's models moved.
OLD_LAYOUT = [
    ("reports", "0007_index_change_times"),
    ("programmes", "0002_planimport"),
    ("assessment", None),
    ("dashboards", None),
    ("plandocs", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    # The state of every app: the other apps at their latest, the named ones where they were sent.
    named = {app for app, _ in targets}
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in named]
    return executor.loader.project_state(nodes + [t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _fill_old_layout(apps):
    """One row in each table that moves, linked to rows that stay, and a permission on each."""
    Jurisdiction = apps.get_model("responsibilities", "Jurisdiction")
    Department = apps.get_model("responsibilities", "Department")
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Plan = apps.get_model("programmes", "Plan")
    PlanImport = apps.get_model("programmes", "PlanImport")
    Scheme = apps.get_model("reports", "AssessmentScheme")
    Criterion = apps.get_model("reports", "AssessmentCriterion")
    Item = apps.get_model("reports", "AssessmentItem")
    Recipient = apps.get_model("reports", "SummaryRecipient")

    city = Jurisdiction.objects.create(name="迁移市", level="city")
    bureau = Department.objects.create(jurisdiction=city, name="市市场监管局")
    office = User.objects.create(username="migration_office")
    plan = Plan.objects.create(
        jurisdiction=city, title="迁移市质量强市行动计划", year_start=2026, year_end=2026
    )
    draft = PlanImport.objects.create(
        jurisdiction=city, created_by=office, plan=plan, title="草稿", year_start=2026, year_end=2026
    )
    scheme = Scheme.objects.create(plan=plan)
    criterion = Criterion.objects.create(scheme=scheme, kind="timeliness", weight=Decimal(30))
    item = Item.objects.create(
        plan=plan,
        department=bureau,
        kind="bonus",
        points=Decimal(2),
        reason="获评省级质量奖",
        occurred_on=dt.date(2026, 3, 1),
        created_by=office,
    )
    recipient = Recipient.objects.create(jurisdiction=city, name="王市长", email="mayor@example.gov.cn")
    # The content types and permissions an existing database already has for the moved models.
    group = Group.objects.create(name="迁移测试组")
    for app_label, model in (
        ("reports", "assessmentitem"),
        ("reports", "summaryrecipient"),
        ("programmes", "planimport"),
    ):
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
        )
        group.permissions.add(permission)
    return {
        "plan": plan.pk,
        "bureau": bureau.pk,
        "office": office.pk,
        "draft": draft.pk,
        "scheme": scheme.pk,
        "criterion": criterion.pk,
        "item": item.pk,
        "recipient": recipient.pk,
        "group": group.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_of_the_old_layout_migrates_without_losing_a_row():
    # given a database at the old layout with rows in every table that moves
    latest = _latest()
    ids = _fill_old_layout(_migrate(OLD_LAYOUT))

    # when it migrates to the new layout
    _migrate(latest)

    # then today's models read the same rows, with their foreign keys
    from django.contrib.auth.models import Group

    from assessment.models import AssessmentCriterion, AssessmentItem, AssessmentScheme
    from dashboards.models import SummaryRecipient
    from plandocs.models import PlanImport

    draft = PlanImport.objects.select_related("plan", "created_by").get(pk=ids["draft"])
    assert (draft.plan_id, draft.created_by.username, draft.title) == (
        ids["plan"],
        "migration_office",
        "草稿",
    )
    scheme = AssessmentScheme.objects.get(pk=ids["scheme"])
    assert scheme.plan_id == ids["plan"]
    assert AssessmentCriterion.objects.get(pk=ids["criterion"]).scheme_id == scheme.pk
    item = AssessmentItem.objects.get(pk=ids["item"])
    assert (item.plan_id, item.department_id, item.created_by_id) == (
        ids["plan"],
        ids["bureau"],
        ids["office"],
    )
    assert item.reason == "获评省级质量奖" and item.points == Decimal(2)
    assert SummaryRecipient.objects.get(pk=ids["recipient"]).email == "mayor@example.gov.cn"

    # and the permissions granted on the moved models now name their new apps
    granted = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(pk=ids["group"]).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert granted == {
        "assessment.view_assessmentitem",
        "dashboards.view_summaryrecipient",
        "plandocs.view_planimport",
    }

    # and the database's own foreign keys still point at the tables that hold the rows
    assert _references("reports_assessmentcriterion") >= {"reports_assessmentscheme"}
    assert _references("reports_assessmentitem") >= {"programmes_plan", "responsibilities_department"}
    assert _references("programmes_planimport") >= {"programmes_plan", "responsibilities_jurisdiction"}

    # and the move migrates back to the old layout, the rows in the reports app's model, and forward
    apps = _migrate(OLD_LAYOUT)
    assert apps.get_model("reports", "SummaryRecipient").objects.get(pk=ids["recipient"]).name == "王市长"
    _migrate(latest)
    assert SummaryRecipient.objects.get(pk=ids["recipient"]).email == "mayor@example.gov.cn"


def _references(table: str) -> set[str]:
    """The tables a table's foreign keys point at, as the database itself declares them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
