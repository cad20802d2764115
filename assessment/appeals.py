"""Appeals (申诉): a unit disputes a line of its published result within the scheme's number of
working days, with reasons and files; the office accepts it (the result is re-issued as a new
version carrying the change and the reason, the earlier version kept) or rejects it, with a
reason either way. Each step is one transaction and one audit row; the people concerned are told
after the commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import AccessRefused, ApplicationError, Conflict
from qualitycity.formats import decimal_text as fmt
from qualitycity.uploads import CONTENT_TYPES, EVIDENCE_KINDS, EVIDENCE_MAX_BYTES, EXTENSIONS, upload_check
from reports.calendar import is_working_day
from reports.notifications import notify
from responsibilities.models import Membership, Role
from responsibilities.services import audit_record

from .access import plan_check_office
from .compile import results_rank
from .models import (
    Appeal,
    AppealFile,
    Assessment,
    AssessmentResult,
    AssessmentScheme,
    CriterionKind,
    CriterionScore,
)

# The lines of a result besides its criteria that a unit may dispute.
ADJUSTMENT_LINES = {"bonus": gettext_lazy("加分"), "penalty": gettext_lazy("扣分")}
MAX_FILES = 10
HUNDRED = Decimal(100)


# The window -------------------------------------------------------------------------------------


def appeal_days_of(assessment: Assessment) -> int:
    """The scheme's appeal days: as snapshotted with the result where the snapshot has them,
    else the plan's scheme as it stands."""
    days = (assessment.scheme or {}).get("appeal_days")
    if days is None:
        days = AssessmentScheme.objects.filter(plan_id=assessment.plan_id).values_list(
            "appeal_days", flat=True
        )
        days = days.first()
    return int(days or 0)


def first_published_at(assessment: Assessment) -> dt.datetime | None:
    """When the period's result was first published: a re-issued version keeps the window of
    the first, so an accepted appeal never reopens it for everyone."""
    if assessment.supersedes_id is None:
        return assessment.published_at
    return (
        Assessment.objects.filter(
            plan_id=assessment.plan_id, start=assessment.start, end=assessment.end, published_at__isnull=False
        )
        .order_by("version")
        .values_list("published_at", flat=True)
        .first()
    )


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The count-th working day after the day (holidays skipped, make-up days counted)."""
    counted = 0
    while counted < count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def appeal_window_ends(*, assessment: Assessment, days: int | None = None) -> dt.date | None:
    """A unit may appeal until the end of the scheme's appeal_days-th working day after the day
    the period's result was first published (that day not counted); None before publication or
    where the scheme takes no appeals (0 days). A caller that has read the days passes them."""
    if assessment.status == Assessment.Status.DRAFT:
        return None
    days = appeal_days_of(assessment) if days is None else days
    published = first_published_at(assessment)
    if days <= 0 or published is None:
        return None
    return working_days_after(timezone.localtime(published).date(), days)


# The lines of a result ---------------------------------------------------------------------------


def appeal_lines(*, result: AssessmentResult) -> dict[str, str]:
    """The lines a unit may dispute: each criterion that applies to it (one that does not
    counts nothing, so no score of it could change the result), the bonus, and the penalty
    where it has one."""
    lines = {s.kind: str(CriterionKind(s.kind).label) for s in result.scores.all() if s.applies}
    lines["bonus"] = str(ADJUSTMENT_LINES["bonus"])
    if any(a.get("kind") == "penalty" for a in result.adjustments or []):
        lines["penalty"] = str(ADJUSTMENT_LINES["penalty"])
    return lines


def line_label(kind: str) -> str:
    if kind in ADJUSTMENT_LINES:
        return str(ADJUSTMENT_LINES[kind])
    if kind in CriterionKind.values:
        return str(CriterionKind(kind).label)
    return kind


def _line_score(result: AssessmentResult, kind: str) -> CriterionScore | None:
    return next((s for s in result.scores.all() if s.kind == kind), None)


def line_value(*, result: AssessmentResult, kind: str) -> Decimal:
    """What the line counts now: the criterion's score, or the bonus or penalty points."""
    if kind in ADJUSTMENT_LINES:
        return getattr(result, kind)
    return _line_score(result, kind).score


