"""Lead and participating departments of a task, read from brackets, labelled lines and cells.

Rule: names before 牵头/负责 lead, names before 配合/参与/协助 (or after a 牵头 group) take part.
"""

from __future__ import annotations

import re

from .blocks import normalize

LEAD_LABELS = (
    "牵头部门",
    "牵头单位",
    "责任部门",
    "责任单位",
    "负责单位",
    "负责部门",
    "主要责任单位",
    "主责单位",
    "主责部门",
    "责任主体",
    "实施单位",
    "承办单位",
    "主办单位",
)
PART_LABELS = (
    "参与部门",
    "参与单位",
    "配合部门",
    "配合单位",
    "协同单位",
    "协同部门",
    "协办单位",
    "协作单位",
    "协助单位",
    "协助部门",
    "参加单位",
    "配合",
    "参与",
)
DUE_LABELS = ("完成时限", "完成时间", "时间节点", "时间要求", "时限")
_LABEL_RX = re.compile(
    "("
    + "|".join(sorted(LEAD_LABELS + PART_LABELS[:-2] + DUE_LABELS, key=len, reverse=True))
    + r")\s*[:：]?\s*"
)
# A bare bracket is a department bracket when it ends in a role verb.
ROLE_SUFFIX = re.compile(r"(牵头负责|负责落实|负责|牵头|配合实施|配合|参与|协助|协同|落实)(等)?$")
DEPT_SUFFIX = re.compile(
    r"(局|委|办|部|政府|单位|院|会|厅|处|队|所|站|中心|办公室|街道|镇|区镇|管委会|公司|"
    r"集团|海关|银行|分局|支队|大队|社|台|团|行|馆)$"
)


def split_names(s: str) -> list[str]:
    """Split '市A局、市B局,各区镇' on 、,;/ and spaces — but not inside brackets (各县(市、区))."""
    out, buf, depth = [], "", 0
    for ch in s:
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,，;；/ \n\t":
            out.append(buf)
            buf = ""
        else:
            buf += ch
    out.append(buf)
    names = []
    for n in out:
        n = n.strip().strip(":：。.")
        n = re.sub(r"^(由|以|各自|分别由)", "", n)
        n = re.sub(r"(等单位|等部门|等)$", "", n)
        if n and n not in names:
            names.append(n)
    return names


def _split_roles(s: str) -> tuple[list[str], list[str]]:
    """'A、B牵头,C配合' → lead [A,B], participating [C].  Names wait for the next role word.

    After a 牵头 group, '…按职责分工负责' names the supporting units (participating).
    """
    lead, part, pending = [], [], []
    led = False
    for chunk in split_names(s):
        m = ROLE_SUFFIX.search(chunk)
        name = chunk[: m.start()].strip() if m else chunk
        name = re.sub(r"(按照职责分工|按职责分工|按职责|各司其职|分别|共同)$", "", name).strip()
        if name:
            pending.append(name)
        if m:
            role = m.group(1)
            supporting = role in ("配合", "参与", "协助", "协同", "配合实施") or (led and "牵头" not in role)
            (part if supporting else lead).extend(pending)
            led = led or "牵头" in role
            pending = []
    lead.extend(pending)
    return lead, part


def parse_departments(s: str) -> tuple[list[str], list[str], str | None]:
    """Read a department bracket or cell: labelled (牵头部门:…;参与部门:…) or '…牵头、…配合'."""
    s = normalize(s).strip()
    s = re.sub(r"^[(\[【]|[)\]】]$", "", s).strip()
    lead, part, due = [], [], None
    pieces = list(_LABEL_RX.finditer(s))
    if not pieces:
        lead, part = _split_roles(s)
        return dedupe(lead), dedupe(part), None
    head = s[: pieces[0].start()].strip(" ;,。")  # noqa: B005 - a set of separators
    if head:
        hl, hp = _split_roles(head)
        lead += hl
        part += hp
    for i, m in enumerate(pieces):
        end = pieces[i + 1].start() if i + 1 < len(pieces) else len(s)
        body = s[m.end() : end].strip(" ;,。:：")  # noqa: B005 - a set of separators
        label = m.group(1)
        if label in DUE_LABELS:
            due = body or None
        elif label in LEAD_LABELS:
            bl, bp = _split_roles(body)
            lead += bl
            part += bp
        else:
            part += split_names(body)
    return dedupe(lead), dedupe(part), due


def dedupe(names):
    """Names in first-seen order, without repeats or empty names."""
    out = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


def trailing_bracket(text: str) -> tuple[str, str] | None:
    """Split 'body(bracket)' at the last balanced bracket group ending the paragraph."""
    t = text.rstrip().rstrip("。.;")  # noqa: B005 - a set of end marks
    if not t or t[-1] not in ")）】]":
        return None
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        ch = t[i]
        if ch in ")）】]":
            depth += 1
        elif ch in "(（【[":
            depth -= 1
            if depth == 0:
                return t[:i].rstrip(), t[i + 1 : -1]
    return None


def is_department_text(inner: str) -> bool:
    """A bracket names departments if it carries a role label, a role verb, or only unit names."""
    inner = normalize(inner).strip()
    if not inner or len(inner) > 300:
        return False
    if _LABEL_RX.match(inner) or re.search("(" + "|".join(LEAD_LABELS + PART_LABELS[:-2]) + ")", inner):
        return True
    if ROLE_SUFFIX.search(inner):
        return True
    names = split_names(inner)
    return len(names) >= 1 and all(DEPT_SUFFIX.search(n) for n in names) and not re.search(r"\d", inner)


def split_department_bracket(text: str):
    """Return (text without bracket, lead, participating, due) or None if no department bracket."""
    found = trailing_bracket(text)
    if not found:
        return None
    body, inner = found
    if not is_department_text(inner):
        return None
    lead, part, due = parse_departments(inner)
    if not lead and not part:
        return None
    return body, lead, part, due


# A paragraph of its own under an item, "牵头部门：…", gives that item's departments.
DEPT_LINE = re.compile(
    "^(" + "|".join(sorted(LEAD_LABELS + PART_LABELS[:-2] + DUE_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)
