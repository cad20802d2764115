"""The office's plan import on the web: bad input gets a Chinese message saying what and where
and saves nothing; a draft is corrected in place and confirmed into a plan; only the office of
the jurisdiction may do any of it."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plandocs.models import PlanImport
from programmes.models import Plan, Task
from responsibilities.models import Department, DepartmentAlias
from responsibilities.services import departments_ensure
from targets.models import Target
from tests.factories import JurisdictionFactory, MembershipFactory, UserFactory

SEED_DIR = Path(settings.BASE_DIR) / "tests" / "data" / "seeds"
SAMPLE_003 = Path(settings.BASE_DIR) / "fixtures" / "samples" / "003_128f4224a9949dbf.json"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UPLOAD = reverse("plandocs:plan_import")


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Task, Target, Department, DepartmentAlias, PlanImport)
    }


def upload(client, jurisdiction, *, data: bytes | None = None, name: str = "", text: str = "", **extra):
    post = {"jurisdiction": jurisdiction.pk, "text": text, **extra}
    if data is not None:
        post["file"] = SimpleUploadedFile(name, data)
    return client.post(UPLOAD, post)


def form_data(response) -> dict:
    """What the browser would post back: every field of the review form with its value."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


def settle_reporting(response, data: dict, value: str) -> list[str]:
    """The office settles every target the review left without a reporting department (二(一) of
    sample 003 is led by 各成员单位 alone); the names of the fields it settled."""
    unset = [f.html_name for f in response.context["form"] if f.name.endswith("_reporting") and not f.value()]
    data.update(dict.fromkeys(unset, value))
    return unset


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_refused(response, *words):
    assert response.status_code == 200
    html = response.content.decode()
    errors = [str(e) for errs in response.context["form"].errors.values() for e in errs]
    assert errors and all(chinese(e) for e in errors), errors
    for word in words:
        assert any(word in e for e in errors), (word, errors)
        assert word in html


@pytest.fixture
def taicang(db):
    """太仓市 with sample 003's departments except 市委党校, and its office user."""
    fixture = json.loads(SAMPLE_003.read_text(encoding="utf-8"))
    city = JurisdictionFactory(name="太仓市")
    departments_ensure(
        jurisdiction=city, entries=[d for d in fixture["departments"] if d["name"] != "市委党校"]
    )
    office = MembershipFactory(user=UserFactory(username="office_tc"), jurisdiction=city).user
    return city, office


# ---------------------------------------------------------------------------------------------
# The happy path
# ---------------------------------------------------------------------------------------------


