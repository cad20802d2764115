"""Every imported indicator has one reporting department: the import proposes the unit the
target's own clause names (or the sentence around it charges), else the task's first lead unit,
else its first participating unit; a task led by a collective name proposes no one, which the
review counts as a decision; the office confirms or changes each in the review, and an indicator
already in the jurisdiction keeps its own. A posted department the select does not offer saves
nothing."""

import pytest
from django.urls import reverse

from plandocs.models import PlanImport
from plandocs.review import plan_import_document
from plandocs.services import PlanMeta, plan_save_document
from programmes.models import Plan
from responsibilities.models import Department
from responsibilities.services import departments_ensure
from targets.models import Indicator, Target
from targets.services import InvalidTarget
from tests.factories import DepartmentFactory, JurisdictionFactory, MembershipFactory, UserFactory

UPLOAD = reverse("plandocs:plan_import")
PLAN = """太仓市2024年质量强市工作方案
一、主要任务
（一）提升工程和产品质量。产品质量监督抽查合格率达到96%以上，大中型工程质量竣工一次验收合格率达到97%以上（市住建局负责）。（责任部门：市市场监管局、住建局）
（二）质量水平持续提高。消费品质量合格率达到97.5%以上。（责任部门：各成员单位）
（三）夯实质量基础。围绕市政府办《关于加强标准化工作的意见》，新增主导制定地方标准4项。由市住建局负责，新建绿色建筑示范项目3个。（牵头单位：各成员单位；配合单位：市农业农村局）
（四）提升城市管理质量。城市道路完好率达到95%以上。（责任部门：市城管局）
"""
# The targets of PLAN in order, and who the import proposes to report each.
PRODUCTS, WORKS, CONSUMER, STANDARDS, GREEN, ROADS = range(6)


@pytest.fixture
def city(db):
    """太仓市 with its units, 各成员单位 and 市政府办公室 (printed 市政府办), but not 市城管局."""
    city = JurisdictionFactory(name="太仓市")
    departments_ensure(
        jurisdiction=city,
        entries=[
            {"name": "市市场监管局", "kind": "unit"},
            {"name": "市住建局", "kind": "unit", "aliases": [{"name": "市住房和城乡建设局"}]},
            {"name": "市农业农村局", "kind": "unit"},
            {"name": "市政府办公室", "kind": "unit", "aliases": [{"name": "市政府办"}]},
            {"name": "各成员单位", "kind": "collective", "members": "all_units"},
        ],
    )
    return city


@pytest.fixture
def office(client, city):
    user = MembershipFactory(user=UserFactory(username="office_tc"), jurisdiction=city).user
    client.force_login(user)
    return user


def unit(city, name) -> Department:
    return Department.objects.get(jurisdiction=city, name=name)


def draft_of(client, city) -> PlanImport:
    client.post(UPLOAD, {"jurisdiction": city.pk, "text": PLAN})
    return PlanImport.objects.latest("pk")


def review_url(draft) -> str:
    return reverse("plandocs:plan_import_review", args=[draft.pk])


def confirm_url(draft) -> str:
    return reverse("plandocs:plan_import_confirm", args=[draft.pk])


def page_data(client, draft) -> tuple[dict, str, object]:
    """What the browser would post back, the page, and the response."""
    response = client.get(review_url(draft))
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data, response.content.decode(), response


def reporting(city) -> dict[str, str | None]:
    return {
        i.name: getattr(i.reporting_department, "name", None)
        for i in Indicator.objects.filter(jurisdiction=city).select_related("reporting_department")
    }


def nothing_made(city) -> bool:
    return not Plan.objects.filter(jurisdiction=city).exists() and not Indicator.objects.exists()


# ---------------------------------------------------------------------------------------------
# The proposal, as the review shows it
# ---------------------------------------------------------------------------------------------


