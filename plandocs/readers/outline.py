"""The numbered outline of a plan (第一章, 一、 (一) 1. (1) ① ——) read into a tree; leaves are tasks.

Rule: each numbering style is one level, ranked by first appearance; an item with children is a
heading, an item without children is a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from .blocks import Para, normalize, split_clauses, split_sentences, strip_end
from .departments import DEPT_LINE, dedupe, parse_departments, split_department_bracket
from .quantities import find_quantities
from .result import Task, warning
from .targets import extract_targets

CN = "一二三四五六七八九十百零〇"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, regex, how the number is printed in a path).  Order matters: first match wins.
# Each style is one outline level; the level order is learnt from the document (first seen =
# higher), because plans differ in which styles they use.
NUMBERING = [
    ("chapter", re.compile(rf"^第([{CN}\d]+)(章|部分|篇)\s*"), lambda m: f"第{m.group(1)}{m.group(2)}"),
    ("section", re.compile(rf"^第([{CN}\d]+)节\s*"), lambda m: f"第{m.group(1)}节"),
    ("cn", re.compile(rf"^([{CN}]+)\s*[、.．]\s*"), lambda m: m.group(1)),
    ("pcn", re.compile(rf"^\(\s*([{CN}]+)\s*\)\s*[、.]?\s*"), lambda m: f"({m.group(1)})"),
    ("arabic", re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*"), lambda m: m.group(1)),
    ("parabic", re.compile(r"^\(\s*(\d{1,3})\s*\)\s*[、.]?\s*"), lambda m: f"({m.group(1)})"),
    ("arabicp", re.compile(r"^(\d{1,3})\)\s*"), lambda m: f"{m.group(1)})"),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*[、.]?\s*"), lambda m: m.group(1)),
]


def match_number(text: str):
    """Return (style, printed number, rest of line) if the line starts with an outline number."""
    for style, rx, fmt in NUMBERING:
        m = rx.match(text)
        if m and text[m.end() :].strip():
            rest = text[m.end() :].strip()
            # "1.5万家…" is a decimal, "2022年" is a year: neither starts an item.
            if style == "arabic" and re.match(r"^[\d年月日%]", rest):
                continue
            return style, fmt(m), rest
    return None


def norm_number(label: str) -> str:
    """'（一）' → '(一)', '1、' → '1', '一.' → '一' (paths keep ASCII parentheses, no 、/.)."""
    s = normalize(label).strip()
    s = re.sub(r"\s+", "", s).rstrip("、.")
    return s


# 牵头单位：/责任单位： printed inside a —— bullet, after its text.
DEPT_LABEL_IN = re.compile(r"[(（]?(牵头单位|牵头部门|责任单位|责任部门|负责单位|负责部门|主责单位)\s*[:：]")

# 附件 (appendix) starts a new outline after the plan's own.
APPENDIX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*([:：]|$|\s)")


def outline_number(label: str | None, text: str):
    """(style, number, rest) of a paragraph, from its Word auto-number label or its printed number."""
    if label:
        mn = match_number(label + " x")
        if mn:
            return mn[0], mn[1], text
        if re.fullmatch(r"\d{1,3}", label):
            return "arabic", label, text
    return match_number(text)


@dataclass
class _Node:
    """One numbered item: its first line, the text and departments gathered under it, children."""

    number: str
    style: str
    first: str
    line: int | None
    parent: _Node | None = None
    texts: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    part: list[str] = field(default_factory=list)
    due: str | None = None
    children: list[_Node] = field(default_factory=list)
    dashes: int = 0

    def path(self) -> list[str]:
        """Numbers from the top item down to this one, as paths print them."""
        out, n = [], self
        while n is not None and n.style != "root":
            out.append(norm_number(n.number))
            n = n.parent
        return out[::-1]


class Outline:
    """Paragraphs of a plan's body fed in order; ``read`` turns the tree into tasks and headings."""

    def __init__(self):
        self.root = _Node("", "root", "", None)
        self.stack: list[_Node] = [self.root]
        self.current: _Node | None = None
        self.appendix = False  # inside 附件: items go under an "附件" node
        self.has_numbered = False
        self.appendix_title = ""  # 附件:某某工作任务分解表 → 某某工作任务分解表

    def add(self, para: Para) -> None:
        """Place one paragraph: a numbered item, a department line, a —— item, or item text."""
        text = para.text.strip()
        if self.has_numbered and APPENDIX.match(text):
            self.appendix_title = self.appendix_title or strip_end(text[APPENDIX.match(text).end() :])
            self.appendix = True
            self.current = None
            self.stack = [self.root]
            return
        mn = outline_number(para.label, text)
        if mn:
            self._open_item(mn, para.line)
            return
        if self.current is None:
            return
        if DEPT_LINE.match(text):
            lead, part, due = parse_departments(text)
            self.current.lead = dedupe(self.current.lead + lead)
            self.current.part = dedupe(self.current.part + part)
            self.current.due = self.current.due or due
            return
        if text.startswith("—") and self._add_dash_item(text, para.line):
            return
        _add_text(self.current, text)

    def _open_item(self, mn, line: int | None) -> None:
        """A numbered item closes every open item of its own or a deeper style."""
        style, number, rest = mn
        self.has_numbered = True
        if self.appendix and not any(n.style == "appendix" for n in self.stack):
            app = _Node("附件", "appendix", self.appendix_title or "附件", line, parent=self.root)
            self.root.children.append(app)
            self.stack = [self.root, app]
        styles = [n.style for n in self.stack]
        if style in styles:
            self.stack = self.stack[: styles.index(style)]
        node = _Node(number, style, rest, line, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        self.stack.append(node)
        self.current = node
        _add_text(node, rest)

    def _add_dash_item(self, text: str, line: int | None) -> bool:
        """'——…(市A局负责)' or '——…。牵头单位：市A局' under an item is a sub-task of its own when
        it names its own departments; any other bullet is part of its item's text."""
        body = text.lstrip("—").strip()
        inline = DEPT_LABEL_IN.search(body)
        lead = part = []
        due = None
        if inline and inline.start() > 0:
            lead, part, due = parse_departments(body[inline.start() :])
            body = body[: inline.start()].rstrip(" ,;。")
            if not lead and not part:
                return False
        elif not split_department_bracket(body):
            return False
        self.current.dashes += 1
        node = _Node(f"——{self.current.dashes}", "dash", body, line, parent=self.current)
        node.lead, node.part, node.due = dedupe(lead), dedupe([p for p in part if p not in lead]), due
        self.current.children.append(node)
        _add_text(node, body)
        return True

    def read(self, unit: str):
        """(tasks, headings, targets, warnings) of the tree; ``unit`` names a line in messages."""
        tasks, headings, targets, warns = [], [], [], []
        _walk(self.root, tasks, headings, targets, warns, unit=unit)
        return tasks, headings, targets, warns


def _add_text(node: _Node, text: str):
    """Append a paragraph to a node; a department bracket at its end is read, not kept."""
    dept = split_department_bracket(text)
    if dept:
        body, lead, part, due = dept
        node.lead = dedupe(node.lead + lead)
        node.part = dedupe(node.part + [p for p in part if p not in lead])
        node.due = node.due or due
        text = body
    if text.strip():
        node.texts.append(text.strip())


def _node_title(node: _Node) -> str:
    """The item's own heading or first sentence, cut before the first clause with a number."""
    first = node.first
    dept = split_department_bracket(first)
    if dept:
        first = dept[0]
    sents = split_sentences(first)
    if not sents:
        return strip_end(first)
    sent = sents[0]
    clauses = [c for _, c in split_clauses(sent)]
    keep = []
    for c in clauses:
        if keep and find_quantities(c):
            break
        keep.append(c)
    return strip_end(",".join(keep))


def _walk(node: _Node, tasks, headings, targets, warns, inherited=None, unit="行"):
    """Children with children are headings (their departments pass down); the others are tasks."""
    for child in node.children:
        path = child.path()
        lead, part = child.lead, child.part
        if child.children:
            headings.append({"path": path, "number": child.number, "title": _node_title(child)})
            # A heading's own paragraph may hold targets too (they stay with the heading path).
            own = "\n".join(child.texts)
            t, w = extract_targets(own, path)
            targets += t
            warns += w
            _walk(child, tasks, headings, targets, warns, (lead, part) if (lead or part) else inherited, unit)
            continue
        if not lead and not part and inherited:
            lead, part = inherited
        text = "\n".join(child.texts)
        task = Task(
            number=child.number,
            path=path,
            title=_node_title(child),
            lead=list(lead),
            participating=[p for p in part if p not in lead],
            text=text,
            due=child.due,
            line=child.line,
        )
        tasks.append(task)
        t, w = extract_targets(text, path)
        targets += t
        warns += [dict(x, line=child.line) for x in w]
        if not lead and not part:
            message = gettext("第%(line)s%(unit)s：任务「%(title)s」没有责任部门") % {
                "line": child.line,
                "unit": unit,
                "title": task.title[:30],
            }
            warns.append(warning(path, child.line, message))