def line_maximum(*, assessment: Assessment, result: AssessmentResult, kind: str) -> Decimal:
    """The most a line may be set to: the criterion's (rescaled) weight, the scheme's bonus cap,
    or 100 for a penalty."""
    if kind == "bonus":
        return Decimal(str((assessment.scheme or {}).get("bonus_cap", HUNDRED)))
    if kind == "penalty":
        return HUNDRED
    score = _line_score(result, kind)
    return score.weight if score.effective_weight is None else score.effective_weight


# Refusals ---------------------------------------------------------------------------------------

OWN_RESULT_ONLY = gettext_lazy("申诉单位：只有本单位的联络员或负责人可以对本单位的考核结果申诉")
NOT_PUBLISHED = gettext_lazy("考核结果：尚未发布，不能申诉")
SUPERSEDED = gettext_lazy("考核结果：该版本已被第%(version)s版取代，请对最新版本申诉")
NO_APPEALS = gettext_lazy("申诉期：本考核方案不受理申诉")
WINDOW_CLOSED = gettext_lazy("申诉期：已于%(date)s截止（发布后%(days)s个工作日内可以申诉）")
NO_SUCH_LINE = gettext_lazy("申诉事项：本单位的考核结果中没有这一项")
PENDING_ON_LINE = gettext_lazy("申诉事项：“%(line)s”已有待处理的申诉，请等待质强办处理")
NO_REASONS = gettext_lazy("申诉理由：请填写申诉的理由")
REASONS_TOO_LONG = gettext_lazy("申诉理由：不能超过%(limit)s字")
BAD_TEXT = gettext_lazy("%(field)s：含有无效字符")
REQUESTED_RANGE = gettext_lazy("申请认定得分：应在0到%(maximum)s分之间")
TOO_MANY_FILES = gettext_lazy("申诉材料：最多上传%(limit)s个文件")
BAD_FILE = gettext_lazy("申诉材料：%(error)s")
DECIDED_TWICE = gettext_lazy("申诉：已处理（%(status)s），不能重复处理")
NO_DECISION = gettext_lazy("处理意见：请填写采纳或不予采纳的理由")
DECISION_TOO_LONG = gettext_lazy("处理意见：不能超过%(limit)s字")
NO_DECIDED_SCORE = gettext_lazy("认定得分：采纳申诉须填写调整后的得分")
DECIDED_RANGE = gettext_lazy("认定得分：应在0到%(maximum)s分之间")
DECIDED_SAME = gettext_lazy("认定得分：与原得分%(score)s分相同；不作调整请选择不予采纳")
NOT_CURRENT = gettext_lazy("考核结果：该版本已不是现行版本，不能据此处理申诉")


def _require_department_person(*, result: AssessmentResult, actor) -> None:
    """Only a liaison or head of the department whose result it is appeals it."""
    if not Membership.objects.filter(
        user=actor, department_id=result.department_id, role__in=Role.department_roles(), is_active=True
    ).exists():
        raise AccessRefused(OWN_RESULT_ONLY)


def _text(value: str | None, *, field: str, label: str, empty, too_long, limit: int) -> str:
    """Text a person must give: not blank, no NUL (PostgreSQL refuses it), within the limit."""
    text = (value or "").strip()
    if not text:
        raise ApplicationError(empty, field=field)
    if "\x00" in text:
        raise ApplicationError(BAD_TEXT % {"field": label}, field=field)
    if len(text) > limit:
        raise ApplicationError(too_long % {"limit": limit}, field=field)
    return text


def _decision_text(decision: str | None) -> str:
    return _text(
        decision,
        field="decision",
        label=_("处理意见"),
        empty=NO_DECISION,
        too_long=DECISION_TOO_LONG,
        limit=2000,
    )


def _lock_assessment(pk: int) -> Assessment:
    return Assessment.objects.select_for_update(of=("self",)).select_related("plan__jurisdiction").get(pk=pk)


# Submitting -------------------------------------------------------------------------------------


