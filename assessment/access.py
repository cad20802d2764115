"""Who may see and change the assessment: each function returns what the user may see (or
change) or raises Http404 (not theirs to know of) or PermissionDenied (theirs to see, not to do).

The office of a plan's jurisdiction runs, edits and publishes its assessment; its leaders read
everything; a department reads a published ranking and its own details and submits its own
self-assessment; anyone else gets 404. The scope is computed once, in user_scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.access import plan_get_for_user
from programmes.models import Plan
from responsibilities.models import Department, Membership
from responsibilities.selectors import user_scope

from .models import (
    Appeal,
    AppealFile,
    Assessment,
    AssessmentItem,
    AssessmentResult,
    AssessmentRun,
    CriterionScore,
)


def plan_check_office(*, plan: Plan, user) -> None:
    """Only the office of the plan's jurisdiction manages its assessment (services check it too)."""
    if not user_scope(user).is_office_of(plan.jurisdiction_id):
        raise PermissionDenied(_("只有质强办可以管理考核"))


def plan_get_for_overseer(*, user, pk: int) -> Plan:
    """A plan whose scheme the user reads: the office and leaders of its jurisdiction."""
    plan = plan_get_for_user(user=user, pk=pk)
    if not user_scope(user).oversees(plan.jurisdiction_id):
        raise PermissionDenied(_("只有质强办和领导可以查看考核方案"))
    return plan


def plan_get_rw_for_user(*, user, pk: int) -> Plan:
    """A plan whose assessment the user manages: the office of its jurisdiction."""
    plan = plan_get_for_user(user=user, pk=pk)
    plan_check_office(plan=plan, user=user)
    return plan


def item_get_rw_for_user(*, user, pk: int) -> AssessmentItem:
    """A bonus, penalty or veto item, for the office of its plan's jurisdiction to withdraw."""
    item = get_object_or_404(AssessmentItem.objects.select_related("plan__jurisdiction"), pk=pk)
    plan_get_rw_for_user(user=user, pk=item.plan_id)
    return item


def department_check_member(*, department: Department, user) -> None:
    """A department's self-assessment is submitted by its own people only."""
    if not Membership.objects.filter(user=user, department=department, is_active=True).exists():
        raise PermissionDenied(_("只能提交本部门的自评"))


def self_assessment_department_for_user(*, user, pk: int) -> tuple[Plan, Department]:
    """The plan and the user's department of its jurisdiction, for the self-assessment page:
    someone of no department there is refused."""
    plan = plan_get_for_user(user=user, pk=pk)
    scope = user_scope(user)
    department = (
        Department.objects.filter(pk__in=scope.department_ids, jurisdiction=plan.jurisdiction)
        .order_by("pk")
        .first()
    )
    if department is None:
        raise PermissionDenied(_("只有责任单位可以提交自评"))
    return plan, department


def assessment_get_for_user(*, user, pk: int) -> Assessment:
    """The office and leaders read every version; departments the published ones and the
    earlier versions an accepted appeal superseded, never a draft."""
    assessment = get_object_or_404(
        Assessment.objects.filter(plan__in=Plan.objects.for_user(user)).select_related("plan__jurisdiction"),
        pk=pk,
    )
    is_draft = assessment.status == Assessment.Status.DRAFT
    if is_draft and not user_scope(user).oversees(assessment.plan.jurisdiction_id):
        raise Http404(_("考核结果尚未发布"))
    return assessment


def assessment_get_rw_for_user(*, user, pk: int) -> Assessment:
    """An assessment the user may publish or set scores of: the office's, once it may read it."""
    assessment = assessment_get_for_user(user=user, pk=pk)
    plan_check_office(plan=assessment.plan, user=user)
    return assessment


def score_get_rw_for_user(*, user, pk: int) -> CriterionScore:
    """A criterion score whose final score the user may set: the office's, as its assessment."""
    score = get_object_or_404(CriterionScore.objects.select_related("result__assessment"), pk=pk)
    assessment_get_rw_for_user(user=user, pk=score.result.assessment_id)
    return score