def test_office_pastes_sample_003_maps_one_unknown_name_and_confirms_a_plan_of_25_tasks(client, taicang):
    # given the office of 太仓市, where 市委党校 is not registered
    city, office = taicang
    client.force_login(office)
    text = (SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8")

    # when they paste sample 003's text
    response = upload(client, city, text=text)
    draft = PlanImport.objects.get()
    assert response.url == reverse("plandocs:plan_import_review", args=[draft.pk])
    review = client.get(response.url)

    # then the review names the unknown department, and nothing but the draft is saved
    assert review.status_code == 200
    html = review.content.decode()
    assert "市委党校" in html and "未识别" in html
    assert not Plan.objects.filter(jurisdiction=city).exists()
    assert (draft.year_start, draft.year_end, draft.kind) == (2022, 2022, Plan.Kind.WORK_POINTS)

    # when they map 市委党校 to the 市委宣传部, have 市市场监管局 report the four goals of 二(一)
    # (led by 各成员单位, so the review proposes no one), and confirm
    data = form_data(review)
    [field] = [f for f in review.context["form"] if f.label == "市委党校"]
    data[field.html_name] = str(Department.objects.get(jurisdiction=city, name="市委宣传部").pk)
    market = Department.objects.get(jurisdiction=city, name="市市场监管局")
    assert len(settle_reporting(review, data, str(market.pk))) == 4
    response = client.post(reverse("plandocs:plan_import_confirm", args=[draft.pk]), data)

    # then the plan exists with all 25 tasks, and the name is now an alias
    plan = Plan.objects.get(jurisdiction=city)
    assert response.status_code == 302 and response.url == reverse("programmes:plan_detail", args=[plan.pk])
    assert plan.tasks.count() == 25
    assert Target.objects.filter(task__plan=plan).count() == len(draft.extraction["targets"])
    assert DepartmentAlias.objects.get(jurisdiction=city, name="市委党校").department.name == "市委宣传部"
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.CONFIRMED and draft.plan == plan
    assert "已导入工作方案" in client.get(response.url).content.decode()


def test_a_new_department_is_created_on_confirm_when_the_office_chooses_new(client, taicang):
    city, office = taicang
    client.force_login(office)
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    draft = PlanImport.objects.get()
    review = client.get(reverse("plandocs:plan_import_review", args=[draft.pk]))
    data = form_data(review)
    [field] = [f for f in review.context["form"] if f.label == "市委党校"]
    data[field.html_name] = "new"
    settle_reporting(review, data, "none")

    client.post(reverse("plandocs:plan_import_confirm", args=[draft.pk]), data)

    school = Department.objects.get(jurisdiction=city, name="市委党校")
    assert Task.objects.filter(plan__jurisdiction=city, assignments__department=school).exists()


def test_editing_a_task_in_place_changes_its_title_and_lead_and_deleting_drops_its_targets(client, taicang):
    # given a draft of sample 003
    city, office = taicang
    client.force_login(office)
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    draft = PlanImport.objects.get()
    url = reverse("plandocs:plan_import_review", args=[draft.pk])
    review = client.get(url)
    tasks = draft.extraction["tasks"]
    target_paths = [g["task_path"] for g in draft.extraction["targets"]]
    with_targets = next(i for i, t in enumerate(tasks) if i > 1 and t["path"] in target_paths)

    # when the office renames task 1, gives it 市住建局 as lead, and deletes a task with targets
    data = form_data(review)
    data["t1_title"] = "提高质量水平"
    data["t1_lead"] = "市住建局、 市交运局"
    data[f"t{with_targets}_delete"] = "on"
    response = client.post(url, data)

    # then the draft holds the edits and the deleted task's targets are gone
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.extraction["tasks"]) == 24
    edited = draft.extraction["tasks"][1]
    assert edited["title"] == "提高质量水平" and edited["lead"] == ["市住建局", "市交运局"]
    deleted_path = tasks[with_targets]["path"]
    assert not [g for g in draft.extraction["targets"] if g["task_path"] == deleted_path]
    assert draft.revision == 1


def test_an_edit_begun_on_an_older_revision_is_refused(client, taicang):
    city, office = taicang
    client.force_login(office)
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    draft = PlanImport.objects.get()
    url = reverse("plandocs:plan_import_review", args=[draft.pk])
    data = form_data(client.get(url))
    client.post(url, {**data, "t1_title": "第一个人的修改"})

    response = client.post(url, {**data, "t1_title": "第二个人的修改"}, follow=True)

    assert "已被他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.extraction["tasks"][1]["title"] == "第一个人的修改"


def test_discarding_a_draft_keeps_it_as_discarded_and_creates_nothing(client, cast):
    client.force_login(cast.office)
    upload(
        client, cast.jurisdiction, text="1、加强质量监管（市市场监管局负责）\n2、推进标准化（市住建局负责）"
    )
    draft = PlanImport.objects.get()
    before = counts()

    response = client.post(reverse("plandocs:plan_import_discard", args=[draft.pk]))

    assert response.url == UPLOAD
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DISCARDED
    assert counts() == before
    assert client.get(reverse("plandocs:plan_import_review", args=[draft.pk])).status_code == 302


def test_the_plan_list_offers_import_to_the_office_only(client, cast):
    client.force_login(cast.office)
    assert "导入工作方案" in client.get(reverse("programmes:plan_list")).content.decode()
    client.force_login(cast.liaison)
    assert "导入工作方案" not in client.get(reverse("programmes:plan_list")).content.decode()


