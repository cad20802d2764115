"""Writes of the assessment: the scheme, bonus/penalty/veto items, self-assessments, compile
jobs, final scores and publication. Each runs in a transaction, takes the acting user and writes
the audit trail; Celery work is queued after the commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Plan
from qualitycity.errors import ApplicationError, Conflict
from qualitycity.formats import decimal_text as fmt
from qualitycity.storage import file_replace
from qualitycity.uploads import EVIDENCE_KINDS, EVIDENCE_MAX_BYTES, upload_check
from responsibilities.models import Department
from responsibilities.services import audit_record

from .access import department_check_member, plan_check_office
from .compile import (
    AssessmentFrozen,
    assessment_compile,
    require_period_open,
    require_plan_in_force,
    results_rank,
    scheme_ensure,
)
from .models import (
    Assessment,
    AssessmentItem,
    AssessmentRun,
    AssessmentScheme,
    CriterionKind,
    CriterionScore,
    SelfAssessment,
    SelfScore,
)
from .periods import AssessmentPeriod

# Scheme and items ------------------------------------------------------------------------------


@transaction.atomic
def scheme_update(
    *,
    plan: Plan,
    actor,
    weights: dict[str, Decimal],
    grade_a: Decimal,
    grade_b: Decimal,
    grade_c: Decimal,
    bonus_cap: Decimal,
    year_start_month: int,
) -> AssessmentScheme:
    """The office sets the weights (adding up to 100), the A > B > C thresholds, the bonus cap and
    the month the assessment year starts."""
    plan_check_office(plan=plan, user=actor)
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise ApplicationError(_("各项分值合计应为100分，现为%(total)s分") % {"total": total})
    if any(w < 0 for w in weights.values()):
        raise ApplicationError(_("分值不能为负数"))
    if not grade_a > grade_b > grade_c >= 0:
        raise ApplicationError(_("等次分数线应满足：优秀 > 良好 > 合格 ≥ 0"))
    if not 1 <= year_start_month <= 12:
        raise ApplicationError(_("考核年度起始月应为1到12"), field="year_start_month")
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme_ensure(plan=plan).pk)
    before = {
        "weights": {c.kind: str(c.weight) for c in scheme.criteria.all()},
        "grade_a": str(scheme.grade_a),
    }
    scheme.grade_a, scheme.grade_b, scheme.grade_c = grade_a, grade_b, grade_c
    scheme.bonus_cap, scheme.year_start_month = bonus_cap, year_start_month
    scheme.save(
        update_fields=["grade_a", "grade_b", "grade_c", "bonus_cap", "year_start_month", "updated_at"]
    )
    for position, kind in enumerate(CriterionKind.values):
        scheme.criteria.update_or_create(
            kind=kind, defaults={"weight": weights.get(kind, Decimal(0)), "position": position}
        )
    audit_record(
        actor=actor,
        action="assessment.scheme",
        obj=scheme,
        jurisdiction=plan.jurisdiction,
        summary=_("修改%(plan)s考核方案") % {"plan": plan},
        before=before,
        after={"weights": {k: str(v) for k, v in weights.items()}, "grade_a": str(grade_a)},
    )
    return scheme


@transaction.atomic
def item_add(
    *,
    plan: Plan,
    department: Department,
    actor,
    kind: str,
    points: Decimal,
    reason: str,
    occurred_on: dt.date,
) -> AssessmentItem:
    """A bonus, penalty or veto item needs a reason; bonus and penalty points are above 0."""
    plan_check_office(plan=plan, user=actor)
    if department.jurisdiction_id != plan.jurisdiction_id:
        raise ApplicationError(_("部门不属于该方案所在行政区"), field="department")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写加减分或否决的事由"), field="reason")
    if kind not in AssessmentItem.Kind.values:
        raise ApplicationError(_("类型无效"), field="kind")
    if kind == AssessmentItem.Kind.VETO:
        points = Decimal(0)
    elif not Decimal(0) < points <= 100:
        raise ApplicationError(_("分值应大于0且不超过100"), field="points")
    item = AssessmentItem.objects.create(
        plan=plan,
        department=department,
        kind=kind,
        points=points,
        reason=reason[:300],
        occurred_on=occurred_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.item_add",
        obj=item,
        jurisdiction=plan.jurisdiction,
        summary=_item_summary(item),
    )
    return item


@transaction.atomic
def item_remove(*, item: AssessmentItem, actor) -> None:
    """The office may withdraw an item; published assessments keep the copy they were compiled with."""
    plan_check_office(plan=item.plan, user=actor)
    audit_record(
        actor=actor,
        action="assessment.item_remove",
        obj=item,
        jurisdiction=item.plan.jurisdiction,
        summary=_("撤销%(item)s") % {"item": item},
    )
    item.delete()


def _item_summary(item: AssessmentItem) -> str:
    """The audit line of an item: 某局加分 2分：获省长质量奖, or 某局一票否决：事由."""
    values = {"department": item.department, "kind": item.get_kind_display(), "reason": item.reason[:100]}
    if item.kind == AssessmentItem.Kind.VETO:
        return _("%(department)s%(kind)s：%(reason)s") % values
    return _("%(department)s%(kind)s %(points)s分：%(reason)s") % {**values, "points": item.points}


# Self-assessment -------------------------------------------------------------------------------


@transaction.atomic
def self_assessment_submit(
    *,
    plan: Plan,
    department: Department,
    period: AssessmentPeriod,
    actor,
    scores: dict[str, dict],
) -> SelfAssessment:
    """A department's liaison or head submits a score per criterion (0 to its weight) with a
    short justification and a checked evidence file; submitting again replaces them (and the
    replaced file) until the period's assessment is published."""
    department_check_member(department=department, user=actor)
    if not scores:
        raise ApplicationError(_("请至少填写一项自评分"))
    require_period_open(plan=plan, period=period, message=_("该期考核结果已发布，不能再提交自评"))
    weights = {c.kind: c.weight for c in scheme_ensure(plan=plan).criteria.all()}
    for kind, data in scores.items():
        if kind not in weights:
            raise ApplicationError(_("考核内容无效"))
        if not Decimal(0) <= data["score"] <= weights[kind]:
            raise ApplicationError(
                _("“%(criterion)s”自评分应在0到%(weight)s分之间")
                % {"criterion": CriterionKind(kind).label, "weight": fmt(weights[kind])},
                field=f"score-{kind}",
            )
    # Every file is checked before anything is written: one refused file saves nothing.
    files = {
        kind: upload_check(
            data["evidence"], allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES, field=f"evidence-{kind}"
        )
        for kind, data in scores.items()
        if data.get("evidence")
    }
    record, _created = SelfAssessment.objects.select_for_update().get_or_create(
        plan=plan, department=department, start=period.start, end=period.end
    )
    record.submitted_at, record.submitted_by = timezone.now(), actor
    record.save(update_fields=["submitted_at", "submitted_by"])
    for kind, data in scores.items():
        row, _created = SelfScore.objects.update_or_create(
            self_assessment=record,
            kind=kind,
            defaults={"score": data["score"], "justification": (data.get("justification") or "")[:500]},
        )
        if kind in files:
            # The file it replaces is deleted from storage once this commits.
            file_replace(row.evidence, name=files[kind].storage_name, content=files[kind].file)
    # A draft already compiled shows the self-scores at once, without a re-run.
    for kind, data in scores.items():
        CriterionScore.objects.filter(
            result__assessment__plan=plan,
            result__assessment__start=period.start,
            result__assessment__end=period.end,
            result__assessment__status=Assessment.Status.DRAFT,
            result__department=department,
            kind=kind,
        ).update(self_score=data["score"], self_justification=(data.get("justification") or "")[:500])
    audit_record(
        actor=actor,
        action="assessment.self_submit",
        obj=record,
        jurisdiction=plan.jurisdiction,
        summary=_("%(department)s提交%(period)s自评") % {"department": department, "period": period.label},
        after={k: str(v["score"]) for k, v in scores.items()},
    )
    return record


