"""The title of an assessment's notice (通报), which names the period's year once."""

from __future__ import annotations

import re

TITLE_TAIL = "考核结果的通报"
YEAR = re.compile(r"^(?P<year>\d{4}(?:[—–-]\d{4})?)年(?P<rest>.*)$")


def report_title(*, plan_title: str, label: str, single_year: bool = False) -> str:
    """关于…考核结果的通报, naming the year once: a plan title that already carries the period's
    year ("2022年…工作要点") takes only the rest of the period (年度, 第一季度, 3月), and a one-year
    plan's year assessment nothing more."""
    plan_title = plan_name(plan_title)
    match = YEAR.match(label)
    period = label
    if match:
        years = re.split(r"[—–-]", match["year"])
        if all(re.search(rf"(?<!\d){y}(?!\d)", plan_title) for y in years):
            rest = match["rest"]
            period = "" if rest == "度" and single_year else ("年度" if rest == "度" else rest)
    return f"关于{plan_title}{period}{TITLE_TAIL}"


def plan_name(plan_title: str) -> str:
    """The plan's title as the report names it: no 书名号, no leading 关于."""
    return plan_title.strip().strip("《》").removeprefix("关于")
