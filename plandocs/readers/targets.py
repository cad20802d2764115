"""Targets of a task's text: each quantity with the indicator it measures, plus ranks, zeros, trends.

Rule: one target per quantity, named by the words before its comparator; 力争 after a firm value
of the same unit is that value's stretch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from .blocks import cn_to_int, normalize, split_clauses, split_sentences
from .quantities import Qty, find_quantities, mask_quoted
from .result import Target, warning

HEDGES = ("力争", "争取", "努力", "力求")
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
# A bare count (no 达到/以上/新增 …) is no commitment where the sentence states what already is
# (全市共有规上企业1200家, 目前已有…) or the number only sets the scope of an action
# (对10个乡镇开展检查, 依托12家检验检测机构).
FACT_RX = re.compile(r"(共有|现有|已有|已经|已建成|已累计|目前|截至目前|截止目前|去年|上年度|上一年)")
SCOPE_BEFORE = re.compile(
    r"(对|依托|覆盖|涉及|包括|面向|针对|围绕|下辖|辖有|辖)(全市|全县|全区|全省|我市)?\s*$"
)

_LEAD_WORDS = re.compile(
    r"^(力争|争取|努力|力求|确保|保证|其中|同时|全年|年内|全市|到\d{4}年底?前?|"
    r"\d{4}年底?前?|实现|完成)+"
)


def _indicator_name(seg: str, q: Qty) -> str:
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
    """A target's quoted text: the segment without edge punctuation or a leading 到2025年."""
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
    """How many brackets or quotes are open at pos."""
    depth = 0
    for ch in s[:pos]:
        if ch in "(（“《":
            depth += 1
        elif ch in ")）”》":
            depth = max(0, depth - 1)
    return depth


@dataclass
class _Found:
    """A target with what the 力争 and 左右 rules need to know about where it was found."""

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
        fact = bool(FACT_RX.search(mask_quoted(sentence)))
        for _, clause in split_clauses(sentence):
            found.extend(_clause_targets(clause, si, task_path, fact))
    result: list[Target] = []
    for f in _merge_stretches(found):
        result.append(f.target)
        if f.hedged:
            message = gettext("「%(text)s」只有“力争/争取”的数值，已作为目标值读取，请核对")
            warns.append(warning(task_path, None, message % {"text": f.target.text}))
        if f.approx:
            message = gettext("「%(text)s」是约数（左右），已按不低于读取，请核对")
            warns.append(warning(task_path, None, message % {"text": f.target.text}))
    return result, warns


def _merge_stretches(found: list[_Found]) -> list[_Found]:
    """力争 after a firm value of the same unit in the same sentence is that value's stretch."""
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
    return kept


def _clause_targets(clause: str, si: int, task_path, fact: bool = False) -> list[_Found]:
    """Targets of one clause: its quantities, then ranks and zeros, then trends if no number."""
    out: list[_Found] = []
    quantities = find_quantities(clause)
    masked = mask_quoted(clause)
    quantities = [
        q for q in quantities if not (q.bare and (fact or SCOPE_BEFORE.search(masked[: q.num_start])))
    ]
    hedged_clause = bool(re.match(r"^\s*(" + "|".join(HEDGES) + ")", clause))
    segments = _segment_by_quantities(clause, quantities)
    for (seg_start, seg), q in zip(segments, quantities, strict=True):
        out.extend(_quantity_targets(seg, _shift(q, -seg_start), si, task_path, hedged_clause))
    out.extend(_rank_targets(clause, si, task_path, quantities))
    out.extend(_zero_targets(clause, si, task_path))
    if not quantities:
        out.extend(_trend_targets(clause, si, task_path))
    return out


def _quantity_targets(seg: str, q: Qty, si: int, task_path, hedged_clause: bool) -> list[_Found]:
    """One quantity's targets: one per listed indicator (A率、B率达100%), else one."""
    zone = seg[: q.cmp_start]
    hedged = hedged_clause or any(h in zone for h in HEDGES)
    zone_words = re.sub("|".join(HEDGES) + r"|实现|达到|[\s,]", "", zone)
    bare = hedged and not zone_words and not seg[q.end :].strip()
    subject = re.sub(r"(均|都|全部|分别|均要|均需|总体)$", "", _LEAD_WORDS.sub("", zone.strip()))
    items = _subject_items(subject) if not bare else None
    if not items:
        target = Target(
            list(task_path),
            _indicator_name(seg, q),
            q.comparator,
            q.value,
            q.value_max,
            None,
            q.unit,
            _clean_text(seg),
        )
        return [_Found(target, si, hedged, bare, q.approx)]
    base_offset = len(zone) - len(_LEAD_WORDS.sub("", zone.strip())) - (len(zone) - len(zone.strip()))
    out = []
    for off, name in items:
        text = _clean_text(seg[max(0, base_offset + off) :] if off else seg)
        target = Target(list(task_path), name, q.comparator, q.value, q.value_max, None, q.unit, text)
        out.append(_Found(target, si, hedged, False, q.approx))
    return out


def _shift(q: Qty, d: int) -> Qty:
    """The same quantity with its positions moved by d (clause offsets → segment offsets)."""
    return Qty(
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


def _segment_by_quantities(clause: str, qs: list[Qty]) -> list[tuple[int, str]]:
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
    for m in RANK_RX.finditer(mask_quoted(clause)):
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
    m = ZERO_RX.search(mask_quoted(clause))
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
    masked = mask_quoted(clause)
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
