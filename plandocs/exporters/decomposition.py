"""The task-decomposition table (工作任务分解表) of a plan, as offices print it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from programmes.models import Assignment, Heading, Plan, Task
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

_CN_NUMERAL = re.compile(r"^[一二三四五六七八九十百零〇]+$")


def printed_number(number: str) -> str:
    """A number as printed before a heading: 二、 / （一） / 1. / 第一章 ."""
    number = number.strip()
    if number.startswith(("(", "（")):
        return "（" + number.strip("()（）") + "）"
    if _CN_NUMERAL.match(number):
        return number + "、"
    if number.isdigit():
        return number + "."
    return number + " "


def heading_label(heading: Heading) -> str:
    """A section row: the heading's printed number and title, e.g. 二、任务分工 or （一）提升产品质量水平."""
    if heading.number == "附件":
        return f"附件：{heading.title}" if heading.title else "附件"
    return (printed_number(heading.number) + heading.title).strip()


def task_number(task: Task) -> str:
    """The 序号 cell: the task's own printed number, with full-width parentheses as in the plan."""
    number = task.number.strip()
    if number.startswith(("(", "（")):
        return "（" + number.strip("()（）") + "）"
    return number


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


class TaskDecompositionExporter(ListExporter):
    """A plan's headings as section rows and its tasks as rows, in printed order."""

    document_name = "工作任务分解表"
    columns = COLUMNS

    def __init__(self, plan: Plan):
        self.plan = plan

    def title(self) -> str:
        return self.plan.title

    def subtitle(self) -> tuple[str, ...]:
        # Printed in two parts of the row, so the importer never takes this line for the title.
        first = (
            f"文号：{self.plan.document_number}"
            if self.plan.document_number
            else (f"印发机关：{self.plan.issuer}" if self.plan.issuer else "")
        )
        if not first:
            return ()
        return (first, f"年度：{self.plan.period_label}")

    def iterate_rows(self) -> Iterator[Row]:
        for node in plan_tree(plan=self.plan):
            if node.kind == "heading":
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
