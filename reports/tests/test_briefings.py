"""The 工作简报: the office drafts an issue from its jurisdiction's work updates and approved task
entries, issues it (第N期 per jurisdiction and year, taken under a lock), and the Word file is
laid out in the 简报 layout; leaders read issued issues, departments are refused."""

import datetime as dt
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx.oxml.ns import qn

from reports.briefings import ItemChoice, briefing_create, briefing_issue, briefing_update
from reports.models import Briefing, DepartmentReport, WorkUpdate
from reports.services import report_approve, report_save_draft, report_sign_off, report_submit
from responsibilities.models import AuditEvent
from tests.factories import DepartmentFactory


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def update_of(department, title, body="开展专项检查。", day=dt.date(2026, 11, 20)):
    return WorkUpdate.objects.create(department=department, date=day, title=title, body=body)


@pytest.fixture
def approved_entry(cast, period):
    """市市场监管局's entry on the cast's task, in its approved November report."""
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entries = {
        e.pk: {"progress": "完成抽查120批次。\n合格率96%。", "version": e.version}
        for e in report.entries.all()
    }
    report_save_draft(report=report, actor=cast.liaison, entries=entries, values={})
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))
    report_sign_off(report=report, actor=cast.head)
    report_approve(report=report, actor=cast.office)
    return report.entries.get()


def draft_with(cast, *choices, **header):
    briefing = briefing_create(jurisdiction=cast.jurisdiction, actor=cast.office)
    fields = {"title": "质量强市工作简报", "editor_unit": "", "issued_on": None, "send_to": "", "copy_to": ""}
    fields.update(header)
    return briefing_update(briefing=briefing, actor=cast.office, items=list(choices), **fields)


def post_of(briefing, *, add=(), **extra):
    data = {
        "title": briefing.title,
        "editor_unit": briefing.editor_unit,
        "issued_on": "",
        "send_to": briefing.send_to,
        "copy_to": briefing.copy_to,
        "add": list(add),
    }
    for k, item in enumerate(briefing.items):
        data.update(
            {
                f"item-{k}-key": f"{item['kind']}:{item['id']}",
                f"item-{k}-order": str(k + 1),
                f"item-{k}-title": item["title"],
                f"item-{k}-body": item["body"],
            }
        )
    data.update(extra)
    return data


# Editing through the pages ---------------------------------------------------------------------


