"""The import review never blocks: every target the reader found has a field wherever it was
printed, anything unsure is kept as typed and counted as a decision, a plan already there is
replaced, kept or the import cancelled, and another jurisdiction's name must be acknowledged."""

import pytest
from django.urls import reverse

from plandocs.models import PlanImport
from programmes.models import Plan, Task
from responsibilities.services import departments_ensure
from targets.models import Target
from tests.factories import JurisdictionFactory, MembershipFactory, UserFactory

UPLOAD = reverse("plandocs:plan_import")
HEADING_PLAN = """太仓市2024年质量强市工作方案
一、主要任务
（三）提升产品质量
制造业产品质量合格率达到96%以上，新增注册商标2500件。
1.加强质量监管。开展产品质量监督抽查。（市市场监管局牵头，市工信局配合）
2.推进品牌建设。培育一批知名品牌。（市市场监管局）
"""


@pytest.fixture
def office(db, client):
    city = JurisdictionFactory(name="太仓市")
    departments_ensure(
        jurisdiction=city,
        entries=[{"name": "市市场监管局", "kind": "unit"}, {"name": "市工信局", "kind": "unit"}],
    )
    user = MembershipFactory(user=UserFactory(username="office_tc"), jurisdiction=city).user
    client.force_login(user)
    return city


def draft_of(client, city, text=HEADING_PLAN, **extra) -> PlanImport:
    client.post(UPLOAD, {"jurisdiction": city.pk, "text": text, **extra})
    return PlanImport.objects.latest("pk")


def page_data(client, draft) -> tuple[dict, str]:
    response = client.get(reverse("plandocs:plan_import_review", args=[draft.pk]))
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data, response.content.decode()


def confirm(client, draft, data):
    return client.post(reverse("plandocs:plan_import_confirm", args=[draft.pk]), data, follow=True)


def made() -> tuple[int, int, int]:
    return Plan.objects.count(), Task.objects.count(), Target.objects.count()


