"""Appeals (申诉): a unit appeals a line of its published result within the scheme's working
days; the office accepts (a new version is published, the earlier kept) or rejects, with a
reason; every refusal names its field and saves nothing; only the unit and the office reach an
appeal and its files.

The world: the first quarter of 2026 in city 甲, published. 市市场监管局 reported every month on
time but has a 2-point penalty (98 points); 市住建局 reported March one day late and lost 20 of
the 60 points on-time reporting counts after rescaling (80 points).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessment.appeals import appeal_accept, appeal_reject, appeal_submit, appeal_window_ends
from assessment.compile import assessment_compile, ranks
from assessment.exporters import assessment_files_render
from assessment.models import Appeal, AppealFile, Assessment, AssessmentScheme
from assessment.services import assessment_publish, item_add
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, run_tasks_here, submit
from qualitycity.errors import AccessRefused, ApplicationError, Conflict
from reports.models import Notification
from reports.services import period_close
from responsibilities.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    run_tasks_here(monkeypatch)


@pytest.fixture(autouse=True)
def light_files(monkeypatch):
    """The three files are stand-ins naming their version: what is tested here is which version
    gets files and that the old one keeps its own (the layouts have their own tests)."""
    import assessment.exporters as exporters

    monkeypatch.setattr(
        exporters,
        "assessment_render",
        lambda *, assessment, extension: f"{assessment.pk} v{assessment.version} {extension}".encode(),
    )


@pytest.fixture
def rendered(monkeypatch):
    """The assessments whose files were queued for rendering, in order (and rendered)."""
    from assessment.tasks import render_assessment_files

    queued = []

    def delay(pk):
        queued.append(pk)
        render_assessment_files.apply((pk,), throw=True)

    monkeypatch.setattr(render_assessment_files, "delay", delay)
    return queued


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    housing_liaison = MembershipFactory(
        user=UserFactory(username="liaison_b"),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="liaison",
    ).user
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
        late = period.deadline + dt.timedelta(days=1) if period.start.month == 3 else None
        submit(period, cast.other_department, on=late)
        period_close(period=period)  # a final result: only that is published
    item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="penalty",
        points=Decimal(2),
        reason="未按要求参加质量月活动",
        occurred_on=dt.date(2026, 2, 1),
    )
    assessment = assessment_files_render(
        assessment=assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
    )
    assessment = assessment_publish(assessment=assessment, actor=cast.office)
    return SimpleNamespace(
        cast=cast,
        assessment=assessment,
        housing_liaison=housing_liaison,
        market=result_of(assessment, cast.department),
        housing=result_of(assessment, cast.other_department),
        appeal_dir=tmp_path / "assessments" / "appeals",
    )


def result_of(assessment, department):
    return assessment.results.prefetch_related("scores").get(department=department)


def score_of(result, kind):
    return next(s for s in result.scores.all() if s.kind == kind)


def as_user(client, user):
    client.force_login(user)
    return client


def appeal_by_housing(world, kind="on_time", **extra):
    return appeal_submit(
        result=world.housing,
        actor=world.housing_liaison,
        kind=kind,
        reasons=extra.pop("reasons", "3月月报因系统故障逾期，已提供故障证明"),
        **extra,
    )


def files_on_disk(world) -> list[Path]:
    return [p for p in world.appeal_dir.rglob("*") if p.is_file()] if world.appeal_dir.exists() else []


# An appeal accepted, one rejected ------------------------------------------------------------------


def test_an_appeal_accepted_reissues_the_result_as_a_new_version_and_keeps_the_old(
    client, world, rendered, django_capture_on_commit_callbacks
):
    cast, old = world.cast, world.assessment
    assert (world.market.rank, world.housing.rank) == (1, 2)
    old_files = [Path(f.path) for f in (old.xlsx, old.pdf, old.docx)]
    # given 市住建局's liaison, who finds an 申诉 link on the line of the published result
    page = as_user(client, world.housing_liaison).get(reverse("assessment:assessment_detail", args=[old.pk]))
    create_url = reverse("assessment:appeal_create", args=[world.housing.pk])
    assert f'{create_url}?kind=on_time"'.encode() in page.content
    assert "个工作日内，本单位可以对考核结果中的某一项提出申诉" in page.content.decode()
    # when the liaison appeals on-time reporting with a reason and a file
    assert client.get(f"{create_url}?kind=on_time").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            create_url,
            {
                "kind": "on_time",
                "reasons": "3月月报因系统故障逾期一天，附故障证明",
                "requested_score": "60",
                "files": [SimpleUploadedFile("故障证明.pdf", PDF)],
            },
        )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "assessment:appeal_detail", args=[appeal.pk]
    )
    stored = appeal.files.get()
    assert (stored.original_name, stored.size, stored.sha256) == (
        "故障证明.pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert Path(stored.file.path).read_bytes() == PDF and Path(stored.file.path).is_relative_to(
        world.appeal_dir
    )
    # the office is told, and finds it pending on the assessment page
    assert Notification.objects.filter(user=cast.office, kind="assessment.appeal").count() == 1
    office_page = as_user(client, cast.office).get(reverse("assessment:assessment_detail", args=[old.pk]))
    assert reverse("assessment:appeal_detail", args=[appeal.pk]).encode() + b"#accept" in office_page.content
    # when the office accepts it, with the score it decides and the reason
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessment:appeal_accept", args=[appeal.pk]),
            {"decided_score": "60", "decision": "经核实系平台故障所致，按时报送认定为满分"},
        )
    # then the result is published again as version 2, which says what changed and why
    new = Assessment.objects.get(status=Assessment.Status.PUBLISHED)
    assert response.status_code == 302 and response.url == reverse(
        "assessment:assessment_detail", args=[new.pk]
    )
    assert (new.version, new.supersedes_id, new.published_by) == (2, old.pk, cast.office)
    housing = result_of(new, cast.other_department)
    on_time = score_of(housing, "on_time")
    assert (on_time.final, on_time.computed) == (Decimal(60), Decimal(40))
    assert on_time.final_reason == "申诉采纳：经核实系平台故障所致，按时报送认定为满分"
    # ranked again: 市住建局 100 now leads 市市场监管局 98
    market = result_of(new, cast.department)
    assert (housing.total, housing.rank, market.total, market.rank) == (Decimal(100), 1, Decimal(98), 2)
    assert new.summary["average"] == "99.00"
    # the old version is kept as it was, superseded, and still read by the office
    old.refresh_from_db()
    assert old.status == Assessment.Status.SUPERSEDED
    kept = result_of(old, cast.other_department)
    assert (kept.total, kept.rank, score_of(kept, "on_time").final) == (Decimal(80), 2, None)
    assert all(p.is_file() for p in old_files)
    old_page = client.get(reverse("assessment:assessment_detail", args=[old.pk]))
    assert old_page.status_code == 200
    assert "本版本已被第2版取代，仅留存备查。" in old_page.content.decode()
    # the new version's files were queued and rendered; the old version keeps its own
    assert rendered == [new.pk]
    new.refresh_from_db()
    assert [f.read() for f in (new.xlsx, new.pdf, new.docx)] == [
        f"{new.pk} v2 {ext}".encode() for ext in ("xlsx", "pdf", "docx")
    ]
    assert [p.read_bytes() for p in old_files] == [
        f"{old.pk} v1 {ext}".encode() for ext in ("xlsx", "pdf", "docx")
    ]
    assert {new.xlsx.name, new.pdf.name, new.docx.name}.isdisjoint(
        {old.xlsx.name, old.pdf.name, old.docx.name}
    )
    # everyone who can see the assessment sees the versions, the new one linking to the old
    for user in (cast.office, cast.leader, world.housing_liaison, cast.liaison):
        text = (
            as_user(client, user).get(reverse("assessment:assessment_detail", args=[new.pk])).content.decode()
        )
        assert "第2版（申诉采纳后重新发布）" in text
        assert f'href="{reverse("assessment:assessment_detail", args=[old.pk])}"' in text
    # the unit sees the outcome, on the appeal and by a notification
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reissued_as, appeal.decided_by) == (
        Appeal.Status.ACCEPTED,
        new,
        cast.office,
    )
    outcome = as_user(client, world.housing_liaison).get(
        reverse("assessment:appeal_detail", args=[appeal.pk])
    )
    assert "已采纳" in outcome.content.decode() and "经核实系平台故障所致" in outcome.content.decode()
    assert Notification.objects.filter(user=world.housing_liaison, kind="assessment.appeal").count() == 1
    # and the audit trail has every step
    steps = AuditEvent.objects.filter(object_type="assessment.appeal", object_id=str(appeal.pk))
    assert list(steps.order_by("pk").values_list("action", flat=True)) == [
        "assessment.appeal_submit",
        "assessment.appeal_accept",
    ]


def test_the_unit_still_reads_the_version_its_appeal_superseded(client, world):
    appeal = appeal_by_housing(world)
    appeal_accept(appeal=appeal, actor=world.cast.office, decision="属实", decided_score=Decimal(60))
    response = as_user(client, world.housing_liaison).get(
        reverse("assessment:assessment_detail", args=[world.assessment.pk])
    )
    assert response.status_code == 200


def test_an_accepted_penalty_appeal_changes_the_penalty_and_keeps_the_reason(world):
    # given 市市场监管局's appeal against its 2-point penalty
    appeal = appeal_submit(
        result=world.market, actor=world.cast.liaison, kind="penalty", reasons="该活动本单位已参加，附签到表"
    )
    # when the office accepts it, setting the penalty to 0
    new = appeal_accept(
        appeal=appeal, actor=world.cast.office, decision="已核实签到表", decided_score=Decimal(0)
    )
    # then the new version counts no penalty, and says why in place of the item it replaced
    market = result_of(new, world.cast.department)
    assert (market.penalty, market.total, market.rank) == (Decimal(0), Decimal(100), 1)
    assert [(a["kind"], a["points"], a["reason"]) for a in market.adjustments] == [
        ("penalty", "0", "申诉采纳：已核实签到表")
    ]
    # the old version keeps the item
    assert (
        result_of(world.assessment, world.cast.department).adjustments[0]["reason"]
        == "未按要求参加质量月活动"
    )


def test_an_appeal_rejected_leaves_the_result_and_tells_the_unit(
    client, world, rendered, django_capture_on_commit_callbacks
):
    cast = world.cast
    appeal = appeal_by_housing(world)
    # when the office rejects it with a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, cast.office).post(
            reverse("assessment:appeal_reject", args=[appeal.pk]),
            {"decision": "逾期属实，系统当日运行正常"},
        )
    # then the appeal says so; the result is neither changed nor re-issued
    assert response.status_code == 302 and response.url == reverse(
        "assessment:appeal_detail", args=[appeal.pk]
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision, appeal.reissued_as) == (
        Appeal.Status.REJECTED,
        "逾期属实，系统当日运行正常",
        None,
    )
    assert list(Assessment.objects.values_list("pk", "status")) == [(world.assessment.pk, "published")]
    assert result_of(world.assessment, cast.other_department).total == Decimal(80)
    assert rendered == []
    # the unit sees the outcome on the assessment page and the appeal's, and is told
    page = as_user(client, world.housing_liaison).get(
        reverse("assessment:assessment_detail", args=[world.assessment.pk])
    )
    assert "未采纳" in page.content.decode() and "逾期属实" in page.content.decode()
    assert "未采纳" in client.get(reverse("assessment:appeal_detail", args=[appeal.pk])).content.decode()
    assert Notification.objects.filter(user=world.housing_liaison, kind="assessment.appeal").count() == 1
    assert list(
        AuditEvent.objects.filter(object_type="assessment.appeal", object_id=str(appeal.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["assessment.appeal_submit", "assessment.appeal_reject"]


def test_the_offices_home_lists_pending_appeals_until_they_are_decided(client, world):
    cast = world.cast
    appeal = appeal_by_housing(world)
    html = as_user(client, cast.office).get("/home/").content.decode()
    assert "待处理的考核申诉（1）" in html and f"/assessments/appeals/{appeal.pk}/" in html
    assert "市住建局" in html
    for user in (cast.outsider_office, world.housing_liaison, cast.leader):
        assert "待处理的考核申诉" not in as_user(client, user).get("/home/").content.decode()
    appeal_reject(appeal=appeal, actor=cast.office, decision="故障证明不能说明逾期原因")
    assert "待处理的考核申诉" not in as_user(client, cast.office).get("/home/").content.decode()


def test_a_second_appeal_pending_on_the_old_version_is_decided_on_the_new_one(world):
    # given two pending appeals, one from each department
    housing_appeal = appeal_by_housing(world)
    market_appeal = appeal_submit(
        result=world.market, actor=world.cast.liaison, kind="penalty", reasons="已参加"
    )
    # when the first is accepted, the second follows its department's result to version 2
    second = appeal_accept(
        appeal=housing_appeal, actor=world.cast.office, decision="属实", decided_score=Decimal(60)
    )
    market_appeal.refresh_from_db()
    assert (market_appeal.assessment_id, market_appeal.result.assessment_id) == (second.pk, second.pk)
    # and accepting it re-issues version 3 carrying both changes
    third = appeal_accept(
        appeal=market_appeal, actor=world.cast.office, decision="属实", decided_score=Decimal(0)
    )
    assert (third.version, third.supersedes_id) == (3, second.pk)
    totals = dict(third.results.values_list("department__name", "total"))
    assert totals == {"市市场监管局": Decimal(100), "市住建局": Decimal(100)}
    assert sorted(third.results.values_list("rank", flat=True)) == [1, 1]
    assert list(Assessment.objects.order_by("version").values_list("version", "status")) == [
        (1, "superseded"),
        (2, "superseded"),
        (3, "published"),
    ]


def test_ranks_after_an_appeal_are_those_the_ranking_function_gives(world):
    new = appeal_accept(
        appeal=appeal_by_housing(world),
        actor=world.cast.office,
        decision="部分属实",
        decided_score=Decimal("49.5"),
    )
    results = list(new.results.order_by("pk"))
    assert [r.rank for r in results] == ranks([(r.vetoed, r.total) for r in results])
    assert result_of(new, world.cast.other_department).total == Decimal("89.50")


# The window -------------------------------------------------------------------------------------


def published_on(world, day: dt.date, days: int = 5):
    """As if published that day under a scheme of that many appeal days (the window is the
    one the scheme had at the compile, kept with the result)."""
    AssessmentScheme.objects.filter(plan=world.cast.plan).update(appeal_days=days)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
    scheme = {**world.assessment.scheme, "appeal_days": days}
    Assessment.objects.filter(pk=world.assessment.pk).update(published_at=moment, scheme=scheme)
    world.assessment.refresh_from_db()


def test_the_window_counts_working_days_skipping_the_holiday_and_counting_the_make_up_day(world):
    # published on Friday 27 September 2024: Sunday 29 September is a make-up working day (调休),
    # 1–7 October the National Day holiday; five working days end on Thursday 10 October
    published_on(world, dt.date(2024, 9, 27))
    assert appeal_window_ends(assessment=world.assessment) == dt.date(2024, 10, 10)


def test_an_appeal_on_the_last_working_day_of_the_window_is_taken(world):
    published_on(world, dt.date(2024, 9, 27))
    appeal = appeal_by_housing(world, today=dt.date(2024, 10, 10))
    assert appeal.status == Appeal.Status.PENDING


def test_an_appeal_on_the_next_working_day_is_refused(world):
    published_on(world, dt.date(2024, 9, 27))
    with pytest.raises(ApplicationError) as refused:
        appeal_by_housing(world, today=dt.date(2024, 10, 11))
    assert refused.value.message == "申诉期：已于2024年10月10日截止（发布后5个工作日内可以申诉）"
    assert not Appeal.objects.exists()


def test_a_scheme_of_no_appeal_days_takes_none(world):
    published_on(world, timezone.localdate(), days=0)
    with pytest.raises(ApplicationError, match="申诉期：本考核方案不受理申诉"):
        appeal_by_housing(world)
    assert not Appeal.objects.exists()


def test_after_the_window_the_page_offers_no_appeal_and_a_post_is_refused(client, world):
    published_on(world, dt.date(2024, 9, 27))
    c = as_user(client, world.housing_liaison)
    page = c.get(reverse("assessment:assessment_detail", args=[world.assessment.pk])).content.decode()
    assert "申诉期已于 2024年10月10日 截止。" in page
    assert reverse("assessment:appeal_create", args=[world.housing.pk]) not in page
    response = c.post(
        reverse("assessment:appeal_create", args=[world.housing.pk]),
        {"kind": "on_time", "reasons": "迟到的申诉"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "申诉期：已于2024年10月10日截止（发布后5个工作日内可以申诉）"
    ]
    assert not Appeal.objects.exists()


# Refusals: the field named, nothing saved ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "on_time", "reasons": "   "}, "reasons", "申诉理由：请填写申诉的理由"),
        ({"kind": "veto", "reasons": "理由"}, "kind", "申诉事项：本单位的考核结果中没有这一项"),
        # 市住建局 has no penalty: there is no such line to appeal
        ({"kind": "penalty", "reasons": "理由"}, "kind", "申诉事项：本单位的考核结果中没有这一项"),
        # a criterion that does not apply to the unit counts nothing: no line either
        ({"kind": "targets", "reasons": "理由"}, "kind", "申诉事项：本单位的考核结果中没有这一项"),
        (
            {"kind": "on_time", "reasons": "理由", "requested_score": "61"},
            "requested_score",
            "申请认定得分：应在0到60分之间",
        ),
        (
            {"kind": "on_time", "reasons": "理由", "file": ("x.pdf", b"<html><body>not a pdf</body></html>")},
            "files",
            "申诉材料：“x.pdf”不是有效的PDF文件",
        ),
        (
            {"kind": "on_time", "reasons": "理由", "file": ("空.pdf", b"")},
            "files",
            "申诉材料：“空.pdf”是空文件",
        ),
        (
            {"kind": "on_time", "reasons": "理由", "file": ("setup.exe", b"MZ\x90\x00" + b"\x00" * 300)},
            "files",
            "申诉材料：“setup.exe”的类型（EXE）不被接受",
        ),
    ],
    ids=[
        "blank-reasons",
        "unknown-line",
        "no-penalty",
        "criterion-not-applying",
        "score-over-weight",
        "html-named-pdf",
        "empty-file",
        "executable",
    ],
)
def test_a_refused_appeal_names_the_field_and_saves_nothing(client, world, data, field, message):
    data = dict(data)
    if "file" in data:
        name, content = data.pop("file")
        # a good file beside the bad one: neither is kept
        data["files"] = [SimpleUploadedFile("证明.pdf", PDF), SimpleUploadedFile(name, content)]
    response = as_user(client, world.housing_liaison).post(
        reverse("assessment:appeal_create", args=[world.housing.pk]), data
    )
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert message in response.content.decode()
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()
    assert files_on_disk(world) == []


def test_more_than_ten_files_are_refused(world):
    with pytest.raises(ApplicationError, match="申诉材料：最多上传10个文件") as refused:
        appeal_by_housing(world, files=[SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(11)])
    assert refused.value.field == "files"
    assert files_on_disk(world) == []


def test_a_second_pending_appeal_on_the_same_line_is_refused(client, world):
    appeal_by_housing(world)
    response = as_user(client, world.housing_liaison).post(
        reverse("assessment:appeal_create", args=[world.housing.pk]),
        {"kind": "on_time", "reasons": "再次申诉"},
    )
    assert response.status_code == 409
    assert response.context["form"].errors["kind"] == [
        "申诉事项：“按时报送”已有待处理的申诉，请等待质强办处理"
    ]
    assert Appeal.objects.count() == 1
    # another line of the same result is still open to appeal
    appeal_by_housing(world, kind="completeness")
    assert Appeal.objects.count() == 2


def test_an_appeal_against_a_draft_is_refused(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=Assessment.Status.DRAFT)
    world.housing.assessment.refresh_from_db()
    with pytest.raises(ApplicationError, match="考核结果：尚未发布，不能申诉"):
        appeal_by_housing(world)
    assert not Appeal.objects.exists()


def test_a_draft_is_not_even_offered_to_the_unit(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=Assessment.Status.DRAFT)
    response = as_user(client, world.housing_liaison).get(
        reverse("assessment:appeal_create", args=[world.housing.pk])
    )
    assert response.status_code == 404


def test_an_appeal_against_a_superseded_version_is_refused(world):
    appeal_accept(
        appeal=appeal_by_housing(world), actor=world.cast.office, decision="属实", decided_score=Decimal(60)
    )
    with pytest.raises(Conflict, match="考核结果：该版本已被第2版取代，请对最新版本申诉"):
        appeal_submit(result=world.market, actor=world.cast.liaison, kind="penalty", reasons="已参加")
    assert Appeal.objects.count() == 1


def test_an_appeal_against_another_departments_result_is_refused(world):
    with pytest.raises(AccessRefused, match="申诉单位：只有本单位的联络员或负责人可以对本单位的考核结果申诉"):
        appeal_submit(result=world.market, actor=world.housing_liaison, kind="on_time", reasons="代为申诉")
    with pytest.raises(AccessRefused):
        appeal_submit(result=world.market, actor=world.cast.office, kind="on_time", reasons="质强办代为申诉")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_decision_without_a_reason_is_refused(client, world, action):
    appeal = appeal_by_housing(world)
    response = as_user(client, world.cast.office).post(
        reverse(f"assessment:appeal_{action}", args=[appeal.pk]), {"decided_score": "60", "decision": "  "}
    )
    assert response.status_code == 400
    form = response.context["accept_form" if action == "accept" else "reject_form"]
    assert form.errors["decision"] == ["处理意见：请填写采纳或不予采纳的理由"]
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING and appeal.decided_at is None
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("", "认定得分：采纳申诉须填写调整后的得分"),
        ("60.01", "认定得分：应在0到60分之间"),
        ("40", "认定得分：与原得分40分相同；不作调整请选择不予采纳"),
    ],
    ids=["missing", "over-the-line", "unchanged"],
)
def test_an_acceptance_needs_a_new_score_within_the_line(client, world, score, message):
    appeal = appeal_by_housing(world)
    response = as_user(client, world.cast.office).post(
        reverse("assessment:appeal_accept", args=[appeal.pk]), {"decided_score": score, "decision": "理由"}
    )
    assert response.status_code == 400
    assert response.context["accept_form"].errors["decided_score"] == [message]
    assert Assessment.objects.count() == 1 and Appeal.objects.get().status == Appeal.Status.PENDING


@pytest.mark.parametrize("first", ["accept", "reject"])
def test_deciding_twice_is_refused(client, world, first):
    appeal = appeal_by_housing(world)
    if first == "accept":
        appeal_accept(appeal=appeal, actor=world.cast.office, decision="属实", decided_score=Decimal(60))
    else:
        appeal_reject(appeal=appeal, actor=world.cast.office, decision="不属实")
    versions = Assessment.objects.count()
    c = as_user(client, world.cast.office)
    for action in ("accept", "reject"):
        response = c.post(
            reverse(f"assessment:appeal_{action}", args=[appeal.pk]),
            {"decided_score": "50", "decision": "再处理"},
        )
        assert response.status_code == 409
        status = "已采纳" if first == "accept" else "未采纳"
        assert f"申诉：已处理（{status}），不能重复处理" in response.content.decode()
    assert Assessment.objects.count() == versions
    appeal.refresh_from_db()
    assert appeal.decision == ("属实" if first == "accept" else "不属实")


def test_text_with_a_nul_character_is_refused_not_a_server_error(world):
    with pytest.raises(ApplicationError, match="申诉理由：含有无效字符") as refused:
        appeal_by_housing(world, reasons="理由\x00")
    assert refused.value.field == "reasons"


# Who reaches what -------------------------------------------------------------------------------


@pytest.fixture
def filed(world):
    """市住建局's pending appeal with a file."""
    appeal = appeal_by_housing(world, files=[SimpleUploadedFile("故障证明.pdf", PDF)])
    return SimpleNamespace(world=world, appeal=appeal, file=appeal.files.get())


