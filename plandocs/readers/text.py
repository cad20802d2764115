"""Plain-text extraction of a quality-city plan (质量强市方案/计划/要点).

Reads the numbered outline of a Chinese government plan (一、 (一) 1. 1、 (1) ① …), turns leaf
items into tasks, reads the department bracket at the end of each paragraph, and finds the
quantitative targets in each task's text.  Decomposition tables (工作任务分解表) are read as
tables.  Standard library only; no Django imports here.

The same intermediate (a list of ``Para`` and ``TableBlock``) is produced by the .docx and .xlsx
readers, so every format goes through ``extract_blocks``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Errors and result types
# ---------------------------------------------------------------------------------------------


class ImportFailed(Exception):
    """The file cannot be read as a plan; ``message`` says what and where, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Para:
    """One paragraph (a line of text, a Word paragraph).  ``label`` is Word auto-numbering."""

    text: str
    line: int | None = None
    label: str | None = None


@dataclass
class TableBlock:
    """A table as rows of cell strings (merged cells already filled in)."""

    rows: list[list[str]]
    line: int | None = None
    where: str = "表格"  # how a row is named in messages: "第N行" for xlsx
    row_lines: list[int] | None = None  # printed row number of each row, for messages


@dataclass
class Task:
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
    doc: str
    title: str
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    headings: list[dict] = field(default_factory=list)

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
        """The schema plus task text, due, headings and warnings."""
        out = self.to_schema()
        for row, t in zip(out["tasks"], self.tasks, strict=True):
            row["text"] = t.text
            row["due"] = t.due
            row["line"] = t.line
        out["headings"] = [dict(h) for h in self.headings]
        out["warnings"] = [dict(w) for w in self.warnings]
        return out


def warning(path, line, message) -> dict:
    return {"path": list(path) if path is not None else None, "line": line, "message": message}


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

# Full-width ASCII (，：（）％１) → half-width, ideographic space → space; Chinese marks kept.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update(
    {
        0x3000: 0x20,
        0xA0: 0x20,
        0x2002: 0x20,
        0x2003: 0x20,
        0x200B: None,
        0xFEFF: None,
        0x2219: 0x2E,
        0xFF0E: 0x2E,
    }
)


def normalize(s: str) -> str:
    return (s or "").translate(_FULLWIDTH).replace("\r\n", "\n").replace("\r", "\n")


CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23 (small Chinese numerals used in outlines and ranks)."""
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


# ---------------------------------------------------------------------------------------------
# Outline numbering
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Page chrome, titles, appendix markers
# ---------------------------------------------------------------------------------------------

# Lines after which nothing belongs to the plan (web page footers).
END_MARKERS = re.compile(
    r"^(上一篇|下一篇|扫一扫|相关信息|相关链接|相关文件|打印本页|【打印|\[打印|关闭窗口|"
    r"【关闭|分享到|您访问的链接|版权所有|主办单位[:：]|网站标识码)"
)
# Lines that are page furniture wherever they appear.
CHROME = re.compile(
    r"^(当前位置|您的位置|您现在的位置|首页\s*>|时间[:：]|发布时间|发布日期|成文日期|来源[:：]|信息来源|"
    r"访问量|浏览次数|点击数|阅读次数|【字体|\[字体|字号|字体[:：]|责任编辑|索引号|主题分类|发文机关|"
    r"发文字号|文号|有效性|\(此件公开发布\)|\(此件主动公开\)|此件公开发布|附件下载|【?\s*(大|中|小)\s*】?$)"
)
DATE_LINE = re.compile(
    r"^\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[(]\d{4}[〕\])]\s*\d+\s*号$")
INDEX_NO = re.compile(r"^[\dA-Za-z]{6,}[-/][\dA-Za-z/-]+$")
TITLE_WORDS = re.compile(
    r"(方案|计划|要点|意见|规划|纲要|办法|措施|细则|通知|安排|清单|分解表|决定|任务书|责任书|行动)$"
)
APPENDIX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*([:：]|$|\s)")


def is_chrome(text: str) -> bool:
    """Page furniture: breadcrumbs, dates, 文号, view counters, one-letter close buttons."""
    t = text.strip()
    if not t:
        return True
    if CHROME.match(t) or DATE_LINE.match(t) or DOC_NO.match(t) or INDEX_NO.match(t):
        return True
    if len(t) <= 2 and not re.search(r"[\u4e00-\u9fff]", t):
        return True
    return t in {"有效", "失效", "废止", "x", "X", "×", "打印", "关闭"}


def is_title_candidate(text: str) -> bool:
    """A title: one short line without sentence punctuation, ending in a document-type word."""
    t = text.strip()
    if not (4 <= len(t) <= 70) or re.search(r"[。,;!?:]", t):
        return False
    if match_number(t) or APPENDIX.match(t):
        return False
    return bool(TITLE_WORDS.search(t.rstrip('》"”')))


def clean_title(text: str) -> str:
    """'关于印发《X》的通知' names the plan X."""
    t = text.strip()
    m = re.search(r"印发.*?《(.+?)》", t)
    return m.group(1) if m else t


# ---------------------------------------------------------------------------------------------
# Departments
# ---------------------------------------------------------------------------------------------

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
        return _dedupe(lead), _dedupe(part), None
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
    return _dedupe(lead), _dedupe(part), due


def _dedupe(names):
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


DEPT_LINE = re.compile(
    "^(" + "|".join(sorted(LEAD_LABELS + PART_LABELS[:-2] + DUE_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)

# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

# Comparator phrases as data.  BEFORE: printed just before the number; AFTER: just after the unit.
# 'neutral' phrases (达到, 保持 …) say "reach": the AFTER phrase, if any, decides.
BEFORE_PHRASES = [
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不下于", ">="),
    ("至少", ">="),
    ("≥", ">="),
    (">=", ">="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("突破", ">"),
    (">", ">"),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("最多", "<="),
    ("≤", "<="),
    ("<=", "<="),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("<", "<"),
    ("控制在", "<="),
    ("压缩至", "<="),
    ("压缩到", "<="),
    ("压减至", "<="),
    ("压减到", "<="),
    ("缩短至", "<="),
    ("缩短到", "<="),
    ("降至", "<="),
    ("降到", "<="),
    ("下降至", "<="),
    ("下降到", "<="),
    ("降低至", "<="),
    ("降低到", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("=", "="),
]
NEUTRAL_BEFORE = [
    "稳定在",
    "保持在",
    "维持在",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "增长到",
    "增长至",
    "上升到",
    "上升至",
    "达到",
    "达",
    "保持",
    "为",
    "是",
    "实现",
    "增长",
    "提高",
    "提升",
    "增加",
    "减少",
    "下降",
    "降低",
    "新增",
    "累计",
]
AFTER_PHRASES = [
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("左右", "~"),
]
HEDGES = ("力争", "争取", "努力", "力求")
# Units that state a time limit: with no comparator they are ceilings (办结时间 3个工作日).
DURATION_UNITS = {"小时", "分钟", "个工作日", "工作日"}

BASE_UNITS = sorted(
    [
        "个百分点",
        "百分点",
        "个工作日",
        "工作日",
        "个月",
        "人次",
        "家次",
        "项次",
        "批次",
        "户次",
        "台次",
        "平方公里",
        "平方米",
        "立方米",
        "公顷",
        "千瓦时",
        "千瓦",
        "吨标准煤",
        "标准煤",
        "公里",
        "千米",
        "米",
        "小时",
        "分钟",
        "名次",
        "个",
        "家",
        "项",
        "件",
        "张",
        "分",
        "元",
        "条",
        "户",
        "亩",
        "吨",
        "人",
        "名",
        "位",
        "次",
        "场",
        "批",
        "所",
        "座",
        "台",
        "辆",
        "套",
        "处",
        "块",
        "本",
        "册",
        "部",
        "篇",
        "份",
        "期",
        "轮",
        "天",
        "倍",
        "只",
        "头",
        "株",
        "棵",
        "种",
        "款",
        "例",
        "起",
        "间",
        "栋",
        "床",
        "支",
        "门",
        "层",
        "宗",
        "笔",
        "单",
        "箱",
        "盒",
        "瓶",
        "片",
        "组",
        "队",
        "届",
        "微克",
        "毫克",
        "千克",
        "公斤",
        "克",
        "毫升",
        "升",
    ],
    key=len,
    reverse=True,
)
MULTIPLIERS = "万亿千百十"
DENOMINATORS = sorted(
    [
        "千人",
        "万人",
        "百人",
        "人",
        "年",
        "月",
        "日",
        "天",
        "户",
        "家",
        "台",
        "次",
        "吨",
        "亩",
        "平方米",
        "公里",
        "千米",
        "辆",
        "床",
        "万元",
        "亿元",
        "立方米",
        "升",
        "千克",
        "公斤",
        "平方公里",
        "小时",
    ],
    key=len,
    reverse=True,
)
_UNIT_RX = re.compile(
    r"\s*(?P<unit>%|‰|(?P<mult>[" + MULTIPLIERS + r"]{0,2})(?P<base>" + "|".join(BASE_UNITS) + r")"
    r"(?:/(?:" + "|".join(DENOMINATORS) + r"))?|[万亿](?![\u4e00-\u9fff]))"
)
_NUMBER_RX = re.compile(r"\d+(?:\.\d+)?")
_RANGE_RX = re.compile(r"\s*(?:%|‰)?\s*(?:-|~|～|至|到|—|–|－|—)\s*(\d+(?:\.\d+)?)")
# Words that end an indicator name (合格率, 比重, 起数 …); 质量 "quality" is not a quantity.
METRIC_SUFFIX = re.compile(
    r"(率|比重|比例|占比|指数|能耗|水耗|物耗|数|(?<!质)量|总额|额|产值|收入|增加值|浓度|强度|"
    r"密度|排放|人数|起数|次数|件数|值)$"
)
TREND_RX = re.compile(
    r"(?P<adv>逐年|持续|逐步|逐渐|稳步|不断|明显|显著|大幅|进一步)?"
    r"(?P<verb>增长|提高|提升|上升|增加|下降|降低|减少|下滑)(?![率幅速\d])"
)
LIST_SEP = re.compile(r"、|以及|及|和")
RANK_RX = re.compile(
    r"(进入|位居|位列|保持|稳居|排名|名列|居|排在|跻身)[^,;。]{0,16}?前\s*([\d一二三四五六七八九十]+)\s*(名|位|强)?"
)
ZERO_RX = re.compile(r"(保持|实现|控制|确保)?为零")


def _mask_quoted(s: str) -> str:
    """Replace characters inside “…”, 《…》, "…" and 【…】 by a placeholder: numbers there only name things."""
    out = list(s)
    pairs = {"“": "”", "《": "》", '"': '"', "【": "】", "「": "」", "‘": "’"}
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in pairs:
            j = s.find(pairs[ch], i + 1)
            if j != -1 and j - i <= 40:
                for k in range(i + 1, j):
                    out[k] = "□"
                i = j + 1
                continue
        i += 1
    return "".join(out)


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。;! ? and line breaks (outside brackets)."""
    return [s for s in _split_outside(text, "。;!?\n") if s.strip()]


