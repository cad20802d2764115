"""The three real published plans that ship as demo data and import samples (fixtures/samples)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from plandocs.services import PlanMeta, plan_save_document
from programmes.models import Plan
from responsibilities.models import Department, Jurisdiction, PasswordState, Role
from responsibilities.services import departments_ensure, jurisdiction_ensure, user_ensure_with_role

SAMPLES_DIR = Path(settings.BASE_DIR) / "fixtures" / "samples"
DEMO_PASSWORD = "Demo@2026"

# What 太仓市's office confirmed in the import review, where the import's proposal (the unit
# the target's clause names, else the task's first lead unit) is not the department that keeps
# the figure: the plan prints one department list per goal or task (市市场监管局、住建局、交运局…),
# and 二(一) is led by 各成员单位 alone, for which the review proposes no one. Each name reaches
# targets_create_for_tasks as the department the document states for the indicator.
DEMO_REPORTING = {
    "太仓市": {
        "制造业产品质量合格率": "市市场监管局",
        "消费品质量合格率": "市市场监管局",
        "公众质量总体满意度指数": "市市场监管局",
        "游客满意度": "市文体广旅局",
        "获得扬子杯等省级优质工程奖项": "市住建局",
        "农产品质量安全检测综合合格率": "市农业农村局",
        "大中型工程质量竣工一次验收合格率": "市住建局",
        "新增A级质量信用企业": "市市场监管局",
        "遴选瞪羚企业": "市科技局",
        "认定独角兽培育企业": "市科技局",
        "有效高企数": "市科技局",
        "科技型中小企业入库评价数": "市科技局",
        "新增市级以上企业技术中心": "市工信局",
        "实施省市关键核心技术攻关项目": "市科技局",
        "规模以上企业建立首席质量官制度比例": "市市场监管局",
        "中小微企业建立首席质量官制度比例": "市市场监管局",
        "快递物流到货时间": "市交运局",
        "新辟优化公交线路": "市交运局",
        "客运班线定制化率": "市交运局",
        "新增养老机构床位": "市民政局",
        "新建老年人日间照料服务中心(站)": "市民政局",
        "提档升级老年人日间照料服务中心": "市民政局",
        "老年人家庭适老化改造": "市民政局",
        "农村养老服务设施覆盖率": "市民政局",
        "全市新增或改造绿地": "市住建局",
        "口袋公园": "市住建局",
        "完成全市营造林": "市资规局",
        "新建省级绿美村庄": "市资规局",
    },
}


def sample_paths() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.json"))


def sample_load(path: Path) -> Plan:
    """A sample plan is loaded once: its jurisdiction, departments, and the plan document."""
    fixture = json.loads(path.read_text(encoding="utf-8"))
    info = fixture["jurisdiction"]
    jurisdiction = jurisdiction_ensure(
        name=info["name"], level=info["level"], office_name=info.get("office_name", "")
    )
    departments_ensure(jurisdiction=jurisdiction, entries=fixture["departments"])
    existing = Plan.objects.filter(jurisdiction=jurisdiction, title=fixture["title"]).first()
    if existing:
        return existing
    plan_info = fixture["plan"]
    source = path.with_suffix(".txt")
    meta = PlanMeta(
        title=fixture["title"],
        kind=plan_info["kind"],
        issuer=plan_info.get("issuer", ""),
        document_number=plan_info.get("document_number", ""),
        issued_on=dt.date.fromisoformat(plan_info["issued_on"]) if plan_info.get("issued_on") else None,
        year_start=plan_info["year_start"],
        year_end=plan_info["year_end"],
        source_name=fixture["doc"],
        source_text=source.read_text(encoding="utf-8") if source.exists() else "",
    )
    return plan_save_document(
        jurisdiction=jurisdiction, meta=meta, document=demo_reporting_confirmed(fixture)
    )


def demo_reporting_confirmed(fixture: dict) -> dict:
    """The sample's targets with the reporting departments its office confirmed (DEMO_REPORTING)."""
    chosen = DEMO_REPORTING.get(fixture["jurisdiction"]["name"], {})
    targets = [
        dict(target, reporting_department=chosen[target["indicator"]])
        if target["indicator"] in chosen
        else target
        for target in fixture["targets"]
    ]
    return {**fixture, "targets": targets}