def test_the_review_proposes_the_clauses_department_else_the_lead_and_flags_a_collective_lead(
    client, office, city
):
    # given a draft whose first task is led by 市市场监管局 while one target's clause names 市住建局
    draft = draft_of(client, city)

    # when the office opens the review
    data, html, response = page_data(client, draft)

    # then the clause's department is proposed for that target, the lead for the other
    assert data[f"g{PRODUCTS}_reporting"] == str(unit(city, "市市场监管局").pk)
    assert data[f"g{WORKS}_reporting"] == str(unit(city, "市住建局").pk)
    assert "建议：指标原文点名的部门" in html and "建议：任务的牵头部门" in html
    # a department the sentence charges (由市住建局负责) counts, one cited as a document's author
    # (市政府办《…》) does not, and a collective lead falls back to the participating unit
    assert data[f"g{GREEN}_reporting"] == str(unit(city, "市住建局").pk)
    assert data[f"g{STANDARDS}_reporting"] == str(unit(city, "市农业农村局").pk)
    # a name the jurisdiction does not know yet is proposed as the department it will become
    assert data[f"g{ROADS}_reporting"] == "n:市城管局"
    # and the target of a task led by 各成员单位 alone has no one: a decision, named in Chinese
    assert data[f"g{CONSUMER}_reporting"] == ""
    message = (
        "任务一(二)的指标“消费品质量合格率”：未指定报送部门（“各成员单位”是集合名称）："
        "请选择报送部门，或选择“不设报送部门”"
    )
    assert message in html
    assert message in response.context["open_decisions"]
    # the select offers the jurisdiction's active units, the name to be created, and "none" —
    # never the collective name
    choices = dict(response.context["form"].fields[f"g{CONSUMER}_reporting"].widget.choices)
    assert choices[""] == "— 请选择报送部门 —"
    assert {"市市场监管局", "市住建局", "市农业农村局", "市政府办公室"} <= set(choices.values())
    assert "各成员单位" not in choices.values()
    assert choices["n:市城管局"] == "市城管局（尚未对应部门）"
    assert choices["none"] == "不设报送部门（该指标无需报送）"


def test_confirm_is_refused_until_the_collective_tasks_target_is_settled(client, office, city):
    # given the draft, with 市城管局 to be created
    draft = draft_of(client, city)
    data, _html, response = page_data(client, draft)
    [name] = [f.html_name for f in response.context["form"] if f.label == "市城管局"]
    data[name] = "new"

    # when the office confirms without choosing who reports 消费品质量合格率
    response = client.post(confirm_url(draft), data, follow=True)

    # then nothing is imported, and the page says what is open
    html = response.content.decode()
    assert "修改已保存，但还有1处需要决定，尚未导入" in html
    assert "任务一(二)的指标“消费品质量合格率”：未指定报送部门" in html
    assert nothing_made(city)


def test_the_office_changes_proposals_in_the_review_and_the_indicators_keep_its_choices(client, office, city):
    # given the draft
    draft = draft_of(client, city)
    data, _html, response = page_data(client, draft)
    [name] = [f.html_name for f in response.context["form"] if f.label == "市城管局"]
    farm, market = unit(city, "市农业农村局"), unit(city, "市市场监管局")

    # when the office creates 市城管局, gives the products rate to 市农业农村局 instead of the
    # lead, has 市市场监管局 report the collective task's rate, and confirms
    response = client.post(
        confirm_url(draft),
        {
            **data,
            name: "new",
            f"g{PRODUCTS}_reporting": str(farm.pk),
            f"g{CONSUMER}_reporting": str(market.pk),
        },
    )

    # then the plan is made and every indicator is reported by the department confirmed
    plan = Plan.objects.get(jurisdiction=city)
    assert response.status_code == 302 and response.url == reverse("programmes:plan_detail", args=[plan.pk])
    assert reporting(city) == {
        "产品质量监督抽查合格率": "市农业农村局",
        "大中型工程质量竣工一次验收合格率": "市住建局",
        "消费品质量合格率": "市市场监管局",
        "新增主导制定地方标准": "市农业农村局",
        "新建绿色建筑示范项目": "市住建局",
        "城市道路完好率": "市城管局",
    }
    assert unit(city, "市城管局").kind == Department.Kind.UNIT


def test_the_office_may_say_an_indicator_has_no_reporting_department(client, office, city):
    draft = draft_of(client, city)
    data, _html, response = page_data(client, draft)
    [name] = [f.html_name for f in response.context["form"] if f.label == "市城管局"]

    client.post(confirm_url(draft), {**data, name: "new", f"g{CONSUMER}_reporting": "none"})

    assert Plan.objects.filter(jurisdiction=city).exists()
    assert reporting(city)["消费品质量合格率"] is None
    assert reporting(city)["产品质量监督抽查合格率"] == "市市场监管局"


def test_a_proposal_left_alone_follows_the_lead_the_office_changes(client, office, city):
    # given the draft, whose products rate is proposed for the lead 市市场监管局
    draft = draft_of(client, city)
    data, _html, _response = page_data(client, draft)

    # when the office makes 市农业农村局 the first task's lead and saves, leaving the select as it was
    client.post(review_url(draft), {**data, "t0_lead": "市农业农村局、住建局"})

    # then the proposal is the new lead's, while the clause's 市住建局 stays for the works rate
    data, html, _response = page_data(client, draft)
    assert data[f"g{PRODUCTS}_reporting"] == str(unit(city, "市农业农村局").pk)
    assert data[f"g{WORKS}_reporting"] == str(unit(city, "市住建局").pk)
    draft.refresh_from_db()
    assert draft.extraction["targets"][PRODUCTS]["reporting"] == ""


