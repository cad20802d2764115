"""What a reading produces: tasks, targets, warnings, and the error that stops a reading.

Rule: ``Extraction.to_schema`` is exactly the SCHEMA.md shape; ``to_dict`` adds the details.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The file cannot be read as a plan; ``message`` says what and where, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Task:
    """One task: its outline number and path, title, departments, text and due date."""

    number: str
    path: list[str]
    title: str
    lead: list[str] = field(default_factory=list)
    participating: list[str] = field(default_factory=list)
    text: str = ""
    due: str | None = None
    line: int | None = None


@dataclass
class Target:
    """One quantitative target of a task: indicator, comparator, value (range, stretch) and unit."""

    task_path: list[str]
    indicator: str
    comparator: str
    value: float | int | None
    value_max: float | int | None
    stretch: float | int | None
    unit: str | None
    text: str


def _num_out(v):
    """Values as int when integral, else float (SCHEMA)."""
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


@dataclass
class Extraction:
    """The reading of one plan: title, tasks, targets, headings and warnings."""

    doc: str
    title: str
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    headings: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def to_schema(self) -> dict:
        """Exactly the SCHEMA.md shape."""
        return {
            "doc": self.doc,
            "title": self.title,
            "tasks": [
                {
                    "number": t.number,
                    "path": list(t.path),
                    "title": t.title,
                    "lead": list(t.lead),
                    "participating": list(t.participating),
                }
                for t in self.tasks
            ],
            "targets": [
                {
                    "task_path": list(g.task_path),
                    "indicator": g.indicator,
                    "comparator": g.comparator,
                    "value": _num_out(g.value),
                    "value_max": _num_out(g.value_max),
                    "stretch": _num_out(g.stretch),
                    "unit": g.unit,
                    "text": g.text,
                }
                for g in self.targets
            ],
        }

    def to_dict(self) -> dict:
        """The schema plus task text, due, headings, warnings and ``meta`` (meta.read_meta's keys:
        title, issuer, document_number, issued_on, year_start, year_end, kind)."""
        out = self.to_schema()
        for row, t in zip(out["tasks"], self.tasks, strict=True):
            row["text"] = t.text
            row["due"] = t.due
            row["line"] = t.line
        out["headings"] = [dict(h) for h in self.headings]
        out["warnings"] = [dict(w) for w in self.warnings]
        out["meta"] = dict(self.meta)
        return out


def warning(path, line, message) -> dict:
    """A warning for the office: the task path (or None), the line, and the message."""
    return {"path": list(path) if path is not None else None, "line": line, "message": message}