def test_the_office_picks_items_orders_them_and_edits_their_text(client, cast, approved_entry):
    # given two work updates of the city and an approved entry
    first = update_of(cast.department, "市市场监管局开展电梯安全检查")
    second = update_of(cast.other_department, "市住建局推进工程质量提升")
    client.force_login(cast.office)
    response = client.post(reverse("reports:briefing_create"), {"jurisdiction": cast.jurisdiction.pk})
    briefing = Briefing.objects.get()
    assert response.url == reverse("reports:briefing_detail", args=[briefing.pk])
    assert briefing.editor_unit == "甲市质量强市工作领导小组办公室"  # no office_name set: the default
    # when the office ticks three sources in the page's order
    response = client.post(
        reverse("reports:briefing_update", args=[briefing.pk]),
        post_of(briefing, add=[f"update:{first.pk}", f"entry:{approved_entry.pk}", f"update:{second.pk}"]),
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert [(i["kind"], i["id"]) for i in briefing.items] == [
        ("update", first.pk),
        ("entry", approved_entry.pk),
        ("update", second.pk),
    ]
    assert briefing.items[1]["title"] == cast.task.title
    assert briefing.items[1]["body"] == "完成抽查120批次。\n合格率96%。"
    assert briefing.items[1]["source"] == "市市场监管局"
    # and then moves the last to the top and rewrites its title
    data = post_of(briefing, **{"item-2-order": "0", "item-2-title": "住建局：工程质量提升见成效"})
    data["item-2-order"] = "1"
    data["item-0-order"] = "2"
    data["item-1-order"] = "3"
    client.post(reverse("reports:briefing_update", args=[briefing.pk]), data)
    briefing.refresh_from_db()
    assert [i["title"] for i in briefing.items] == [
        "住建局：工程质量提升见成效",
        "市市场监管局开展电梯安全检查",
        cast.task.title,
    ]
    assert AuditEvent.objects.filter(action="briefing.update", object_id=str(briefing.pk)).count() == 2


@pytest.mark.parametrize(
    ("smuggled", "message"),
    [
        ("foreign_update", "内容：第2条所选的工作动态不存在或不属于本行政区"),
        ("draft_entry", "内容：第2条所选的任务进展（须为已通过的月报）不存在或不属于本行政区"),
        ("missing", "内容：第2条所选的工作动态不存在或不属于本行政区"),
        ("garbage", "内容：第2条的来源无效"),
    ],
)
def test_an_item_not_of_the_jurisdiction_or_not_approved_is_refused_and_nothing_saved(
    client, cast, period, smuggled, message
):
    own = update_of(cast.department, "本市动态")
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    foreign = update_of(elsewhere, "乙市动态")
    draft_entry = DepartmentReport.objects.get(period=period, department=cast.department).entries.get()
    key = {
        "foreign_update": f"update:{foreign.pk}",
        "draft_entry": f"entry:{draft_entry.pk}",
        "missing": "update:999999",
        "garbage": "update:1;drop",
    }[smuggled]
    briefing = draft_with(cast, ItemChoice("update", own.pk), send_to="市委办公室")
    client.force_login(cast.office)
    data = post_of(briefing, add=[key], send_to="改过的报送")
    response = client.post(reverse("reports:briefing_update", args=[briefing.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [message]
    briefing.refresh_from_db()
    assert [i["id"] for i in briefing.items] == [own.pk]
    assert briefing.send_to == "市委办公室"


def test_an_empty_issue_cannot_be_issued(client, cast):
    briefing = briefing_create(jurisdiction=cast.jurisdiction, actor=cast.office)
    client.force_login(cast.office)
    url = reverse("reports:briefing_issue", args=[briefing.pk])
    response = client.post(url, HTTP_REFERER=reverse("reports:briefing_detail", args=[briefing.pk]))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["内容：简报没有内容，请至少选择一条工作动态或任务进展"]
    briefing.refresh_from_db()
    assert (briefing.status, briefing.number, bool(briefing.docx)) == ("draft", None, False)


def test_issuing_twice_editing_or_deleting_an_issued_issue_is_refused(client, cast):
    update = update_of(cast.department, "动态")
    briefing = briefing_issue(briefing=draft_with(cast, ItemChoice("update", update.pk)), actor=cast.office)
    stored = briefing.docx.read()
    client.force_login(cast.office)
    assert client.post(reverse("reports:briefing_issue", args=[briefing.pk])).status_code == 409
    response = client.post(
        reverse("reports:briefing_update", args=[briefing.pk]), post_of(briefing, **{"item-0-title": "改"})
    )
    assert response.status_code == 409
    assert "已印发" in response.content.decode()
    assert client.post(reverse("reports:briefing_delete", args=[briefing.pk])).status_code == 409
    briefing.refresh_from_db()
    assert (briefing.number, briefing.items[0]["title"]) == (1, "动态")
    with briefing.docx.open("rb") as handle:
        assert handle.read() == stored
    assert Briefing.objects.filter(number=2).count() == 0


def test_a_draft_is_deleted_by_the_office(client, cast):
    briefing = briefing_create(jurisdiction=cast.jurisdiction, actor=cast.office)
    client.force_login(cast.office)
    response = client.post(reverse("reports:briefing_delete", args=[briefing.pk]))
    assert response.status_code == 302
    assert not Briefing.objects.exists()
    assert AuditEvent.objects.filter(action="briefing.delete").count() == 1


# Numbering -------------------------------------------------------------------------------------


def test_numbers_run_consecutively_per_jurisdiction_and_year(cast):
    update = update_of(cast.department, "动态")
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction)
    foreign = update_of(elsewhere, "乙市动态")
    numbers = []
    for day in (dt.date(2026, 3, 1), dt.date(2026, 6, 1), dt.date(2027, 1, 5), dt.date(2026, 12, 30)):
        draft = draft_with(cast, ItemChoice("update", update.pk), issued_on=day)
        issued = briefing_issue(briefing=draft, actor=cast.office)
        numbers.append((issued.year, issued.number))
    assert numbers == [(2026, 1), (2026, 2), (2027, 1), (2026, 3)]
    # another city's first issue of 2026 is its own 第1期
    other = briefing_create(jurisdiction=cast.outsider_jurisdiction, actor=cast.outsider_office)
    other = briefing_update(
        briefing=other,
        actor=cast.outsider_office,
        title="质量强市工作简报",
        editor_unit="",
        issued_on=dt.date(2026, 5, 1),
        send_to="",
        copy_to="",
        items=[ItemChoice("update", foreign.pk)],
    )
    assert briefing_issue(briefing=other, actor=cast.outsider_office).number == 1
    assert AuditEvent.objects.filter(action="briefing.issue").count() == 5


def test_the_number_is_taken_while_the_jurisdiction_row_is_locked(cast):
    update = update_of(cast.department, "动态")
    draft = draft_with(cast, ItemChoice("update", update.pk))
    with CaptureQueriesContext(connection) as queries:
        briefing_issue(briefing=draft, actor=cast.office)
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(
        k
        for k, s in enumerate(sql)
        if 'FROM "responsibilities_jurisdiction"' in s and s.endswith("FOR UPDATE")
    )
    count = next(k for k, s in enumerate(sql) if "MAX(" in s and "reports_briefing" in s)
    assert lock < count  # the highest number is read only once the lock is held


# The Word file ---------------------------------------------------------------------------------


@pytest.fixture
def issued_file(cast, approved_entry):
    cast.jurisdiction.office_name = "甲市质量强市工作领导小组办公室"
    cast.jurisdiction.save()
    one = update_of(cast.department, "市市场监管局开展电梯安全检查", body="第一段。\n第二段。")
    two = update_of(cast.other_department, "市住建局推进工程质量提升")
    for k in range(4):  # four earlier issues this year: this one is 第5期
        briefing_issue(
            briefing=draft_with(cast, ItemChoice("update", two.pk), issued_on=dt.date(2026, 1 + k, 2)),
            actor=cast.office,
        )
    draft = draft_with(
        cast,
        ItemChoice("entry", approved_entry.pk, title="制造业质量提升取得新进展"),
        ItemChoice("update", one.pk),
        issued_on=dt.date(2026, 11, 29),
        send_to="市委、市政府领导，省质量强省工作领导小组办公室",
        copy_to="市质量强市工作领导小组各成员单位",
    )
    briefing = briefing_issue(briefing=draft, actor=cast.office)
    with briefing.docx.open("rb") as handle:
        data = handle.read()
    return briefing, docx.Document(io.BytesIO(data)), data


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_word_file_has_the_masthead_number_items_in_order_and_distribution(issued_file):
    briefing, document, _data = issued_file
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "质量强市工作简报"
    assert texts[1] == "2026年第5期"
    assert texts[2] == "甲市质量强市工作领导小组办公室\t2026年11月29日"
    assert texts[3:] == [
        "制造业质量提升取得新进展",
        "完成抽查120批次。",
        "合格率96%。",
        "（市市场监管局）",
        "市市场监管局开展电梯安全检查",
        "第一段。",
        "第二段。",
        "（市市场监管局）",
        "报送：市委、市政府领导，省质量强省工作领导小组办公室",
        "抄送：市质量强市工作领导小组各成员单位",
    ]
    assert briefing.number == 5 and briefing.docx.name.endswith(".docx")


def test_the_word_file_is_a4_with_official_margins_fonts_and_page_numbers(issued_file):
    _briefing, document, _data = issued_file
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    paragraphs = [p for p in document.paragraphs if p.text]
    masthead = paragraphs[0].runs[0]
    assert east_asia(masthead) == "方正小标宋简体"
    assert masthead.font.size.pt == 42 and str(masthead.font.color.rgb) == "E60012"
    assert paragraphs[0].alignment == 1  # centred
    # the red rule under the 编发单位 line
    border = paragraphs[2]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "E60012"
    heading, body = paragraphs[3], paragraphs[4]
    assert (east_asia(heading.runs[0]), bool(heading.runs[0].font.bold)) == ("黑体", True)
    assert (east_asia(body.runs[0]), body.runs[0].font.size.pt) == ("仿宋_GB2312", 16)
    assert body.paragraph_format.first_line_indent.pt == 32  # 首行缩进 2 字
    closing = next(p for p in paragraphs if p.text.startswith("报送："))
    assert closing._p.pPr.find(qn("w:pBdr")).find(qn("w:top")) is not None
    footer = section.footer._element.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text


def test_the_font_table_names_windows_faces_as_alternatives(issued_file):
    import zipfile

    _briefing, _document, data = issued_file
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="FangSong"/>' in fonts


def test_a_long_title_shrinks_to_stay_on_one_line(cast):
    update = update_of(cast.department, "动态")
    draft = draft_with(cast, ItemChoice("update", update.pk), title="甲市质量强市暨质量提升行动工作简报专刊")
    document = docx.Document(io.BytesIO(briefing_issue(briefing=draft, actor=cast.office).docx.read()))
    size = document.paragraphs[0].runs[0].font.size.pt
    assert size * 19 <= 156 / 25.4 * 72 and size < 42


# Who may do what -------------------------------------------------------------------------------


@pytest.fixture
def issued_and_draft(cast):
    update = update_of(cast.department, "动态")
    issued = briefing_issue(briefing=draft_with(cast, ItemChoice("update", update.pk)), actor=cast.office)
    return issued, draft_with(cast, ItemChoice("update", update.pk))


@pytest.mark.parametrize(
    ("who", "issued_status", "draft_status"),
    [
        ("office", 200, 200),
        ("leader", 200, 404),  # leaders read issued issues; a draft is the office's work
        ("liaison", 403, 403),  # other departments' news and progress are not a liaison's to read
        ("head", 403, 403),
        ("outsider_office", 404, 404),
    ],
)
def test_who_reads_an_issue_and_its_file(client, cast, issued_and_draft, who, issued_status, draft_status):
    issued, draft = issued_and_draft
    client.force_login(getattr(cast, who))
    for briefing, status in ((issued, issued_status), (draft, draft_status)):
        assert client.get(reverse("reports:briefing_detail", args=[briefing.pk])).status_code == status
        response = client.get(reverse("reports:briefing_download", args=[briefing.pk]))
        assert response.status_code == status
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")


@pytest.mark.parametrize("who", ["leader", "liaison", "outsider_office"])
def test_only_the_office_of_the_city_edits_issues_or_deletes(client, cast, issued_and_draft, who):
    _issued, draft = issued_and_draft
    client.force_login(getattr(cast, who))
    expected = 404 if who == "outsider_office" else 403
    for name in ("briefing_update", "briefing_issue", "briefing_delete"):
        response = client.post(reverse(f"reports:{name}", args=[draft.pk]), post_of(draft, send_to="篡改"))
        assert response.status_code == expected, name
    draft.refresh_from_db()
    assert (draft.status, draft.send_to) == ("draft", "")


def test_the_list_shows_the_years_issues_to_office_and_leader_and_refuses_departments(
    client, cast, issued_and_draft
):
    issued, _draft = issued_and_draft
    for who, status in (("office", 200), ("leader", 200), ("liaison", 403), ("head", 403)):
        client.force_login(getattr(cast, who))
        response = client.get(reverse("reports:briefing_list"), {"year": issued.year})
        assert response.status_code == status, who
        if status == 200:
            page = response.content.decode()
            assert f"{issued.year}年第1期" in page
            assert reverse("reports:briefing_download", args=[issued.pk]) in page
            assert ("编辑中" in page) is (who == "office")
    # the outsider's list is their own city's, with nothing of 甲市
    client.force_login(cast.outsider_office)
    response = client.get(reverse("reports:briefing_list"), {"jurisdiction": cast.jurisdiction.pk})
    assert response.status_code == 200
    assert reverse("reports:briefing_download", args=[issued.pk]) not in response.content.decode()


def test_the_work_updates_page_links_the_office_to_the_briefings(client, cast):
    for who, shown in (("office", True), ("liaison", False)):
        client.force_login(getattr(cast, who))
        page = client.get(reverse("reports:work_updates")).content.decode()
        assert ("编发简报" in page) is shown


def test_the_list_costs_the_same_queries_however_many_issues(client, cast):
    update = update_of(cast.department, "动态")
    briefing_issue(briefing=draft_with(cast, ItemChoice("update", update.pk)), actor=cast.office)
    client.force_login(cast.office)
    url = reverse("reports:briefing_list")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        briefing_issue(briefing=draft_with(cast, ItemChoice("update", update.pk)), actor=cast.office)
    draft_with(cast, ItemChoice("update", update.pk))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("下载 Word") == 4
    # session, user, roles, the jurisdiction, issued, drafts, the years: none per issue
    assert len(many.captured_queries) == len(one.captured_queries)
