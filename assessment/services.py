"""Writes of the assessment: the scheme, bonus/penalty/veto items, self-assessments, compile
jobs, final scores and publication. Each runs in a transaction, takes the acting user and writes
the audit trail; Celery work is queued after the commit."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    require_final_result,
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

logger = logging.getLogger(__name__)

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
    subject: str | None = None,
) -> AssessmentScheme:
    """The office sets the weights (adding up to 100), the A > B > C thresholds, the bonus cap,
    the month the assessment year starts and what is assessed (its departments, or its
    subordinate jurisdictions on the tasks delegated to them); no subject keeps the current one."""
    plan_check_office(plan=plan, user=actor)
    if subject is not None and subject not in AssessmentScheme.Subject.values:
        raise ApplicationError(_("考核对象：请选择“本级成员单位”或“下级行政区”"), field="subject")
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
        "subject": scheme.subject,
    }
    scheme.grade_a, scheme.grade_b, scheme.grade_c = grade_a, grade_b, grade_c
    scheme.bonus_cap, scheme.year_start_month = bonus_cap, year_start_month
    scheme.subject = subject or scheme.subject
    scheme.save(
        update_fields=[
            "grade_a",
            "grade_b",
            "grade_c",
            "bonus_cap",
            "year_start_month",
            "subject",
            "updated_at",
        ]
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
        after={
            "weights": {k: str(v) for k, v in weights.items()},
            "grade_a": str(grade_a),
            "subject": scheme.subject,
        },
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
#
# A job is a row (AssessmentRun) and a Celery message. The message may be delivered twice (a
# broker redelivers what a dead worker never acknowledged), and a worker may die mid-compile, so
# an attempt owns its job only while the row says RUNNING with its attempt number, and it shows
# it is alive by writing heartbeat_at. A job silent for longer than the window is taken back by
# whoever notices first (the next compile request, the job's page, the beat task), each through
# a conditional UPDATE, so two parties noticing the same silence act once.

RUN_MAX_ATTEMPTS = 3  # a job whose worker died this many times is failed rather than queued again
RUN_HEARTBEATS_PER_WINDOW = 6  # how often an attempt writes its heartbeat within the window
# What the office reads when a compile failed for a reason of the system, not of its data; the
# exception itself is in the worker's log.
RUN_ERROR = gettext_lazy("计算出错，详细原因已记入系统日志。请稍后重新发起计算；如仍出错，请联系系统管理员。")


class RunLost(Exception):
    """This attempt no longer owns its job: it was found silent and queued again or failed."""


def run_stale_window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ASSESSMENT_RUN_STALE_SECONDS)


def _silent_since(cutoff: dt.datetime) -> Q:
    """Jobs whose last sign of life (the heartbeat, else the start, else the request) is older
    than the cutoff."""
    return (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )


def run_is_stale(run: AssessmentRun, *, now: dt.datetime | None = None) -> bool:
    """A queued or running job not heard from within the window: its worker died, or the message
    was lost."""
    if not run.is_active:
        return False
    last = run.heartbeat_at or run.started_at or run.created_at
    return last < (now or timezone.now()) - run_stale_window()


def run_window_text() -> str:
    """The window in words: 2分钟, or 90秒."""
    seconds = settings.ASSESSMENT_RUN_STALE_SECONDS
    if seconds % 60 == 0:
        return _("%(count)s分钟") % {"count": seconds // 60}
    return _("%(count)s秒") % {"count": seconds}


def _given_up_message() -> str:
    return _("计算进程多次中断（已尝试%(count)s次），已停止重试，请重新发起计算") % {
        "count": RUN_MAX_ATTEMPTS
    }


def _stale_message(status: str) -> str:
    """What the office reads about a job found silent, queued again."""
    if status == AssessmentRun.Status.PENDING:
        return _("计算任务超过%(window)s未开始，已重新排队") % {"window": run_window_text()}
    return _("计算进程已中断（超过%(window)s未响应），已重新排队") % {"window": run_window_text()}


def _run_stale_fail(*, run: AssessmentRun, actor, now: dt.datetime) -> bool:
    """A compile request finding the period's job silent fails it (once, whoever else noticed)
    before queueing a new one."""
    message = _stale_message(run.status)
    failed = (
        AssessmentRun.objects.filter(pk=run.pk, status__in=AssessmentRun.ACTIVE)
        .filter(_silent_since(now - run_stale_window()))
        .update(status=AssessmentRun.Status.FAILED, stage=_("已中断"), error=message, finished_at=now)
    )
    if failed:
        logger.warning("assessment run %s was silent past the window: failed, a new one queued", run.pk)
        audit_record(
            actor=actor,
            action="assessment.run_stale",
            obj=run,
            jurisdiction=run.plan.jurisdiction,
            summary=message,
        )
    return bool(failed)


@transaction.atomic
def assessment_run_request(*, plan: Plan, period: AssessmentPeriod, actor=None) -> AssessmentRun:
    """A compile is one job per plan and period at a time: asking again while one is queued or
    running returns that one, unless it has been silent past the window (its worker died), when
    it is failed and a new one queued; a published period refuses."""
    if actor is not None:
        plan_check_office(plan=plan, user=actor)
    require_plan_in_force(plan=plan)
    require_period_open(plan=plan, period=period)
    now = timezone.now()
    active = AssessmentRun.objects.filter(
        plan=plan, start=period.start, end=period.end, status__in=AssessmentRun.ACTIVE
    )
    for silent in active.filter(_silent_since(now - run_stale_window())).select_related("plan__jurisdiction"):
        _run_stale_fail(run=silent, actor=actor, now=now)
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
        _queue_run(run.pk)
    return run


def _queue_run(run_id: int) -> None:
    from .tasks import compile_assessment

    transaction.on_commit(lambda: compile_assessment.delay(run_id))


def assessment_run_recover(*, run_id: int, now: dt.datetime | None = None) -> bool:
    """A job silent past the window is queued again while it has attempts left, else failed;
    whoever notices first (its page, the beat task) acts, once. Returns whether it acted."""
    now = now or timezone.now()
    stale = AssessmentRun.objects.filter(pk=run_id, status__in=AssessmentRun.ACTIVE).filter(
        _silent_since(now - run_stale_window())
    )
    with transaction.atomic():
        given_up = _given_up_message()
        if stale.filter(attempts__gte=RUN_MAX_ATTEMPTS).update(
            status=AssessmentRun.Status.FAILED, stage=_("已中断"), error=given_up, finished_at=now
        ):
            summary = given_up
        else:
            for status in AssessmentRun.ACTIVE:
                summary = _stale_message(status)
                if stale.filter(status=status, attempts__lt=RUN_MAX_ATTEMPTS).update(
                    status=AssessmentRun.Status.PENDING, progress=0, stage=summary, heartbeat_at=now
                ):
                    _queue_run(run_id)
                    break
            else:
                return False
        run = AssessmentRun.objects.select_related("plan__jurisdiction").get(pk=run_id)
        logger.warning("assessment run %s was silent past the window: %s", run_id, run.status)
        audit_record(
            actor=None,
            action="assessment.run_stale",
            obj=run,
            jurisdiction=run.plan.jurisdiction,
            summary=summary,
        )
    return True


def assessment_runs_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Every job silent past the window is queued again or failed (the beat task, each minute)."""
    now = now or timezone.now()
    silent = AssessmentRun.objects.filter(status__in=AssessmentRun.ACTIVE).filter(
        _silent_since(now - run_stale_window())
    )
    return [pk for pk in silent.values_list("pk", flat=True) if assessment_run_recover(run_id=pk, now=now)]


