"""Decomposition tables (工作任务分解表): header roles, section rows and one task per row.

Rule: the header is the first row (of ten) naming two known columns; a row holding a single
numbered value is a section heading, every other row is a task or continues the task above.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

from .blocks import TableBlock, normalize, split_sentences, strip_end
from .departments import dedupe, parse_departments, split_names
from .outline import APPENDIX, match_number, norm_number
from .result import ImportFailed, Target, Task, warning
from .targets import extract_targets

# Header words → column role.  Whitespace inside header cells is ignored.
HEADER_ROLES = [
    ("seq", ("序号", "编号", "序")),
    ("task", ("工作任务", "重点任务", "主要任务", "任务名称", "任务", "工作事项", "项目名称", "工作项目")),
    (
        "content",
        (
            "主要内容",
            "工作内容",
            "具体内容",
            "任务内容",
            "具体措施",
            "工作措施",
            "主要措施",
            "具体任务",
            "工作要求",
            "内容",
        ),
    ),
    ("lead", ("牵头部门", "牵头单位", "主责单位", "主责部门", "牵头")),
    ("part", ("参与部门", "参与单位", "配合部门", "配合单位", "协同单位", "协同部门", "协办单位", "配合")),
    ("resp", ("责任部门", "责任单位", "负责单位", "负责部门", "责任主体", "实施单位")),
    ("due", ("完成时限", "完成时间", "时间节点", "时限", "时间要求", "进度安排")),
    ("indicator", ("指标", "目标值", "量化指标", "目标任务", "工作目标", "预期目标", "目标")),
    ("note", ("备注",)),
]


def header_role(cell: str) -> str | None:
    """The column role a header cell names: an exact header word first, then a prefix/suffix."""
    c = re.sub(r"\s+", "", normalize(cell or ""))
    if not c or len(c) > 12:
        return None
    for role, words in HEADER_ROLES:
        if c in words:
            return role
    for role, words in HEADER_ROLES:
        if any(c.startswith(w) or c.endswith(w) for w in words if len(w) >= 2):
            return role
    return None


def find_header(rows: list[list[str]], limit: int = 10):
    """First row (within `limit`) with at least two recognised header cells."""
    for i, row in enumerate(rows[:limit]):
        roles = {}
        for j, cell in enumerate(row):
            r = header_role(cell)
            if r and r not in roles:
                roles[r] = j
        if len(roles) >= 2:
            return i, roles
    return None, None


def _row_where(table: TableBlock, i: int) -> str:
    """How messages name row i: its printed row number, else its place in the table."""
    if table.row_lines:
        return gettext("第%(row)s行") % {"row": table.row_lines[i]}
    return gettext("%(table)s第%(row)s行") % {"table": table.where, "row": i + 1}


def read_table(table: TableBlock, appendix: bool, heading_path: list[str] | None = None):
    """Decomposition table → (title, tasks, headings, targets, warnings).

    Appendix tables: path ['附件', 序号].  Standalone tables: [section numbers…, 序号].
    """
    rows = [[normalize(c or "").strip() for c in row] for row in table.rows]
    hi, roles = find_header(rows)
    if hi is None:
        return None
    if "task" not in roles and "content" not in roles:
        found = "、".join(re.sub(r"\s+", "", rows[hi][j]) for j in sorted(roles.values()))
        message = gettext(
            "%(where)s：表格缺少任务列（未找到「工作任务」「主要内容」「任务」列），找到的列：%(found)s"
        )
        raise ImportFailed(message % {"where": _row_where(table, hi), "found": found})
    reader = _TableReader(table, roles, appendix)
    ncols = max(len(r) for r in rows)
    for i in range(hi + 1, len(rows)):
        reader.add_row(i, rows[i] + [""] * (ncols - len(rows[i])))
    return _table_title(rows[:hi]), reader.tasks, reader.headings, reader.targets, reader.warns


def _table_title(rows_above_header: list[list[str]]) -> str | None:
    """The last single-value row above the header (a merged title row)."""
    title = None
    for r in rows_above_header:
        vals = _distinct(r)
        if len(vals) == 1 and not _META_LABEL.match(vals[0]):
            title = vals[0]
    return title


# An export's subtitle parts (印发机关：…, 文号：…, 年度：…) are never the title.
_META_LABEL = re.compile(r"^(印发机关|发文机关|文号|发文字号|年度|成文日期|印发日期)\s*[:：]")


class _TableReader:
    """The rows below a table's header, read in order into tasks, headings, targets, warnings."""

    def __init__(self, table: TableBlock, roles: dict[str, int], appendix: bool):
        self.table = table
        self.roles = roles
        self.appendix = appendix
        self.tasks: list[Task] = []
        self.headings: list[dict] = []
        self.targets: list[Target] = []
        self.warns: list[dict] = []
        self.stack: list[tuple[str, str]] = []  # (style, number) of section rows
        self.counter = 0

    def cell(self, row: list[str], role: str) -> str:
        """The row's cell in the column of a header role ('' when the table has no such column)."""
        j = self.roles.get(role)
        return row[j].strip() if j is not None and j < len(row) else ""

    def add_row(self, i: int, row: list[str]) -> None:
        """One row: a section heading, a repeated header, a new task or the task above continued."""
        vals = _distinct(row)
        if not vals:
            return
        if _is_section_row(row, self.roles, vals):
            self._section(vals[0])
            return
        task_cell, content = self.cell(row, "task"), self.cell(row, "content")
        if task_cell and header_role(task_cell) == "task" and not content:
            return  # repeated header row
        number, task_title = _row_number_and_title(self.cell(row, "seq"), task_cell, content)
        number, path = self._number_and_path(number)
        lead, part, due = self._departments(row)
        # Rows continuing the task above (merged 工作任务/序号 cells) add content and departments.
        if self.tasks and self.tasks[-1].path == path and self.tasks[-1].title == task_title:
            self._continue_task(self.tasks[-1], content, lead, part)
            return
        task = Task(
            number=number,
            path=path,
            title=task_title,
            lead=lead,
            participating=part,
            text=content or _strip_number(task_cell),
            due=due,
            line=self.table.row_lines[i] if self.table.row_lines else i + 1,
        )
        self.tasks.append(task)
        self._task_targets(task, row, task_cell, content)
        if not lead and not part:
            message = gettext("%(where)s：任务「%(title)s」没有责任部门") % {
                "where": _row_where(self.table, i),
                "title": task_title,
            }
            self.warns.append(warning(path, task.line, message))

    def _section(self, sec: str) -> None:
        """A section row opens a heading; 附件 restarts the numbering under '附件'."""
        if APPENDIX.match(sec) or sec == "附件":
            self.stack = [("appendix", "附件")]
            title = strip_end(sec[APPENDIX.match(sec).end() :]) if APPENDIX.match(sec) else ""
            if not any(h["path"] == ["附件"] for h in self.headings):
                self.headings.append({"path": ["附件"], "number": "附件", "title": title or "附件"})
            return
        mn = match_number(sec)
        if mn:
            style, num, rest = mn
            styles = [s for s, _ in self.stack]
            if style in styles:
                self.stack = self.stack[: styles.index(style)]
            self.stack.append((style, norm_number(num)))
            self.headings.append(
                {"path": [n for _, n in self.stack], "number": num, "title": strip_end(rest)}
            )

    def _number_and_path(self, number: str | None) -> tuple[str, list[str]]:
        """Unnumbered rows count on from the last number; '一/1' is a path of its own."""
        if number is None:
            self.counter += 1
            number = str(self.counter)
        else:
            self.counter = int(number) if number.isdigit() else self.counter + 1
        if "/" in number:
            path = [norm_number(p) for p in number.split("/") if p.strip()]
            return path[-1], path
        if self.appendix:
            return number, ["附件", number]
        # A row numbered in a style already open (一 after 五's rows) closes that level.
        mn = match_number(number + "、x") or match_number(number + " x")
        styles = [st for st, _ in self.stack]
        if mn and mn[0] in styles:
            self.stack = self.stack[: styles.index(mn[0])]
        return number, [n for _, n in self.stack] + [number]

    def _departments(self, row: list[str]) -> tuple[list[str], list[str], str | None]:
        """(lead, participating, due) from the 责任/牵头/参与/时限 columns."""
        lead, part, due = [], [], self.cell(row, "due") or None
        if "resp" in self.roles:
            l2, p2, d2 = parse_departments(self.cell(row, "resp"))
            lead, part = lead + l2, part + p2
            due = due or d2
        if "lead" in self.roles:
            l2, p2, _ = parse_departments(self.cell(row, "lead"))
            lead, part = lead + l2, part + p2
        if "part" in self.roles:
            part += split_names(self.cell(row, "part"))
        lead = dedupe(lead)
        return lead, [p for p in dedupe(part) if p not in lead], due

    def _continue_task(self, prev: Task, content: str, lead: list[str], part: list[str]) -> None:
        """A continuation row adds its content (and its targets) and departments to the task."""
        if content and content not in prev.text:
            prev.text += "\n" + content
            new_targets, w = extract_targets(content, prev.path)
            self.targets += new_targets
            self.warns += w
        prev.lead = dedupe(prev.lead + lead)
        prev.participating = [p for p in dedupe(prev.participating + part) if p not in prev.lead]

    def _task_targets(self, task: Task, row: list[str], task_cell: str, content: str) -> None:
        """Targets of the task cell and content, with the 指标 cell's reading preferred."""
        head = _strip_number(task_cell) if content else ""
        source = "\n".join(x for x in (head if head not in content else "", content or task.text) if x)
        new_targets, w = extract_targets(source, task.path)
        indicator = self.cell(row, "indicator")
        if "indicator" in self.roles and indicator:
            # The 指标 cell states the targets on purpose (name, comparator, 力争); where the text
            # says the same number in prose, the cell's reading wins and the text adds the rest.
            stated, w2 = stated_targets(indicator, task.path)
            new_targets = stated + [t for t in new_targets if not _duplicate(t, stated)]
            w += w2
        self.targets += new_targets
        self.warns += [dict(x, line=task.line) for x in w]