def results_detailed_for_user(*, user, assessment: Assessment, results: list[AssessmentResult]):
    """The results whose details the user reads: all for the office and leaders, a
    department's own for its people."""
    if user_scope(user).oversees(assessment.plan.jurisdiction_id):
        return results
    mine = user_scope(user).department_ids
    return [r for r in results if r.department_id in mine]


def run_get_for_user(*, user, pk: int) -> AssessmentRun:
    """A compile job is followed by the office and leaders of its plan's jurisdiction."""
    run = get_object_or_404(AssessmentRun.objects.select_related("plan__jurisdiction", "assessment"), pk=pk)
    if not user_scope(user).oversees(run.plan.jurisdiction_id):
        raise Http404(_("没有这个计算任务"))
    return run


def may_manage(*, user, plan: Plan) -> bool:
    """Whether the page offers the office's buttons (the views check again on each POST)."""
    return user_scope(user).is_office_of(plan.jurisdiction_id)


def home_plans_for_user(*, user) -> tuple[list[Plan], list[Plan]]:
    """The active plans the user manages the assessment of (the office's), and those the user's
    department assesses itself on (all the user sees, for someone of a department)."""
    scope = user_scope(user)
    plans = list(Plan.objects.for_user(user).active().select_related("jurisdiction"))
    office_plans = [p for p in plans if scope.is_office_of(p.jurisdiction_id)]
    return office_plans, plans if scope.department_ids else []


# Appeals (申诉) ----------------------------------------------------------------------------------

APPEAL_OWN_DEPARTMENT = gettext_lazy("只有本单位的联络员或负责人可以对本单位的考核结果申诉")
APPEAL_FILES_READERS = gettext_lazy("申诉材料只有申诉单位和质强办可以下载")


def result_get_for_appeal(*, user, pk: int) -> AssessmentResult:
    """A result its department's liaison or head may appeal: one the user may not read (another
    jurisdiction's, an unpublished one, another department's details) is 404; the office and
    leaders, who read it but do not appeal, get 403."""
    result = get_object_or_404(
        AssessmentResult.objects.select_related("assessment__plan__jurisdiction", "department"), pk=pk
    )
    assessment_get_for_user(user=user, pk=result.assessment_id)
    scope = user_scope(user)
    if result.department_id in scope.department_ids:
        return result
    if scope.oversees(result.assessment.plan.jurisdiction_id):
        raise PermissionDenied(APPEAL_OWN_DEPARTMENT)
    raise Http404(_("没有这个考核结果"))


def appeal_get_for_user(*, user, pk: int) -> Appeal:
    """An appeal is read by its department's people and by the office and leaders of the plan's
    jurisdiction; anyone else gets 404."""
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "assessment__plan__jurisdiction",
            "result__department",
            "submitted_by",
            "decided_by",
            "reissued_as",
        ),
        pk=pk,
    )
    scope = user_scope(user)
    if appeal.result.department_id in scope.department_ids or scope.oversees(
        appeal.assessment.plan.jurisdiction_id
    ):
        return appeal
    raise Http404(_("没有这个申诉"))


def appeal_get_rw_for_user(*, user, pk: int) -> Appeal:
    """An appeal the user decides: the office of the plan's jurisdiction's, once it may read it."""
    appeal = appeal_get_for_user(user=user, pk=pk)
    plan_check_office(plan=appeal.assessment.plan, user=user)
    return appeal


def appeal_file_get_for_user(*, user, pk: int) -> AppealFile:
    """An appeal's file is downloaded by the appealing department's people and the office only:
    leaders read the appeal but not its files (403), anyone else gets 404."""
    record = get_object_or_404(AppealFile.objects.select_related("appeal"), pk=pk)
    appeal = appeal_get_for_user(user=user, pk=record.appeal_id)
    scope = user_scope(user)
    if appeal.result.department_id in scope.department_ids or scope.is_office_of(
        appeal.assessment.plan.jurisdiction_id
    ):
        record.appeal = appeal
        return record
    raise PermissionDenied(APPEAL_FILES_READERS)