def split_clauses(sentence: str) -> list[tuple[int, str]]:
    """Clauses are separated by , and : outside brackets; returns (offset, clause)."""
    out, buf, depth, start = [], "", 0, 0
    for i, ch in enumerate(sentence):
        if ch in "(（[【“《":
            depth += 1
        elif ch in ")）]】”》":
            depth = max(0, depth - 1)
        if depth == 0 and ch in ",:":
            out.append((start, buf))
            buf, start = "", i + 1
        else:
            buf += ch
    out.append((start, buf))
    return [(o, c) for o, c in out if c.strip()]


def _split_outside(text, seps):
    out, buf, depth = [], "", 0
    for ch in text:
        if ch in "(（[【“《":
            depth += 1
        elif ch in ")）]】”》":
            depth = max(0, depth - 1)
        if ch in seps and (depth == 0 or ch == "\n"):
            out.append(buf)
            buf = ""
            depth = 0 if ch == "\n" else depth
        else:
            buf += ch
    out.append(buf)
    return out


@dataclass
class _Qty:
    start: int  # index of the first digit (or of the comparator phrase if it is first)
    num_start: int
    end: int  # end of unit / after-phrase
    value: float
    value_max: float | None
    unit: str | None
    comparator: str
    cmp_start: int  # start of the before-phrase (== num_start when there is none)
    approx: bool = False


def _to_number(s: str):
    f = float(s)
    return int(f) if f.is_integer() and "." not in s else f


_BEFORE_SORTED = sorted(BEFORE_PHRASES, key=lambda p: len(p[0]), reverse=True)  # 不低于 before 低于
_BEFORE_CMP = dict(BEFORE_PHRASES)
# A strict comparator may be separated from its number by a short reference: 高于全省平均2个百分点.
_BEFORE_GAP_RX = re.compile(
    "(" + "|".join(re.escape(p) for p, _ in _BEFORE_SORTED if len(p) >= 2) + r")[^\d,;。、:]{1,6}$"
)


def _before_phrase(masked: str, pos: int):
    """Comparator phrase printed right before position pos: (comparator|'neutral'|None, start)."""
    head = masked[:pos].rstrip()
    for phrase, cmp in _BEFORE_SORTED:
        if head.endswith(phrase):
            return cmp, len(head) - len(phrase)
    for phrase in NEUTRAL_BEFORE:
        if head.endswith(phrase):
            return "neutral", len(head) - len(phrase)
    m = _BEFORE_GAP_RX.search(head[-12:])
    if m and _BEFORE_CMP[m.group(1)] in (">", "<"):
        return _BEFORE_CMP[m.group(1)], len(head) - len(head[-12:]) + m.start()
    return None, pos


def find_quantities(seg: str) -> list[_Qty]:
    """Numbers with a unit (or after a comparator) that can be targets; skips names and dates."""
    masked = _mask_quoted(seg)
    out = []
    pos = 0
    while True:
        m = _NUMBER_RX.search(masked, pos)
        if not m:
            break
        pos = m.end()
        q = _read_quantity(masked, m)
        if q:
            out.append(q)
            pos = max(pos, q.end)
    return out


def _read_quantity(masked: str, m) -> _Qty | None:
    start, end = m.start(), m.end()
    prev = masked[start - 1] if start else ""
    prev2 = masked[:start].rstrip()[-1:] if start else ""
    # Names and codes: G60, ISO 10012, @163, 第7次, 双12, 5G, 3A级.
    if re.match(r"[A-Za-z@_#/\\.]", prev) or re.match(r"[A-Za-z]", prev2) or prev in ("第", "双", "前"):
        return None
    if re.match(r"[A-Za-z]", masked[end : end + 1]) and masked[end : end + 1] not in ("k",):
        return None
    value, value_max = _to_number(m.group()), None
    rm = _RANGE_RX.match(masked, end)
    if rm and _UNIT_RX.match(masked, rm.end()) or (rm and _unitless_ok(masked, rm.end())):
        value_max = _to_number(rm.group(1))
        end = rm.end()
    um = _UNIT_RX.match(masked, end)
    unit = None
    if um:
        unit = um.group("unit")
        end = um.end()
        follow = masked[end : end + 6]
        # A quantity that names a thing: 40万吨级航道, 15分钟服务圈, 2.0版.
        if follow.startswith("级") or re.match(r"^[\u4e00-\u9fff]{0,4}圈", follow):
            return None
        # 2020年 / 6月 / 2日 are dates, not units (年/月/日 are not in the unit list).
    cmp, cmp_start = _before_phrase(masked, m.start())
    if unit is None:
        if cmp is None or not _unitless_ok(masked, end):
            return None
        if value_max is None and 1900 <= value <= 2100 and float(value).is_integer():
            return None
    # Optional printed alternative unit in brackets: 2项(个)以上, 3万册(盘、张).
    pm = re.match(r"\s*\([^()\d]{1,8}\)", masked[end:])
    after_pos = (
        end + pm.end()
        if pm and re.match(r"\s*\([^()\d]{1,8}\)\s*(及以上|以上|以下|以内|左右)", masked[end:])
        else end
    )
    after_cmp, approx = None, False
    for phrase, c in AFTER_PHRASES:
        if masked.startswith(phrase, after_pos):
            if c == "~":
                approx = True
            else:
                after_cmp = c
            end = after_pos + len(phrase)
            break
    comparator = _decide_comparator(cmp, after_cmp, value, unit, value_max)
    return _Qty(
        start=cmp_start if cmp else m.start(),
        num_start=m.start(),
        end=end,
        value=value,
        value_max=value_max,
        unit=unit,
        comparator=comparator,
        cmp_start=cmp_start,
        approx=approx,
    )


