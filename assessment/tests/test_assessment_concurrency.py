"""Two compiles of the same plan and period at the same moment leave one draft; two requests at
the same moment make one job. On PostgreSQL, with real threads and transactions."""

import threading

import pytest
from django.db import connection

from assessment.compile import assessment_compile
from assessment.models import Assessment, AssessmentResult, AssessmentRun
from assessment.services import assessment_run_request
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）"),
]


def together(count, work):
    """Runs `work` in `count` threads released at once; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = work()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_two_compiles_started_together_leave_exactly_one_draft(cast, settings, tmp_path):
    # given a quarter of reports, and compiles slow enough to overlap
    settings.PRIVATE_ROOT = tmp_path
    settings.ASSESSMENT_COMPILE_PAUSE = 0.2
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
    # when two compiles start at the same moment
    outcomes = together(2, lambda: assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER).pk)
    # then both finish (the second waits for the first, then replaces its draft)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    drafts = Assessment.objects.filter(plan=cast.plan, status="draft")
    assert drafts.count() == 1
    assert drafts.get().pk == max(outcomes)
    assert AssessmentResult.objects.count() == 2  # one per department, of the one draft


def test_two_requests_at_the_same_moment_make_one_job(cast, monkeypatch):
    months(cast, 1, 2, 3)
    queued = []
    monkeypatch.setattr("assessment.tasks.compile_assessment.delay", lambda run_id: queued.append(run_id))
    outcomes = together(
        4, lambda: assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office).pk
    )
    assert len(set(outcomes)) == 1, outcomes
    assert AssessmentRun.objects.count() == 1
    assert queued == [outcomes[0]]
