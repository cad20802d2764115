"""The REST API: every endpoint, every token scope and every refusal, each a JSON error with a
code and a Chinese message, and nothing half-saved."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import Assessment, AssessmentResult
from interfaces.models import ApiToken, ApiTokenUse
from interfaces.tokens import key_digest, token_revoke
from reports.models import StatisticsUpload, StatisticsValue
from reports.services import period_ensure, period_open
from responsibilities.models import AuditEvent
from targets.models import Indicator, Measurement
from tests.factories import HeadingFactory, TargetFactory, TaskFactory

from .conftest import assert_error, last_month

pytestmark = pytest.mark.django_db


# Reads ------------------------------------------------------------------------------------------


def test_a_token_reads_its_jurisdiction_and_those_below_it(world, make_token, call):
    # given a token of the province above 甲 and 乙, and one of 甲
    _token, province_key = make_token(jurisdiction=world.province)
    _token, city_key = make_token()
    # when each lists the jurisdictions
    province_sees = {j["name"]: j["own"] for j in call("GET", "/jurisdictions", province_key).json()}
    city_sees = {j["name"]: j["own"] for j in call("GET", "/jurisdictions", city_key).json()}
    # then the province reads both cities (not its own), 甲 only itself
    assert province_sees == {"上级省": True, "甲市": False, "乙市": False}
    assert city_sees == {"甲市": True}


def test_plans_list_and_tree_with_headings_and_task_status(world, make_token, call):
    heading = HeadingFactory(plan=world.plan, number="一", title="重点任务", position=0)
    world.task.heading = heading
    world.task.save()
    _token, key = make_token()
    plans = call("GET", "/plans", key).json()
    assert [p["title"] for p in plans] == ["甲市质量强市工作要点"]
    tree = call("GET", f"/plans/{world.plan.pk}", key).json()
    assert tree["headings"][0]["number"] == "一"
    assert tree["headings"][0]["tasks"] == [
        {
            "id": world.task.pk,
            "number": world.task.number,
            "title": "加强制造业质量提升",
            "status": "not_started",
            "withdrawn": False,
        }
    ]
    assert tree["tasks"] == []


def test_plan_tasks_name_lead_and_participating_departments(world, make_token, call):
    _token, key = make_token()
    tasks = call("GET", f"/plans/{world.plan.pk}/tasks", key).json()
    assert [(a["department"], a["role"]) for a in tasks[0]["assignments"]] == [
        ("市市场监管局", "lead"),
        ("市住建局", "participating"),
    ]


def test_targets_carry_their_status_computed_from_the_measurements(world, make_token, call):
    year, month = last_month()
    _token, key = make_token()
    # given no figure yet: a statistics indicator is awaiting data, not off track
    first = call("GET", f"/plans/{world.plan.pk}/targets", key).json()
    assert first["count"] == 1
    assert first["targets"][0]["status"] == "awaiting_data"
    assert first["targets"][0]["status_label"] == "待统计数据"
    # when the official figure meets the target
    Measurement.objects.create(
        indicator=world.indicator,
        period_start=dt.date(year, month, 1),
        period_end=dt.date(year, month, 28),
        value=Decimal("7.5"),
        confirmed=True,
    )
    second = call("GET", f"/plans/{world.plan.pk}/targets", key).json()["targets"][0]
    # then it is met, and the figures travel as text (no float rounding)
    assert second["status"] == "met"
    assert second["current"] == "7.5000"
    assert second["value"] == "7.0000"


def test_targets_as_of_a_date(world, make_token, call):
    _token, key = make_token()
    body = call("GET", f"/plans/{world.plan.pk}/targets", key, as_of="2026-03-31").json()
    assert body["as_of"] == "2026-03-31"
    assert_error(call("GET", f"/plans/{world.plan.pk}/targets", key, as_of="明天"), 400, "invalid_input")


def test_the_target_list_costs_the_same_queries_for_thirty_targets_as_for_one(
    world, make_token, call, django_assert_max_num_queries
):
    _token, key = make_token()
    # Token (1), scope below (1), rate count (cache), plan (1), targets with their earlier
    # commitments (1), sums and latest values per window (2), use row and token update (2).
    with django_assert_max_num_queries(10) as one:
        call("GET", f"/plans/{world.plan.pk}/targets", key)
    for n in range(29):
        task = TaskFactory(plan=world.plan)
        TargetFactory(task=task, indicator__jurisdiction=world.jurisdiction, value=n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = call("GET", f"/plans/{world.plan.pk}/targets", key).json()
    assert body["count"] == 30


def test_lists_cost_a_fixed_number_of_queries(world, make_token, call, django_assert_max_num_queries):
    _token, key = make_token()
    for n in range(10):
        task = TaskFactory(plan=world.plan)
        TargetFactory(task=task, indicator__jurisdiction=world.jurisdiction, value=n)
    # token, scope, the rows (a prefetch or a status query each), use row and token update
    for path, most in (
        ("/jurisdictions", 5),
        ("/plans", 5),
        (f"/plans/{world.plan.pk}", 9),
        (f"/plans/{world.plan.pk}/tasks", 9),
        ("/indicators", 5),
        ("/periods", 5),
        ("/assessments", 7),
    ):
        with django_assert_max_num_queries(most):
            assert call("GET", path, key).status_code == 200, path


def test_indicators_and_periods_with_who_has_reported(world, make_token, call):
    period = period_open(period=period_ensure(jurisdiction=world.jurisdiction, year=2026, month=11))
    _token, key = make_token()
    names = [i["name"] for i in call("GET", "/indicators", key).json()]
    assert names == ["规模以上工业增加值增速"]
    periods = call("GET", "/periods", key).json()
    assert [p["id"] for p in periods] == [period.pk]
    detail = call("GET", f"/periods/{period.pk}", key).json()
    assert sorted((r["department"], r["reported"]) for r in detail["reports"]) == [
        ("市住建局", False),
        ("市市场监管局", False),
    ]


def test_only_published_assessments_are_read(world, make_token, call):
    common = {
        "plan": world.plan,
        "kind": "quarter",
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 3, 31),
        "as_of": dt.date(2026, 4, 10),
        "compiled_at": timezone.now(),
    }
    published = Assessment.objects.create(
        label="2026年第一季度", status="published", published_at=timezone.now(), **common
    )
    Assessment.objects.create(
        label="草稿", status="draft", **{**common, "start": dt.date(2026, 4, 1), "end": dt.date(2026, 6, 30)}
    )
    AssessmentResult.objects.create(
        assessment=published, department=world.department, base=90, total=90, rank=1, grade="A"
    )
    _token, key = make_token()
    body = call("GET", "/assessments", key).json()
    assert [a["label"] for a in body] == ["2026年第一季度"]
    assert body[0]["results"] == [
        {
            "department_id": world.department.pk,
            "department": "市市场监管局",
            "rank": 1,
            "total": "90.00",
            "grade": "A",
            "vetoed": False,
        }
    ]


# Scope refusals ---------------------------------------------------------------------------------


def test_a_token_of_another_jurisdiction_reads_nothing_of_this_one(world, make_token, call):
    _token, key = make_token(jurisdiction=world.outsider_jurisdiction)
    assert_error(
        call("GET", "/plans", key, jurisdiction=world.jurisdiction.pk), 403, "jurisdiction_forbidden"
    )
    assert_error(
        call("GET", "/indicators", key, jurisdiction=world.jurisdiction.pk), 403, "jurisdiction_forbidden"
    )
    assert_error(call("GET", f"/plans/{world.plan.pk}", key), 404, "not_found")
    assert_error(call("GET", f"/plans/{world.plan.pk}/targets", key), 404, "not_found")
    assert_error(call("GET", f"/plans/{world.plan.pk}/tasks", key), 404, "not_found")
    period = period_ensure(jurisdiction=world.jurisdiction, year=2026, month=11)
    assert_error(call("GET", f"/periods/{period.pk}", key), 404, "not_found")
    # and its own lists hold only its own rows
    assert [p["title"] for p in call("GET", "/plans", key).json()] == ["乙市质量提升方案"]


def test_a_city_token_does_not_read_upward(world, make_token, call):
    _token, key = make_token()
    assert_error(call("GET", "/plans", key, jurisdiction=world.province.pk), 403, "jurisdiction_forbidden")


def test_a_token_from_above_reads_below_but_writes_nothing_there(world, make_token, call):
    _token, key = make_token(jurisdiction=world.province, scope=ApiToken.Scope.WRITE)
    assert call("GET", f"/plans/{world.plan.pk}/targets", key).status_code == 200
    year, month = last_month()
    response = call(
        "POST",
        "/indicator-values",
        key,
        json={"values": [{"indicator_id": world.indicator.pk, "period": f"{year}-{month:02d}", "value": 7}]},
    )
    # the province's token writes the province's own statistics only: 甲's indicator is not one
    body = assert_error(response, 400, "values_refused")
    assert body["details"][0]["field"] == "indicator"
    assert not Measurement.objects.exists()


# Token refusals ---------------------------------------------------------------------------------


def test_no_token_a_wrong_token_an_expired_or_revoked_one_are_refused(world, make_token, call):
    assert_error(call("GET", "/plans"), 401, "token_missing")
    assert_error(call("GET", "/plans", "qc_00000000_nothing"), 401, "token_invalid")
    assert_error(call("GET", "/plans", "not-a-portal-key"), 401, "token_invalid")
    expired, expired_key = make_token()
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(call("GET", "/plans", expired_key), 401, "token_expired")
    revoked, revoked_key = make_token()
    assert call("GET", "/plans", revoked_key).status_code == 200
    token_revoke(token=revoked, actor=world.office)
    assert_error(call("GET", "/plans", revoked_key), 401, "token_revoked")


def test_the_key_is_kept_only_as_its_digest(world, make_token):
    token, key = make_token()
    token.refresh_from_db()
    assert token.key_digest == key_digest(key)
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert key.startswith(f"qc_{token.prefix}_")


def test_every_use_is_recorded_with_its_answer_refusals_included(world, make_token, call):
    token, key = make_token()
    call("GET", "/plans", key)
    call("GET", "/plans", key, jurisdiction=world.outsider_jurisdiction.pk)
    token_revoke(token=token, actor=world.office)
    call("GET", "/plans", key)
    uses = list(
        ApiTokenUse.objects.filter(token=token).order_by("pk").values_list("method", "path", "status")
    )
    assert uses == [
        ("GET", "/api/v1/plans", 200),
        ("GET", f"/api/v1/plans?jurisdiction={world.outsider_jurisdiction.pk}", 403),
        ("GET", "/api/v1/plans", 401),
    ]
    token.refresh_from_db()
    assert token.use_count == 3
    assert token.last_used_at is not None


def test_a_token_is_rate_limited(world, make_token, call, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    _token, key = make_token()
    assert call("GET", "/plans", key).status_code == 200
    assert call("GET", "/plans", key).status_code == 200
    body = assert_error(call("GET", "/plans", key), 429, "rate_limited")
    assert "每分钟最多2次" in body["message"]


def test_the_rate_is_counted_per_token(world, make_token, call, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    _token, first = make_token()
    _token, second = make_token()
    assert call("GET", "/plans", first).status_code == 200
    assert call("GET", "/plans", second).status_code == 200


def test_unknown_address_and_bad_ids_are_json_errors(world, make_token, call):
    _token, key = make_token()
    assert_error(call("GET", "/plans/99999999", key), 404, "not_found")
    body = assert_error(call("GET", "/plans/abc", key), 400, "invalid_input")
    assert body["details"] == [{"index": None, "field": "plan_id", "message": "应为整数"}]
    assert_error(call("GET", "/plans", key, jurisdiction="甲"), 400, "invalid_input")
    assert_error(call("GET", "/plans", key, jurisdiction="-1"), 400, "invalid_input")


# Writes -----------------------------------------------------------------------------------------


def _values(world, *, value=7.2, period=None, **extra):
    year, month = last_month()
    row = {
        "indicator": "规模以上工业增加值增速",
        "period": period or f"{year}年{month}月",
        "value": value,
        **extra,
    }
    return {"values": [row]}


def test_a_write_token_sends_values_saved_as_an_upload_with_history(world, make_token, call):
    token, key = make_token(scope=ApiToken.Scope.WRITE)
    # when the statistics bureau sends a value, then corrects it
    first = call("POST", "/indicator-values", key, json=_values(world, value=7.2, source="市统计局"))
    second = call("POST", "/indicator-values", key, json=_values(world, value="7.4%"))
    # then both are uploads, the second keeping the value it replaced
    assert first.status_code == 201, first.content
    assert first.json() == {"upload_id": first.json()["upload_id"], "saved": 1, "replaced": 0}
    assert second.json()["replaced"] == 1
    measurement = Measurement.objects.get(indicator=world.indicator)
    assert measurement.value == Decimal("7.4")
    assert measurement.source == Indicator.Source.STATISTICS
    assert measurement.confirmed is True
    latest = StatisticsValue.objects.get(upload_id=second.json()["upload_id"])
    assert latest.previous_value == Decimal("7.2")
    upload = StatisticsUpload.objects.get(pk=second.json()["upload_id"])
    assert upload.file_name == f"接口：大数据局（{token.prefix}）"
    assert not upload.file
    assert AuditEvent.objects.filter(action="statistics.upload", object_id=str(upload.pk)).count() == 1


def test_values_may_name_the_indicator_by_id(world, make_token, call):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    year, month = last_month()
    body = {"values": [{"indicator_id": world.indicator.pk, "period": f"{year}-{month:02d}", "value": 8}]}
    assert call("POST", "/indicator-values", key, json=body).status_code == 201
    both = {
        "values": [
            {
                "indicator_id": world.indicator.pk,
                "indicator": "规模以上工业增加值增速",
                "period": 2025,
                "value": 8,
            }
        ]
    }
    assert_error(call("POST", "/indicator-values", key, json=both), 400, "invalid_input")


def test_a_read_token_cannot_write(world, make_token, call):
    _token, key = make_token()
    assert_error(call("POST", "/indicator-values", key, json=_values(world)), 403, "scope_read_only")
    assert not StatisticsUpload.objects.exists()


def test_malformed_json_is_refused(world, make_token, call):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    for body in ('{"values": [', "values=1", '{"values": [{"indicator": "x",}]}', b"\xff\xfe{}"):
        assert_error(call("POST", "/indicator-values", key, body=body), 400, "malformed_json")
    assert not StatisticsUpload.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"values": []},
        {"values": {"indicator": "x"}},
        {"values": [{"indicator": "规模以上工业增加值增速", "value": 1}]},
        {"values": [{"indicator": "规模以上工业增加值增速", "period": "2025年1月", "value": True}]},
        {"values": [{"indicator": "规模以上工业增加值增速", "period": "2025年1月", "value": None}]},
        {
            "values": [
                {"indicator": "规模以上工业增加值增速", "period": "2025年1月", "value": 1, "sql": "drop"}
            ]
        },
        {"values": [{"indicator": ["x"], "period": "2025年1月", "value": 1}]},
        {"values": [{"indicator": "x" * 300, "period": "2025年1月", "value": 1}]},
        [1, 2],
        "values",
    ],
)
def test_input_against_the_schema_is_refused_with_every_problem(world, make_token, call, payload):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    body = assert_error(call("POST", "/indicator-values", key, json=payload), 400, "invalid_input")
    assert body["details"], body
    assert all(d["message"] for d in body["details"])
    assert not StatisticsUpload.objects.exists()


def test_an_unknown_indicator_or_a_future_period_refuses_the_whole_request(world, make_token, call):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    next_month = timezone.localdate().replace(day=28) + dt.timedelta(days=10)
    year, month = last_month()
    payload = {
        "values": [
            {"indicator": "规模以上工业增加值增速", "period": f"{year}年{month}月", "value": 7},
            {"indicator": "不存在的指标", "period": f"{year}年{month}月", "value": 7},
            {"indicator_id": world.foreign_indicator.pk, "period": f"{year}年{month}月", "value": 7},
            {
                "indicator": "规模以上工业增加值增速",
                "period": f"{next_month.year}年{next_month.month}月",
                "value": 7,
            },
            {
                "indicator": "规模以上工业增加值增速",
                "department": "乙市",
                "period": "2025年",
                "value": "暂无",
            },
        ]
    }
    body = assert_error(call("POST", "/indicator-values", key, json=payload), 400, "values_refused")
    problems = {(d["index"], d["field"]) for d in body["details"]}
    assert problems == {(1, "indicator"), (2, "indicator"), (3, "period"), (4, "value"), (4, "department")}
    assert "未来" in next(d["message"] for d in body["details"] if d["index"] == 3)
    # nothing half-saved: not even the good first value
    assert not Measurement.objects.exists()
    assert not StatisticsUpload.objects.exists()
    assert not StatisticsValue.objects.exists()


def test_ten_thousand_values_in_one_request_are_one_clear_refusal(world, make_token, call):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    year, month = last_month()
    row = {"indicator": "规模以上工业增加值增速", "period": f"{year}年{month}月", "value": 7}
    body = assert_error(
        call("POST", "/indicator-values", key, json={"values": [row] * 10_000}), 400, "too_many_values"
    )
    assert "1000" in body["message"] and "10000" in body["message"]
    assert not StatisticsUpload.objects.exists()


def test_one_value_over_the_limit_is_refused_and_the_limit_itself_is_taken(world, make_token, call, settings):
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    Indicator.objects.create(jurisdiction=world.jurisdiction, name="第二指标", unit="%")
    rows = [
        {"indicator": name, "period": f"{year}年{month}月", "value": 7}
        for name in ("规模以上工业增加值增速", "第二指标")
        for year in range(1950, 2026)
        for month in range(1, 13)
    ]
    assert_error(call("POST", "/indicator-values", key, json={"values": rows[:1001]}), 400, "too_many_values")
    response = call("POST", "/indicator-values", key, json={"values": rows[:1000]})
    assert response.status_code == 201, response.content[:500]
    assert Measurement.objects.count() == 1000


# The schema and its documentation ----------------------------------------------------------------


def test_the_schema_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/jurisdictions",
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/tasks",
        "/api/v1/plans/{plan_id}/targets",
        "/api/v1/indicators",
        "/api/v1/periods",
        "/api/v1/periods/{period_id}",
        "/api/v1/assessments",
        "/api/v1/indicator-values",
    } <= paths
    # every operation is behind the token and documents its JSON errors
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}], (path, method)
            assert "401" in operation["responses"], (path, method)


def test_the_documented_example_works(world, make_token, call, client):
    # given the example the schema documents for writing values
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/indicator-values"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ValuesIn"}
    (example,) = schema["components"]["schemas"]["ValuesIn"]["examples"]
    _token, key = make_token(scope=ApiToken.Scope.WRITE)
    # when it is sent as it is
    response = call("POST", "/indicator-values", key, json=example)
    # then it is saved, and the documented error shape is what a refusal answers
    assert response.status_code == 201, response.content.decode()
    assert response.json()["saved"] == len(example["values"])
    error_schema = schema["components"]["schemas"]["ErrorOut"]
    refusal = call("POST", "/indicator-values", key, json=example | {"values": []}).json()
    assert set(error_schema["properties"]) == set(refusal)


def test_the_documentation_is_served_by_the_portal_under_its_policy(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "<script>" not in html  # only scripts from files, and one JSON data block
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_api_answers_are_not_cached(world, make_token, call):
    _token, key = make_token()
    assert call("GET", "/plans", key)["Cache-Control"] == "no-store"
    assert call("GET", "/plans")["Cache-Control"] == "no-store"


def test_a_task_in_a_plan_of_another_jurisdiction_is_not_listed(world, make_token, call):
    TaskFactory(plan=world.outsider_plan, title="乙市任务")
    _token, key = make_token()
    titles = [t["title"] for t in call("GET", f"/plans/{world.plan.pk}/tasks", key).json()]
    assert titles == ["加强制造业质量提升"]


def test_the_target_list_is_served_from_the_cache_and_a_write_renews_it(world, make_token, call):
    _token, key = make_token()
    _token, write_key = make_token(scope=ApiToken.Scope.WRITE)
    first = call("GET", f"/plans/{world.plan.pk}/targets", key)
    assert first.json()["targets"][0]["status"] == "awaiting_data"
    assert call("GET", f"/plans/{world.plan.pk}/targets", key).content == first.content
    call("POST", "/indicator-values", write_key, json=_values(world, value=5))
    after = call("GET", f"/plans/{world.plan.pk}/targets", key).json()
    assert after["targets"][0]["status"] == "off_track"
    assert after["targets"][0]["current"] == "5.0000"