# ---------------------------------------------------------------------------------------------
# Bad input: a clear Chinese message saying what and where, and nothing saved
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\x8a\x13random bytes, not a zip\x00\xff" * 40, "方案.docx", ["方案.docx", "损坏"]),
        (
            OLE2 + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64,
            "加密方案.docx",
            ["加密方案.docx", "密码"],
        ),
        (OLE2 + b"\x00" * 1024, "旧方案.doc", ["旧方案.doc", "另存为 .docx"]),
        (OLE2 + b"\x00" * 1024, "旧表.xls", ["旧表.xls", "另存为 .xlsx"]),
        (xlsx([["姓名", "电话"], ["张三", "0512-1234"]]), "通讯录.xlsx", ["通讯录.xlsx", "表头"]),
        ("关于质量工作的说明。\n全市上下要高度重视。".encode(), "说明.txt", ["未找到编号条目"]),
    ],
    ids=[
        "corrupt-docx",
        "password-protected",
        "old-doc",
        "old-xls",
        "xlsx-without-task-column",
        "no-numbered-items",
    ],
)
def test_an_unreadable_file_is_refused_in_chinese_and_nothing_is_saved(client, cast, data, name, words):
    client.force_login(cast.office)
    before = counts()

    response = upload(client, cast.jurisdiction, data=data, name=name)

    assert_refused(response, *words)
    assert counts() == before


def test_an_empty_file_is_refused(client, cast):
    client.force_login(cast.office)
    before = counts()

    response = upload(client, cast.jurisdiction, data=b"", name="空白.txt")

    assert_refused(response, "空白.txt", "空文件")
    assert counts() == before


def test_a_60_mb_file_is_refused_by_its_size_with_a_chinese_message(client, cast):
    client.force_login(cast.office)
    before = counts()

    response = upload(client, cast.jurisdiction, data=b"1" * (60 * 1024 * 1024), name="巨大的方案.txt")

    assert_refused(response, "文件超过20MB", "巨大的方案.txt", "60.0MB")
    assert counts() == before


def test_neither_file_nor_text_is_refused(client, cast):
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction)
    assert_refused(response, "请选择方案文件")
    assert not PlanImport.objects.exists()


def test_a_row_whose_department_cannot_be_resolved_refuses_the_confirm_naming_row_and_name(client, cast):
    # given an xlsx table whose second row names a department 甲市 does not have
    client.force_login(cast.office)
    data = xlsx(
        [
            ["序号", "工作任务", "牵头部门", "参与部门"],
            [1, "加强质量监管", "市市场监管局", ""],
            [2, "推进标准化建设", "市标准化研究院", "市住建局"],
        ]
    )
    upload(client, cast.jurisdiction, data=data, name="分解表.xlsx")
    draft = PlanImport.objects.get()
    review = client.get(reverse("plandocs:plan_import_review", args=[draft.pk]))
    before = counts()

    # when the office confirms without mapping it
    response = client.post(
        reverse("plandocs:plan_import_confirm", args=[draft.pk]), form_data(review), follow=True
    )

    # then the confirm is refused, naming the task, its row and the name, and nothing is created
    html = response.content.decode()
    assert "尚未对应到部门" in html and "任务2（第3行）中的“市标准化研究院”" in html
    assert counts() == before
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT


