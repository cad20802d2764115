"""Printed numbering of a plan's items: 一、二 / (一)(二) / 1、2 / (1)(2) / ①② / ——.

Siblings keep the style of the first of them; renumbering makes them consecutive in it.
"""

from __future__ import annotations

import re

CHINESE_DIGITS = "零一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
DASH = "——"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十"
    return text + (CHINESE_DIGITS[ones] if ones else "")


def chinese_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None for anything else."""
    if not text or any(ch not in CHINESE_DIGITS + "十" for ch in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS.index(text) if len(text) == 1 else None
    tens, _sep, ones = text.partition("十")
    value = (CHINESE_DIGITS.index(tens) if tens else 1) * 10
    return value + (CHINESE_DIGITS.index(ones) if ones else 0)


_PAREN = re.compile(r"^[（(](.+)[)）]$")


def style_of(number: str) -> str:
    """The numbering style of a printed number."""
    number = number.strip()
    if not number or set(number) <= {"—", "-"}:
        return "dash"
    inner = _PAREN.match(number)
    if inner:
        return "paren_arabic" if inner.group(1).isdigit() else "paren_chinese"
    if number.isdigit():
        return "arabic"
    if number in CIRCLED:
        return "circled"
    if chinese_value(number) is not None:
        return "chinese"
    return "other"


def number_in_style(style: str, n: int) -> str:
    """The n-th number (from 1) in a style; other styles fall back to arabic figures."""
    if style == "chinese":
        return chinese_numeral(n)
    if style == "paren_chinese":
        return f"({chinese_numeral(n)})"
    if style == "paren_arabic":
        return f"({n})"
    if style == "circled" and n <= len(CIRCLED):
        return CIRCLED[n - 1]
    if style == "dash":
        return DASH
    return str(n)


def ordinal_of(number: str) -> int | None:
    """The position a printed number stands for (三 → 3, (2) → 2, ⑤ → 5), None for ——."""
    number = number.strip()
    inner = _PAREN.match(number)
    if inner:
        number = inner.group(1)
    if number.isdigit():
        return int(number)
    if number in CIRCLED:
        return CIRCLED.index(number) + 1
    return chinese_value(number)


def numbers_consecutive(numbers: list[str]) -> bool:
    """Whether siblings are numbered 1, 2, 3… in one style (dash items always are)."""
    if not numbers:
        return True
    style = style_of(numbers[0])
    if style == "dash":
        return True
    return numbers == [number_in_style(style, i) for i in range(1, len(numbers) + 1)] or all(
        ordinal_of(n) == i for i, n in enumerate(numbers, start=1)
    )


def renumbered(numbers: list[str]) -> list[str]:
    """Siblings' numbers made consecutive in the style of the first one."""
    if not numbers:
        return []
    style = style_of(numbers[0])
    return [number_in_style(style, i) for i in range(1, len(numbers) + 1)]


def next_number(numbers: list[str], *, default_style: str = "arabic") -> str:
    """The number a new item after these siblings gets, in their style."""
    style = style_of(numbers[-1]) if numbers else default_style
    if style == "dash":
        return DASH
    ordinal = ordinal_of(numbers[-1]) if numbers else 0
    return number_in_style(style, (ordinal or len(numbers)) + 1)


def child_style(depth: int) -> str:
    """The usual style at a depth when a heading has no items yet: 一, (一), 1, (1)."""
    return ("chinese", "paren_chinese", "arabic", "paren_arabic")[min(depth, 3)]


_CN_NUMERAL = re.compile(r"^[一二三四五六七八九十百零〇]+$")


def printed_number(number: str) -> str:
    """A number as printed before a heading's title: 二、 / （一） / 1. / 第一章 ."""
    number = number.strip()
    if number.startswith(("(", "（")):
        return "（" + number.strip("()（）") + "）"
    if _CN_NUMERAL.match(number):
        return number + "、"
    if number.isascii() and number.isdigit():
        return number + "."
    return number + " "


def heading_label(heading) -> str:
    """A section row of a table: 二、任务分工, （一）提升产品质量水平, 附件：…"""
    if heading.number == "附件":
        return f"附件：{heading.title}" if heading.title else "附件"
    return (printed_number(heading.number) + heading.title).strip()


def task_number(task) -> str:
    """The 序号 cell: the task's own printed number, with full-width parentheses as in the plan."""
    number = task.number.strip()
    if number.startswith(("(", "（")):
        return "（" + number.strip("()（）") + "）"
    return number
