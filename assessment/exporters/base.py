"""What an assessment report (考核通报) says, once, for the three writers (pretix style): the
exporter yields the ranking rows and each department's section; the .xlsx, PDF and .docx writers
only lay them out.

The report is an official Chinese document, so its wording stays Chinese whatever the
requester's language (as the decomposition table does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.safestring import SafeString

from qualitycity.exporters.base import Column
from qualitycity.formats import decimal_text

from ..models import Assessment, AssessmentItem, CriterionKind

CRITERION_COLOURS = {
    CriterionKind.ON_TIME: "#1d4ed8",
    CriterionKind.COMPLETENESS: "#0891b2",
    CriterionKind.TARGETS: "#15803d",
    CriterionKind.RATING: "#b45309",
}
CHART_ROWS = 30  # departments per chart: a taller chart would not fit an A4 page


# A score as printed: 92.5, 30, 7.25; blank for none.
num = decimal_text


@dataclass
class DepartmentSection:
    rank: int
    name: str
    total: str
    grade: str
    vetoed: bool
    heading: str
    columns: tuple[Column, ...]
    rows: list[tuple[str, ...]]
    adjustments: list[str]
    lost: list[str]
    notes: list[str] = field(default_factory=list)


class AssessmentExporter:
    """The content of an assessment report: title, summary, ranking, charts, departments."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        self.results = list(
            assessment.results.select_related("department")
            .prefetch_related("scores")
            .order_by("rank", "department__sort_order", "department__name")
        )
        self.criteria = assessment.scheme.get("criteria", [])

    # Head ----------------------------------------------------------------------------------

    def title(self) -> str:
        return f"{self.assessment.plan.title}{self.assessment.label}考核通报"

    def draft_mark(self) -> str:
        return "" if self.assessment.is_published else "（草稿，未发布）"

    def subtitle(self) -> tuple[str, ...]:
        a = self.assessment
        return (
            f"考核期：{a.start:%Y年%-m月%-d日}至{a.end:%Y年%-m月%-d日}",
            f"数据截至：{a.as_of:%Y年%-m月%-d日}",
            f"{'发布' if a.is_published else '计算'}时间："
            f"{timezone.localtime(a.published_at or a.compiled_at):%Y年%-m月%-d日}",
        )

    def summary(self) -> list[str]:
        """The opening paragraphs: who was assessed, on what, and how it came out."""
        a, s = self.assessment, self.assessment.summary
        grades = s.get("grades", {})
        weights = "、".join(f"{c['label']}{num(Decimal(c['weight']))}分" for c in self.criteria)
        lines = [
            f"根据{a.plan.title}考核方案，对{s.get('departments', 0)}个责任单位{a.label}的工作进行了考核。"
            f"考核内容及分值为：{weights}；另按事项加分、扣分，发生重大质量安全事故等一票否决事项的单位直接评为D等。",
            f"考核结果：A等（优秀）{grades.get('A', 0)}个，B等（良好）{grades.get('B', 0)}个，"
            f"C等（合格）{grades.get('C', 0)}个，D等（不合格）{grades.get('D', 0)}个；平均得分{s.get('average', '0')}分。",
        ]
        if self.results:
            top = [r.department.name for r in self.results if r.rank == 1]
            lines.append(f"排名第一的单位：{'、'.join(top)}。")
        vetoed = [r.department.name for r in self.results if r.vetoed]
        if vetoed:
            lines.append(f"一票否决单位：{'、'.join(vetoed)}。")
        return lines

    # Ranking -------------------------------------------------------------------------------

    def ranking_columns(self) -> tuple[Column, ...]:
        # 单位 wide enough for a department's name on one line; the scores are short.
        return (
            Column("名次", 5, centred=True),
            Column("单位", 20),
            *(
                Column(f"{c['label']}（{num(Decimal(c['weight']))}）", 10, centred=True)
                for c in self.criteria
            ),
            Column("加分", 6, centred=True),
            Column("扣分", 6, centred=True),
            Column("总分", 7, centred=True),
            Column("等次", 5, centred=True),
            Column("备注", 10),
        )

    def iterate_ranking(self) -> Iterator[tuple[str, ...]]:
        for result in self.results:
            scores = {s.kind: s for s in result.scores.all()}
            yield (
                str(result.rank),
                result.department.name,
                *(num(scores[c["kind"]].score) if c["kind"] in scores else "" for c in self.criteria),
                num(result.bonus) if result.bonus else "",
                num(result.penalty) if result.penalty else "",
                num(result.total),
                result.grade,
                "一票否决" if result.vetoed else "",
            )

    # Charts --------------------------------------------------------------------------------

    def charts(self) -> list[tuple[str, SafeString]]:
        """The dashboard's charts: totals in rank order, then each criterion's part of the score;
        at most CHART_ROWS departments per chart so each fits a page."""
        from qualitycity.charts import bar_chart, stacked_bar_chart

        charts = []
        chunks = [self.results[i : i + CHART_ROWS] for i in range(0, len(self.results), CHART_ROWS)] or [[]]
        for k, chunk in enumerate(chunks):
            part = f"（{k + 1}/{len(chunks)}）" if len(chunks) > 1 else ""
            title = f"各单位总分{part}"
            charts.append(
                (
                    title,
                    bar_chart(
                        [(r.department.name, float(r.total)) for r in chunk],
                        unit="分",
                        max_value=100,
                        title=title,
                    ),
                )
            )
        series = [(c["kind"], c["label"], CRITERION_COLOURS.get(c["kind"], "#6b7280")) for c in self.criteria]
        for k, chunk in enumerate(chunks):
            part = f"（{k + 1}/{len(chunks)}）" if len(chunks) > 1 else ""
            title = f"各单位分项得分{part}"
            rows = [(r.department.name, {s.kind: float(s.score) for s in r.scores.all()}) for r in chunk]
            charts.append((title, stacked_bar_chart(rows, series=series, title=title)))
        return charts

    # Departments ---------------------------------------------------------------------------

    detail_columns = (
        Column("考核内容", 14),
        Column("分值", 6, centred=True),
        Column("原始数据", 22),
        Column("计算得分", 8, centred=True),
        Column("自评分", 8, centred=True),
        Column("认定得分", 8, centred=True),
        Column("说明", 30),
    )

    def iterate_departments(self) -> Iterator[DepartmentSection]:
        kinds = dict(AssessmentItem.Kind.choices)
        for result in self.results:
            rows, lost, notes = [], [], []
            for score in result.scores.all():
                note = score.final_reason if score.final is not None else ""
                if score.self_score is not None and score.self_justification:
                    notes.append(f"{score.get_kind_display()}自评说明：{score.self_justification}")
                rows.append(
                    (
                        score.get_kind_display(),
                        num(score.weight),
                        score.raw,
                        num(score.computed),
                        num(score.self_score),
                        num(score.score),
                        note,
                    )
                )
                lost.extend(score.lost)
            adjustments = []
            for item in result.adjustments:
                label = kinds.get(item["kind"], item["kind"])
                points = "" if item["kind"] == "veto" else f" {num(Decimal(item['points']))}分"
                adjustments.append(f"{label}{points}：{item['reason']}（{item['date']}）")
            if (
                result.bonus
                and sum(Decimal(i["points"]) for i in result.adjustments if i["kind"] == "bonus")
                > result.bonus
            ):
                adjustments.append(f"加分超过上限，按{num(result.bonus)}分计")
            veto = "，一票否决" if result.vetoed else ""
            yield DepartmentSection(
                rank=result.rank,
                name=result.department.name,
                total=num(result.total),
                grade=result.grade,
                vetoed=result.vetoed,
                heading=f"第{result.rank}名　{result.department.name}　总分{num(result.total)}分　{result.grade}等{veto}",
                columns=self.detail_columns,
                rows=rows,
                adjustments=adjustments,
                lost=lost,
                notes=notes,
            )

    # Files ---------------------------------------------------------------------------------

    def filename(self, extension: str) -> str:
        stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", self.title()).strip(" ._") or "assessment"
        return f"{stem}.{extension}"