def _unitless_ok(masked: str, end: int) -> bool:
    """A bare number ends a phrase: punctuation, end of text, or 以上/以内/左右 follows."""
    rest = masked[end:]
    return not rest or bool(re.match(r"^\s*([,;。.、)）\s]|$|及以上|以上|以下|以内|左右|之内)", rest))


def _decide_comparator(before, after, value, unit, value_max):
    """Strict before-phrase > after-phrase > 100% is '=' > duration ceiling > '>='."""
    if value_max is not None:
        return "range"
    if before not in (None, "neutral"):
        return before
    if after:
        return after
    if unit == "%" and value == 100:
        return "="
    if unit in DURATION_UNITS:
        return "<="
    return ">="


_LEAD_WORDS = re.compile(
    r"^(力争|争取|努力|力求|确保|保证|其中|同时|全年|年内|全市|到\d{4}年底?前?|"
    r"\d{4}年底?前?|实现|完成)+"
)


def _indicator_name(seg: str, q: _Qty) -> str:
    """The words naming what is counted: before the comparator, else around the number."""
    before = seg[: q.cmp_start]
    before = _LEAD_WORDS.sub("", before.strip()).strip(" 的")
    before = re.sub(r"((?<![年人日月])均|都|全部|分别|总体|要)$", "", before).strip()
    # A change is named with its verb: 投资额年均增长 16%, 材料减少 60%.
    verb = seg[q.cmp_start : q.num_start].strip()
    if verb in ("增长", "提高", "提升", "增加", "减少", "下降", "降低") and before:
        before += verb
    after = seg[q.end :].strip()
    after = re.sub(r"^[的)\s]+", "", after)
    after = re.sub(r"^\([^()]*\)", "", after)
    name = before + after if len(before) <= 4 and after else before or after
    return name.strip(" ,;:、") or seg.strip()


def _clean_text(seg: str) -> str:
    s = seg.strip(" ,;:、")
    s = re.sub(r"^(到|至)\d{4}年底?前?[,]?", "", s).strip()
    return s


def _subject_items(zone: str) -> list[tuple[int, str]] | None:
    """'A率、B率和C率' → [(0,A率),(3,B率),(6,C率)] when every item is itself an indicator."""
    last = 0
    items = []
    for m in LIST_SEP.finditer(zone):
        if _depth_at(zone, m.start()):
            continue
        items.append((last, zone[last : m.start()]))
        last = m.end()
    items.append((last, zone[last:]))
    if len(items) < 2:
        return None
    names = [(o, re.sub(r"(控制指标|指标|控制)$", "", it.strip())) for o, it in items]
    if not METRIC_SUFFIX.search(names[-1][1]):
        return None
    for _, n in names[:-1]:
        if not (METRIC_SUFFIX.search(n) or 2 <= len(n) <= 4 and not re.search(r"[市县区省镇]$", n)):
            return None
    parts = [(o, n) for o, n in names if n]
    return parts if len(parts) >= 2 else None


def _depth_at(s: str, pos: int) -> int:
    depth = 0
    for ch in s[:pos]:
        if ch in "(（“《":
            depth += 1
        elif ch in ")）”》":
            depth = max(0, depth - 1)
    return depth


@dataclass
class _Found:
    target: Target
    sentence: int
    hedged: bool
    bare_hedge: bool  # 力争 + comparator + number with no indicator words of its own
    approx: bool


