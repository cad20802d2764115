"""Issues of one city issued at the same moment, from separate sessions, never share a 期号: the
number is taken while the jurisdiction's row is locked. On PostgreSQL, with real threads and
connections."""

import datetime as dt
import threading

import pytest
from django.db import connection

from reports.briefings import ItemChoice, briefing_create, briefing_issue, briefing_update
from reports.models import Briefing, WorkUpdate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="需要 PostgreSQL（设置 DATABASE_URL）：SQLite 不支持行锁，两个连接无法真正并发",
    ),
]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def together(*works):
    """Runs each callable in its own thread (its own connection), released at once."""
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


def test_four_issues_at_once_get_four_consecutive_numbers(cast):
    update = WorkUpdate.objects.create(
        department=cast.department, date=dt.date(2026, 11, 2), title="动态", body="内容"
    )
    drafts = []
    for _ in range(4):
        draft = briefing_create(jurisdiction=cast.jurisdiction, actor=cast.office)
        drafts.append(
            briefing_update(
                briefing=draft,
                actor=cast.office,
                title="质量强市工作简报",
                editor_unit="",
                issued_on=dt.date(2026, 11, 29),
                send_to="",
                copy_to="",
                items=[ItemChoice("update", update.pk)],
            )
        )
    outcomes = together(*(lambda d=d: briefing_issue(briefing=d, actor=cast.office).number for d in drafts))
    assert sorted(outcomes) == [1, 2, 3, 4]
    assert sorted(Briefing.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
