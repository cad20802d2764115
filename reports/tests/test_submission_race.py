"""A save racing a submission, from another session, never changes the report after it: saving
and submitting take the report row's lock and read the status under it, so the measurement the
submission records is always the value stored. On PostgreSQL, with real threads and connections."""

import random
import threading
import time

import pytest
from django.db import connection

from qualitycity.errors import Conflict
from reports.models import DepartmentReport, IndicatorValue
from reports.services import REPORT_NOT_EDITABLE, report_save_draft, report_send_back, report_submit
from responsibilities.models import AuditEvent
from targets.models import Measurement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="需要 PostgreSQL（设置 DATABASE_URL）：SQLite 不支持行锁，两个连接无法真正并发",
    ),
]

ROUNDS = 100


def together(*works):
    """Runs each callable in its own thread (its own database connection), released at once;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(works))
    outcomes = [None] * len(works)

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = works[i]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_a_save_racing_a_submission_is_either_in_it_or_refused(cast, period, rated, second_liaison):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry, value = report.entries.get(), report.values.get()
    pace = random.Random(20261129)
    changed_after_submission, measurement_differs, refused, included = [], [], 0, 0
    for round_ in range(ROUNDS):
        # given a complete draft (its value meets the ≥ 93% target), which each session loaded
        entry.refresh_from_db()
        value.refresh_from_db()
        report_save_draft(
            report=report,
            actor=cast.liaison,
            entries={entry.pk: {"progress": f"第{round_}轮", "version": entry.version}},
            values={value.pk: {"value": "95", "version": value.version}},
        )
        entry.refresh_from_db()
        value.refresh_from_db()
        submitters_copy = DepartmentReport.objects.get(pk=report.pk)
        savers_copy = DepartmentReport.objects.get(pk=report.pk)
        delay = pace.uniform(0, 0.05)

        def submit(copy=submitters_copy):
            time.sleep(0.01)
            return report_submit(report=copy, actor=cast.liaison)

        def save(copy=savers_copy, delay=delay, round_=round_, entry=entry, value=value):
            time.sleep(delay)  # from 10 ms before the submission starts to 40 ms after
            return report_save_draft(
                report=copy,
                actor=second_liaison,
                entries={entry.pk: {"progress": f"第{round_}轮之后", "version": entry.version}},
                values={value.pk: {"value": str(300 + round_), "version": value.version}},
            )

        # when another session saves while the liaison submits
        submitted, saved = together(submit, save)

        # then the submission went in, and the save was either wholly before it or refused
        assert isinstance(submitted, DepartmentReport), submitted
        if isinstance(saved, Conflict):
            assert saved.message == REPORT_NOT_EDITABLE and saved.status == 409
            refused += 1
        else:
            assert saved.ok and saved.saved == 2, saved
            included += 1
        submission = AuditEvent.objects.filter(action="report.submit").latest("pk")
        if AuditEvent.objects.filter(action__in=["entry.save", "value.save"], pk__gt=submission.pk).exists():
            changed_after_submission.append(round_)
        stored = IndicatorValue.objects.get(pk=value.pk).value
        measured = Measurement.objects.get(indicator=rated, period_end=period.end).value
        if stored != measured:
            measurement_differs.append((round_, stored, measured))
        # the head sends it back for the next round
        report_send_back(report=report, actor=cast.head, comment="再核对一遍")

    assert changed_after_submission == []
    assert measurement_differs == []
    assert refused + included == ROUNDS