def test_a_choice_the_office_saved_is_kept_and_said_to_be_its_own(client, office, city):
    draft = draft_of(client, city)
    data, _html, _response = page_data(client, draft)
    farm = unit(city, "市农业农村局")

    client.post(review_url(draft), {**data, f"g{WORKS}_reporting": str(farm.pk)})

    draft.refresh_from_db()
    assert draft.extraction["targets"][WORKS]["reporting"] == str(farm.pk)
    data, html, _response = page_data(client, draft)
    assert data[f"g{WORKS}_reporting"] == str(farm.pk) and "质强办已选择" in html


def test_a_new_department_chosen_to_report_is_the_one_the_import_creates(client, office, city):
    # given the draft, where the office maps 市城管局 to a new department and keeps its proposal
    draft = draft_of(client, city)
    data, _html, response = page_data(client, draft)
    [name] = [f.html_name for f in response.context["form"] if f.label == "市城管局"]
    client.post(review_url(draft), {**data, name: "new", f"g{CONSUMER}_reporting": "n:市城管局"})
    data, _html, response = page_data(client, draft)
    choices = dict(response.context["form"].fields[f"g{CONSUMER}_reporting"].widget.choices)
    assert choices["n:市城管局"] == "市城管局（本次导入新建）"

    # when it confirms
    client.post(confirm_url(draft), data)

    # then both indicators are reported by the department the import created
    created = unit(city, "市城管局")
    indicators = Indicator.objects.filter(jurisdiction=city, reporting_department=created)
    assert sorted(i.name for i in indicators) == ["城市道路完好率", "消费品质量合格率"]


def test_an_indicator_already_in_the_jurisdiction_keeps_its_reporting_department(client, office, city):
    # given 产品质量监督抽查合格率 already reported by 市农业农村局 for another plan
    farm = unit(city, "市农业农村局")
    Indicator.objects.create(
        jurisdiction=city, name="产品质量监督抽查合格率", unit="%", reporting_department=farm
    )
    draft = draft_of(client, city)

    # then the review shows it as set, with no select to change it
    data, html, _response = page_data(client, draft)
    assert f"g{PRODUCTS}_reporting" not in data
    assert "已有指标，沿用其报送部门，本次导入不作改动" in html
    [name] = [f.html_name for f in _response.context["form"] if f.label == "市城管局"]

    # when the office confirms, even posting another department for it
    market = unit(city, "市市场监管局")
    client.post(
        confirm_url(draft),
        {**data, name: "new", f"g{CONSUMER}_reporting": "none", f"g{PRODUCTS}_reporting": str(market.pk)},
    )

    # then the indicator keeps 市农业农村局 and carries the new plan's target too
    indicator = Indicator.objects.get(jurisdiction=city, name="产品质量监督抽查合格率")
    assert indicator.reporting_department == farm
    assert Target.objects.filter(indicator=indicator, task__plan__jurisdiction=city).count() == 1


# ---------------------------------------------------------------------------------------------
# Hostile posts
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def hostile_values(city):
    elsewhere = DepartmentFactory(jurisdiction=JurisdictionFactory(name="昆山市"), name="市住建局")
    return {
        "another jurisdiction's unit": (str(elsewhere.pk), "所选部门不是本行政区在用的单位"),
        "no department at all": ("999999999", "所选部门不是本行政区在用的单位"),
        "a collective name": (str(unit(city, "各成员单位").pk), "“各成员单位”是集合名称，不能报送指标"),
        "a name no draft prints": ("n:市海洋局", "所选部门不是本行政区在用的单位"),
        "words": ("市住建局", "所选部门不是本行政区在用的单位"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "another jurisdiction's unit",
        "no department at all",
        "a collective name",
        "a name no draft prints",
        "words",
    ],
)
@pytest.mark.parametrize("action", ["save", "confirm"])
def test_a_department_the_select_does_not_offer_is_refused_naming_the_target_and_nothing_is_saved(
    client, office, city, hostile_values, case, action
):
    # given the draft, with every other decision made
    draft = draft_of(client, city)
    revision = draft.revision
    data, _html, response = page_data(client, draft)
    [name] = [f.html_name for f in response.context["form"] if f.label == "市城管局"]
    data.update({name: "new", f"g{CONSUMER}_reporting": "none", "title": "改过的标题"})
    value, why = hostile_values[case]

    # when the post names a department the page never offered for the works rate
    url = review_url(draft) if action == "save" else confirm_url(draft)
    response = client.post(url, {**data, f"g{WORKS}_reporting": value})

    # then it is refused in Chinese, naming the task and the indicator, and nothing is saved
    assert response.status_code == 400
    html = response.content.decode()
    assert f"任务一(一)的指标“大中型工程质量竣工一次验收合格率”：报送部门无效：{why}，请从列表中选择" in html
    draft.refresh_from_db()
    assert draft.revision == revision and draft.is_draft and draft.title != "改过的标题"
    assert all("reporting" not in target for target in draft.extraction["targets"])
    assert nothing_made(city)
    assert not Department.objects.filter(jurisdiction=city, name="市城管局").exists()


