"""python manage.py import_plan: a dry run prints the SCHEMA.md shape and writes nothing; a
save goes through plan_save_document; unknown names and unreadable files fail in Chinese."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from plandocs.readers import extract
from programmes.models import Plan, Task
from responsibilities.models import Department, DepartmentAlias
from responsibilities.services import departments_ensure
from targets.models import Target
from tests.factories import JurisdictionFactory

SEEDS = sorted((Path(settings.BASE_DIR) / "tests" / "data" / "seeds").glob("*.txt"))
SAMPLE_003 = Path(settings.BASE_DIR) / "fixtures" / "samples" / "003_128f4224a9949dbf.json"


def run(*args) -> str:
    out = StringIO()
    call_command("import_plan", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def nothing_saved() -> bool:
    return not (
        Plan.objects.exists()
        or Task.objects.exists()
        or Target.objects.exists()
        or Department.objects.exists()
        or DepartmentAlias.objects.exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_a_dry_run_prints_exactly_the_schema_shape_and_leaves_the_database_empty(seed):
    # given a sample plan
    # when it is read with --dry-run --json
    printed = json.loads(run(seed, "--dry-run", "--json"))

    # then the output is the SCHEMA.md shape, the same as the extractor's
    assert set(printed) == {"doc", "title", "tasks", "targets"}
    assert printed == extract(seed.read_bytes(), filename=seed.name).to_schema()
    assert set(printed["tasks"][0]) == {"number", "path", "title", "lead", "participating"}
    assert all(
        set(t) == {"task_path", "indicator", "comparator", "value", "value_max", "stretch", "unit", "text"}
        for t in printed["targets"]
    )
    # and nothing was written
    assert nothing_saved()


@pytest.mark.django_db
def test_the_dry_run_prints_chinese_as_chinese_not_escapes():
    output = run(SEEDS[0], "--dry-run", "--json")
    assert "创建全国质量强市示范城市行动计划" in output and "\\u" not in output


@pytest.mark.django_db
def test_a_plan_is_saved_with_its_tasks_targets_and_the_year_of_its_title():
    # given 太仓市 with the departments of sample 003
    fixture = json.loads(SAMPLE_003.read_text(encoding="utf-8"))
    city = JurisdictionFactory(name="太仓市")
    departments_ensure(jurisdiction=city, entries=fixture["departments"])
    seed = next(p for p in SEEDS if p.stem.startswith("003"))

    # when the plan is imported without --dry-run
    output = run(seed, "--jurisdiction", "太仓市", "--document-number", "太政办〔2022〕64号")

    # then the plan exists with its 25 tasks and its targets, for the year its title names
    plan = Plan.objects.get()
    assert "已导入" in output and plan.title in output
    assert plan.tasks.count() == 25
    assert Target.objects.filter(task__plan=plan).count() == len(
        extract(seed.read_bytes(), filename=seed.name).targets
    )
    assert (plan.year_start, plan.year_end) == (2022, 2022)
    assert plan.kind == Plan.Kind.WORK_POINTS
    assert plan.document_number == "太政办〔2022〕64号"
    assert plan.source_text.startswith(seed.read_text(encoding="utf-8")[:20])


@pytest.mark.django_db
def test_unknown_department_names_fail_with_all_of_them_listed_and_nothing_saved():
    # given a city with no departments registered
    JurisdictionFactory(name="淮安市")

    # when sample 000 is imported into it
    with pytest.raises(CommandError) as info:
        run(SEEDS[0], "--jurisdiction", "淮安市")

    # then the message lists the unknown names in Chinese, and nothing was saved
    message = str(info.value)
    assert "不是淮安市已登记的部门或别名" in message
    assert "市质监局" in message and "市安监局" in message
    assert not Plan.objects.exists() and not Department.objects.exists()


@pytest.mark.django_db
def test_create_departments_creates_the_unknown_names_as_departments():
    city = JurisdictionFactory(name="淮安市")

    run(SEEDS[0], "--jurisdiction", "淮安市", "--create-departments", "--year-start", "2016")

    plan = Plan.objects.get()
    assert plan.tasks.count() == 36 and (plan.year_start, plan.year_end) == (2016, 2016)
    assert Department.objects.filter(jurisdiction=city, name="市安监局").exists()
    assert Department.objects.get(jurisdiction=city, name="各有关单位").is_collective


@pytest.mark.django_db
def test_a_corrupt_file_fails_with_a_chinese_message_naming_it(tmp_path):
    bad = tmp_path / "方案.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip at all")

    with pytest.raises(CommandError) as info:
        run(bad, "--dry-run", "--json")

    assert "方案.docx" in str(info.value) and "损坏" in str(info.value)
    assert nothing_saved()


@pytest.mark.django_db
def test_a_missing_jurisdiction_is_named(tmp_path):
    with pytest.raises(CommandError) as info:
        run(SEEDS[0], "--jurisdiction", "不存在市")
    assert "不存在市" in str(info.value)


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "空.txt"
    bad.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(bad), "--dry-run", "--json"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "空文件" in result.stderr


@pytest.mark.django_db
def test_the_command_line_saves_a_plan_whose_heading_states_targets_and_says_which_it_left_out(tmp_path):
    # given a 公文 whose heading paragraph states targets that belong to no task
    city = JurisdictionFactory(name="太仓市")
    departments_ensure(jurisdiction=city, entries=[{"name": "市市场监管局"}, {"name": "市工信局"}])
    plan_file = tmp_path / "plan.txt"
    plan_file.write_text(
        "太仓市人民政府办公室\n太政办〔2023〕12号\n太仓市质量提升行动方案（2023—2027年）\n"
        "一、重点任务\n（一）提升产品质量\n制造业产品质量合格率达到96%以上，新增注册商标2500件。\n"
        "1.加强标准化建设，主导制定标准10项。（牵头单位：市市场监管局）\n"
        "2.提升产品质量。（牵头单位：市工信局）\n",
        encoding="utf-8",
    )

    # when it is imported on the command line
    err = StringIO()
    call_command("import_plan", str(plan_file), "--jurisdiction", "太仓市", stdout=StringIO(), stderr=err)

    # then the plan is saved with the text's metadata and its tasks' own targets
    plan = Plan.objects.get(jurisdiction=city)
    assert (plan.year_start, plan.year_end, plan.document_number) == (2023, 2027, "太政办〔2023〕12号")
    assert plan.issuer == "太仓市人民政府办公室"
    assert plan.tasks.count() == 2
    assert list(Target.objects.filter(task__plan=plan).values_list("value", flat=True)) == [10]
    # and the heading's targets are named as left out, not silently lost
    assert "制造业产品质量合格率" in err.getvalue() and "未导入" in err.getvalue()