def demo_users_create() -> list[tuple[str, str, str]]:
    """Demo logins: an office user per jurisdiction, a leader, and for 太仓市 (seed 003) a liaison
    per department and a department head. Returns (username, role, where) rows to print."""
    rows = []
    hashed = make_password(DEMO_PASSWORD)
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin", password=hashed, first_name="系统管理员", is_staff=True, is_superuser=True
        )
    rows.append(("admin", "系统管理员", "Django admin"))
    for jurisdiction in Jurisdiction.objects.all():
        username = {"太仓市": "office", "淮安市": "office_ha", "湛江市": "office_zj"}.get(jurisdiction.name)
        if username:
            user_ensure_with_role(
                username=username,
                password_hash=hashed,
                full_name=f"{jurisdiction.name}质强办",
                jurisdiction=jurisdiction,
                role=Role.OFFICE_ADMIN,
            )
            rows.append((username, str(Role.OFFICE_ADMIN.label), jurisdiction.name))
    taicang = Jurisdiction.objects.filter(name="太仓市").first()
    if taicang is None:
        return rows
    user_ensure_with_role(
        username="leader",
        password_hash=hashed,
        full_name="分管副市长",
        jurisdiction=taicang,
        role=Role.LEADER,
    )
    rows.append(("leader", str(Role.LEADER.label), taicang.name))
    for department in Department.objects.filter(jurisdiction=taicang).units().exclude(code=""):
        username = f"liaison_{department.code}"
        user_ensure_with_role(
            username=username,
            password_hash=hashed,
            full_name=f"{department.name}联络员",
            jurisdiction=taicang,
            role=Role.LIAISON,
            department=department,
        )
        rows.append((username, str(Role.LIAISON.label), department.name))
    for code in ("scjgj", "zjj"):
        department = Department.objects.get(jurisdiction=taicang, code=code)
        user_ensure_with_role(
            username=f"head_{code}",
            password_hash=hashed,
            full_name=f"{department.name}负责人",
            jurisdiction=taicang,
            role=Role.DEPARTMENT_HEAD,
            department=department,
        )
        rows.append((f"head_{code}", str(Role.DEPARTMENT_HEAD.label), department.name))
    # Demo accounts keep their known password: no forced change at first login, no expiry.
    for user in get_user_model().objects.filter(username__in=[r[0] for r in rows]):
        PasswordState.objects.update_or_create(user=user, defaults={"exempt": True, "must_change": False})
    return rows


@transaction.atomic
def demo_load() -> tuple[list[Plan], list[tuple[str, str, str]]]:
    """The whole demo: the three sample plans and the demo users."""
    plans = [sample_load(path) for path in sample_paths()]
    return plans, demo_users_create()


def demo_open_current_period():
    """For a first look, 太仓市's reporting period of this month is open with every report
    ready to fill. The reports app sits above this one, hence the import here."""
    from django.utils import timezone

    from reports.services import period_ensure, period_open

    taicang = Jurisdiction.objects.filter(name="太仓市").first()
    if taicang is None:
        return None
    today = timezone.localdate()
    return period_open(period=period_ensure(jurisdiction=taicang, year=today.year, month=today.month))


def demo_publication():
    """太仓市's office shows this year's results on its public page (结果公示, /public/<id>/): the
    plan in force, its tasks' progress and the indicators' values. Running it again changes
    nothing."""
    from interfaces.models import PublicationSetting
    from interfaces.publication import publication_save

    taicang = Jurisdiction.objects.filter(name="太仓市").first()
    office = get_user_model().objects.filter(username="office").first()
    if taicang is None or office is None or PublicationSetting.objects.filter(jurisdiction=taicang).exists():
        return None
    plans = list(
        Plan.objects.filter(jurisdiction=taicang, status=Plan.Status.ACTIVE).exclude(kind="delegated")
    )
    if not plans:
        return None
    return publication_save(
        jurisdiction=taicang,
        actor=office,
        is_published=True,
        plans=plans,
        show_task_statuses=True,
        show_indicator_values=True,
    )