def users_of(world):
    cast = world.cast
    return {
        "unit": world.housing_liaison,
        "other_department": cast.liaison,
        "office": cast.office,
        "leader": cast.leader,
        "outsider": cast.outsider_office,
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # appeal page, file, the create form of the unit's result, accept, reject
        ("unit", (200, 200, 200, 403, 403)),
        ("other_department", (404, 404, 404, 404, 404)),
        ("office", (200, 200, 403, 400, 400)),
        ("leader", (200, 403, 403, 403, 403)),
        ("outsider", (404, 404, 404, 404, 404)),
    ],
)
def test_only_the_unit_and_the_office_reach_an_appeal_and_its_files(client, filed, who, expected):
    world = filed.world
    c = as_user(client, users_of(world)[who])
    got = (
        c.get(reverse("assessment:appeal_detail", args=[filed.appeal.pk])).status_code,
        c.get(reverse("assessment:appeal_file_download", args=[filed.file.pk])).status_code,
        c.get(reverse("assessment:appeal_create", args=[world.housing.pk])).status_code,
        # an empty decision: the office's is refused as a form (400), anyone else's never reaches it
        c.post(reverse("assessment:appeal_accept", args=[filed.appeal.pk]), {}).status_code,
        c.post(reverse("assessment:appeal_reject", args=[filed.appeal.pk]), {}).status_code,
    )
    assert got == expected
    assert Appeal.objects.get().status == Appeal.Status.PENDING