def test_a_script_in_a_task_title_is_shown_escaped(client, cast):
    client.force_login(cast.office)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    upload(
        client,
        cast.jurisdiction,
        text=f"1、{hostile}加强质量监管（市市场监管局负责）\n2、推进标准化（市住建局负责）",
    )
    draft = PlanImport.objects.get()

    html = client.get(reverse("plandocs:plan_import_review", args=[draft.pk])).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_a_10000_character_title_is_cut_to_300_with_a_warning_and_a_longer_edit_is_kept_as_a_decision(
    client, cast
):
    # given pasted text whose second item is one 10,000-character clause
    client.force_login(cast.office)
    upload(
        client,
        cast.jurisdiction,
        text="1、加强质量监管（市市场监管局负责）\n2、" + "长" * 10000 + "（市住建局负责）",
    )
    draft = PlanImport.objects.get()

    # then the draft holds its first 300 characters and says so
    assert len(draft.extraction["tasks"][1]["title"]) == 300
    url = reverse("plandocs:plan_import_review", args=[draft.pk])
    review = client.get(url)
    assert "任务2的名称有10000字，超过300字，已截取前300字" in review.content.decode()

    # when the office types a title over 300 characters
    response = client.post(url, {**form_data(review), "t1_title": "长" * 301})

    # then it is kept as typed, and shown beside the task as still to decide
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.extraction["tasks"][1]["title"] == "长" * 301
    html = client.get(url).content.decode()
    assert "任务2：任务名称有301字，超过300字" in html and "1处待决定" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"comparator": "range", "value": "3", "value_max": "2"}, "区间上限须大于目标值"),
        ({"value": "NaN"}, "目标值“NaN”不是有限的数字"),
        ({"value": "九十"}, "目标值“九十”不是数字"),
        ({"stretch": "1e400"}, "力争值“1e400”过大"),
        ({"comparator": "about"}, "比较方式“about”无效"),
    ],
    ids=["range-upside-down", "nan", "not-a-number", "huge", "bad-comparator"],
)
def test_a_target_value_that_makes_no_sense_is_kept_and_refuses_the_confirm_naming_task_and_field(
    client, cast, changes, message
):
    client.force_login(cast.office)
    upload(
        client,
        cast.jurisdiction,
        text="1、抽查合格率稳定在93%以上（市市场监管局负责）\n2、推进标准化（市住建局负责）",
    )
    draft = PlanImport.objects.get()
    url = reverse("plandocs:plan_import_review", args=[draft.pk])
    data = form_data(client.get(url))

    before = counts()

    response = client.post(
        reverse("plandocs:plan_import_confirm", args=[draft.pk]),
        {**data, **{f"g0_{k}": v for k, v in changes.items()}},
        follow=True,
    )

    # the typed value is kept, the page names the task and field once beside the target, and
    # no plan is made
    html = response.content.decode()
    expected = f"任务1的指标“{draft.extraction['targets'][0]['indicator']}”：{message}"
    assert response.status_code == 200 and expected in html
    assert "还有1处需要决定" in html
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.status == PlanImport.Status.DRAFT
    assert {k: v for k, v in counts().items() if k != "PlanImport"} == {
        k: v for k, v in before.items() if k != "PlanImport"
    }


# ---------------------------------------------------------------------------------------------
# Who may import
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def draft(cast):
    from plandocs.review import plan_import_create

    return plan_import_create(
        jurisdiction=cast.jurisdiction,
        actor=cast.office,
        data="1、加强质量监管（市市场监管局负责）",
        filename="a.txt",
    )


