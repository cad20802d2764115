"""The three real plans in tests/data score above the agreed thresholds against the gold files."""

import importlib.util
import json
from pathlib import Path

import pytest

from plandocs.readers import extract

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
SAMPLES = sorted(p.stem for p in (DATA / "seeds").glob("*.txt"))


def _scorer():
    spec = importlib.util.spec_from_file_location("score_import", DATA / "score_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_scores(name):
    gold = json.loads((DATA / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    data = (DATA / "seeds" / f"{name}.txt").read_bytes()
    result = extract(data, filename=f"{name}.txt")
    scores, misses = _scorer()(gold, result.to_schema())
    assert scores["tasks"]["f1"] >= 0.98, misses
    assert scores["departments"]["f1"] >= 0.95, misses
    assert scores["targets"]["f1"] >= 0.90, misses
    assert scores["target_comparator_agrees"] >= 0.95
    assert scores["target_task_agrees"] >= 0.95
    assert scores["target_range_and_stretch_agree"] >= 0.95


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_title_and_doc(name):
    gold = json.loads((DATA / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    result = extract((DATA / "seeds" / f"{name}.txt").read_bytes(), filename=f"{name}.txt")
    assert result.doc == gold["doc"]
    assert result.title == gold["title"]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_survives_gbk_and_fullwidth(name):
    """The same plan saved as GB18030 with full-width punctuation reads the same."""
    text = (DATA / "seeds" / f"{name}.txt").read_text(encoding="utf-8")
    wide = text.translate({ord(","): "，", ord(":"): "：", ord("("): "（", ord(")"): "）", ord(";"): "；"})
    a = extract(text.encode("utf-8"), filename="a.txt").to_schema()
    b = extract(wide.encode("gb18030"), filename="a.txt").to_schema()
    assert [t["path"] for t in a["tasks"]] == [t["path"] for t in b["tasks"]]
    assert [(t["lead"], t["participating"]) for t in a["tasks"]] == [
        (t["lead"], t["participating"]) for t in b["tasks"]
    ]
    assert [(t["value"], t["unit"], t["comparator"]) for t in a["targets"]] == [
        (t["value"], t["unit"], t["comparator"]) for t in b["targets"]
    ]


def test_schema_shape_is_exact():
    result = extract((DATA / "seeds" / f"{SAMPLES[0]}.txt").read_bytes(), filename="x.txt")
    out = result.to_schema()
    assert set(out) == {"doc", "title", "tasks", "targets"}
    assert set(out["tasks"][0]) == {"number", "path", "title", "lead", "participating"}
    assert set(out["targets"][0]) == {
        "task_path",
        "indicator",
        "comparator",
        "value",
        "value_max",
        "stretch",
        "unit",
        "text",
    }
    assert all(isinstance(t["value"], (int, float, type(None))) for t in out["targets"])
    assert any(type(t["value"]) is int for t in out["targets"])
    full = result.to_dict()
    assert {"text", "due"} <= set(full["tasks"][0])
    assert {"headings", "warnings"} <= set(full)
    json.dumps(full, ensure_ascii=False)
