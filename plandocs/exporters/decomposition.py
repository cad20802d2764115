"""The task-decomposition table (工作任务分解表) of a plan, as offices print it."""

from __future__ import annotations

from collections.abc import Iterator

from programmes.models import Assignment, Plan, Task
from programmes.numbering import heading_label, task_number
from programmes.selectors import plan_tree
from qualitycity.exporters import Column, ListExporter, Row
from qualitycity.formats import decimal_text

# The table is an official Chinese form whose headers the importers read back, so its headers
# and printed wording stay Chinese whatever the requester's language.
COLUMNS = (
    Column("序号", 7, centred=True),
    Column("工作任务", 18),
    Column("主要内容", 56),
    Column("牵头部门", 14),
    Column("参与部门", 20),
    Column("指标", 30),
    Column("完成时限", 12, centred=True),
)


def target_line(target) -> str:
    """A target is one line of the 指标 cell: its name, a space, its commitment, worded so the
    importer reads it back: 合格率 ≥93%, 死亡率 ≤0.3，力争低于0.25, 项目 2-3个, 比重 逐年增长."""
    # Comparators are spelled as stored: the targets app sits above this one (see selectors).
    name, unit = target.indicator.name, target.indicator.unit
    value, stretch = decimal_text(target.value), decimal_text(target.stretch)
    comparator = target.comparator
    if comparator == "increase":
        return f"{name} 逐年增长"
    if comparator == "decrease":
        return f"{name} 逐年下降"
    if comparator == "range":
        return f"{name} {value}-{decimal_text(target.value_max)}{unit}"
    symbol = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}[comparator]
    # No space after the sign: a line breaks before it, never between it and its number.
    line = f"{name} {symbol}{value}{unit}"
    if target.stretch is not None:
        line += f"，力争低于{stretch}{unit}" if comparator in ("<=", "<") else f"，力争达到{stretch}{unit}"
    return line


def department_names(task: Task, role: str) -> str:
    """The departments of one role, by their current names, in the plan's order, joined with 、."""
    return "、".join(a.department.name for a in task.assignments.all() if a.role == role)


SCOPES = ("auto", "appendix", "plan")


def _in_appendix(node) -> bool:
    """Headings and tasks of the plan's 附件 (decomposition table) have paths starting 附件."""
    path = node.item.path
    return bool(path) and path[0] == "附件"


class TaskDecompositionExporter(ListExporter):
    """A plan's headings as section rows and its tasks as rows, in printed order.

    ``scope``: "plan" exports the whole plan; "appendix" only the plan's own decomposition table
    (its 附件, under that table's title, with its own 序号); "auto" (the default) the appendix
    where the plan has one, else the whole plan.
    """

    document_name = "工作任务分解表"
    columns = COLUMNS

    def __init__(self, plan: Plan, scope: str = "auto"):
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}: {scope!r}")
        self.plan = plan
        self._nodes = plan_tree(plan=plan)
        has_appendix = any(n.kind == "task" and _in_appendix(n) for n in self._nodes)
        self.scope = ("appendix" if has_appendix else "plan") if scope == "auto" else scope
        if self.scope == "appendix" and not has_appendix:
            self.scope = "plan"

    def _appendix_title(self) -> str:
        for node in self._nodes:
            if node.kind == "heading" and node.item.number == "附件" and node.item.title not in ("", "附件"):
                return node.item.title
        return f"{self.plan.title}{self.document_name}"

    def title(self) -> str:
        return self._appendix_title() if self.scope == "appendix" else self.plan.title

    def filename(self, extension: str) -> str:
        # An appendix's title already names the document (…工作任务分解表): not twice.
        name = super().filename(extension)
        doubled = f"{self.document_name}-{self.document_name}."
        return name.replace(doubled, f"{self.document_name}.")

    def subtitle(self) -> tuple[str, ...]:
        # 印发机关, 文号 and 年度, each in its part of the row (the importer reads them back; a row
        # of several parts is never taken for the title).
        parts = []
        if self.plan.issuer:
            parts.append(f"印发机关：{self.plan.issuer}")
        if self.plan.document_number:
            parts.append(f"文号：{self.plan.document_number}")
        parts.append(f"年度：{self.plan.period_label}")
        return tuple(parts)

    def iterate_rows(self) -> Iterator[Row]:
        appendix = self.scope == "appendix"
        for node in self._nodes:
            if appendix and not _in_appendix(node):
                continue
            if node.kind == "heading":
                if appendix and node.item.number == "附件":
                    continue  # the table's own title heads the file
                yield Row.section(heading_label(node.item))
                continue
            task = node.item
            yield Row(
                "task",
                (
                    task_number(task),
                    task.title,
                    task.text,
                    department_names(task, Assignment.Role.LEAD),
                    department_names(task, Assignment.Role.PARTICIPATING),
                    "\n".join(target_line(t) for t in task.targets.all()),
                    task.due,
                ),
            )
