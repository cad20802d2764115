"""Task progress written by a department's own system: a progress token for one department of
the jurisdiction fills in that department's current draft report, all or nothing, never over a
liaison's save and never past a submission; anything else is refused with a JSON error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interfaces.models import ApiToken
from interfaces.progress import PROGRESS_ENTRIES_MAX
from interfaces.tokens import token_create
from qualitycity.errors import ApplicationError
from reports.models import DepartmentReport, TaskEntry
from reports.services import period_close, period_ensure, period_open, report_save_draft
from responsibilities.models import AuditEvent
from tests.factories import AssignmentFactory, DepartmentFactory, TaskFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(world, period, other_liaison):
    """市住建局 joins the cast's task and leads a second one; November 2026 is open, so its
    draft report has an entry for each."""
    second = TaskFactory(plan=world.plan, title="推进住房质量提升")
    AssignmentFactory(task=second, department=world.other_department)
    period_open(period=period)
    world.second_task = second
    world.housing_report = DepartmentReport.objects.get(period=period, department=world.other_department)
    world.housing_liaison = other_liaison
    return world


def progress_token(world, *, department=None, scope=ApiToken.Scope.PROGRESS):
    return token_create(
        jurisdiction=world.jurisdiction,
        actor=world.office,
        name="市住建局项目管理系统",
        scope=scope,
        days=30,
        department=department if scope == ApiToken.Scope.PROGRESS else None,
    )


def entry(world, task) -> TaskEntry:
    return TaskEntry.objects.get(report=world.housing_report, task=task)


def body(*entries, period="2026-11"):
    return {"period": period, "entries": list(entries)}


# Writing ----------------------------------------------------------------------------------------


def test_a_progress_token_fills_in_its_departments_draft(housing, call, client):
    # given a progress token for 市住建局
    token, key = progress_token(housing, department=housing.other_department)
    before = entry(housing, housing.task)
    # when its system writes the progress of the shared task
    response = call(
        "POST",
        "/task-progress",
        key,
        json=body(
            {
                "task_id": housing.task.pk,
                "progress": "完成保障房质量巡查3次",
                "problems": "1个项目整改滞后",
                "next_steps": "下月竣工验收检查",
                "status": "delayed",
            }
        ),
    )
    # then the entry is saved with its version moved on, and the report stays a draft
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    after = entry(housing, housing.task)
    assert (after.progress, after.problems, after.next_steps, after.status) == (
        "完成保障房质量巡查3次",
        "1个项目整改滞后",
        "下月竣工验收检查",
        "delayed",
    )
    assert after.version == before.version + 1 and after.updated_by == housing.office
    assert data["saved"] == 1 and data["status"] == "draft"
    assert data["entries"] == [{"task_id": housing.task.pk, "version": after.version}]
    assert data["report_id"] == housing.housing_report.pk
    housing.housing_report.refresh_from_db()
    assert housing.housing_report.status == DepartmentReport.Status.DRAFT
    # audited as the office, naming the token
    audit = AuditEvent.objects.get(action="api_token.task_progress")
    assert audit.actor == housing.office and token.prefix in audit.summary
    assert AuditEvent.objects.filter(action="entry.save", object_id=str(after.pk)).exists()
    # and the liaison sees it on the report page
    client.force_login(housing.housing_liaison)
    page = client.get(housing.housing_report.get_absolute_url(), follow=True)
    assert page.status_code == 200
    assert "完成保障房质量巡查3次" in page.content.decode()


def test_the_period_may_be_named_by_its_id_and_a_field_left_out_stays(housing, call, period):
    _token, key = progress_token(housing, department=housing.other_department)
    call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "problems": "原有问题"}))
    response = call(
        "POST",
        "/task-progress",
        key,
        json=body({"task_id": housing.task.pk, "progress": "新进展"}, period=period.pk),
    )
    assert response.status_code == 200, response.content.decode()
    saved = entry(housing, housing.task)
    assert (saved.progress, saved.problems) == ("新进展", "原有问题")


def test_a_liaisons_save_is_never_overwritten_unseen(housing, call):
    # given the liaison saved the entry first, and the integration writes after
    _token, key = progress_token(housing, department=housing.other_department)
    loaded = entry(housing, housing.task)
    report_save_draft(
        report=housing.housing_report,
        actor=housing.housing_liaison,
        entries={loaded.pk: {"progress": "联络员填写", "version": loaded.version}},
        values={},
    )
    response = call(
        "POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "系统写入"})
    )
    # then the integration wrote over the version it read (the liaison's), moving it on
    assert response.status_code == 200
    assert entry(housing, housing.task).version == loaded.version + 2
    # and the liaison's page, loaded before the integration wrote, cannot overwrite it unseen
    result = report_save_draft(
        report=housing.housing_report,
        actor=housing.housing_liaison,
        entries={loaded.pk: {"progress": "联络员再改", "version": loaded.version + 1}},
        values={},
    )
    assert result.conflicts == [f"entry-{loaded.pk}"]
    assert entry(housing, housing.task).progress == "系统写入"


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", [ApiToken.Scope.READ, ApiToken.Scope.WRITE])
def test_a_read_or_values_token_cannot_write_progress(housing, call, scope):
    _token, key = progress_token(housing, scope=scope)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}))
    assert_error(response, 403, "scope_forbidden")
    assert entry(housing, housing.task).progress == ""


def test_a_progress_token_cannot_write_indicator_values(housing, call):
    _token, key = progress_token(housing, department=housing.other_department)
    response = call(
        "POST",
        "/indicator-values",
        key,
        json={"values": [{"indicator_id": 1, "period": "2026-10", "value": 1}]},
    )
    assert_error(response, 403, "scope_read_only")


def test_a_task_the_department_does_not_report_is_refused_and_nothing_saved(housing, call, world):
    # given a task only 市市场监管局 reports
    market_only = TaskFactory(plan=world.plan, title="市场监管任务")
    AssignmentFactory(task=market_only, department=world.department)
    period_open(period=housing.housing_report.period)
    _token, key = progress_token(housing, department=housing.other_department)
    response = call(
        "POST",
        "/task-progress",
        key,
        json=body(
            {"task_id": housing.task.pk, "progress": "有效"},
            {"task_id": market_only.pk, "progress": "越权"},
            {"task_id": 987654, "progress": "不存在"},
        ),
    )
    problems = assert_error(response, 400, "invalid_input")["details"]
    assert [(p["index"], p["field"]) for p in problems] == [(1, "task_id"), (2, "task_id")]
    assert entry(housing, housing.task).progress == ""
    assert not TaskEntry.objects.filter(progress="越权").exists()


@pytest.mark.parametrize(
    ("item", "index_field"),
    [
        ({"status": "finished"}, (1, "status")),
        ({"progress": "含\x00空字符"}, (1, "progress")),
        ({"progress": "长" * 5001}, (1, "entries.1.progress")),
        ({"problems": "长" * 2001}, (1, "entries.1.problems")),
        ({"progress": 12}, (1, "entries.1.progress")),
        ({"colour": "red"}, (1, "entries.1.colour")),
    ],
)
def test_hostile_entries_are_refused_with_their_index_and_nothing_half_saved(
    housing, call, item, index_field
):
    _token, key = progress_token(housing, department=housing.other_department)
    response = call(
        "POST",
        "/task-progress",
        key,
        json=body(
            {"task_id": housing.task.pk, "progress": "先写的一项"}, {"task_id": housing.second_task.pk} | item
        ),
    )
    problems = assert_error(response, 400, "invalid_input")["details"]
    assert (problems[0]["index"], problems[0]["field"]) == index_field
    assert entry(housing, housing.task).progress == ""
    assert entry(housing, housing.second_task).version == 0


def test_the_same_task_twice_is_refused(housing, call):
    _token, key = progress_token(housing, department=housing.other_department)
    item = {"task_id": housing.task.pk, "progress": "x"}
    problems = assert_error(call("POST", "/task-progress", key, json=body(item, item)), 400, "invalid_input")
    assert [p["index"] for p in problems["details"]] == [1]


@pytest.mark.parametrize(
    "payload",
    [
        {"period": "2026-11", "entries": []},
        {"period": "2026-11"},
        {"entries": [{"task_id": 1}]},
        {"period": ["2026-11"], "entries": [{"task_id": 1}]},
        {"period": "2026-11", "entries": [{"task_id": "一"}]},
        {"period": "2026-11", "entries": {"task_id": 1}},
    ],
)
def test_a_body_against_the_schema_is_refused(housing, call, payload):
    _token, key = progress_token(housing, department=housing.other_department)
    assert_error(call("POST", "/task-progress", key, json=payload), 400, "invalid_input")


def test_malformed_json_is_refused(housing, call):
    _token, key = progress_token(housing, department=housing.other_department)
    assert_error(call("POST", "/task-progress", key, body='{"period": "2026-11", '), 400, "malformed_json")


def test_too_many_entries_are_refused_whole(housing, call):
    _token, key = progress_token(housing, department=housing.other_department)
    items = [{"task_id": housing.task.pk, "progress": "x"}] * (PROGRESS_ENTRIES_MAX + 1)
    assert_error(call("POST", "/task-progress", key, json=body(*items)), 400, "too_many_entries")
    assert entry(housing, housing.task).progress == ""


@pytest.mark.parametrize("named", ["2026-12", "2026-13", "十一月", "2026-11-01", 987654])
def test_a_period_that_does_not_exist_is_not_found(housing, call, named):
    _token, key = progress_token(housing, department=housing.other_department)
    response = call(
        "POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}, period=named)
    )
    assert_error(response, 404, "not_found")


def test_another_jurisdictions_period_is_not_found(housing, call, world):
    foreign = period_ensure(jurisdiction=world.outsider_jurisdiction, year=2026, month=11)
    _token, key = progress_token(housing, department=housing.other_department)
    response = call(
        "POST",
        "/task-progress",
        key,
        json=body({"task_id": housing.task.pk, "progress": "x"}, period=foreign.pk),
    )
    assert_error(response, 404, "not_found")


def test_a_period_not_open_is_refused(housing, call, period):
    _token, key = progress_token(housing, department=housing.other_department)
    period_close(period=period)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}))
    assert_error(response, 409, "period_closed")
    # and one not yet open (December is scheduled)
    period_ensure(jurisdiction=housing.jurisdiction, year=2026, month=12)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk}, period="2026-12"))
    assert_error(response, 409, "period_closed")


def test_a_department_without_a_report_is_not_found(housing, call):
    idle = DepartmentFactory(jurisdiction=housing.jurisdiction, name="市档案馆", code="daj")
    _token, key = progress_token(housing, department=idle)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}))
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("status", ["submitted", "signed_off", "approved"])
def test_a_report_no_longer_a_draft_is_refused(housing, call, status):
    DepartmentReport.objects.filter(pk=housing.housing_report.pk).update(status=status)
    _token, key = progress_token(housing, department=housing.other_department)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}))
    assert_error(response, 409, "conflict")
    assert entry(housing, housing.task).progress == ""


def test_a_revoked_progress_token_is_refused(housing, call):
    from interfaces.tokens import token_revoke

    token, key = progress_token(housing, department=housing.other_department)
    token_revoke(token=token, actor=housing.office)
    response = call("POST", "/task-progress", key, json=body({"task_id": housing.task.pk, "progress": "x"}))
    assert_error(response, 401, "token_revoked")


# Creating the token -----------------------------------------------------------------------------


def test_the_office_creates_a_progress_token_for_one_department_and_sees_it_listed(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.office)
    form = client.get(reverse("interfaces:tokens"))
    assert "报送任务进展" in form.content.decode()
    response = client.post(
        reverse("interfaces:tokens"),
        {
            "name": "市住建局项目系统",
            "scope": "progress",
            "department": world.other_department.pk,
            "days": 90,
        },
    )
    assert response.status_code == 200, response.context["form"].errors
    token = ApiToken.objects.get()
    assert (token.scope, token.department) == ("progress", world.other_department)
    audit = AuditEvent.objects.get(action="api_token.create")
    assert "市住建局" in audit.summary and audit.after["department_id"] == world.other_department.pk
    for n in range(5):
        progress_token(world, department=world.department if n % 2 else world.other_department)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("interfaces:tokens")).content.decode()
    assert "报送任务进展（市住建局）" in listing and "报送任务进展（市市场监管局）" in listing


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"scope": "progress"}, "department"),
        ({"scope": "read", "department": "own"}, "department"),
        ({"scope": "progress", "department": "foreign"}, "department"),
        ({"scope": "progress", "department": "987654"}, "department"),
        ({"scope": "progress", "department": "市住建局"}, "department"),
    ],
)
def test_a_bad_progress_token_form_is_refused_and_nothing_made(client, world, data, field):
    foreign = DepartmentFactory(jurisdiction=world.outsider_jurisdiction, name="乙市住建局", code="yzjj")
    data = {"name": "系统", "days": 30} | data
    data["department"] = {"own": world.other_department.pk, "foreign": foreign.pk}.get(
        data.get("department"), data.get("department", "")
    )
    client.force_login(world.office)
    response = client.post(reverse("interfaces:tokens"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_the_service_refuses_another_jurisdictions_or_a_collective_department(world):
    foreign = DepartmentFactory(jurisdiction=world.outsider_jurisdiction, name="乙市住建局", code="yzjj")
    collective = DepartmentFactory(
        jurisdiction=world.jurisdiction, name="各区镇", code="gqz", kind="collective"
    )
    for department in (foreign, collective, None):
        with pytest.raises(ApplicationError) as refused:
            progress_token(world, department=department)
        assert refused.value.field == "department"
    assert not ApiToken.objects.exists()


# The schema -------------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoint_and_its_example_works(housing, call, client):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    operation = schema["paths"]["/api/v1/task-progress"]["post"]
    assert operation["security"] == [{"TokenAuth": []}]
    assert {"401", "403", "404", "409"} <= set(operation["responses"])
    (example,) = schema["components"]["schemas"]["TaskProgressIn"]["examples"]
    # the example, with a task 市住建局 reports
    example["entries"][0]["task_id"] = housing.task.pk
    _token, key = progress_token(housing, department=housing.other_department)
    response = call("POST", "/task-progress", key, json=example)
    assert response.status_code == 200, response.content.decode()
    assert entry(housing, housing.task).progress == example["entries"][0]["progress"]