@transaction.atomic
def appeal_submit(
    *,
    result: AssessmentResult,
    actor,
    kind: str,
    reasons: str,
    requested_score: Decimal | None = None,
    files=(),
    today: dt.date | None = None,
) -> Appeal:
    """A liaison or head of the department appeals one line of its published, current result
    until the window closes, with reasons and at most ten checked files; one pending appeal per
    line."""
    _require_department_person(result=result, actor=actor)
    # The assessment row is the lock: a submission and a decision on the same result never cross.
    assessment = _lock_assessment(result.assessment_id)
    if assessment.status == Assessment.Status.DRAFT:
        raise ApplicationError(NOT_PUBLISHED)
    if assessment.status == Assessment.Status.SUPERSEDED:
        newest = (
            Assessment.objects.filter(plan_id=assessment.plan_id, start=assessment.start, end=assessment.end)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        raise Conflict(SUPERSEDED % {"version": newest})
    days = appeal_days_of(assessment)
    ends = appeal_window_ends(assessment=assessment, days=days)
    if ends is None:
        raise ApplicationError(NO_APPEALS)
    if (today or timezone.localdate()) > ends:
        raise ApplicationError(WINDOW_CLOSED % {"date": date_format(ends), "days": days})
    result = (
        AssessmentResult.objects.select_related("department").prefetch_related("scores").get(pk=result.pk)
    )
    lines = appeal_lines(result=result)
    if kind not in lines:
        raise ApplicationError(NO_SUCH_LINE, field="kind")
    reasons = _text(
        reasons, field="reasons", label=_("申诉理由"), empty=NO_REASONS, too_long=REASONS_TOO_LONG, limit=3000
    )
    if requested_score is not None:
        maximum = line_maximum(assessment=assessment, result=result, kind=kind)
        if not Decimal(0) <= requested_score <= maximum:
            raise ApplicationError(REQUESTED_RANGE % {"maximum": fmt(maximum)}, field="requested_score")
    if Appeal.objects.filter(result=result, kind=kind, status=Appeal.Status.PENDING).exists():
        raise Conflict(PENDING_ON_LINE % {"line": lines[kind]}, field="kind")
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ApplicationError(TOO_MANY_FILES % {"limit": MAX_FILES}, field="files")
    # Every file is checked before anything is written: one refused file saves nothing.
    checked = []
    for upload in files:
        try:
            checked.append(upload_check(upload, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES))
        except ApplicationError as exc:
            raise ApplicationError(BAD_FILE % {"error": exc.message}, field="files") from exc
    appeal = Appeal.objects.create(
        assessment=assessment,
        result=result,
        kind=kind,
        reasons=reasons,
        requested_score=requested_score,
        submitted_by=actor,
    )
    for upload in checked:
        record = AppealFile(appeal=appeal, original_name=upload.name, size=upload.size, sha256=upload.sha256)
        record.file.save(upload.storage_name, upload.file, save=False)
        record.save()
    values = {"department": result.department, "assessment": assessment, "line": lines[kind]}
    audit_record(
        actor=actor,
        action="assessment.appeal_submit",
        obj=appeal,
        jurisdiction=assessment.plan.jurisdiction,
        summary=_("%(department)s对%(assessment)s“%(line)s”提出申诉") % values,
        after={
            "kind": kind,
            "requested_score": None if requested_score is None else str(requested_score),
            "files": [f.name for f in checked],
        },
    )
    _notify_after_commit(
        appeal,
        assessment=assessment,
        roles=Role.office_roles(),
        title=_("%(department)s对%(assessment)s“%(line)s”提出申诉，请处理") % values,
    )
    return appeal


# Deciding ---------------------------------------------------------------------------------------


def _lock_for_decision(appeal: Appeal) -> tuple[Assessment, Appeal]:
    """The appeal's assessment row, then the appeal, locked in the order submissions take: an
    appeal moved to a newer version meanwhile is followed there."""
    for _attempt in range(3):
        assessment_id = Appeal.objects.values_list("assessment_id", flat=True).get(pk=appeal.pk)
        assessment = _lock_assessment(assessment_id)
        locked = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("result__department", "submitted_by")
            .get(pk=appeal.pk)
        )
        if locked.assessment_id == assessment.pk:
            return assessment, locked
    raise Conflict(NOT_CURRENT)