def extract_targets(text: str, task_path: list[str]) -> tuple[list[Target], list[dict]]:
    """All targets in a task's text, in order, plus warnings about uncertain numbers."""
    found: list[_Found] = []
    warns: list[dict] = []
    text = normalize(text)
    for si, sentence in enumerate(split_sentences(text)):
        for _, clause in split_clauses(sentence):
            found.extend(_clause_targets(clause, si, task_path))
    # 力争 after a firm value of the same unit in the same sentence is that value's stretch.
    result: list[Target] = []
    prev_by_sentence: dict[int, _Found] = {}
    kept: list[_Found] = []
    for f in found:
        prev = prev_by_sentence.get(f.sentence)
        t = f.target
        if (
            f.bare_hedge
            and prev is not None
            and not prev.hedged
            and prev.target.unit == t.unit
            and prev.target.value is not None
            and prev.target.stretch is None
        ):
            prev.target.stretch = t.value
            prev.target.text = prev.target.text + "," + t.text
            continue
        kept.append(f)
        prev_by_sentence[f.sentence] = f
    for f in kept:
        result.append(f.target)
        if f.hedged:
            warns.append(
                warning(
                    task_path, None, f"「{f.target.text}」只有“力争/争取”的数值，已作为目标值读取，请核对"
                )
            )
        if f.approx:
            warns.append(
                warning(task_path, None, f"「{f.target.text}」是约数（左右），已按不低于读取，请核对")
            )
    return result, warns


def _clause_targets(clause: str, si: int, task_path) -> list[_Found]:
    out: list[_Found] = []
    quantities = find_quantities(clause)
    hedged_clause = bool(re.match(r"^\s*(" + "|".join(HEDGES) + ")", clause))
    segments = _segment_by_quantities(clause, quantities)
    for (seg_start, seg), q in zip(segments, quantities, strict=True):
        q = _shift(q, -seg_start)
        zone = seg[: q.cmp_start]
        hedged = hedged_clause or any(h in zone for h in HEDGES)
        zone_words = re.sub("|".join(HEDGES) + r"|实现|达到|[\s,]", "", zone)
        bare = hedged and not zone_words and not seg[q.end :].strip()
        subject = re.sub(r"(均|都|全部|分别|均要|均需|总体)$", "", _LEAD_WORDS.sub("", zone.strip()))
        items = _subject_items(subject) if not bare else None
        base_offset = len(zone) - len(_LEAD_WORDS.sub("", zone.strip())) - (len(zone) - len(zone.strip()))
        if items:
            for off, name in items:
                text = _clean_text(seg[max(0, base_offset + off) :] if off else seg)
                out.append(
                    _Found(
                        Target(list(task_path), name, q.comparator, q.value, q.value_max, None, q.unit, text),
                        si,
                        hedged,
                        False,
                        q.approx,
                    )
                )
        else:
            out.append(
                _Found(
                    Target(
                        list(task_path),
                        _indicator_name(seg, q),
                        q.comparator,
                        q.value,
                        q.value_max,
                        None,
                        q.unit,
                        _clean_text(seg),
                    ),
                    si,
                    hedged,
                    bare,
                    q.approx,
                )
            )
    out.extend(_rank_targets(clause, si, task_path, quantities))
    out.extend(_zero_targets(clause, si, task_path))
    if not quantities:
        out.extend(_trend_targets(clause, si, task_path))
    return out


def _shift(q: _Qty, d: int) -> _Qty:
    return _Qty(
        q.start + d,
        q.num_start + d,
        q.end + d,
        q.value,
        q.value_max,
        q.unit,
        q.comparator,
        q.cmp_start + d,
        q.approx,
    )


def _segment_by_quantities(clause: str, qs: list[_Qty]) -> list[tuple[int, str]]:
    """Cut a clause holding several numbers at the 、/和/( between one quantity and the next."""
    if len(qs) <= 1:
        return [(0, clause)] * len(qs)
    cuts = [0]
    for a, b in zip(qs, qs[1:], strict=False):
        gap = clause[a.end : b.start]
        m = re.search(r"、|以及|及|和|\(|（|与", gap)
        cuts.append(a.end + m.start() + (0 if m.group() in "(（" else len(m.group())) if m else b.start)
    cuts.append(len(clause))
    segs = []
    for i in range(len(qs)):
        s, e = cuts[i], cuts[i + 1]
        if i + 1 < len(qs):
            gap_m = re.search(r"、|以及|及|和|\(|（|与", clause[qs[i].end : qs[i + 1].start])
            if gap_m and gap_m.group() not in "(（":
                e = qs[i].end + gap_m.start()
        seg = clause[s:e]
        segs.append((s, seg.rstrip(")） ") if i + 1 == len(qs) and "(" not in seg else seg))
    return segs


def _rank_targets(clause, si, task_path, quantities) -> list[_Found]:
    """进入全国前三 / 位居前10名 → rank ceiling: value N, unit 名次, '<='."""
    out = []
    for m in RANK_RX.finditer(_mask_quoted(clause)):
        n = cn_to_int(m.group(2))
        if n is None:
            continue
        text = _clean_text(clause)
        out.append(
            _Found(
                Target(
                    list(task_path), clause[: m.start()].strip() or text, "<=", n, None, None, "名次", text
                ),
                si,
                False,
                False,
                False,
            )
        )
    return out


def _zero_targets(clause, si, task_path) -> list[_Found]:
    """'事故发生率为零' → '=' 0."""
    m = ZERO_RX.search(_mask_quoted(clause))
    if not m or m.start() < 2:
        return []
    name = _LEAD_WORDS.sub("", clause[: m.start()].strip())
    return [
        _Found(
            Target(list(task_path), name, "=", 0, None, None, None, _clean_text(clause)),
            si,
            False,
            False,
            False,
        )
    ]