# A 指标 line as the portal's export prints it: the name, a space, then the commitment
# (制造业监督抽查合格率 ≥ 93%, 新增项目 2-3个, 研发经费支出比重 逐年增长).
_STATED_LINE = re.compile(
    r"^(?P<name>\S.*?)\s+(?P<rest>[≥≤<>=]\s*\d.*|\d+(?:\.\d+)?\s*[-–~]\s*\d+(?:\.\d+)?\D*|逐年增长|逐年下降)$"
)


def stated_targets(cell: str, path: list[str]) -> tuple[list[Target], list[dict]]:
    """A 指标 cell line printed as `名称 ≥ 93%` keeps its name as printed; other lines are prose."""
    targets, warns, prose = [], [], []
    for line in cell.split("\n"):
        m = _STATED_LINE.match(line.strip())
        if not m:
            prose.append(line)
            continue
        found, w = extract_targets(line.strip(), path)
        if not found and m["rest"] in ("逐年增长", "逐年下降"):
            cmp = "increase" if m["rest"] == "逐年增长" else "decrease"
            found = [Target(list(path), m["name"], cmp, None, None, None, None, line.strip())]
        if len(found) == 1:
            found[0].indicator = m["name"]
        targets += found
        warns += w
    if any(line.strip() for line in prose):
        found, w = extract_targets("\n".join(prose), path)
        targets += found
        warns += w
    # Two lines quoting one phrase (A率、B率达100%) state its targets once.
    seen, unique = set(), []
    for t in targets:
        key = (t.indicator, t.comparator, t.value, t.value_max, t.stretch, t.unit)
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique, warns