def _require_pending(appeal: Appeal) -> None:
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(DECIDED_TWICE % {"status": appeal.get_status_display()})


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor, decision: str, decided_score: Decimal | None) -> Assessment:
    """The office of the plan's jurisdiction accepts a pending appeal with a reason and the line's
    new score: the current version is kept as superseded and the result re-issued, published,
    as the next version with the change, re-ranked, its files rendered again."""
    assessment, appeal = _lock_for_decision(appeal)
    plan_check_office(plan=assessment.plan, user=actor)
    _require_pending(appeal)
    decision = _decision_text(decision)
    if assessment.status != Assessment.Status.PUBLISHED:
        raise Conflict(NOT_CURRENT)
    result = AssessmentResult.objects.prefetch_related("scores").get(pk=appeal.result_id)
    if appeal.kind not in appeal_lines(result=result):
        raise ApplicationError(NO_SUCH_LINE)
    before = line_value(result=result, kind=appeal.kind)
    if decided_score is None:
        raise ApplicationError(NO_DECIDED_SCORE, field="decided_score")
    maximum = line_maximum(assessment=assessment, result=result, kind=appeal.kind)
    if not Decimal(0) <= decided_score <= maximum:
        raise ApplicationError(DECIDED_RANGE % {"maximum": fmt(maximum)}, field="decided_score")
    if decided_score == before:
        raise ApplicationError(DECIDED_SAME % {"score": fmt(before)}, field="decided_score")
    now = timezone.now()
    reissued = _reissue(
        old=assessment, appeal=appeal, decided_score=decided_score, decision=decision, actor=actor, now=now
    )
    appeal.status, appeal.decision, appeal.decided_score = Appeal.Status.ACCEPTED, decision, decided_score
    appeal.decided_by, appeal.decided_at, appeal.reissued_as = actor, now, reissued
    appeal.save(
        update_fields=["status", "decision", "decided_score", "decided_by", "decided_at", "reissued_as"]
    )
    moved = _move_pending(old=assessment, new=reissued)
    label = line_label(appeal.kind)
    audit_record(
        actor=actor,
        action="assessment.appeal_accept",
        obj=appeal,
        jurisdiction=assessment.plan.jurisdiction,
        summary=_(
            "采纳%(department)s对“%(line)s”的申诉：%(before)s分调整为%(after)s分，重新发布为第%(version)s版"
        )
        % {
            "department": appeal.result.department,
            "line": label,
            "before": fmt(before),
            "after": fmt(decided_score),
            "version": reissued.version,
        },
        before={"assessment": assessment.pk, "version": assessment.version, "score": str(before)},
        after={
            "assessment": reissued.pk,
            "version": reissued.version,
            "score": str(decided_score),
            "decision": decision[:500],
            "moved_appeals": moved,
        },
    )
    from .tasks import render_assessment_files

    transaction.on_commit(lambda: render_assessment_files.delay(reissued.pk))
    _notify_after_commit(
        appeal,
        assessment=assessment,
        roles=Role.department_roles(),
        title=_("您对%(assessment)s“%(line)s”的申诉已采纳，考核结果已重新发布")
        % {"assessment": assessment, "line": label},
        body=decision,
    )
    return reissued


@transaction.atomic
def appeal_reject(*, appeal: Appeal, actor, decision: str) -> Appeal:
    """The office of the plan's jurisdiction rejects a pending appeal with a reason; the result
    stands."""
    assessment, appeal = _lock_for_decision(appeal)
    plan_check_office(plan=assessment.plan, user=actor)
    _require_pending(appeal)
    decision = _decision_text(decision)
    appeal.status, appeal.decision = Appeal.Status.REJECTED, decision
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    label = line_label(appeal.kind)
    audit_record(
        actor=actor,
        action="assessment.appeal_reject",
        obj=appeal,
        jurisdiction=assessment.plan.jurisdiction,
        summary=_("不予采纳%(department)s对“%(line)s”的申诉")
        % {"department": appeal.result.department, "line": label},
        after={"decision": decision[:500]},
    )
    _notify_after_commit(
        appeal,
        assessment=assessment,
        roles=Role.department_roles(),
        title=_("您对%(assessment)s“%(line)s”的申诉未予采纳") % {"assessment": assessment, "line": label},
        body=decision,
    )
    return appeal


# Re-issuing -------------------------------------------------------------------------------------

# Never copied to the new version: its identity, state and files (rendered anew; the old
# version keeps its own).
_NOT_COPIED = {"id", "status", "version", "supersedes", "published_at", "published_by", "xlsx", "pdf", "docx"}


def _copy(obj: Model, *, skip: set[str], **values) -> Model:
    """A new, unsaved row with obj's values, but for the fields skipped and those given."""
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}
    fields.update(values)
    return type(obj)(**{k: v for k, v in fields.items() if k != "id"})


