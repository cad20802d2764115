"""Every URL of the portal × every kind of user → the answer each must get.

The list of URLs comes from the URLconf itself: a view added without a row here fails the
test, so no view escapes the matrix. Each URL gets a fresh world; each request runs in a
transaction that is rolled back, so one user's action never changes what the next one sees.

Users: anonymous; the office, a liaison and the head of department A, a leader, and the audit
administrator of city 甲; the liaison of department B of the same city; the office of city 乙.
Answers: 200, 302 (to the login page for anonymous users; after an action for others),
403 (the user's role may not do this), 404 (the object is outside the user's scope).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plandocs.models import PlanImport
from reports.models import DepartmentReport, ReportingPeriod
from reports.services import period_close, period_ensure, period_open
from responsibilities.models import Membership
from tests.factories import (
    HeadingFactory,
    JurisdictionFactory,
    MembershipFactory,
    TargetFactory,
    UserFactory,
    cast_create,
)

USERS = ("anonymous", "office", "liaison", "head", "leader", "liaison_b", "outsider", "auditor")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def row(spec: str, method: str = "GET", data=None) -> dict:
    """'anonymous=302 office=200 …' → a row; a user not named gets the value of 'others'."""
    answers = dict(pair.split("=") for pair in spec.split())
    others = answers.pop("others", None)
    expected = {user: int(answers.get(user, others)) for user in USERS}
    return {"method": method, "expected": expected, "data": data}


LOGGED_IN_200 = "anonymous=302 others=200"
SCOPED_200 = "anonymous=302 outsider=404 others=200"
OFFICE_ONLY = "anonymous=302 office=200 outsider=200 others=403"
REPORT_READERS = "anonymous=302 office=200 liaison=200 head=200 leader=200 others=404"
PLAN_OFFICE = "anonymous=302 office=200 outsider=404 others=403"
PLAN_OFFICE_REFUSED = "anonymous=302 office=400 outsider=404 others=403"
DASHBOARD_OFFICE = "anonymous=302 office=200 leader=200 outsider=200 others=403"

MATRIX = {
    # sign-in and portal-wide
    "home": row("others=302"),
    "login": row("anonymous=200 others=302"),
    "logout": row("others=302", "POST"),
    "password_change": row(LOGGED_IN_200),
    "password_change_done": row(LOGGED_IN_200),
    # two-factor sign-in: anyone signed in may enrol; nobody here has a device to verify
    "two_factor": row(LOGGED_IN_200),
    "two_factor_enrol": row(LOGGED_IN_200),
    "two_factor_verify": row("others=302"),
    "set_language": row("others=302", "POST", {"language": "en"}),
    "ping": row("others=200"),
    "healthz": row("others=200"),
    # plans and departments: everyone of the city reads them
    "programmes:plan_list": row(LOGGED_IN_200),
    "programmes:plan_detail": row(SCOPED_200),
    "plandocs:plan_export_xlsx": row(SCOPED_200),
    "plandocs:plan_export_docx": row(SCOPED_200),
    "programmes:department_list": row(LOGGED_IN_200),
    "programmes:department_detail": row(SCOPED_200),
    # the plan editor: the office of the plan's city; the cast's plan is in force and has
    # reports, so a change without a reason (and deleting it) is refused with a message (400)
    "programmes:plan_create": row(OFFICE_ONLY),
    "programmes:plan_edit": row(PLAN_OFFICE),
    "programmes:plan_update": row(PLAN_OFFICE),
    "programmes:plan_status": row(PLAN_OFFICE_REFUSED, "POST"),
    "programmes:plan_delete": row(PLAN_OFFICE_REFUSED, "POST"),
    "programmes:plan_revisions": row(SCOPED_200),
    "programmes:heading_create": row(PLAN_OFFICE),
    "programmes:heading_update": row(PLAN_OFFICE),
    "programmes:task_create": row(PLAN_OFFICE),
    "programmes:task_update": row(PLAN_OFFICE),
    "programmes:task_withdraw": row(PLAN_OFFICE),
    "programmes:task_reinstate": row(PLAN_OFFICE_REFUSED, "POST"),
    "programmes:node_move": row(PLAN_OFFICE_REFUSED, "POST"),
    "programmes:node_delete": row(PLAN_OFFICE_REFUSED, "POST"),
    "programmes:renumber": row(PLAN_OFFICE_REFUSED, "POST"),
    # 任务下发: the office of the task's city, to the cities below it (none here: the page says so)
    "programmes:task_delegate": row(PLAN_OFFICE),
    # targets and indicators: the office of their city; everyone reads the indicator list
    "targets:indicator_list": row(LOGGED_IN_200),
    "targets:indicator_edit": row(PLAN_OFFICE),
    "targets:target_create": row(PLAN_OFFICE),
    "targets:target_edit": row(PLAN_OFFICE),
    # refused without a reason: back to the form with the message
    "targets:target_delete": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    # departments: the office of their city
    "responsibilities:department_create": row(OFFICE_ONLY),
    "responsibilities:department_rename": row(PLAN_OFFICE),
    "responsibilities:department_merge": row(PLAN_OFFICE),
    "responsibilities:department_deactivate": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "responsibilities:department_reactivate": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    # plan import: the office of the city
    "plandocs:plan_import": row(OFFICE_ONLY),
    "plandocs:plan_import_review": row("anonymous=302 office=200 outsider=404 others=403"),
    # the draft is empty, so the office is refused with a message (400): nothing to import
    "plandocs:plan_import_confirm": row("anonymous=302 office=400 outsider=404 others=403", "POST"),
    "plandocs:plan_import_discard": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    # the monthly report of department A
    "reports:my_reports": row("anonymous=302 office=302 leader=302 outsider=302 others=200"),
    "reports:report_detail": row(REPORT_READERS),
    "reports:report_history": row(REPORT_READERS),
    "reports:report_save": row("anonymous=302 liaison=302 head=302 office=403 leader=403 others=404", "POST"),
    "reports:report_submit": row(
        "anonymous=302 liaison=302 head=403 office=403 leader=403 others=404", "POST"
    ),
    "reports:report_sign_off": row(
        "anonymous=302 head=302 liaison=403 office=403 leader=403 others=404", "POST"
    ),
    "reports:report_send_back": row(
        "anonymous=302 head=302 liaison=403 office=403 leader=403 others=404", "POST", {"comment": "请补充"}
    ),
    "reports:report_approve": row(
        "anonymous=302 office=302 liaison=403 head=403 leader=403 others=404", "POST"
    ),
    "reports:report_return": row(
        "anonymous=302 office=302 liaison=403 head=403 leader=403 others=404", "POST"
    ),
    "reports:report_correct": row(
        "anonymous=302 liaison=302 head=403 office=403 leader=403 others=404", "POST"
    ),
    "reports:evidence_upload": row(
        "anonymous=302 liaison=302 head=302 office=403 leader=403 others=404", "POST", {"file": "pdf"}
    ),
    "reports:evidence_download": row(REPORT_READERS),
    "reports:evidence_remove": row(
        "anonymous=302 liaison=302 head=302 office=403 leader=403 others=404", "POST"
    ),
    # reporting periods: the office acts, leaders read
    "reports:period_list": row("anonymous=302 office=200 leader=200 outsider=200 others=403"),
    "reports:period_detail": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    "reports:period_remind": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "reports:period_open": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "reports:period_extend": row(
        "anonymous=302 office=302 outsider=404 others=403", "POST", {"deadline": "2026-12-20"}
    ),
    # the month's 汇总表: the office asks for it, the office and leaders read and download it
    "reports:compilation_start": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "reports:compilation_detail": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    "reports:compilation_status": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    "reports:compilation_download": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    "reports:work_updates": row(LOGGED_IN_200),
    "reports:notifications": row(LOGGED_IN_200),
    # the assessment of city 甲's plan: the office runs, edits and publishes it; leaders read it;
    # departments assess themselves and see the ranking once it is published (this one is a draft)
    "assessment:assessment_home": row(LOGGED_IN_200),
    "assessment:assessment_scheme": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    "assessment:assessment_item_add": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "assessment:assessment_item_remove": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "assessment:assessment_run_start": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "assessment:assessment_run": row("anonymous=302 office=200 leader=200 others=404"),
    "assessment:assessment_run_status": row("anonymous=302 office=200 leader=200 others=404"),
    "assessment:assessment_detail": row("anonymous=302 office=200 leader=200 others=404"),
    "assessment:assessment_final": row("anonymous=302 office=302 leader=403 others=404", "POST"),
    # the year is not over: a provisional result, which the office is refused to publish (409)
    "assessment:assessment_publish": row("anonymous=302 office=409 leader=403 others=404", "POST"),
    "assessment:assessment_download": row("anonymous=302 office=200 leader=200 others=404"),
    "assessment:self_assessment": row(
        "anonymous=302 liaison=200 head=200 liaison_b=200 outsider=404 others=403"
    ),
    # appeals against October's published assessment: department A appealed its bonus line with a
    # file; department B sees neither A's appeal nor A's result to appeal; the office decides
    # (an empty decision is refused on the form: 400); leaders read the appeal, not its files
    "assessment:appeal_create": row("anonymous=302 liaison=200 head=200 office=403 leader=403 others=404"),
    "assessment:appeal_detail": row("anonymous=302 liaison=200 head=200 office=200 leader=200 others=404"),
    "assessment:appeal_accept": row(
        "anonymous=302 office=400 liaison=403 head=403 leader=403 others=404", "POST"
    ),
    "assessment:appeal_reject": row(
        "anonymous=302 office=400 liaison=403 head=403 leader=403 others=404", "POST"
    ),
    "assessment:appeal_file_download": row(
        "anonymous=302 liaison=200 head=200 office=200 leader=403 others=404"
    ),
    # dashboards: the office and leaders see their city's; department people are sent to their
    # own department's dashboard (302), and get 403 on the office's lists
    "dashboards:dashboard": row(
        "anonymous=302 office=200 leader=200 outsider=200 liaison=302 head=302 liaison_b=302 auditor=403"
    ),
    "dashboards:dashboard_for": row(
        "anonymous=302 office=200 leader=200 outsider=404 liaison=302 head=302 liaison_b=302 auditor=403"
    ),
    # the roll-up over the cities below 甲 (none here: an empty comparison), read by its office and
    # leaders and by those above; department people are refused
    "dashboards:rollup": row(
        "anonymous=302 office=200 leader=200 outsider=404 liaison=403 head=403 liaison_b=403 auditor=403"
    ),
    "dashboards:dashboard_tasks": row(DASHBOARD_OFFICE),
    "dashboards:dashboard_targets": row(DASHBOARD_OFFICE),
    "dashboards:dashboard_reports": row(DASHBOARD_OFFICE),
    "dashboards:dashboard_departments": row(DASHBOARD_OFFICE),
    "dashboards:dashboard_summary": row(DASHBOARD_OFFICE),
    "dashboards:dashboard_summary_pdf": row(DASHBOARD_OFFICE),
    "dashboards:summary_recipients": row(OFFICE_ONLY),  # the office sets who gets the monthly summary
    "dashboards:summary_recipient_remove": row(
        "anonymous=302 office=302 leader=403 outsider=404 others=403", "POST"
    ),
    "dashboards:department_dashboard": row(
        "anonymous=302 office=200 liaison=200 head=200 leader=200 others=404"
    ),
    "dashboards:task_history": row(
        "anonymous=302 office=200 liaison=200 head=200 leader=200 liaison_b=200 others=404"
    ),
    # people and the audit log
    "responsibilities:people": row(OFFICE_ONLY),
    "responsibilities:person_deactivate": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    "responsibilities:person_reset_password": row("anonymous=302 office=200 outsider=404 others=403", "POST"),
    "responsibilities:person_move": row(
        "anonymous=302 office=302 outsider=404 others=403", "POST", {"department": "B"}
    ),
    "responsibilities:contacts_export": row(OFFICE_ONLY),
    "responsibilities:audit_log": row("anonymous=302 office=200 auditor=200 outsider=200 others=403"),
}


def url_names() -> list[str]:
    """Every named URL of the portal, the admin site aside (tested below as a whole)."""
    names = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def world_create(cast):
    """City 甲 with an open month, department A's report with evidence, a plan-import draft."""
    cast.plan.year_start, cast.plan.year_end = 2026, 2026
    cast.plan.save()
    period = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=11))
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    from reports.evidence import evidence_attach

    evidence = evidence_attach(entry=entry, actor=cast.liaison, upload=SimpleUploadedFile("记录.pdf", PDF))
    liaison_b = MembershipFactory(
        user=UserFactory(username="liaison_b"),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="liaison",
    ).user
    auditor = MembershipFactory(
        user=UserFactory(username="auditor"), jurisdiction=cast.jurisdiction, role="audit_admin"
    ).user
    draft = PlanImport.objects.create(
        jurisdiction=cast.jurisdiction,
        created_by=cast.office,
        source_name="方案.txt",
        source_text="一、任务",
        extraction={
            "doc": "方案.txt",
            "title": "方案",
            "tasks": [],
            "targets": [],
            "headings": [],
            "warnings": [],
        },
        title="导入草稿",
        year_start=2026,
        year_end=2026,
    )
    # City 甲 and city 乙 are siblings under a province whose office and leader oversee both,
    # read-only (test_the_levels_above_read_and_never_write).
    province = JurisdictionFactory(name="上级省", level="province")
    for city in (cast.jurisdiction, cast.outsider_jurisdiction):
        city.parent = province
        city.save()
    above = {
        role: MembershipFactory(
            user=UserFactory(username=f"above_{role}"), jurisdiction=province, role=role
        ).user
        for role in ("office_admin", "leader")
    }
    users = {
        "above_office": above["office_admin"],
        "above_leader": above["leader"],
        "anonymous": None,
        "office": cast.office,
        "liaison": cast.liaison,
        "head": cast.head,
        "leader": cast.leader,
        "liaison_b": liaison_b,
        "outsider": cast.outsider_office,
        "auditor": auditor,
    }
    ids = {
        "plan": cast.plan.pk,
        "department": cast.department.pk,
        "other_department": cast.other_department.pk,
        "task": cast.task.pk,
        "jurisdiction": cast.jurisdiction.pk,
        "report": report.pk,
        "entry": entry.pk,
        "evidence": evidence.pk,
        "period": period.pk,
        "draft": draft.pk,
        "membership": Membership.objects.get(user=cast.liaison).pk,
        "heading": HeadingFactory(plan=cast.plan, number="一", path=["一"], position=0).pk,
    }
    target = TargetFactory(
        task=cast.task,
        indicator__jurisdiction=cast.jurisdiction,
        indicator__reporting_department=cast.department,
    )
    ids.update(target=target.pk, indicator=target.indicator_id)
    ids["compilation"] = compilation_built(cast, period)
    ids.update(extra_objects(cast, period))
    return users, ids, Path(evidence.file.path)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module in a transaction of its own that is rolled back
    after the module's last test. Every test runs inside it in a transaction (a savepoint) of
    its own that is rolled back, so a test that writes leaves the world as it was."""
    private = override_settings(
        PRIVATE_ROOT=tmp_path_factory.mktemp("matrix-private"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    private.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = world_create(cast_create())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            private.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    private.disable()


@pytest.fixture
def world(db, shared_world):
    """The shared world as every test must find it: the evidence file a test's removal deleted
    from the disk (the rollback restores only its row) is put back."""
    users, ids, evidence_file = shared_world
    if not evidence_file.exists():
        evidence_file.parent.mkdir(parents=True, exist_ok=True)
        evidence_file.write_bytes(PDF)
    return users, ids


def compilation_built(cast, period) -> int:
    """The plan's 汇总表 for the month, built with its files (as the worker would)."""
    from reports.compilation_worker import compilation_build
    from reports.models import MonthlyCompilation

    job = MonthlyCompilation.objects.create(period=period, plan=cast.plan, requested_by=cast.office)
    compilation_build(compilation_id=job.pk)
    return job.pk