def _trend_targets(clause, si, task_path) -> list[_Found]:
    """'A率、B比重逐年增长' / '能耗持续下降' → increase/decrease with no value."""
    masked = _mask_quoted(clause)
    out = []
    for m in TREND_RX.finditer(masked):
        subject = _LEAD_WORDS.sub("", masked[: m.start()].strip())
        subject = re.sub(r"^(推动|推进|促进|确保|保证|保持|使|让)", "", subject)
        cleaned = re.sub(r"(控制指标|指标|控制)$", "", subject)
        if not METRIC_SUFFIX.search(cleaned) or len(cleaned) < 2:
            continue
        # Without 逐年/持续…, the verb must end the clause or name a task (下降目标/任务).
        tail = masked[m.end() :].strip()
        if not m.group("adv") and tail and not re.match(r"^[\u4e00-\u9fff]{0,6}(任务|目标|指标|要求)$", tail):
            continue
        cmp = "increase" if m.group("verb") in ("增长", "提高", "提升", "上升", "增加") else "decrease"
        items = _subject_items(subject) or [(0, cleaned)]
        offset = masked.find(subject)
        for off, name in items:
            text = _clean_text(clause[offset + off :] if off else clause[offset:])
            out.append(
                _Found(
                    Target(list(task_path), name, cmp, None, None, None, None, text), si, False, False, False
                )
            )
        break
    return out


# ---------------------------------------------------------------------------------------------
# Tables (decomposition tables)
# ---------------------------------------------------------------------------------------------

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
    if table.row_lines:
        return f"第{table.row_lines[i]}行"
    return f"{table.where}第{i + 1}行"


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
        raise ImportFailed(
            f"{_row_where(table, hi)}：表格缺少任务列（未找到「工作任务」「主要内容」「任务」列），"
            f"找到的列：{found}"
        )
    title = None
    for r in rows[:hi]:
        vals = _distinct(r)
        if len(vals) == 1:
            title = vals[0]
    tasks: list[Task] = []
    headings: list[dict] = []
    targets: list[Target] = []
    warns: list[dict] = []
    stack: list[tuple[str, str]] = []  # (style, number) of section rows
    counter = 0
    ncols = max(len(r) for r in rows)
    for i in range(hi + 1, len(rows)):
        row = rows[i] + [""] * (ncols - len(rows[i]))
        vals = _distinct(row)
        if not vals:
            continue
        where = _row_where(table, i)
        if _is_section_row(row, roles, vals):
            sec = vals[0]
            if APPENDIX.match(sec) or sec == "附件":
                stack = [("appendix", "附件")]
                continue
            mn = match_number(sec)
            if mn:
                style, num, rest = mn
                styles = [s for s, _ in stack]
                if style in styles:
                    stack = stack[: styles.index(style)]
                stack.append((style, norm_number(num)))
                headings.append({"path": [n for _, n in stack], "number": num, "title": _strip_end(rest)})
            continue

        def get(role, row=row):
            return row[roles[role]].strip() if role in roles and roles[role] < len(row) else ""

        task_cell, content = get("task"), get("content")
        if task_cell and header_role(task_cell) == "task" and not content:
            continue  # repeated header row
        seq = get("seq")
        number, task_title = _row_number_and_title(seq, task_cell, content)
        if number is None:
            counter += 1
            number = str(counter)
        else:
            counter = int(number) if number.isdigit() else counter + 1
        if "/" in number:
            path = [norm_number(p) for p in number.split("/") if p.strip()]
            number = path[-1]
        elif appendix:
            path = ["附件", number]
        else:
            # A row numbered in a style already open (一 after 五's rows) closes that level.
            mn = match_number(number + "、x") or match_number(number + " x")
            styles = [st for st, _ in stack]
            if mn and mn[0] in styles:
                stack = stack[: styles.index(mn[0])]
            path = [n for _, n in stack] + [number]
        lead, part, due = [], [], get("due") or None
        if "resp" in roles:
            l2, p2, d2 = parse_departments(get("resp"))
            lead, part = lead + l2, part + p2
            due = due or d2
        if "lead" in roles:
            l2, p2, _ = parse_departments(get("lead"))
            lead, part = lead + l2, part + p2
        if "part" in roles:
            part += split_names(get("part"))
        lead, part = _dedupe(lead), [p for p in _dedupe(part) if p not in lead]
        # Rows continuing the task above (merged 工作任务/序号 cells) add content and departments.
        if tasks and tasks[-1].path == path and tasks[-1].title == task_title:
            prev = tasks[-1]
            if content and content not in prev.text:
                prev.text += "\n" + content
                new_targets, w = extract_targets(content, path)
                targets += new_targets
                warns += w
            prev.lead = _dedupe(prev.lead + lead)
            prev.participating = [p for p in _dedupe(prev.participating + part) if p not in prev.lead]
            continue
        text = content or _strip_number(task_cell)
        task = Task(
            number=number,
            path=path,
            title=task_title,
            lead=lead,
            participating=part,
            text=text,
            due=due,
            line=table.row_lines[i] if table.row_lines else i + 1,
        )
        tasks.append(task)
        head = _strip_number(task_cell) if content else ""
        source = "\n".join(x for x in (head if head not in content else "", content or text) if x)
        new_targets, w = extract_targets(source, path)
        if "indicator" in roles and get("indicator"):
            # The 指标 cell states the targets on purpose (name, comparator, 力争); where the text
            # says the same number in prose, the cell's reading wins and the text adds the rest.
            stated, w2 = stated_targets(get("indicator"), path)
            new_targets = stated + [t for t in new_targets if not _duplicate(t, stated)]
            w += w2
        targets += new_targets
        warns += [dict(x, line=task.line) for x in w]
        if not lead and not part:
            warns.append(warning(path, task.line, f"{where}：任务「{task_title}」没有责任部门"))
    return title, tasks, headings, targets, warns


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
    mn = match_number(s or "")
    return mn[2] if mn else (s or "").strip()


