"""The REST API, version 1 (django-ninja): read the programme's data, write official indicator
values. Every request carries an office-made token (Authorization: Bearer qc_…); every answer
that is not a success is JSON {code, message, details} with a Chinese message."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, StrictFloat, StrictInt, StrictStr

from dashboards.selectors import dashboard_recent_fingerprint
from qualitycity.errors import ApplicationError
from reports.statistics import StatisticsRawRow, StatisticsRefused, statistics_values_save

from . import selectors
from .progress import PROGRESS_ENTRIES_MAX, progress_text_limit, task_progress_write
from .tokens import ApiRefused, token_authenticate, token_rate_check, token_scope, token_use_record

# Schemas ----------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    index: int | None = Field(
        None, description="出错的条目在 values 或 entries 中的序号（从0起）；与具体条目无关时为空"
    )
    field: str = Field("", description="出错的字段")
    message: str = Field(..., description="中文说明")


class ErrorOut(Schema):
    code: str = Field(..., description="错误代码，供程序判断", examples=["token_expired"])
    message: str = Field(
        ...,
        description="中文说明，供人阅读",
        examples=["接口令牌已于2026-10-01 00:00过期：请联系质强办重新创建"],
    )
    details: list[ErrorDetail] = Field(default_factory=list, description="逐条问题（如有）")


class JurisdictionOut(Schema):
    id: int
    name: str
    level: str
    parent_id: int | None
    own: bool = Field(..., description="是否令牌所属行政区（否：下级行政区，只读）")


class PlanOut(Schema):
    id: int
    jurisdiction_id: int
    title: str
    kind: str
    status: str = Field(..., description="draft 草稿 / active 执行中 / archived 已归档")
    year_start: int
    year_end: int
    document_number: str
    issued_on: dt.date | None


class TreeTaskOut(Schema):
    id: int
    number: str
    title: str
    status: str = Field(
        ..., description="not_started / in_progress / done / delayed（取牵头部门最近一次报送）"
    )
    withdrawn: bool


class HeadingOut(Schema):
    id: int
    number: str
    title: str
    headings: list[HeadingOut]
    tasks: list[TreeTaskOut]


class PlanTreeOut(PlanOut):
    headings: list[HeadingOut]
    tasks: list[TreeTaskOut] = Field(..., description="不在任何标题下的任务")


class AssignmentOut(Schema):
    department_id: int
    department: str
    role: str = Field(..., description="lead 牵头 / participating 参与")


class TaskOut(Schema):
    id: int
    plan_id: int
    heading_id: int | None
    number: str
    title: str
    text: str
    due: str
    due_date: dt.date | None
    status: str
    withdrawn: bool
    assignments: list[AssignmentOut]


class IndicatorOut(Schema):
    id: int
    jurisdiction_id: int
    name: str
    unit: str
    aggregation: str
    source: str = Field(..., description="reported 部门报送 / statistics 统计部门发布")
    reporting_department_id: int | None
    reporting_department: str | None


class TargetOut(Schema):
    id: int
    task_id: int
    task_number: str
    indicator_id: int
    indicator: str
    unit: str
    comparator: str
    value: Decimal | None
    value_max: Decimal | None
    stretch: Decimal | None
    baseline: Decimal | None
    due_date: dt.date | None
    text: str
    status: str = Field(..., description="met / on_track / at_risk / off_track / awaiting_data / no_data")
    status_label: str
    current: Decimal | None = Field(..., description="按指标汇总方式得到的当前值")
    expected: Decimal | None = Field(..., description="按时间进度应达到的值")


class TargetListOut(Schema):
    plan_id: int
    as_of: dt.date
    count: int
    targets: list[TargetOut]


class PeriodOut(Schema):
    id: int
    jurisdiction_id: int
    start: dt.date
    end: dt.date
    deadline: dt.date
    status: str


class PeriodReportOut(Schema):
    department_id: int
    department: str
    status: str
    reported: bool = Field(..., description="已提交（含已审签、已通过）")
    is_late: bool
    submitted_at: dt.datetime | None
    version: int


class PeriodDetailOut(PeriodOut):
    reports: list[PeriodReportOut]


class ResultOut(Schema):
    department_id: int
    department: str
    rank: int
    total: Decimal
    grade: str
    vetoed: bool


class AssessmentOut(Schema):
    id: int
    plan_id: int
    plan: str
    jurisdiction_id: int
    label: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    version: int
    published_at: dt.datetime | None
    results: list[ResultOut]


VALUE_EXAMPLE = {
    "values": [
        {"indicator": "规模以上工业增加值增速", "period": "2026年10月", "value": 7.2, "source": "市统计局"},
        {"indicator": "规模以上工业增加值增速", "period": "2026-09", "value": "6.8"},
    ]
}


class ValueIn(Schema):
    model_config = ConfigDict(extra="forbid")

    indicator_id: StrictInt | None = Field(None, description="指标编号（与 indicator 二选一）")
    indicator: StrictStr | None = Field(
        None, max_length=250, description="指标名称；两个指标同名时写作“名称（单位）”"
    )
    department: StrictStr | None = Field(
        None, max_length=64, description="行政区或部门：不填即指标的报送部门"
    )
    period: StrictStr | StrictInt = Field(
        ..., description="期间：2026年10月、2026-10、2026年第三季度、2026Q3、2026年上半年、2026年1-9月、2026"
    )
    value: StrictFloat | StrictInt | StrictStr = Field(
        ..., description="数值：数字，或写成文本的数字（可带指标单位；%指标可写93.5%）"
    )
    source: StrictStr | None = Field(None, max_length=200, description="数据来源")


class ValuesIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [VALUE_EXAMPLE]})

    values: list[ValueIn] = Field(
        ...,
        min_length=1,
        max_length=settings.API_VALUES_MAX,
        description=f"要写入的数值，每次最多{settings.API_VALUES_MAX}条；任何一条有误则全部不保存",
    )


class ValuesOut(Schema):
    upload_id: int = Field(..., description="本次写入在“统计数据”中的上传记录编号")
    saved: int
    replaced: int = Field(..., description="替换原有数值的条数（原数值保留在上传记录中）")


PROGRESS_EXAMPLE = {
    "period": "2026-11",
    "entries": [
        {
            "task_id": 12,
            "progress": "本月完成3个保障性住房项目质量巡查，整改问题17项。",
            "problems": "1个项目整改进度滞后。",
            "next_steps": "下月开展竣工验收专项检查。",
            "status": "in_progress",
        }
    ],
}


class TaskProgressItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    task_id: StrictInt = Field(..., description="任务编号（见 /plans/{plan_id}/tasks）")
    progress: StrictStr | None = Field(
        None, max_length=progress_text_limit("progress"), description="进展情况；不填则保持原样"
    )
    problems: StrictStr | None = Field(
        None, max_length=progress_text_limit("problems"), description="存在问题；不填则保持原样"
    )
    next_steps: StrictStr | None = Field(
        None, max_length=progress_text_limit("next_steps"), description="下步计划；不填则保持原样"
    )
    status: StrictStr | None = Field(
        None, description="进度：not_started 未启动 / in_progress 推进中 / done 已完成 / delayed 滞后"
    )


class TaskProgressIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PROGRESS_EXAMPLE]})

    period: StrictStr | StrictInt = Field(..., description="报送期：2026-11，或报送期编号")
    entries: list[TaskProgressItemIn] = Field(
        ...,
        min_length=1,
        max_length=PROGRESS_ENTRIES_MAX,
        description=f"各项任务的进展，每次最多{PROGRESS_ENTRIES_MAX}项；任何一项有误则全部不保存",
    )


class TaskProgressEntryOut(Schema):
    task_id: int
    version: int = Field(..., description="该任务进展的修改次数（写入后）")


class TaskProgressOut(Schema):
    report_id: int
    department_id: int
    period_id: int
    status: str = Field(..., description="月报状态：接口只写草稿，提交仍由联络员完成")
    saved: int = Field(..., description="内容有变化而保存的任务数")
    entries: list[TaskProgressEntryOut]


# The API ----------------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """Authorization: Bearer qc_…; the token must be live and within its rate."""

    openapi_description = "质强办在“开放接口”页面创建的令牌：Authorization: Bearer qc_…"

    def authenticate(self, request, token):
        try:
            found = token_authenticate(token)
        except ApiRefused as exc:
            request.api_token = getattr(exc, "token", None)
            raise
        request.api_token = found
        token_rate_check(found)
        request.api_scope = token_scope(found)
        return found


class RenderedJson:
    """A body already rendered (and checked against its schema) by the view, from the cache."""

    def __init__(self, body: bytes):
        self.body = body


class PortalApi(NinjaAPI):
    """Records every use of a token with its answer, and keeps API answers out of caches."""

    def create_response(self, request, data, *args, **kwargs):
        if isinstance(data, RenderedJson):
            response = HttpResponse(
                data.body, content_type="application/json; charset=utf-8", status=kwargs.get("status") or 200
            )
        else:
            response = super().create_response(request, data, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        token = getattr(request, "api_token", None)
        if token is not None:
            token_use_record(
                token=token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
                address=request.META.get("REMOTE_ADDR"),
            )
        return response


api = PortalApi(
    title="质量强市工作平台开放接口",
    version="1",
    description=(
        "读取本行政区（及下级行政区，只读）的工作方案、任务、指标、目标及其状态、报送期和已发布的考核结果；"
        "有“读取并报送指标数值”权限的令牌可写入统计部门发布的指标数值（与上传统计数据 Excel 同一校验和历史）；"
        "有“报送任务进展”权限的令牌可把任务进展写入创建时选定部门的当期月报草稿（不提交）。"
        "令牌由质强办创建，每次使用都有记录，每分钟最多请求 "
        f"{settings.API_RATE_LIMIT_PER_MINUTE} 次。出错时返回 JSON：{{code, message, details}}。"
        "数值以字符串表示（保留四位小数），不经浮点数。"
    ),
    urls_namespace="interfaces:api_v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# A bound on edits the data's fingerprint cannot see (a target changed in the admin), as the
# dashboards have.
TARGETS_CACHE_SECONDS = 600
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def _error(request, *, code: str, message, status: int, details=None):
    return api.create_response(
        request, {"code": code, "message": str(message), "details": details or []}, status=status
    )


@api.exception_handler(ApiRefused)
def _refused(request, exc: ApiRefused):
    return _error(request, code=exc.code, message=exc.message, status=exc.status, details=exc.details)


@api.exception_handler(StatisticsRefused)
def _values_refused(request, exc: StatisticsRefused):
    details = [
        {"index": None if p.row is None else p.row - 1, "field": p.column, "message": p.message}
        for p in exc.problems
    ]
    message = _("提交的数值有%(count)s处问题，未保存任何数据") % {"count": len(details)}
    return _error(request, code="values_refused", message=message, status=400, details=details)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return _error(request, code="refused", message=exc.message, status=exc.status)


@api.exception_handler(AuthenticationError)
def _no_token(request, exc):
    return _error(
        request,
        code="token_missing",
        message=_("缺少接口令牌：请在请求头中加入 Authorization: Bearer <令牌>"),
        status=401,
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and exc.__cause__ is not None:
        return _error(
            request,
            code="malformed_json",
            message=_("请求内容不是有效的 JSON：请检查括号、引号和逗号"),
            status=400,
        )
    return _error(request, code="http_error", message=_("请求无法处理"), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, code="not_found", message=_("没有这个接口地址或对象"), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, code="forbidden", message=str(exc) or _("无权执行此操作"), status=403)


PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("必须填写"),
    "extra_forbidden": gettext_lazy("接口不认识这个字段"),
    "int_type": gettext_lazy("应为整数"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "string_type": gettext_lazy("应为文本"),
    "float_type": gettext_lazy("应为数字"),
    "string_too_long": gettext_lazy("文本过长"),
    "too_short": gettext_lazy("不能为空"),
    "list_type": gettext_lazy("应为数组"),
    "model_type": gettext_lazy("应为 JSON 对象"),
    "dict_type": gettext_lazy("应为 JSON 对象"),
    "date_from_datetime_parsing": gettext_lazy("应为日期（如2026-10-31）"),
    "date_parsing": gettext_lazy("应为日期（如2026-10-31）"),
}
FORMAT_WRONG = gettext_lazy("格式不正确")


def _field(loc) -> tuple[int | None, str]:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    index = None
    if len(parts) >= 2 and parts[0] in ("values", "entries") and parts[1].isdigit():
        index = int(parts[1])
    # a union's branch names (str, int, …) say nothing to the sender
    named = [p for p in parts if p not in ("str", "int", "float", "function-after[...]")]
    return index, ".".join(named)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    for error in exc.errors:
        if error.get("type") == "too_long" and tuple(error.get("loc", ()))[-1:] == ("entries",):
            return _error(
                request,
                code="too_many_entries",
                message=_("一次最多提交%(max)s项任务进展，本次提交了%(count)s项：请分批提交，未保存任何内容")
                % {"max": PROGRESS_ENTRIES_MAX, "count": error.get("ctx", {}).get("actual_length", "")},
                status=400,
            )
        if error.get("type") == "too_long" and tuple(error.get("loc", ()))[-1:] == ("values",):
            return _error(
                request,
                code="too_many_values",
                message=_("一次最多提交%(max)s条数值，本次提交了%(count)s条：请分批提交，未保存任何数据")
                % {"max": settings.API_VALUES_MAX, "count": error.get("ctx", {}).get("actual_length", "")},
                status=400,
            )
    details, seen = [], set()
    for error in exc.errors:
        index, field = _field(error.get("loc", ()))
        message = str(PYDANTIC_MESSAGES.get(error.get("type"), FORMAT_WRONG))
        if (index, field, message) in seen:
            continue
        seen.add((index, field, message))
        details.append({"index": index, "field": field, "message": message})
    return _error(
        request,
        code="invalid_input",
        message=_("请求内容不符合接口说明，有%(count)s处问题，未保存任何数据") % {"count": len(details)},
        status=400,
        details=details,
    )


# Reads ------------------------------------------------------------------------------------------


class JurisdictionFilter(Schema):
    jurisdiction: int | None = Field(None, description="只看一个行政区（须为令牌所属或其下级）", ge=1)


@api.get(
    "/jurisdictions",
    response={200: list[JurisdictionOut], **ERRORS},
    tags=["行政区"],
    url_name="jurisdictions",
    summary="行政区",
)
def jurisdictions(request):
    """令牌可读取的行政区：所属行政区及其下级（下级只读）。"""
    return selectors.jurisdictions_read(scope=request.api_scope, own_id=request.auth.jurisdiction_id)


@api.get(
    "/plans",
    response={200: list[PlanOut], **ERRORS},
    tags=["工作方案"],
    url_name="plans",
    summary="工作方案列表",
)
def plans(request, filters: Query[JurisdictionFilter]):
    """工作方案列表。"""
    return selectors.plans_read(scope=request.api_scope, jurisdiction=filters.jurisdiction)


@api.get(
    "/plans/{plan_id}",
    response={200: PlanTreeOut, **ERRORS},
    tags=["工作方案"],
    url_name="plan",
    summary="工作方案及其标题树",
)
def plan(request, plan_id: int):
    """一个工作方案及其标题树，每个标题下列出任务及其当前状态。"""
    return selectors.plan_tree_read(plan=selectors.plan_get(scope=request.api_scope, pk=plan_id))


@api.get(
    "/plans/{plan_id}/tasks",
    response={200: list[TaskOut], **ERRORS},
    tags=["工作方案"],
    url_name="plan_tasks",
    summary="任务及责任部门",
)
def plan_tasks(request, plan_id: int):
    """工作方案的任务，含牵头部门和参与部门。"""
    return selectors.plan_tasks_read(plan=selectors.plan_get(scope=request.api_scope, pk=plan_id))


class AsOf(Schema):
    as_of: dt.date | None = Field(None, description="按哪一天计算状态（默认今天）")


@api.get(
    "/plans/{plan_id}/targets",
    response={200: TargetListOut, **ERRORS},
    tags=["指标与目标"],
    url_name="plan_targets",
    summary="目标及其状态",
)
def plan_targets(request, plan_id: int, filters: Query[AsOf]):
    """工作方案的全部目标及其状态（已达标、进度正常、存在风险、明显滞后、待统计数据、暂无数据）。"""
    plan = selectors.plan_get(scope=request.api_scope, pk=plan_id)
    as_of = filters.as_of or timezone.localdate()
    return api.create_response(request, RenderedJson(_plan_targets_body(plan, as_of)), status=200)


def _plan_targets_body(plan, as_of: dt.date) -> bytes:
    """The plan's targets at the date as JSON, checked against TargetListOut: computed once per
    state of the data (the dashboards' fingerprint, which every write through the portal moves,
    trusted for DASHBOARD_FINGERPRINT_SECONDS) and kept in this process and in the shared cache."""
    key = f"api-targets:{plan.pk}:{as_of}:{translation.get_language()}:{dashboard_recent_fingerprint()}"
    key = "api-targets:" + hashlib.sha256(key.encode()).hexdigest()
    local, shared = caches["local"], caches["default"]
    body = local.get(key)
    if body is None:
        body = shared.get(key)
        if body is None:
            rows = selectors.plan_targets_read(plan=plan, as_of=as_of)
            data = {"plan_id": plan.pk, "as_of": as_of, "count": len(rows), "targets": rows}
            body = TargetListOut.model_validate(data).model_dump_json().encode()
            shared.set(key, body, timeout=TARGETS_CACHE_SECONDS)
        local.set(key, body, timeout=TARGETS_CACHE_SECONDS)
    return body


@api.get(
    "/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    tags=["指标与目标"],
    url_name="indicators",
    summary="指标",
)
def indicators(request, filters: Query[JurisdictionFilter]):
    """指标：名称、单位、汇总方式、数据来源和报送部门。"""
    return selectors.indicators_read(scope=request.api_scope, jurisdiction=filters.jurisdiction)


@api.get(
    "/periods", response={200: list[PeriodOut], **ERRORS}, tags=["报送"], url_name="periods", summary="报送期"
)
def periods(request, filters: Query[JurisdictionFilter]):
    """报送期及截止日期。"""
    return selectors.periods_read(scope=request.api_scope, jurisdiction=filters.jurisdiction)


@api.get(
    "/periods/{period_id}",
    response={200: PeriodDetailOut, **ERRORS},
    tags=["报送"],
    url_name="period",
    summary="报送期及各部门报送情况",
)
def period(request, period_id: int):
    """一个报送期，以及各部门是否已报送（只有状态，不含报送内容）。"""
    return selectors.period_reports_read(scope=request.api_scope, pk=period_id)


@api.get(
    "/assessments",
    response={200: list[AssessmentOut], **ERRORS},
    tags=["考核"],
    url_name="assessments",
    summary="已发布的考核结果",
)
def assessments(request, filters: Query[JurisdictionFilter]):
    """已发布的考核结果（不含草稿）。"""
    return selectors.assessments_read(scope=request.api_scope, jurisdiction=filters.jurisdiction)


# Writes -----------------------------------------------------------------------------------------

VALUE_NAMES = {
    "indicator": "indicator",
    "place": "department",
    "period": "period",
    "value": "value",
    "source": "source",
    "note": "note",
}


@api.post(
    "/indicator-values",
    response={201: ValuesOut, **ERRORS},
    tags=["指标与目标"],
    url_name="indicator_values",
    summary="写入统计指标数值",
)
def indicator_values(request, payload: ValuesIn):
    """写入统计部门发布的指标数值：与上传统计数据 Excel 相同的校验、替换和历史；任何一条有误则全部不保存。
    只有“读取并报送指标数值”权限的令牌可用，且只能写入令牌所属行政区。"""
    token = request.auth
    if not token.can_write_values:
        raise ApiRefused("scope_read_only", _("本令牌只有只读权限，不能写入数值"), status=403)
    raws = [
        StatisticsRawRow(
            row=index + 1,
            indicator=(item.indicator or "").strip(),
            place=(item.department or "").strip(),
            period=item.period,
            value=item.value,
            value_format="",
            source=(item.source or "").strip(),
            indicator_id=item.indicator_id,
        )
        for index, item in enumerate(payload.values)
    ]
    for raw, item in zip(raws, payload.values, strict=True):
        if item.indicator_id is not None and item.indicator:
            raise ApiRefused(
                "invalid_input",
                _("indicator_id 与 indicator 只能填一个"),
                details=[
                    {
                        "index": raw.row - 1,
                        "field": "indicator",
                        "message": _("indicator_id 与 indicator 只能填一个"),
                    }
                ],
            )
    upload = statistics_values_save(
        jurisdiction=token.jurisdiction,
        actor=token.created_by,
        raws=raws,
        label=_("接口：%(name)s（%(prefix)s）") % {"name": token.name, "prefix": token.prefix},
        names=VALUE_NAMES,
    )
    return 201, {"upload_id": upload.pk, "saved": upload.row_count, "replaced": upload.replaced_count}


@api.post(
    "/task-progress",
    response={200: TaskProgressOut, **ERRORS, 409: ErrorOut},
    tags=["报送"],
    url_name="task_progress",
    summary="写入任务进展",
)
def task_progress(request, payload: TaskProgressIn):
    """把任务进展写入令牌所属部门当期月报的草稿：只有“报送任务进展”权限的令牌可用，只能写入创建令牌时选定的部门；
    报送期须在填报中，月报须为草稿（已提交、已通过的不能写入）；任何一项有误则全部不保存。接口不提交月报，提交仍由联络员完成。"""
    entries = [item.model_dump(exclude_none=True) for item in payload.entries]
    return task_progress_write(token=request.auth, period=payload.period, entries=entries)
