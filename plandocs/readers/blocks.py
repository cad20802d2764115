"""Blocks every reader produces (paragraphs and tables) and the text normalisation they share.

Rule: full-width ASCII becomes half-width and line breaks become "\n" before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    """Full-width ASCII → half-width, odd spaces → space, \r\n and \r → \n (None reads as '')."""
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


def strip_end(s: str) -> str:
    """A heading or title loses its closing punctuation: '提升产品质量。' → '提升产品质量'."""
    return s.strip().rstrip("。;:,")


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
    """Cut at any of seps outside brackets; a line break always cuts and closes open brackets."""
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
