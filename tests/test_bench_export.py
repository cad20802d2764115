"""The bench's export and import figures are measured on data it leaves behind unchanged."""

import pytest

import bench.exports
from bench.data import Scale, seed_large
from bench.exports import time_export_and_import
from bench.world import bench_jurisdictions
from plandocs.readers.text import normalize
from programmes.models import Plan, Task
from targets.models import Indicator, Target


def task_rows(plan):
    """Each task's number and title as the reader gives them back (full-width ASCII such as "："
    is read as half-width; see plandocs.readers.text.normalize)."""
    return [(task.number, normalize(task.title)) for task in plan.tasks.order_by("position", "pk")]


@pytest.mark.django_db
def test_export_and_import_timing_leaves_no_data(monkeypatch):
    # given a small bench data set
    seed_large(Scale(jurisdictions=1, departments=6, tasks=20, targets=30, sections=2))
    jurisdiction = bench_jurisdictions().get()
    before = (Plan.objects.count(), Task.objects.count(), Indicator.objects.count())
    # (the plan the bench builds and the one it imports, looked at before its rollback)
    seen = {}

    def create(**kwargs):
        seen["exported"] = created = bench.exports.bench_plan_create.__wrapped__(**kwargs)
        return created

    def save(**kwargs):
        saved = save.__wrapped__(**kwargs)
        seen["exported_tasks"] = task_rows(seen["exported"])
        seen["exported_targets"] = Target.objects.filter(task__plan=seen["exported"]).count()
        seen["imported_tasks"] = task_rows(saved)
        return saved

    create.__wrapped__ = bench.exports.bench_plan_create
    save.__wrapped__ = bench.exports.plan_save_document
    monkeypatch.setattr(bench.exports, "bench_plan_create", create)
    monkeypatch.setattr(bench.exports, "plan_save_document", save)

    # when a 40-task plan is exported and imported back
    figures = time_export_and_import(jurisdiction=jurisdiction, tasks=40)

    # then both times are measured, in seconds
    for key in ("export_1000_tasks_s", "import_1000_tasks_s"):
        assert isinstance(figures[key], float) and 0 < figures[key] < 60, (key, figures[key])
    # and the imported plan has every task of the exported one, numbered and titled alike
    assert len(seen["exported_tasks"]) == 40
    assert seen["imported_tasks"] == seen["exported_tasks"]
    assert figures["export_import_tasks"] == 40
    assert figures["export_import_targets"] == seen["exported_targets"] > 0
    # and the data is as it was
    assert (Plan.objects.count(), Task.objects.count(), Indicator.objects.count()) == before