def _duplicate(t: Target, existing: list[Target]) -> bool:
    """The 指标 column often repeats a target already printed in the task text."""
    return any(e.unit == t.unit and e.value == t.value and e.value_max == t.value_max for e in existing)


def _distinct(row):
    """The row's non-empty values once each (merged cells repeat their value)."""
    out = []
    for c in row:
        c = (c or "").strip()
        if c and c not in out:
            out.append(c)
    return out


def _is_section_row(row, roles, vals) -> bool:
    """A section row holds one value only (often merged across the table): '一、提升产品质量'."""
    if len(vals) != 1:
        return False
    v = vals[0]
    nonempty = [j for j, c in enumerate(row) if c.strip()]
    if len(nonempty) > 1:
        return True  # merged across several columns
    j = nonempty[0]
    if roles.get("seq") == j and not match_number(v):
        return False  # a lone 序号
    mn = match_number(v)
    return bool(mn and mn[0] in ("cn", "pcn", "chapter", "section")) or APPENDIX.match(v) is not None


def _strip_number(s: str) -> str:
    """A cell's text without its outline number ('1.强化监督抽查' → '强化监督抽查')."""
    mn = match_number(s or "")
    return mn[2] if mn else (s or "").strip()


def _row_number_and_title(seq, task_cell, content):
    """Printed 序号, else the number prefix of the 工作任务 cell ('1.提高农产品…')."""
    number = None
    if seq:
        s = norm_number(seq)
        if (
            re.fullmatch(r"[\d一二三四五六七八九十()/.、\u2460-\u2473]+", s.replace("(", "").replace(")", ""))
            or "/" in s
        ):
            number = s
    mn = match_number(task_cell or "")
    if mn and number is None:
        number = norm_number(mn[1])
    title = strip_end(mn[2] if mn else task_cell) if task_cell else _first_sentence(content)
    return number, title


def _first_sentence(text: str) -> str:
    """A task without a 工作任务 cell is titled by the first sentence of its content."""
    t = (text or "").strip()
    sents = split_sentences(t)
    return strip_end(sents[0]) if sents else t