def test_the_file_streams_as_uploaded_and_the_download_is_audited(client, filed):
    response = as_user(client, filed.world.cast.office).get(
        reverse("assessment:appeal_file_download", args=[filed.file.pk])
    )
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="assessment.appeal_file_download", object_id=str(filed.file.pk), actor=filed.world.cast.office
    ).exists()


def test_another_department_sees_neither_the_appeal_nor_a_link_to_appeal_for_others(client, filed):
    world = filed.world
    page = as_user(client, world.cast.liaison).get(
        reverse("assessment:assessment_detail", args=[world.assessment.pk])
    )
    text = page.content.decode()
    assert reverse("assessment:appeal_detail", args=[filed.appeal.pk]) not in text
    assert reverse("assessment:appeal_create", args=[world.housing.pk]) not in text
    # its own lines are offered
    assert reverse("assessment:appeal_create", args=[world.market.pk]) in text


def test_the_assessment_page_reads_the_appeals_in_a_fixed_number_of_queries(
    client, filed, django_assert_max_num_queries
):
    world = filed.world
    url = reverse("assessment:assessment_detail", args=[world.assessment.pk])
    for user in (world.cast.office, world.housing_liaison):
        c = as_user(client, user)
        c.get(url)
        # session, user, scope, the assessment, results, scores (6, the page's own); the appeals
        # part: the versions (1), the period's appeals with departments and versions (1), for a
        # unit the scheme's appeal days (1); the session saved in a savepoint (3): 12 at most,
        # however many departments, versions and appeals
        with django_assert_max_num_queries(12):
            c.get(url)