def _reissue(
    *, old: Assessment, appeal: Appeal, decided_score: Decimal, decision: str, actor, now
) -> Assessment:
    """The old version superseded; the next one published with every result copied, the appealed
    line changed with its reason, and everything ranked again."""
    old.status = Assessment.Status.SUPERSEDED
    old.save(update_fields=["status"])  # first: one published version per period
    new = _copy(
        old,
        skip=_NOT_COPIED,
        status=Assessment.Status.PUBLISHED,
        version=old.version + 1,
        supersedes_id=old.pk,
        published_at=now,
        published_by_id=getattr(actor, "pk", None),
    )
    new.save()
    reason = (_("申诉采纳：%(decision)s") % {"decision": decision})[:500]
    olds = list(old.results.prefetch_related("scores").order_by("pk"))
    results = []
    for result in olds:
        copy = _copy(result, skip={"id", "assessment"}, assessment=new)
        if result.pk == appeal.result_id and appeal.kind in ADJUSTMENT_LINES:
            copy.adjustments = _adjusted(
                result.adjustments, kind=appeal.kind, points=decided_score, reason=reason, now=now
            )
        results.append(copy)
    AssessmentResult.objects.bulk_create(results)
    scores = []
    for result, copy in zip(olds, results, strict=True):
        for score in result.scores.all():
            row = _copy(score, skip={"id", "result"}, result=copy)
            if result.pk == appeal.result_id and score.kind == appeal.kind:
                row.final, row.final_reason = decided_score, reason
            scores.append(row)
    CriterionScore.objects.bulk_create(scores)
    results_rank(assessment=new)
    return new


def _adjusted(adjustments: list[dict], *, kind: str, points: Decimal, reason: str, now) -> list[dict]:
    """The items of a result with those of one kind replaced by one item of the decided points,
    carrying the decision as its reason (the old version keeps the items it replaced)."""
    kept = [a for a in adjustments or [] if a.get("kind") != kind]
    day = timezone.localtime(now).date().isoformat()
    return [*kept, {"kind": kind, "points": str(points), "reason": reason, "date": day, "appeal": True}]


def _move_pending(*, old: Assessment, new: Assessment) -> list[int]:
    """Other appeals still pending on the old version are decided on the new one: each follows
    its department's result there."""
    pending = list(
        Appeal.objects.filter(assessment=old, status=Appeal.Status.PENDING).select_related("result")
    )
    if not pending:
        return []
    by_department = dict(new.results.values_list("department_id", "pk"))
    for appeal in pending:
        appeal.assessment, appeal.result_id = new, by_department[appeal.result.department_id]
    Appeal.objects.bulk_update(pending, ["assessment", "result"])
    return [a.pk for a in pending]


# Telling the people concerned -------------------------------------------------------------------


def _notify_after_commit(
    appeal: Appeal, *, assessment: Assessment, roles: set[str], title: str, body: str = ""
) -> None:
    """The office hears of a new appeal; the department's liaisons and heads of the decision."""
    url = reverse("assessment:appeal_detail", args=[appeal.pk])
    department_roles = roles & Role.department_roles()
    office_roles = roles & Role.office_roles()
    jurisdiction_id = assessment.plan.jurisdiction_id

    def send():
        memberships = Membership.objects.filter(is_active=True, user__is_active=True).select_related("user")
        users = {
            m.user
            for m in memberships.filter(department_id=appeal.result.department_id, role__in=department_roles)
        } | {m.user for m in memberships.filter(jurisdiction_id=jurisdiction_id, role__in=office_roles)}
        notify(
            users=sorted(users, key=lambda u: u.pk),
            kind="assessment.appeal",
            title=title[:200],
            body=body,
            url=url,
            jurisdiction=jurisdiction_id,
        )

    transaction.on_commit(send)


# Reading a file -----------------------------------------------------------------------------------


def appeal_file_open(*, record: AppealFile, actor):
    """An appeal's file opened for download (after the access check); every download is in the
    audit trail. A file missing from storage is a 404 with a message."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise ApplicationError(_("申诉材料：文件不存在"), status=404) from exc
    audit_record(
        actor=actor,
        action="assessment.appeal_file_download",
        obj=record,
        jurisdiction=record.appeal.assessment.plan.jurisdiction,
        summary=_("下载申诉材料 %(name)s") % {"name": record.original_name},
    )
    return handle


def appeal_file_content_type(record: AppealFile) -> str:
    """The type the file was proved to be (its stored extension is the one its content showed)."""
    extension = record.file.name.rsplit(".", 1)[-1].lower()
    kind = next((k for k, names in EXTENSIONS.items() if extension in names), None)
    return CONTENT_TYPES.get(kind, "application/octet-stream")