def test_targets_in_a_headings_paragraph_get_fields_save_and_confirm_once_placed(client, office):
    # given a plan of 太仓市 whose （三） heading states two targets before its numbered tasks
    draft = draft_of(client, office, issuer="太仓市人民政府办公室")
    data, html = page_data(client, draft)
    assert "标题或印发机关提到" not in html

    # then both targets have fields, each asking for its task, and the page counts 2 decisions
    assert data["g0_indicator"] == "制造业产品质量合格率" and data["g1_indicator"] == "新增注册商标"
    assert data["g0_comparator"] == ">=" and "g0_task" in html and "g1_task" in html
    assert "2处待决定" in html
    assert "指标“新增注册商标”写在“一(三)”下，不属于任何任务：请选择所属任务，或删除" in html

    # when the office saves without deciding, the save keeps everything
    response = client.post(reverse("plandocs:plan_import_review", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 1 and len(draft.extraction["targets"]) == 2

    # and a confirm is refused with the decisions on the page, creating nothing
    before = made()
    data, _html = page_data(client, draft)
    html = confirm(client, draft, data).content.decode()
    assert "还有2处需要决定" in html and made() == before
    assert html.count("比较方式“”无效") == 0

    # when the first goes to task 1 and the second is dropped
    data, _html = page_data(client, draft)
    response = confirm(client, draft, {**data, "g0_task": "0", "g1_delete": "on"})

    # then the plan is made, the rate on task 1
    assert response.redirect_chain[-1][0].startswith("/plans/")
    plan = Plan.objects.get()
    target = Target.objects.get(task__plan=plan)
    assert target.task.title == "加强质量监管" and target.indicator.name == "制造业产品质量合格率"


def test_a_target_the_office_changed_is_marked_as_changed(client, office):
    draft = draft_of(client, office)
    data, html = page_data(client, draft)
    assert "已修改" not in html

    client.post(reverse("plandocs:plan_import_review", args=[draft.pk]), {**data, "g0_value": "97"})

    _data, html = page_data(client, draft)
    assert html.count('<span class="tag changed">已修改</span>') == 1


def decided(data) -> dict:
    return {**data, "g0_task": "0", "g1_task": "1"}


@pytest.mark.parametrize("same", ["title", "document_number"])
def test_replacing_a_plan_already_there_archives_it(client, office, same):
    old = Plan.objects.create(
        jurisdiction=office,
        title="太仓市2024年质量强市工作方案" if same == "title" else "旧方案",
        document_number="太政办〔2024〕1号",
        year_start=2024,
        year_end=2024,
    )
    draft = draft_of(client, office, document_number="太政办〔2024〕1号" if same == "document_number" else "")
    data, html = page_data(client, draft)
    assert "已有同文号或同标题的工作方案" in html and "3处待决定" in html

    confirm(client, draft, {**decided(data), "duplicate": "replace"})

    old.refresh_from_db()
    assert old.status == Plan.Status.ARCHIVED
    new = Plan.objects.exclude(pk=old.pk).get()
    assert new.status == Plan.Status.ACTIVE
    if same == "document_number":
        assert new.document_number == "太政办〔2024〕1号" and old.document_number.startswith(
            "太政办〔2024〕1号（已被替换"
        )


def test_keeping_both_plans_of_the_same_title_leaves_both_active(client, office):
    old = Plan.objects.create(
        jurisdiction=office, title="太仓市2024年质量强市工作方案", year_start=2024, year_end=2024
    )
    draft = draft_of(client, office)
    data, _html = page_data(client, draft)

    confirm(client, draft, {**decided(data), "duplicate": "keep"})

    assert Plan.objects.filter(status=Plan.Status.ACTIVE).count() == 2
    old.refresh_from_db()
    assert old.status == Plan.Status.ACTIVE


def test_keeping_both_plans_of_the_same_document_number_is_refused_and_saves_nothing(client, office):
    Plan.objects.create(
        jurisdiction=office,
        title="旧方案",
        document_number="太政办〔2024〕1号",
        year_start=2024,
        year_end=2024,
    )
    draft = draft_of(client, office, document_number="太政办〔2024〕1号")
    data, _html = page_data(client, draft)
    before = made()

    html = confirm(client, draft, {**decided(data), "duplicate": "keep"}).content.decode()

    assert "两者不能同时保留同一文号" in html
    assert made() == before
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT


def test_cancelling_because_of_a_plan_already_there_discards_the_draft(client, office):
    Plan.objects.create(
        jurisdiction=office, title="太仓市2024年质量强市工作方案", year_start=2024, year_end=2024
    )
    draft = draft_of(client, office)
    data, _html = page_data(client, draft)
    before = made()

    confirm(client, draft, {**data, "duplicate": "cancel"})

    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DISCARDED and made() == before


@pytest.mark.parametrize(
    ("title", "place"),
    [("昆山市2024年质量强市工作方案", "昆山市"), ("河北省沧县2024年质量强县工作方案", "河北省")],
    ids=["registered-jurisdiction", "province-pattern"],
)
def test_another_jurisdictions_name_must_be_acknowledged_before_confirm(client, office, title, place):
    JurisdictionFactory(name="昆山市")
    draft = draft_of(client, office, text=HEADING_PLAN.replace("太仓市2024年质量强市工作方案", title))
    data, html = page_data(client, draft)
    assert f"标题或印发机关提到“{place}" in html

    html = confirm(client, draft, decided(data)).content.decode()
    assert "还有1处需要决定" in html and Plan.objects.count() == 0

    data, _html = page_data(client, draft)
    confirm(client, draft, {**data, "elsewhere_ack": "on"})
    assert Plan.objects.get().title == title


UNITLESS_PLAN = """太仓市2024年质量强市工作方案
一、主要任务
1.提升质量竞争力。制造业质量竞争力指数达到90以上。（市市场监管局）
2.推进品牌建设。培育知名品牌5个。（市市场监管局）
"""


def test_a_value_printed_without_a_unit_is_a_decision_the_office_takes(client, office):
    # given a draft whose index target has a value but no unit
    draft = draft_of(client, office, text=UNITLESS_PLAN)
    data, html = page_data(client, draft)
    [unitless] = [j for j, t in enumerate(draft.extraction["targets"]) if not t.get("unit")]

    # then the review asks about the unit, and confirm is refused with nothing made
    assert "没有单位：请填写单位，或勾选“无单位”" in html
    confirm(client, draft, data)
    assert made() == (0, 0, 0)

    # when the office says the index has no unit, the plan is made, the target without one
    data, _html = page_data(client, draft)
    data[f"g{unitless}_no_unit"] = "on"
    confirm(client, draft, data)
    plan = Plan.objects.get()
    index = Target.objects.get(task__plan=plan, indicator__name__contains="指数")
    assert (index.value, index.indicator.unit) == (90, "")