def test_a_department_closed_since_the_office_chose_it_is_a_decision_again(client, office, city):
    draft = draft_of(client, city)
    data, _html, _response = page_data(client, draft)
    farm = unit(city, "市农业农村局")
    client.post(review_url(draft), {**data, f"g{WORKS}_reporting": str(farm.pk)})

    Department.objects.filter(pk=farm.pk).update(is_active=False)

    data, html, response = page_data(client, draft)
    message = "任务一(一)的指标“大中型工程质量竣工一次验收合格率”：所选报送部门已不可用，请重新选择"
    assert message in html and message in response.context["open_decisions"]
    assert data[f"g{WORKS}_reporting"] == ""

    # and a save that leaves the select at "请选择" does not quietly take the proposal instead
    client.post(review_url(draft), data)
    _data, html, response = page_data(client, draft)
    assert message in response.context["open_decisions"]


# ---------------------------------------------------------------------------------------------
# The same rule where a plan is saved at once (the command line, the demo)
# ---------------------------------------------------------------------------------------------


def test_a_plan_saved_at_once_gets_the_same_proposals(city):
    # given PLAN read on the command line, with 市城管局 created as it is saved
    from plandocs.readers import extract

    document = extract(PLAN, filename="方案.txt").to_dict()

    # when it is saved
    plan_import_document(
        jurisdiction=city,
        meta=PlanMeta(title="太仓市2024年质量强市工作方案", year_start=2024, year_end=2024),
        document=document,
        create_departments=True,
    )

    # then the clause, the sentence, the lead and the participating unit report as proposed, and
    # the collective task's target has no one
    assert reporting(city) == {
        "产品质量监督抽查合格率": "市市场监管局",
        "大中型工程质量竣工一次验收合格率": "市住建局",
        "消费品质量合格率": None,
        "新增主导制定地方标准": "市农业农村局",
        "新建绿色建筑示范项目": "市住建局",
        "城市道路完好率": "市城管局",
    }


def document_of(**target) -> dict:
    return {
        "tasks": [
            {"number": "1", "path": ["1"], "title": "甲", "lead": ["市市场监管局"], "participating": []}
        ],
        "targets": [
            {
                "task_path": ["1"],
                "indicator": "合格率",
                "comparator": ">=",
                "value": 90,
                "value_max": None,
                "stretch": None,
                "unit": "%",
                "text": "合格率达到90%",
                **target,
            }
        ],
    }


def test_a_department_the_document_states_for_an_indicator_reports_it(city):
    plan_save_document(
        jurisdiction=city,
        meta=PlanMeta(title="方案", year_start=2024, year_end=2024),
        document=document_of(reporting_department="市住房和城乡建设局"),
    )

    assert reporting(city) == {"合格率": "市住建局"}


@pytest.mark.parametrize("hostile", ["elsewhere", "collective", "missing"])
def test_a_confirmed_id_that_is_no_unit_of_the_jurisdiction_refuses_the_plan(city, hostile):
    # given an id the review could never have confirmed (a caller's mistake, or a forged draft)
    pk = {
        "elsewhere": lambda: DepartmentFactory(jurisdiction=JurisdictionFactory(name="昆山市")).pk,
        "collective": lambda: unit(city, "各成员单位").pk,
        "missing": lambda: 999999999,
    }[hostile]()

    # then saving the plan is refused, naming the indicator, and nothing is saved
    with pytest.raises(InvalidTarget, match="指标“合格率”的报送部门不是本行政区在用的单位"):
        plan_save_document(
            jurisdiction=city,
            meta=PlanMeta(title="方案", year_start=2024, year_end=2024),
            document=document_of(reporting_department_id=pk),
        )
    assert nothing_made(city)


def test_the_demo_city_has_every_indicator_reported_by_the_department_that_keeps_it(db):
    from bench.demo import demo_load

    demo_load()

    taicang = Indicator.objects.filter(jurisdiction__name="太仓市").select_related("reporting_department")
    by_name = {i.name: getattr(i.reporting_department, "name", None) for i in taicang}
    assert None not in by_name.values()
    assert by_name["大中型工程质量竣工一次验收合格率"] == "市住建局"
    assert by_name["农产品质量安全检测综合合格率"] == "市农业农村局"
    assert by_name["有效高企数"] == "市科技局"
    assert by_name["制造业产品质量合格率"] == "市市场监管局"
