"""The three sample plans load and agree with their gold extractions (tests/data/gold)."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from bench.demo import demo_load, sample_paths
from plandocs.services import normalise_path
from programmes.models import Assignment, Plan, Task
from responsibilities.selectors import department_resolve
from targets.models import Target

GOLD_DIR = Path(__file__).parent / "data" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))


def gold(name: str) -> dict:
    return json.loads((GOLD_DIR / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db):
    plans, users = demo_load()
    return {plan.source_name.removesuffix(".txt"): plan for plan in plans}


def test_every_gold_file_has_a_sample_fixture():
    assert [p.stem for p in GOLD_FILES] == [p.stem for p in sample_paths()]
    assert len(GOLD_FILES) == 3


@pytest.mark.parametrize("name", [p.stem for p in GOLD_FILES])
def test_sample_plan_has_every_gold_task_with_its_departments(loaded, name):
    # given a sample plan loaded from fixtures/samples
    plan = loaded[name]
    expected = gold(name)
    tasks = {normalise_path(t.path): t for t in plan.tasks.prefetch_related("assignments__department")}

    # then every gold task is there with the same title
    assert set(tasks) == {normalise_path(t["path"]) for t in expected["tasks"]}
    for entry in expected["tasks"]:
        task = tasks[normalise_path(entry["path"])]
        assert task.title == entry["title"]
        # and each printed department resolves (name or alias) to the department assigned
        for role in ("lead", "participating"):
            wanted = [department_resolve(jurisdiction=plan.jurisdiction, name=n) for n in entry[role]]
            assert None not in wanted, f"{entry[role]} do not all resolve"
            got = [a.department for a in task.assignments.all() if a.role == role]
            assert got == wanted, f"{entry['path']} {role}"


@pytest.mark.parametrize("name", [p.stem for p in GOLD_FILES])
def test_sample_plan_has_every_gold_target(loaded, name):
    plan = loaded[name]
    expected = gold(name)
    targets = list(
        Target.objects.filter(task__plan=plan)
        .select_related("task", "indicator")
        .order_by("task__position", "position")
    )
    assert len(targets) == len(expected["targets"])
    for entry, target in zip(expected["targets"], targets, strict=True):
        assert normalise_path(target.task.path) == normalise_path(entry["task_path"])
        assert target.indicator.name == entry["indicator"]
        assert target.indicator.unit == (entry["unit"] or "")
        assert target.comparator == entry["comparator"]
        for field in ("value", "value_max", "stretch"):
            got = getattr(target, field)
            assert (None if got is None else float(got)) == entry[field], f"{entry['indicator']} {field}"


@pytest.mark.parametrize("name", [p.stem for p in GOLD_FILES])
def test_plan_page_shows_every_gold_task_department_and_target(client, loaded, name):
    # given the jurisdiction's office user
    plan = loaded[name]
    office = plan.jurisdiction.memberships.get(role="office_admin").user
    client.force_login(office)

    # when the plan page is opened
    html = client.get(reverse("programmes:plan_detail", args=[plan.pk])).content.decode()

    # then every task title, department and target commitment of the gold file is on it
    expected = gold(name)
    for entry in expected["tasks"]:
        assert escape(entry["title"]) in html
        for name_ in entry["lead"] + entry["participating"]:
            department = department_resolve(jurisdiction=plan.jurisdiction, name=name_)
            assert escape(department.name) in html
    for target in Target.objects.filter(task__plan=plan).select_related("indicator"):
        assert escape(target.indicator.name) in html
        assert escape(target.commitment) in html


def test_seed_000_task_1_is_led_by_the_quality_bureau_with_the_93_percent_target(loaded):
    task = Task.objects.get(plan=loaded["000_8fb328b8812e1e99"], path=["二", "(一)", "1"])
    assert [a.department.name for a in task.assignments.filter(role=Assignment.Role.LEAD)] == ["市质监局"]
    target = task.targets.get(indicator__name="制造业监督抽查合格率")
    assert target.commitment == "≥ 93%"


def test_seed_000_stretch_target_reads_as_printed(loaded):
    target = Target.objects.get(indicator__name="年度亿元GDP生产安全事故死亡率")
    assert target.commitment == "≤ 0.3（力争 0.25）"


def test_loading_the_demo_twice_creates_nothing_new(loaded):
    counts = (Plan.objects.count(), Task.objects.count(), Target.objects.count())
    demo_load()
    assert (Plan.objects.count(), Task.objects.count(), Target.objects.count()) == counts


def test_seed_003_plan_keeps_its_document_number_and_issue_date(loaded):
    plan = loaded["003_128f4224a9949dbf"]
    assert plan.document_number == "太政办〔2022〕64号"
    assert plan.issued_on.isoformat() == "2022-06-02"


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_sample_text_gives_the_plans_kind_and_what_it_prints_of_its_metadata(path):
    # given a sample plan's text and the metadata its fixture records
    from plandocs.readers import extract

    fixture = json.loads(path.read_text(encoding="utf-8"))
    plan = fixture["plan"]

    # when the text is read
    meta = extract(path.with_suffix(".txt").read_bytes(), filename=path.stem + ".txt").to_dict()["meta"]

    # then the kind agrees, and whatever the text prints (太仓: its notice) agrees with the fixture
    assert meta["kind"] == plan["kind"]
    if plan["document_number"]:
        assert meta["document_number"] == plan["document_number"]
        assert (meta["issuer"], meta["issued_on"]) == (plan["issuer"], plan["issued_on"])
        assert (meta["year_start"], meta["year_end"]) == (plan["year_start"], plan["year_end"])