def _strip_end(s: str) -> str:
    return s.strip().rstrip("。;:,")


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
    title = _strip_end(mn[2] if mn else task_cell) if task_cell else _first_sentence(content)
    return number, title


def _first_sentence(text: str) -> str:
    t = (text or "").strip()
    sents = split_sentences(t)
    return _strip_end(sents[0]) if sents else t


# ---------------------------------------------------------------------------------------------
# Plain text → blocks
# ---------------------------------------------------------------------------------------------


def text_to_blocks(text: str) -> list[Para | TableBlock]:
    """Lines → paragraphs; runs of '|' or tab separated lines holding a header → a table."""
    lines = normalize(text).split("\n")
    blocks: list[Para | TableBlock] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if _is_table_line(line) and _header_ahead(lines, i):
            table, i = _read_text_table(lines, i)
            blocks.append(table)
            continue
        if line:
            blocks.append(Para(line, i + 1))
        i += 1
    return blocks


def _is_table_line(line: str) -> bool:
    return "|" in line or "｜" in line or line.count("\t") >= 1


def _header_ahead(lines, i) -> bool:
    cells = []
    for line in lines[i : i + 12]:
        cells += [c for c in re.split(r"[|｜\t]", line) if c.strip()]
    return sum(1 for c in cells[:12] if header_role(c)) >= 2


def _read_text_table(lines, i):
    """Read a pasted table.  One cell per line ('工作任务 |') or one row per line ('a | b | c')."""
    start = i
    run: list[tuple[int, str]] = []
    gap = 0
    j = i
    while j < len(lines):
        line = lines[j].strip()
        if _is_table_line(line):
            run.append((j, line))
            gap = 0
        elif line:
            # three loose lines, or a numbered paragraph with no cell soon after, end the table
            if gap >= 3 or (match_number(line) and not any(_is_table_line(x) for x in lines[j + 1 : j + 4])):
                break
            run.append((j, line))
            gap += 1
        j += 1
    # drop trailing non-table lines
    while run and not _is_table_line(run[-1][1]):
        run.pop()
    end = run[-1][0] + 1 if run else i + 1
    one_per_line = all(
        re.sub(r"[|｜]\s*$", "", ln).count("|") == 0 and "\t" not in ln for _, ln in run if _is_table_line(ln)
    )
    rows: list[list[str]] = []
    row_lines: list[int] = []
    if one_per_line:
        cells: list[tuple[int, str]] = []
        buf, buf_line = [], None
        for ln_no, ln in run:
            if buf_line is None:
                buf_line = ln_no
            if _is_table_line(ln):
                buf.append(re.sub(r"\s*[|｜]\s*$", "", ln))
                cells.append((buf_line, "\n".join(buf).strip()))
                buf, buf_line = [], None
            else:
                buf.append(ln)
        k = 0
        while k < len(cells) and header_role(cells[k][1]):
            k += 1
        k = max(k, 1)
        for c in range(0, len(cells), k):
            chunk = cells[c : c + k]
            rows.append([x[1] for x in chunk])
            row_lines.append(chunk[0][0] + 1)
    else:
        for ln_no, ln in run:
            if not _is_table_line(ln):
                if rows:
                    rows[-1][-1] += "\n" + ln
                continue
            parts = re.split(r"[|｜\t]", ln)
            if parts and not parts[0].strip() and ln.lstrip().startswith(("|", "｜")):
                parts = parts[1:]
            if parts and not parts[-1].strip():
                parts = parts[:-1]
            rows.append([p.strip() for p in parts])
            row_lines.append(ln_no + 1)
    return TableBlock(rows=rows, line=start + 1, where="第", row_lines=row_lines), end


# ---------------------------------------------------------------------------------------------
# Outline → tasks
# ---------------------------------------------------------------------------------------------


@dataclass
class _Node:
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
        out, n = [], self
        while n is not None and n.style != "root":
            out.append(norm_number(n.number))
            n = n.parent
        return out[::-1]


def _find_body(paras: list[Para]):
    """Title and index of the first paragraph of the plan body (skipping the notice and chrome)."""
    numbered = [i for i, p in enumerate(paras) if p.label or match_number(p.text)]
    first = numbered[0] if numbered else len(paras)
    cands = [i for i, p in enumerate(paras) if is_title_candidate(p.text) and not is_chrome(p.text)]
    before = [i for i in cands if i < first]
    if before:
        plain = [i for i in before if "印发" not in paras[i].text]
        t = (plain or before)[-1]
        return clean_title(paras[t].text), first
    if cands:
        t = cands[0]
        later = [i for i in numbered if i > t]
        return clean_title(paras[t].text), (later[0] if later else len(paras))
    for p in paras:
        if not is_chrome(p.text):
            return p.text.strip()[:60], first
    return "", first