def extra_objects(cast, period) -> dict:
    """Objects of the assessment and the dashboards, when those apps' parts are installed."""
    from assessment.models import CriterionScore
    from assessment.periods import AssessmentPeriod
    from assessment.services import assessment_run_execute, assessment_run_request, item_add
    from dashboards.summaries import recipient_add

    # October, opened, past its deadline and closed, gives the year's draft (and October's
    # assessment below, final and so publishable) something due: a unit with nothing due has no
    # result to score or appeal.
    period_close(
        period=period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=10))
    )
    run = assessment_run_request(
        plan=cast.plan,
        period=AssessmentPeriod("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        actor=cast.office,
    )
    run = assessment_run_execute(run_id=run.pk)
    run.refresh_from_db()
    item = item_add(
        plan=cast.plan,
        department=cast.department,
        actor=cast.office,
        kind="bonus",
        points=Decimal(2),
        reason="获省长质量奖",
        occurred_on=dt.date(2026, 5, 1),
    )
    recipient = recipient_add(
        jurisdiction=cast.jurisdiction, actor=cast.office, name="张市长", email="z@example.gov.cn"
    )
    score = CriterionScore.objects.filter(result__assessment__plan=cast.plan).first()
    appeal = _published_with_appeal(cast)
    return {
        "run": run.pk,
        "assessment": run.assessment_id,
        "score": score.pk,
        "item": item.pk,
        "recipient": recipient.pk,
        "appeal": appeal.pk,
        "appeal_result": appeal.result_id,
        "appeal_file": appeal.files.get().pk,
    }


def _published_with_appeal(cast):
    """October's assessment compiled and published (a period of its own: the year above stays
    a draft), and department A's pending appeal against its bonus line, with a file."""
    from assessment.appeals import appeal_submit
    from assessment.compile import assessment_compile
    from assessment.models import AssessmentResult
    from assessment.periods import AssessmentPeriod
    from assessment.services import assessment_publish

    october = AssessmentPeriod("month", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assessment = assessment_compile(
        plan=cast.plan, period=october, actor=cast.office, as_of=dt.date(2026, 11, 30)
    )
    assessment = assessment_publish(assessment=assessment, actor=cast.office)
    return appeal_submit(
        result=AssessmentResult.objects.get(assessment=assessment, department=cast.department),
        actor=cast.liaison,
        kind="bonus",
        reasons="本单位获省质量奖，未计加分",
        files=[SimpleUploadedFile("获奖证书.pdf", PDF)],
    )


ARGS = {
    # which object each URL's <pk> names
    "programmes:plan_detail": "plan",
    "plandocs:plan_export_xlsx": "plan",
    "plandocs:plan_export_docx": "plan",
    "programmes:department_detail": "department",
    "plandocs:plan_import_review": "draft",
    "plandocs:plan_import_confirm": "draft",
    "plandocs:plan_import_discard": "draft",
    "reports:evidence_upload": ("entry_pk", "entry"),
    "reports:evidence_download": "evidence",
    "reports:evidence_remove": "evidence",
    "responsibilities:person_deactivate": "membership",
    "responsibilities:person_reset_password": "membership",
    "responsibilities:person_move": "membership",
    "programmes:plan_edit": "plan",
    "programmes:plan_update": "plan",
    "programmes:plan_status": lambda ids: {"pk": ids["plan"], "change": "archive"},
    "programmes:plan_delete": "plan",
    "programmes:plan_revisions": "plan",
    "programmes:heading_create": "plan",
    "programmes:heading_update": lambda ids: {"pk": ids["plan"], "heading_pk": ids["heading"]},
    "programmes:task_create": "plan",
    "programmes:task_update": lambda ids: {"pk": ids["plan"], "task_pk": ids["task"]},
    "programmes:task_delegate": "task",
    "programmes:task_withdraw": lambda ids: {"pk": ids["plan"], "task_pk": ids["task"]},
    "programmes:task_reinstate": lambda ids: {"pk": ids["plan"], "task_pk": ids["task"]},
    "programmes:node_move": lambda ids: {
        "pk": ids["plan"],
        "kind": "task",
        "node_pk": ids["task"],
        "step": "up",
    },
    "programmes:node_delete": lambda ids: {"pk": ids["plan"], "kind": "task", "node_pk": ids["task"]},
    "programmes:renumber": "plan",
    "targets:indicator_edit": "indicator",
    "targets:target_create": "task",
    "targets:target_edit": "target",
    "targets:target_delete": "target",
    "responsibilities:department_rename": "department",
    "responsibilities:department_merge": "department",
    "responsibilities:department_deactivate": "department",
    "responsibilities:department_reactivate": "department",
}
for _name in (
    "report_detail",
    "report_save",
    "report_submit",
    "report_sign_off",
    "report_send_back",
    "report_approve",
    "report_return",
    "report_correct",
    "report_history",
):
    ARGS[f"reports:{_name}"] = "report"
for _name in ("period_detail", "period_remind", "period_open", "period_extend"):
    ARGS[f"reports:{_name}"] = "period"
# The to-do home and chasing one department (issue 16): department B has not reported. The
# 督办单 is for October, closed and past its deadline whatever the day the suite runs.
MATRIX.update(
    {
        "reports:home": row(LOGGED_IN_200),
        "reports:period_remind_department": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
        "reports:period_supervision_docx": row("anonymous=302 office=200 outsider=404 others=403"),
    }
)
ARGS["reports:period_remind_department"] = lambda ids: {
    "pk": ids["period"],
    "department_pk": ids["other_department"],
}
ARGS["reports:period_supervision_docx"] = lambda ids: {
    "pk": ReportingPeriod.objects.get(start=dt.date(2026, 10, 1), jurisdiction__name="甲市").pk,
    "department_pk": ids["other_department"],
}
ARGS["reports:compilation_start"] = lambda ids: {"pk": ids["period"], "plan_pk": ids["plan"]}
ARGS["reports:compilation_detail"] = ARGS["reports:compilation_status"] = "compilation"
ARGS["reports:compilation_download"] = lambda ids: {"pk": ids["compilation"], "extension": "xlsx"}
# 工作简报 (issue 16): the office of city 甲 edits, issues and deletes its drafts; the office and
# leaders read issued issues (a leader gets 404 on a draft); department people are refused (403):
# an issue carries other departments' news and progress. The issues are made inside each test's
# rolled-back transaction: an issued one for reading, a draft with one item for the office's actions.
MATRIX.update(
    {
        "reports:briefing_list": row("anonymous=302 office=200 leader=200 outsider=200 others=403"),
        "reports:briefing_create": row("anonymous=302 office=302 outsider=302 others=403", "POST"),
        "reports:briefing_detail": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
        "reports:briefing_download": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
        "reports:briefing_update": row(
            "anonymous=302 office=302 outsider=404 others=403", "POST", {"title": "质量强市工作简报"}
        ),
        "reports:briefing_issue": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
        "reports:briefing_delete": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    }
)


def _briefing_of_city(ids, *, issued: bool) -> dict:
    from django.contrib.auth import get_user_model

    from reports.briefings import ItemChoice, briefing_create, briefing_issue, briefing_update
    from reports.models import WorkUpdate
    from responsibilities.models import Jurisdiction

    office = get_user_model().objects.get(username="office")
    update = WorkUpdate.objects.create(
        department_id=ids["department"],
        date=dt.date(2026, 11, 20),
        title="开展电梯安全检查",
        body="检查1260台。",
    )
    draft = briefing_update(
        briefing=briefing_create(jurisdiction=Jurisdiction.objects.get(pk=ids["jurisdiction"]), actor=office),
        actor=office,
        title="质量强市工作简报",
        editor_unit="",
        issued_on=None,
        send_to="",
        copy_to="",
        items=[ItemChoice("update", update.pk)],
    )
    return {"pk": (briefing_issue(briefing=draft, actor=office) if issued else draft).pk}


for _name in ("briefing_detail", "briefing_download"):
    ARGS[f"reports:{_name}"] = lambda ids: _briefing_of_city(ids, issued=True)
for _name in ("briefing_update", "briefing_issue", "briefing_delete"):
    ARGS[f"reports:{_name}"] = lambda ids: _briefing_of_city(ids, issued=False)
# Where notifications reach people (issue 16): everyone chooses their own channels; the office
# of city 甲 keeps its group robots (a robot of 甲's made in each test's rolled-back transaction;
# its test message is queued and fails on the closed port, which the delivery log records) and
# reads the delivery log.
MATRIX.update(
    {
        "reports:channel_preferences": row(LOGGED_IN_200),
        "reports:robot_list": row(OFFICE_ONLY),
        "reports:delivery_list": row(OFFICE_ONLY),
        "reports:robot_edit": row("anonymous=302 office=200 outsider=404 others=403"),
        "reports:robot_deactivate": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
        "reports:robot_test": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
    }
)


# 统计数据 (issue 16): the office of 甲 uploads (an empty POST is the form's 400: no file) and
# downloads the template; the office and its leaders read the uploads and the kept files; the
# outsider office reads and uploads its own jurisdiction's (the page falls back to it) and gets
# 404 on 甲's upload; department people are refused (403).
MATRIX.update(
    {
        "reports:statistics_list": row("anonymous=302 office=200 leader=200 outsider=200 others=403"),
        "reports:statistics_upload": row("anonymous=302 office=400 outsider=400 others=403", "POST"),
        "reports:statistics_template": row("anonymous=302 office=200 outsider=200 others=403"),
        "reports:statistics_detail": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
        "reports:statistics_file": row("anonymous=302 office=200 leader=200 outsider=404 others=403"),
    }
)


def _statistics_upload_of_city(ids) -> dict:
    import io

    from django.contrib.auth import get_user_model
    from openpyxl import Workbook

    from reports.statistics import statistics_upload
    from responsibilities.models import Jurisdiction
    from targets.models import Indicator

    city = Jurisdiction.objects.get(pk=ids["jurisdiction"])
    Indicator.objects.create(jurisdiction=city, name="规模以上工业增加值增速", unit="%")
    book = Workbook()
    book.active.append(["指标", "期间", "数值"])
    book.active.append(["规模以上工业增加值增速", "2026年10月", 7.2])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = statistics_upload(
        jurisdiction=city,
        actor=get_user_model().objects.get(username="office"),
        file=SimpleUploadedFile("统计数据.xlsx", buffer.getvalue()),
        today=dt.date(2026, 12, 10),
    )
    return {"pk": upload.pk}


for _name in ("statistics_detail", "statistics_file"):
    ARGS[f"reports:{_name}"] = _statistics_upload_of_city


# Open interfaces (issue 20): the API answers only to tokens (a session gets 401 JSON); its schema
# and documentation are public; the office of city 甲 keeps its tokens and its public page, which
# everyone reads once published (a token and a publication made in each test's transaction).
MATRIX.update(
    {
        "interfaces:api_v1:api-root": row("others=404"),
        "interfaces:api_v1:openapi-json": row("others=200"),
        "interfaces:api_v1:openapi-view": row("others=200"),
        **{
            f"interfaces:api_v1:{_name}": row("others=401")
            for _name in (
                "jurisdictions",
                "plans",
                "plan",
                "plan_tasks",
                "plan_targets",
                "indicators",
                "periods",
                "period",
                "assessments",
            )
        },
        "interfaces:api_v1:indicator_values": row("others=401", "POST"),
        "interfaces:api_v1:task_progress": row("others=401", "POST"),
        "interfaces:tokens": row("anonymous=302 office=200 outsider=200 others=403"),
        "interfaces:token_revoke": row("anonymous=302 office=302 outsider=404 others=403", "POST"),
        "interfaces:publication": row("anonymous=302 office=200 outsider=200 others=403"),
        "interfaces:public_page": row("others=200"),
        "interfaces:public_json": row("others=200"),
    }
)


def _token_of_city(ids) -> dict:
    from django.contrib.auth import get_user_model

    from interfaces.tokens import token_create
    from responsibilities.models import Jurisdiction

    token, _key = token_create(
        jurisdiction=Jurisdiction.objects.get(pk=ids["jurisdiction"]),
        actor=get_user_model().objects.get(username="office"),
        name="市大数据局",
        scope="read",
        days=30,
    )
    return {"pk": token.pk}


def _published_city(ids) -> dict:
    from django.contrib.auth import get_user_model

    from interfaces.publication import publication_save
    from programmes.models import Plan
    from responsibilities.models import Jurisdiction

    publication_save(
        jurisdiction=Jurisdiction.objects.get(pk=ids["jurisdiction"]),
        actor=get_user_model().objects.get(username="office"),
        is_published=True,
        plans=[Plan.objects.get(pk=ids["plan"])],
        show_task_statuses=True,
        show_indicator_values=True,
    )
    return {"pk": ids["jurisdiction"]}


ARGS.update(
    {
        "interfaces:api_v1:plan": ("plan_id", "plan"),
        "interfaces:api_v1:plan_tasks": ("plan_id", "plan"),
        "interfaces:api_v1:plan_targets": ("plan_id", "plan"),
        "interfaces:api_v1:period": ("period_id", "period"),
        "interfaces:token_revoke": _token_of_city,
        "interfaces:public_page": _published_city,
        "interfaces:public_json": _published_city,
    }
)


def _robot_of_city(ids) -> dict:
    from reports.models import GroupRobot

    robot = GroupRobot.objects.create(
        jurisdiction_id=ids["jurisdiction"],
        department_id=ids["department"],
        kind="wecom",
        name="市场监管工作群",
        webhook_url="https://127.0.0.1:9/cgi-bin/webhook/send?key=x",
    )
    return {"pk": robot.pk}


for _name in ("robot_edit", "robot_deactivate", "robot_test"):
    ARGS[f"reports:{_name}"] = _robot_of_city
ARGS.update(
    {
        "dashboards:dashboard_for": ("jurisdiction_pk", "jurisdiction"),
        "dashboards:rollup": ("jurisdiction_pk", "jurisdiction"),
        "dashboards:department_dashboard": "department",
        "dashboards:task_history": "task",
        "dashboards:summary_recipient_remove": "recipient",
    }
)
for _name, _obj in (
    ("assessment_scheme", "plan"),
    ("assessment_item_add", "plan"),
    ("assessment_run_start", "plan"),
    ("self_assessment", "plan"),
    ("assessment_item_remove", "item"),
    ("assessment_run", "run"),
    ("assessment_run_status", "run"),
    ("assessment_detail", "assessment"),
    ("assessment_publish", "assessment"),
    ("assessment_download", "assessment"),
    ("assessment_final", "score"),
    ("appeal_create", "appeal_result"),
    ("appeal_detail", "appeal"),
    ("appeal_accept", "appeal"),
    ("appeal_reject", "appeal"),
    ("appeal_file_download", "appeal_file"),
):
    ARGS[f"assessment:{_name}"] = _obj


def url_for(name: str, ids: dict) -> str:
    spec = ARGS.get(name)
    if spec is None:
        return reverse(name)
    if callable(spec):
        return reverse(name, kwargs=spec(ids))
    key, obj = spec if isinstance(spec, tuple) else ("pk", spec)
    extra = {"extension": "xlsx"} if name == "assessment:assessment_download" else {}
    return reverse(name, kwargs={key: ids[obj], **extra})


def test_every_url_is_in_the_matrix():
    missing = [name for name in url_names() if name not in MATRIX]
    assert missing == [], f"add these views to the permission matrix: {missing}"
    stale = [name for name in MATRIX if name not in url_names()]
    assert stale == [], f"these rows name no URL any more: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_user_gets_the_expected_answer(client, world, name):
    users, ids = world
    spec = MATRIX[name]
    url = url_for(name, ids)
    got = {}
    for who in USERS:
        client.logout()
        if users[who] is not None:
            client.force_login(users[who])
        data = dict(spec["data"] or {})
        if data.get("file") == "pdf":
            data["file"] = SimpleUploadedFile("记录.pdf", PDF)
        if data.get("department") == "B":
            data["department"] = ids["other_department"]
        if name == "reports:report_return":
            data = {f"comment-{ids['entry']}": "请补充"}
        with transaction.atomic():
            response = client.post(url, data) if spec["method"] == "POST" else client.get(url)
            transaction.set_rollback(True)
        got[who] = response.status_code
        if (
            who == "anonymous"
            and response.status_code == 302
            and name not in {"logout", "set_language", "home"}
        ):
            assert response.url.startswith(reverse("login")), f"{name}: anonymous sent to {response.url}"
    assert got == spec["expected"], name


def above_expected(spec: dict, who: str) -> set[int]:
    """What the office or a leader of the province above city 甲 may get: what a leader of 甲
    gets (they read, never write), except on a page of their own (no object of 甲's: the
    outsider office gets what 甲's office gets), where the office above is an office like any."""
    expected = spec["expected"]
    if who == "above_office" and expected["outsider"] == expected["office"]:
        answer = expected["office"]
    else:
        answer = expected["leader"]
    return {403, 404} if answer in (403, 404) else {answer}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_levels_above_read_and_never_write(client, world, name):
    """Oversight goes down read-only: the province's office and leader read city 甲's pages as a
    leader of 甲 does and change nothing of 甲's (refused: 403 or 404)."""
    users, ids = world
    spec = MATRIX[name]
    if name in {"logout", "set_language"}:
        return
    url = url_for(name, ids)
    data = dict(spec["data"] or {})
    if data.get("file") == "pdf":
        data["file"] = SimpleUploadedFile("记录.pdf", PDF)
    if data.get("department") == "B":
        data["department"] = ids["other_department"]
    for who in ("above_office", "above_leader"):
        client.force_login(users[who])
        with transaction.atomic():
            response = client.post(url, data) if spec["method"] == "POST" else client.get(url)
            transaction.set_rollback(True)
        assert response.status_code in above_expected(spec, who), (name, who, response.status_code)


@pytest.mark.parametrize("who", ["anonymous", "office", "liaison", "leader"])
def test_the_admin_site_is_only_for_administrators(client, world, who):
    from django.contrib import admin

    users, _ = world
    if users[who] is not None:
        client.force_login(users[who])
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url


# The admin site, for the three separated administrators of city 甲 -----------------------------
# 200: the page opens (a change page of a model the administrator may only view opens read-only);
# 403: the administrator's role has no permission on the model; 302: the object is outside the
# jurisdictions the administrator administers (the admin answers "does not exist" and goes home).

ADMINS = ("system_admin", "security_admin", "audit_admin")


def admin_row(spec: str) -> dict:
    answers = dict(pair.split("=") for pair in spec.split())
    others = answers.pop("others", None)
    return {who: int(answers.get(who, others)) for who in ADMINS}


ADMIN_MATRIX = {
    # (model, view, object): the answers
    ("auth.user", "changelist", None): admin_row("system_admin=200 security_admin=200 others=403"),
    ("auth.user", "add", None): admin_row("system_admin=200 others=403"),
    ("auth.user", "change", "liaison"): admin_row("system_admin=200 security_admin=200 others=403"),
    # the password form of an ordinary account: the system administrator's job only
    ("auth.user", "password_change", "liaison"): admin_row("system_admin=200 others=403"),
    # another administrator's account: seen, never changed (the change page opens read-only)
    ("auth.user", "password_change", "auditor_account"): admin_row("others=403"),
    ("auth.user", "change", "outsider_user"): admin_row("system_admin=302 security_admin=302 others=403"),
    ("responsibilities.membership", "changelist", None): admin_row("security_admin=200 others=403"),
    ("responsibilities.membership", "add", None): admin_row("security_admin=200 others=403"),
    ("responsibilities.membership", "change", "membership"): admin_row("security_admin=200 others=403"),
    ("responsibilities.membership", "change", "outsider_membership"): admin_row(
        "security_admin=302 others=403"
    ),
    ("auth.group", "changelist", None): admin_row("security_admin=200 others=403"),
    ("auth.group", "add", None): admin_row("others=403"),
    ("auth.group", "change", "group"): admin_row("security_admin=200 others=403"),
    ("responsibilities.auditevent", "changelist", None): admin_row("audit_admin=200 others=403"),
    ("responsibilities.auditevent", "add", None): admin_row("others=403"),
    ("responsibilities.auditevent", "change", "event"): admin_row("audit_admin=200 others=403"),
    ("responsibilities.auditevent", "change", "outsider_event"): admin_row("audit_admin=302 others=403"),
    ("responsibilities.department", "changelist", None): admin_row("system_admin=200 others=403"),
    ("responsibilities.department", "change", "department"): admin_row("system_admin=200 others=403"),
    ("responsibilities.department", "change", "outsider_department"): admin_row(
        "system_admin=302 others=403"
    ),
    ("programmes.plan", "changelist", None): admin_row("others=403"),
    ("programmes.plan", "change", "plan"): admin_row("others=403"),
    ("targets.indicator", "changelist", None): admin_row("others=403"),
    ("reports.reportingperiod", "changelist", None): admin_row("others=403"),
    ("reports.reportingperiod", "change", "period"): admin_row("others=403"),
    ("reports.reportingrule", "changelist", None): admin_row("system_admin=200 others=403"),
    ("plandocs.planimport", "changelist", None): admin_row("others=403"),
    ("plandocs.planimport", "change", "draft"): admin_row("others=403"),
    ("django_celery_beat.periodictask", "changelist", None): admin_row("system_admin=200 others=403"),
}


@pytest.fixture
def admin_world(world, shared_world):
    """The three administrators of city 甲 (with their admin groups) and objects of city 乙."""
    from django.contrib.auth.models import Group

    from responsibilities.admin_roles import admin_roles_sync
    from responsibilities.models import AuditEvent, Department

    users, ids = world
    cast_users = {}
    for role in ADMINS:
        user = UserFactory(username=f"matrix_{role}")
        Membership.objects.create(user=user, jurisdiction_id=ids["jurisdiction"], role=role)
        admin_roles_sync(user)
        cast_users[role] = user
    outsider = users["outsider"]
    outsider_membership = Membership.objects.get(user=outsider)
    objects = {
        "liaison": users["liaison"].pk,
        "auditor_account": cast_users["audit_admin"].pk,
        "outsider_user": outsider.pk,
        "membership": ids["membership"],
        "outsider_membership": outsider_membership.pk,
        "group": Group.objects.get(name="系统管理员").pk,
        "event": AuditEvent.objects.create(action="test", jurisdiction_id=ids["jurisdiction"]).pk,
        "outsider_event": AuditEvent.objects.create(
            action="test", jurisdiction_id=outsider_membership.jurisdiction_id
        ).pk,
        "department": ids["department"],
        "outsider_department": Department.objects.create(
            jurisdiction_id=outsider_membership.jurisdiction_id, name="乙市市场监管局"
        ).pk,
        "plan": ids["plan"],
        "period": ids["period"],
        "draft": ids["draft"],
    }
    return cast_users, objects


@pytest.mark.parametrize(("model", "view", "obj"), sorted(ADMIN_MATRIX, key=str))
def test_each_administrator_gets_the_expected_answer_in_the_admin(client, admin_world, model, view, obj):
    admins, objects = admin_world
    app_label, model_name = model.split(".")
    args = [objects[obj]] if obj else []
    url = reverse(f"admin:{app_label}_{model_name}_{view}", args=args)
    got = {}
    for who in ADMINS:
        client.force_login(admins[who])
        got[who] = client.get(url).status_code
    assert got == ADMIN_MATRIX[(model, view, obj)], url
