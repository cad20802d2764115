"""The report's tables as the PDF and the Word file print them (the workbook keeps numbers):
scores with two decimals, "不适用" for a criterion that does not apply, a rescaled weight under
its score, the notes that explain both, and the lines under each department's criteria."""

from __future__ import annotations

from programmes.numbering import chinese_numeral

from .base import NOT_APPLICABLE, AssessmentExporter, num, score_text


def section_number(n: int) -> str:
    """（一）…（九十九）, then Arabic numerals."""
    return chinese_numeral(n) if n < 100 else str(n)


def ranking_rows(exporter: AssessmentExporter) -> list[dict]:
    """The ranking as printed: scores with two decimals, "不适用", a rescaled weight under its score."""
    rows = []
    for row in exporter.iterate_ranking():
        rows.append(
            {
                "rank": row.rank,
                "name": row.name,
                "cells": [
                    {
                        "text": cell.text(),
                        "weight": num(cell.rescaled_weight) if cell.rescaled_weight is not None else "",
                    }
                    for cell in row.scores
                ],
                "bonus": score_text(row.bonus) if row.bonus else "",
                "penalty": score_text(row.penalty) if row.penalty else "",
                "total": score_text(row.total),
                "grade": row.grade,
                "vetoed": row.vetoed,
            }
        )
    return rows


def table_notes(exporter: AssessmentExporter, rows: list[dict]) -> list[str]:
    notes = []
    if any(cell["weight"] or cell["text"] == NOT_APPLICABLE for row in rows for cell in row["cells"]):
        notes.append(
            "注：括号内为该单位折算后的分值；“不适用”指考核期内无应考核事项或尚未评分，该项不计分，"
            "其余各项分值按比例折算。"
        )
    if any(row["vetoed"] for row in rows):
        notes.append(("注：" if not notes else "") + "一票否决的单位直接评为D等，排在其他单位之后。")
    return notes


def detail_cells(row) -> list[str]:
    weight = row.counted_weight
    return [
        row.label,
        "—" if weight is None else num(weight),
        row.raw,
        NOT_APPLICABLE if not row.applies else score_text(row.computed),
        score_text(row.self_score),
        NOT_APPLICABLE if not row.applies else score_text(row.final),
        row.note,
    ]


def section_extra(section) -> list[tuple[str, str]]:
    """The lines under a department's criteria: items, total, points lost, self-assessment."""
    extra = []
    if section.adjustments:
        extra.append(("加减分", "\n".join(section.adjustments)))
    veto = "，一票否决" if section.vetoed else ""
    extra.append(("总分", f"{score_text(section.total)}分，{section.grade}等{veto}"))
    lost = [f"{k}．{line}" for k, line in enumerate(section.lost, start=1)] or ["各项均未失分。"]
    extra.append(("失分说明", "\n".join(lost)))
    if section.notes:
        extra.append(("自评说明", "\n".join(section.notes)))
    return extra