def extract_blocks(blocks: list[Para | TableBlock], doc: str, *, where: str = "行") -> Extraction:
    """The reading rules of SCHEMA.md applied to paragraphs and tables in order."""
    paras = [b for b in blocks if isinstance(b, Para)]
    title, body_start_para = _find_body(paras)
    body_start = blocks.index(paras[body_start_para]) if body_start_para < len(paras) else len(blocks)
    # Tables before the body (a standalone table document) still count.
    root = _Node("", "root", "", None)
    stack: list[_Node] = [root]
    current: _Node | None = None
    appendix = False
    table_results = []
    warns: list[dict] = []
    has_numbered = False
    table_error = None
    for idx, block in enumerate(blocks):
        if isinstance(block, TableBlock):
            try:
                res = read_table(block, appendix=appendix or has_numbered)
            except ImportFailed as exc:
                # A table without a task column (a contact list…) is skipped unless nothing else is found.
                table_error = table_error or exc
                warns.append(warning(None, block.line, exc.message + "，已跳过该表格"))
                continue
            if res:
                if (appendix or has_numbered) and res[1]:
                    res[2].insert(0, {"path": ["附件"], "number": "附件", "title": res[0] or "附件"})
                table_results.append(res)
                if not title and res[0]:
                    title = res[0]
            continue
        text = block.text.strip()
        if idx < body_start:
            continue
        if END_MARKERS.match(text):
            break
        if is_chrome(text):
            continue
        if has_numbered and APPENDIX.match(text):
            appendix = True
            current = None
            stack = [root]
            continue
        mn = None
        if block.label:
            mn0 = match_number(block.label + " x")
            if mn0:
                mn = (mn0[0], mn0[1], text)
            elif re.fullmatch(r"\d{1,3}", block.label):
                mn = ("arabic", block.label, text)
        if mn is None:
            mn = match_number(text)
        if mn:
            style, number, rest = mn
            has_numbered = True
            if appendix and not any(n.style == "appendix" for n in stack):
                app = _Node("附件", "appendix", "附件", block.line, parent=root)
                root.children.append(app)
                stack = [root, app]
            styles = [n.style for n in stack]
            if style in styles:
                stack = stack[: styles.index(style)]
            node = _Node(number, style, rest, block.line, parent=stack[-1])
            stack[-1].children.append(node)
            stack.append(node)
            current = node
            _add_text(node, rest)
            continue
        if current is None:
            continue
        if DEPT_LINE.match(text):
            lead, part, due = parse_departments(text)
            current.lead = _dedupe(current.lead + lead)
            current.part = _dedupe(current.part + part)
            current.due = current.due or due
            continue
        if text.startswith("——") or text.startswith("—"):
            dept = split_department_bracket(text)
            if dept:
                current.dashes += 1
                body = text.lstrip("—").strip()
                node = _Node(f"——{current.dashes}", "dash", body, block.line, parent=current)
                current.children.append(node)
                _add_text(node, body)
                continue
        _add_text(current, text)
    tasks, headings, targets = [], [], []
    _walk(root, tasks, headings, targets, warns, unit=where)
    for _title, t_tasks, t_heads, t_targets, t_warns in table_results:
        tasks += t_tasks
        headings += t_heads
        targets += t_targets
        warns += t_warns
    if not tasks and table_error:
        raise table_error
    if not tasks:
        raise ImportFailed(
            "未找到编号条目（如“一、”“(一)”“1.”）或任务分解表，无法识别任务"
            + (f"（共{len(paras)}段文字）" if paras else "")
        )
    return Extraction(doc=doc, title=title, tasks=tasks, targets=targets, warnings=warns, headings=headings)


def _add_text(node: _Node, text: str):
    """Append a paragraph to a node; a department bracket at its end is read, not kept."""
    dept = split_department_bracket(text)
    if dept:
        body, lead, part, due = dept
        node.lead = _dedupe(node.lead + lead)
        node.part = _dedupe(node.part + [p for p in part if p not in lead])
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
        return _strip_end(first)
    sent = sents[0]
    clauses = [c for _, c in split_clauses(sent)]
    keep = []
    for c in clauses:
        if keep and find_quantities(c):
            break
        keep.append(c)
    return _strip_end(",".join(keep))


def _walk(node: _Node, tasks, headings, targets, warns, inherited=None, unit="行"):
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
            warns.append(
                warning(path, child.line, f"第{child.line}{unit}：任务「{task.title[:30]}」没有责任部门")
            )


def extract_text(text: str, doc: str = "") -> Extraction:
    """Plain text (already decoded) → Extraction."""
    if not normalize(text).strip():
        raise ImportFailed("文件中没有文字内容")
    return extract_blocks(text_to_blocks(text), doc)


def main(argv=None):
    """python -m plandocs.readers.text FILE [--full] — print the extraction as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    args = [a for a in argv if not a.startswith("--")]
    path = args[0]
    with open(path, "rb") as f:
        data = f.read()
    try:
        from . import extract

        result = extract(data, filename=path.rsplit("/", 1)[-1])
    except ImportError:  # run as a plain script
        result = extract_text(data.decode("utf-8-sig"), path.rsplit("/", 1)[-1])
    out = result.to_dict() if "--full" in argv else result.to_schema()
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
