"""The bench's export and import figures are measured on data it leaves behind unchanged."""

import pytest

from bench.data import Scale, seed_large
from bench.exports import time_export_and_import
from bench.world import bench_jurisdictions
from programmes.models import Plan, Task
from targets.models import Indicator


@pytest.mark.django_db
def test_export_and_import_timing_leaves_no_data():
    # given a small bench data set
    seed_large(Scale(jurisdictions=1, departments=6, tasks=20, targets=30, sections=2))
    jurisdiction = bench_jurisdictions().get()
    before = (Plan.objects.count(), Task.objects.count(), Indicator.objects.count())

    # when a 40-task plan is exported and imported back
    figures = time_export_and_import(jurisdiction=jurisdiction, tasks=40)

    # then both times are reported, every task came back, and the data is as it was
    assert figures["export_1000_tasks_s"] >= 0 and figures["import_1000_tasks_s"] >= 0
    assert figures["export_import_tasks"] == 40
    assert (Plan.objects.count(), Task.objects.count(), Indicator.objects.count()) == before