# Compile jobs ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_run_request(*, plan: Plan, period: AssessmentPeriod, actor=None) -> AssessmentRun:
    """A compile is one job per plan and period at a time: asking again while one is queued or
    running returns that one; a published period refuses."""
    if actor is not None:
        plan_check_office(plan=plan, user=actor)
    require_plan_in_force(plan=plan)
    require_period_open(plan=plan, period=period)
    run, created = AssessmentRun.objects.get_or_create(
        plan=plan,
        start=period.start,
        end=period.end,
        status__in=AssessmentRun.ACTIVE,
        defaults={
            "kind": period.kind,
            "status": AssessmentRun.Status.PENDING,
            "requested_by": actor if getattr(actor, "is_authenticated", False) else None,
            "stage": _("排队中"),
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="assessment.run",
            obj=run,
            jurisdiction=plan.jurisdiction,
            summary=_("发起%(plan)s%(period)s考核计算") % {"plan": plan, "period": period.label},
        )
        from .tasks import compile_assessment

        transaction.on_commit(lambda: compile_assessment.delay(run.pk))
    return run


def _progress(run_id: int):
    def report(percent: int, stage: str) -> None:
        AssessmentRun.objects.filter(pk=run_id).update(progress=percent, stage=stage)

    return report


def assessment_run_execute(*, run_id: int) -> AssessmentRun:
    """Runs a compile job; safe to run twice: a finished job is left alone, and a job whose
    worker died is taken up again from the start (the result is written in one transaction)."""
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().select_related("plan").get(pk=run_id)
        if not run.is_active:
            return run
        run.status = AssessmentRun.Status.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.progress, run.stage, run.error = 0, _("开始计算"), ""
        run.save(update_fields=["status", "attempts", "started_at", "progress", "stage", "error"])
    progress = _progress(run.pk)
    period = AssessmentPeriod(run.kind, run.start, run.end)
    try:
        assessment = assessment_compile(
            plan=run.plan, period=period, actor=run.requested_by, progress=progress
        )
    except ApplicationError as exc:
        return assessment_run_fail(run_id=run.pk, error=exc.message)
    progress(85, _("生成 Excel、PDF、Word 文件"))
    from .exporters import assessment_files_render

    assessment_files_render(assessment=assessment)
    return assessment_run_succeed(run_id=run.pk, assessment=assessment)


@transaction.atomic
def assessment_run_succeed(*, run_id: int, assessment: Assessment) -> AssessmentRun:
    """The success hook: the job points at its result."""
    run = AssessmentRun.objects.select_for_update().get(pk=run_id)
    run.status, run.progress, run.stage = AssessmentRun.Status.SUCCESS, 100, _("已完成")
    run.assessment, run.finished_at = assessment, timezone.now()
    run.save(update_fields=["status", "progress", "stage", "assessment", "finished_at"])
    return run


@transaction.atomic
def assessment_run_fail(*, run_id: int, error: str) -> AssessmentRun:
    """The failure hook: the job says why, in words the office can act on."""
    run = AssessmentRun.objects.select_for_update().get(pk=run_id)
    run.status, run.stage = AssessmentRun.Status.FAILED, _("失败")
    run.error, run.finished_at = str(error)[:2000], timezone.now()
    run.save(update_fields=["status", "stage", "error", "finished_at"])
    return run


# Final scores and publication ------------------------------------------------------------------


def _require_draft(assessment: Assessment) -> None:
    if assessment.is_published:
        raise AssessmentFrozen(_("考核结果已发布，不能修改"))


@transaction.atomic
def score_set_final(*, score: CriterionScore, actor, final: Decimal | None, reason: str) -> CriterionScore:
    """The office sets the final score of a criterion (0 to its weight); a reason is required
    where the final differs from the computed score or the department's self-score."""
    assessment = (
        Assessment.objects.select_for_update().select_related("plan").get(pk=score.result.assessment_id)
    )
    plan_check_office(plan=assessment.plan, user=actor)
    _require_draft(assessment)
    reason = (reason or "").strip()
    label = {"department": score.result.department, "criterion": score.get_kind_display()}
    if final is not None:
        if not Decimal(0) <= final <= score.weight:
            raise ApplicationError(
                _("%(department)s“%(criterion)s”认定得分应在0到%(weight)s分之间")
                % {**label, "weight": fmt(score.weight)},
                field="final",
            )
        differs = final != score.computed or (score.self_score is not None and final != score.self_score)
        if differs and not reason:
            raise ApplicationError(
                _("%(department)s“%(criterion)s”认定得分与计算得分或自评分不同，请填写理由") % label,
                field="reason",
            )
    before = {"final": None if score.final is None else str(score.final), "reason": score.final_reason}
    score.final, score.final_reason = final, reason[:500] if final is not None else ""
    score.save(update_fields=["final", "final_reason"])
    results_rank(assessment=assessment)
    audit_record(
        actor=actor,
        action="assessment.final",
        obj=assessment,
        jurisdiction=assessment.plan.jurisdiction,
        summary=(
            _("%(department)s“%(criterion)s”认定得分恢复为计算得分") % label
            if final is None
            else _("%(department)s“%(criterion)s”认定得分为%(final)s") % {**label, "final": final}
        ),
        before=before,
        after={"final": None if final is None else str(final), "reason": score.final_reason},
    )
    _queue_files(assessment)
    return score


@transaction.atomic
def assessment_publish(*, assessment: Assessment, actor) -> Assessment:
    """Publishing freezes the assessment: no re-run, no final score changes; departments then
    see the ranking."""
    assessment = Assessment.objects.select_for_update().select_related("plan").get(pk=assessment.pk)
    plan_check_office(plan=assessment.plan, user=actor)
    _require_draft(assessment)
    if AssessmentRun.objects.filter(
        plan=assessment.plan, start=assessment.start, end=assessment.end, status__in=AssessmentRun.ACTIVE
    ).exists():
        raise Conflict(_("该期考核正在重新计算，请完成后再发布"))
    assessment.status = Assessment.Status.PUBLISHED
    assessment.published_at, assessment.published_by = timezone.now(), actor
    assessment.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="assessment.publish",
        obj=assessment,
        jurisdiction=assessment.plan.jurisdiction,
        summary=_("发布%(assessment)s") % {"assessment": assessment},
    )
    # The files say 草稿 until published; they are rendered again once, as published.
    _queue_files(assessment)
    return assessment


def _queue_files(assessment: Assessment) -> None:
    from .tasks import render_assessment_files

    transaction.on_commit(lambda: render_assessment_files.delay(assessment.pk))


def assessment_file_open(*, assessment: Assessment, actor, extension: str):
    """An assessment's stored file, opened for download; every download is in the audit trail
    (the ranking names departments and their scores)."""
    from .exporters import CONTENT_TYPES

    if extension not in CONTENT_TYPES:
        raise ApplicationError(_("不支持的格式"), status=404)
    field = getattr(assessment, extension)
    if not field:
        raise ApplicationError(_("文件正在生成，请稍后再试"), status=404)
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise ApplicationError(_("文件不存在"), status=404) from exc
    audit_record(
        actor=actor,
        action="export.assessment",
        obj=assessment,
        jurisdiction=assessment.plan.jurisdiction,
        summary=_("下载%(assessment)s（%(format)s）") % {"assessment": assessment, "format": extension},
    )
    return handle
