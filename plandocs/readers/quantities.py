"""Numbers with their unit and comparator (≥93%, 2500件, 2-3个, 0.30以下) found in a text.

Rule: a number counts when a unit or a comparator phrase goes with it; names, codes and years don't.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import cn_to_int

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
# Units that state a time limit: with no comparator they are ceilings (办结时间 3个工作日).
DURATION_UNITS = {"小时", "分钟", "个工作日", "工作日"}

# Longest first, so 个工作日 wins over 个 and 平方公里 over 公里.
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
# Per-unit denominators: 万元/亩, 吨/万元, 人/千人.
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


def mask_quoted(s: str) -> str:
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


@dataclass
class Qty:
    """A number found in a text, with its range end, unit, comparator and positions."""

    start: int  # index of the first digit (or of the comparator phrase if it is first)
    num_start: int
    end: int  # end of unit / after-phrase
    value: float
    value_max: float | None
    unit: str | None
    comparator: str
    cmp_start: int  # start of the before-phrase (== num_start when there is none)
    approx: bool = False
    bare: bool = False  # no comparator phrase before or after: a bare count (新增 counts as one)


def _to_number(s: str):
    """'93' → 93, '0.30' → 0.3, '2.0' → 2.0 (a printed decimal point keeps a float)."""
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


# Chinese-numeral counts (三个, 十项, 二十家, 两轮): 2 and more, before a counting unit. 一个/一批
# are ordinary prose; 百/千 alone start idioms; a numeral right after the unit names a slogan
# (三个一律).
_CN_NUM = r"(?:[两二三四五六七八九十][一二三四五六七八九十百零〇]*|一[十百][一二三四五六七八九十百零〇]*)"
_CN_COUNT_RX = re.compile(
    rf"(?<![一二三四五六七八九十百零〇两第])(?P<num>{_CN_NUM})(?:(?:到|至|-|~|—)(?P<max>{_CN_NUM}))?"
    r"(?=(?:个|项|家|件|所|座|批|条|名|位|场|次|处|轮|张|台|套|支|种|类|户|篇|本)"
    r"(?![一二三四五六七八九十两]))"
)
_CN_VALUE = {"两": "二"}
_CN_WELL_FORMED = re.compile(
    r"^(?:[一二三四五六七八九两]?百零?)?(?:[一二三四五六七八九两]?十)?[一二三四五六七八九两]?$"
)
_LIST_BEFORE = re.compile(r"、[^,;。、:()]{1,8}$")


def _cn_value(s: str) -> int | None:
    return cn_to_int("".join(_CN_VALUE.get(ch, ch) for ch in s))


def find_quantities(seg: str) -> list[Qty]:
    """Numbers with a unit (or after a comparator) that can be targets; skips names and dates.
    Chinese-numeral counts (三个, 二十家) are read as values too."""
    masked = mask_quoted(seg)
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
    for m in _CN_COUNT_RX.finditer(masked):
        value = _cn_value(m.group("num"))
        value_max = _cn_value(m.group("max")) if m.group("max") else None
        if value is None or value < 2 or any(q.start <= m.start() < q.end for q in out):
            continue
        if not _CN_WELL_FORMED.match(m.group("num")) or _LIST_BEFORE.search(masked[: m.start()]):
            continue  # 十四五 is a name; 广湛、合湛、湛海、张海四条 counts a list, it sets no target
        q = _read_quantity(masked, m, value=value, value_max=value_max)
        if q:
            out.append(q)
    return sorted(out, key=lambda q: q.num_start)


def _read_quantity(masked: str, m, value=None, value_max=None) -> Qty | None:
    """The quantity whose number is match m (value given for a Chinese numeral), or None when
    the number only names something."""
    start, end = m.start(), m.end()
    if _is_name_or_code(masked, start, end):
        return None
    if value is None:
        value = _to_number(m.group())
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
    after_cmp, approx, end = _after_phrase(masked, end)
    comparator = _decide_comparator(cmp, after_cmp, value, unit, value_max)
    return Qty(
        start=cmp_start if cmp else m.start(),
        num_start=m.start(),
        end=end,
        value=value,
        value_max=value_max,
        unit=unit,
        comparator=comparator,
        cmp_start=cmp_start,
        approx=approx,
        bare=cmp is None and after_cmp is None and not approx and value_max is None,
    )


def _is_name_or_code(masked: str, start: int, end: int) -> bool:
    """Digits in names and codes: G60, ISO 10012, @163, 第7次, 双12, 5G, 3A级."""
    prev = masked[start - 1] if start else ""
    prev2 = masked[:start].rstrip()[-1:] if start else ""
    if re.match(r"[A-Za-z@_#/\\.]", prev) or re.match(r"[A-Za-z]", prev2) or prev in ("第", "双", "前"):
        return True
    return bool(re.match(r"[A-Za-z]", masked[end : end + 1]) and masked[end : end + 1] not in ("k",))


def _after_phrase(masked: str, end: int):
    """Comparator printed after the unit (以上, 以内, 左右): (comparator, approx, new end)."""
    # Optional printed alternative unit in brackets: 2项(个)以上, 3万册(盘、张).
    pm = re.match(r"\s*\([^()\d]{1,8}\)", masked[end:])
    after_pos = (
        end + pm.end()
        if pm and re.match(r"\s*\([^()\d]{1,8}\)\s*(及以上|以上|以下|以内|左右)", masked[end:])
        else end
    )
    for phrase, c in AFTER_PHRASES:
        if masked.startswith(phrase, after_pos):
            if c == "~":
                return None, True, after_pos + len(phrase)
            return c, False, after_pos + len(phrase)
    return None, False, end


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