@pytest.mark.parametrize("user", ["liaison", "head", "leader"])
def test_people_of_the_jurisdiction_who_are_not_the_office_are_refused(client, cast, draft, user):
    client.force_login(getattr(cast, user))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("plandocs:plan_import_review", args=[draft.pk])).status_code == 403
    assert client.post(reverse("plandocs:plan_import_confirm", args=[draft.pk])).status_code == 403
    assert client.post(reverse("plandocs:plan_import_discard", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT


def test_another_jurisdictions_office_does_not_find_the_draft(client, cast, draft):
    client.force_login(cast.outsider_office)
    assert client.get(reverse("plandocs:plan_import_review", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plandocs:plan_import_confirm", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plandocs:plan_import_discard", args=[draft.pk])).status_code == 404


def test_an_office_cannot_upload_into_another_jurisdiction(client, cast):
    client.force_login(cast.office)
    response = upload(client, cast.outsider_jurisdiction, text="1、加强质量监管（市市场监管局负责）")
    assert "jurisdiction" in response.context["form"].errors
    assert not PlanImport.objects.exists()


@pytest.mark.parametrize(
    "url",
    [UPLOAD, "/plans/import/1/", "/plans/import/1/confirm/", "/plans/import/1/discard/"],
)
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_review_page_of_a_25_task_plan_costs_a_fixed_number_of_queries(
    client, taicang, django_assert_num_queries
):
    city, office = taicang
    client.force_login(office)
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    url = reverse("plandocs:plan_import_review", args=[PlanImport.objects.get().pk])
    client.get(url)
    # user, the draft, the user's roles (the scope and the header's), departments with aliases
    # (2: the name index, which also fills both selects), the indicators already in the
    # jurisdiction (whose reporting department stays), and the checks beside the plan: plans of
    # the same 文号 or title, the jurisdiction's children and the other jurisdictions' names —
    # whatever the plan's size; and the user's unread notifications for the header (the session
    # comes from the shared cache).
    with django_assert_num_queries(10):
        client.get(url)


def test_creating_and_editing_a_draft_are_in_the_audit_trail(client, taicang):
    from responsibilities.models import AuditEvent

    # given the office of 太仓市
    city, office = taicang
    client.force_login(office)

    # when it pastes a plan and saves a correction of the draft
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    draft = PlanImport.objects.get()
    review = client.get(reverse("plandocs:plan_import_review", args=[draft.pk]))
    data = form_data(review)
    data["title"] = "太仓市质量强市工作要点（修订）"
    client.post(reverse("plandocs:plan_import_review", args=[draft.pk]), data)

    # then both are audited in 太仓市, by the office, naming the draft
    events = AuditEvent.objects.filter(object_id=str(draft.pk), action__startswith="plan_import.").order_by(
        "id"
    )
    assert [(e.action, e.actor_id, e.jurisdiction_id) for e in events] == [
        ("plan_import.create", office.pk, city.pk),
        ("plan_import.update", office.pk, city.pk),
    ]
    assert "25项任务" in events[0].summary and "（修订）" in events[1].summary


def test_the_draft_takes_issuer_document_number_and_years_from_the_text(client, taicang):
    # given the office of 太仓市 and a 公文 whose head and 落款 say who issued it, when and for which years
    city, office = taicang
    client.force_login(office)
    text = (
        "太仓市人民政府办公室\n太政办〔2023〕12号\n太仓市质量提升行动方案（2023—2027年）\n"
        "为推进质量强市建设，制定本方案。\n一、重点任务\n"
        "1.加强标准化建设。（牵头单位：市市场监管局）\n2.提升产品质量。（牵头单位：市住建局）\n"
        "太仓市人民政府办公室\n2023年3月15日\n"
    )

    # when it pastes the text
    upload(client, city, text=text)

    # then the draft carries what the text says instead of this year and empty fields
    draft = PlanImport.objects.get()
    assert (draft.year_start, draft.year_end) == (2023, 2027)
    assert (draft.issuer, draft.document_number) == ("太仓市人民政府办公室", "太政办〔2023〕12号")
    assert draft.title.startswith("太仓市质量提升行动方案")


@pytest.mark.parametrize("hostile", ["²", "٣", "99999999999999999999", "-1"])
def test_a_hostile_task_choice_for_a_target_is_no_choice_not_a_server_error(client, taicang, hostile):
    city, office = taicang
    client.force_login(office)
    upload(client, city, text=(SEED_DIR / "003_128f4224a9949dbf.txt").read_text(encoding="utf-8"))
    draft = PlanImport.objects.get()
    url = reverse("plandocs:plan_import_review", args=[draft.pk])
    data = form_data(client.get(url))
    data["g0_task"] = hostile

    response = client.post(url, data)

    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.revision == 1


# The office's to-do home lists the drafts waiting for confirmation -------------------------------


def test_the_offices_home_lists_imports_awaiting_confirmation_and_not_another_citys(client, cast):
    from plandocs.models import PlanImport

    draft = PlanImport.objects.create(
        jurisdiction=cast.jurisdiction,
        created_by=cast.office,
        title="2026年质量强市工作要点",
        year_start=2026,
        year_end=2026,
    )
    PlanImport.objects.create(
        jurisdiction=cast.jurisdiction,
        title="已放弃的方案",
        year_start=2026,
        year_end=2026,
        status="discarded",
    )
    client.force_login(cast.office)
    html = client.get("/home/").content.decode()
    assert "待确认的方案导入（1）" in html and f"/plans/import/{draft.pk}/" in html
    assert "2026年质量强市工作要点" in html and "已放弃的方案" not in html
    for user in (cast.outsider_office, cast.liaison, cast.leader):
        client.force_login(user)
        assert "待确认的方案导入" not in client.get("/home/").content.decode()
    draft.status = PlanImport.Status.CONFIRMED
    draft.save()
    client.force_login(cast.office)
    assert "待确认的方案导入" not in client.get("/home/").content.decode()