def _run_claim(*, run_id: int) -> int | None:
    """An attempt takes up a queued job, or a running one silent past the window (its worker
    died); a job running elsewhere or finished is left alone. Returns the attempt's number."""
    now = timezone.now()
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not run.is_active:
            return None
        if run.status == AssessmentRun.Status.RUNNING:
            if not run_is_stale(run, now=now):
                logger.info("assessment run %s is running elsewhere: delivery left alone", run_id)
                return None
            if run.attempts >= RUN_MAX_ATTEMPTS:
                assessment_run_fail(run_id=run_id, error=_given_up_message())
                return None
            logger.warning("assessment run %s was silent past the window: taken up again", run_id)
        run.status, run.attempts = AssessmentRun.Status.RUNNING, run.attempts + 1
        run.started_at = run.heartbeat_at = now
        run.progress, run.error, run.finished_at = 0, "", None
        run.stage = (
            _("开始计算")
            if run.attempts == 1
            else _("重新开始计算（第%(count)s次）") % {"count": run.attempts}
        )
        run.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "heartbeat_at",
                "progress",
                "stage",
                "error",
                "finished_at",
            ]
        )
        return run.attempts


class _Heartbeat:
    """An attempt's sign of life: each progress report, and a beat from a thread several times a
    window while the compile runs (one step, the PDF say, may report nothing for a while). Once
    the job is no longer this attempt's, the next progress report stops the compile, before it
    writes anything."""

    def __init__(self, *, run_id: int, attempt: int):
        self.run_id, self.attempt, self.lost = run_id, attempt, False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _touch(self, **fields) -> bool:
        return (
            AssessmentRun.objects.filter(
                pk=self.run_id, status=AssessmentRun.Status.RUNNING, attempts=self.attempt
            ).update(heartbeat_at=timezone.now(), **fields)
            == 1
        )

    def progress(self, percent: int, stage: str) -> None:
        if self.lost or not self._touch(progress=percent, stage=stage):
            self.lost = True
            raise RunLost

    def _beat(self) -> None:
        interval = settings.ASSESSMENT_RUN_STALE_SECONDS / RUN_HEARTBEATS_PER_WINDOW
        try:
            while not self._stop.wait(interval):
                try:
                    if not self._touch():
                        self.lost = True
                        return
                except DatabaseError:
                    logger.warning("assessment run %s: heartbeat not written", self.run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    def __enter__(self):
        # Inside a caller's transaction (a test's) the thread could neither see the job nor
        # pass its locks; SQLite writes one at a time, and there the job runs in the request.
        if not connection.in_atomic_block and connection.vendor != "sqlite":
            self._thread = threading.Thread(
                target=self._beat, name=f"assessment-run-{self.run_id}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> bool:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        return False


def _run_release(*, run_id: int, attempt: int) -> None:
    """A lost database connection: the job goes back to the queue for Celery's retry to take up
    (if the database is unreachable even for this, the job falls silent and is noticed)."""
    try:
        AssessmentRun.objects.filter(pk=run_id, status=AssessmentRun.Status.RUNNING, attempts=attempt).update(
            status=AssessmentRun.Status.PENDING, stage=_("数据库连接中断，稍后自动重试")
        )
    except DatabaseError:
        logger.warning("assessment run %s: not released after a database error", run_id, exc_info=True)


def assessment_run_execute(*, run_id: int) -> AssessmentRun | None:
    """Runs a compile job, safe under duplicate delivery: a job running elsewhere (its heartbeat
    fresh) or finished is left alone, and one whose worker died is taken up again from the start
    (the result is written in one transaction); the office reads why it failed in plain words."""
    attempt = _run_claim(run_id=run_id)
    if attempt is None:
        return AssessmentRun.objects.filter(pk=run_id).first()  # gone with its plan, or left alone
    run = AssessmentRun.objects.select_related("plan", "requested_by").get(pk=run_id)
    period = AssessmentPeriod(run.kind, run.start, run.end)
    try:
        with _Heartbeat(run_id=run_id, attempt=attempt) as heartbeat:
            assessment = assessment_compile(
                plan=run.plan, period=period, actor=run.requested_by, progress=heartbeat.progress
            )
            heartbeat.progress(85, _("生成 Excel、PDF、Word 文件"))
            from .exporters import assessment_files_render

            assessment_files_render(assessment=assessment)
    except RunLost:
        logger.warning(
            "assessment run %s attempt %s: the job was taken back, attempt stopped", run_id, attempt
        )
        return AssessmentRun.objects.get(pk=run_id)
    except ApplicationError as exc:
        return assessment_run_fail(run_id=run_id, attempt=attempt, error=str(exc.message))
    except (OperationalError, InterfaceError):
        _run_release(run_id=run_id, attempt=attempt)
        raise  # Celery retries it with backoff
    except Exception:
        logger.exception("assessment run %s attempt %s failed", run_id, attempt)
        return assessment_run_fail(run_id=run_id, attempt=attempt, error=RUN_ERROR)
    return assessment_run_succeed(run_id=run_id, attempt=attempt, assessment=assessment)


@transaction.atomic
def assessment_run_succeed(*, run_id: int, attempt: int, assessment: Assessment) -> AssessmentRun:
    """The success hook: the job points at its result and carries no error; an attempt that no
    longer owns its job changes nothing."""
    # The draft is locked so nothing deletes it before this commits; a later compile of the
    # period may already have replaced it, and the job then points at the draft that did.
    current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if current is None:
        current = Assessment.objects.filter(
            plan_id=assessment.plan_id,
            start=assessment.start,
            end=assessment.end,
            status=Assessment.Status.DRAFT,
        ).first()
    now = timezone.now()
    AssessmentRun.objects.filter(pk=run_id, status=AssessmentRun.Status.RUNNING, attempts=attempt).update(
        status=AssessmentRun.Status.SUCCESS,
        progress=100,
        stage=_("已完成"),
        error="",
        assessment=current,
        finished_at=now,
        heartbeat_at=now,
    )
    return AssessmentRun.objects.get(pk=run_id)


@transaction.atomic
def assessment_run_fail(*, run_id: int, error: str, attempt: int | None = None) -> AssessmentRun | None:
    """The failure hook: the job says why, in words the office can act on; a finished job, or
    one another attempt is running (the given attempt's, or with a fresh heartbeat), is left."""
    owned = AssessmentRun.objects.filter(pk=run_id, status__in=AssessmentRun.ACTIVE)
    if attempt is not None:
        owned = owned.filter(status=AssessmentRun.Status.RUNNING, attempts=attempt)
    else:
        fresh = timezone.now() - run_stale_window()
        owned = owned.exclude(status=AssessmentRun.Status.RUNNING, heartbeat_at__gte=fresh)
    owned.update(
        status=AssessmentRun.Status.FAILED,
        stage=_("失败"),
        error=str(error)[:2000],
        finished_at=timezone.now(),
    )
    return AssessmentRun.objects.filter(pk=run_id).first()


# Final scores and publication ------------------------------------------------------------------


def _require_draft(assessment: Assessment) -> None:
    """Only a draft changes: a published version never does, nor one an appeal superseded."""
    if assessment.status == Assessment.Status.SUPERSEDED:
        raise AssessmentFrozen(_("这是已被新版本取代的考核结果，不能修改"))
    if assessment.status != Assessment.Status.DRAFT:
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
    if final is not None and not score.applies:
        raise ApplicationError(
            _("%(department)s“%(criterion)s”本期不适用（不计分），不能认定得分") % label, field="final"
        )
    # The criterion's weight as rescaled for this unit (criteria that do not apply drop out).
    weight = score.weight if score.effective_weight is None else score.effective_weight
    if final is not None:
        if not Decimal(0) <= final <= weight:
            raise ApplicationError(
                _("%(department)s“%(criterion)s”认定得分应在0到%(weight)s分之间")
                % {**label, "weight": fmt(weight)},
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
    require_final_result(assessment=assessment)
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
