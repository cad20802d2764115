"""What an assessment report (考核通报) says, once, for the three writers (pretix style): the
exporter gives the title, the body's paragraphs, the ranking rows and each department's section
as typed values; the .xlsx writer keeps the numbers as numbers, the PDF and .docx writers print
them with two decimals in the layout of an official document (GB/T 9704-2012, gongwen.py).

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
from ..titles import TITLE_TAIL, plan_name

CRITERION_COLOURS = {
    CriterionKind.ON_TIME: "#1d4ed8",
    CriterionKind.COMPLETENESS: "#0891b2",
    CriterionKind.TARGETS: "#15803d",
    CriterionKind.RATING: "#b45309",
}
CHART_ROWS = 24  # departments per chart: a taller chart would not fit a page under its heading
NOT_APPLICABLE = "不适用"
NO_UNITS = "本期没有应参加考核的单位（考核期内各单位均无应考核事项）。"
NO_RANKING = "本期无考核排名。"
OFFICE_BY_LEVEL = {"province": "质量强省", "city": "质量强市", "county": "质量强县"}
TITLE_DIGIT_EM = 0.6  # a digit's width in the title's face, for fitting its lines

# A weight as printed in a heading: 30, 42.86; a score always with two decimals: 27.50.
num = decimal_text


def score_text(value: Decimal | None) -> str:
    """A score as the printed report shows it: two decimals, blank for none."""
    return "" if value is None else f"{Decimal(value):.2f}"


def chinese_date(day) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros (2026年11月30日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def text_em(text: str, *, half: float = 0.5) -> float:
    """A line's width in em: a Chinese character one em, a digit or Latin letter `half` an em
    (exactly half in the GB2312 faces; Noto's digits are wider, about 0.6 em in bold)."""
    return sum(1.0 if ord(c) >= 0x2E80 else half for c in text)


# The title ----------------------------------------------------------------------------------

# Where a title may break: after these characters, or before these words; never inside a
# number or a word.
BREAK_AFTER = set("于年市县区镇的和与及、，")
BREAK_BEFORE = ("考核", "工作", "行动", "实施", "方案", "质量", "开展", "创建")


def _breaks(text: str) -> list[int]:
    """The positions a title may break at (between text[i-1] and text[i]): after a particle or a
    place, before a known word or a date; never inside a number or a date (2026年11月)."""
    out = []
    for i in range(2, len(text) - 1):
        before, after = text[i - 1], text[i]
        if before.isdigit() and (after.isdigit() or after in "年月日"):
            continue
        if before in "年月第（(—–-" and after.isdigit():
            continue
        if (
            before in BREAK_AFTER
            or text.startswith(BREAK_BEFORE, i)
            or (after.isdigit() and not before.isdigit())
        ):
            out.append(i)
    return out


def title_lines(title: str, *, per_line: float = 20, preferred: tuple[int, ...] = ()) -> list[str]:
    """The title's lines, at most `per_line` em each (a 二号 line in the 156 mm type area holds
    20 characters), broken where the sense allows: at a `preferred` position (between the plan's
    name and the period) if one fits, else after a particle or before a word, never inside a
    number; longer lines on top (梯形)."""

    def width(text: str) -> float:
        return text_em(text, half=TITLE_DIGIT_EM)

    if width(title) <= per_line:
        return [title]
    head, tail = (title[: -len(TITLE_TAIL)], TITLE_TAIL) if title.endswith(TITLE_TAIL) else (title, "")
    lines: list[str] = []
    offset = 0
    while width(head) > per_line:
        mine = [
            p - offset
            for p in preferred
            if 0 < p - offset < len(head) and width(head[: p - offset]) <= per_line
        ]
        fits = mine or [i for i in _breaks(head) if width(head[:i]) <= per_line]
        if not fits:  # no sensible break: cut at the width, never inside a number
            i = max(1, int(per_line))
            while i > 1 and head[i - 1].isdigit() and head[i].isdigit():
                i -= 1
            fits = [i]
        # The break that leaves the most for the first line, so the lines narrow downwards.
        cut = max(fits)
        lines.append(head[:cut])
        head, offset = head[cut:], offset + cut
    if tail and width(head + tail) <= per_line:
        lines.append(head + tail)
    else:
        lines.extend(part for part in (head, tail) if part)
    return lines


# Rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreCell:
    """One criterion of one department: the score, or not applicable; the effective weight
    when the criterion's weight was rescaled for the department."""

    score: Decimal | None
    applies: bool = True
    effective_weight: Decimal | None = None
    weight: Decimal | None = None

    @property
    def rescaled_weight(self) -> Decimal | None:
        """The weight the score is out of, where it differs from the scheme's."""
        if not self.applies or self.effective_weight is None or self.effective_weight == self.weight:
            return None
        return self.effective_weight

    def text(self) -> str:
        if not self.applies:
            return NOT_APPLICABLE
        return score_text(self.score)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    name: str
    scores: tuple[ScoreCell, ...]
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    grade: str
    vetoed: bool
    note: str


@dataclass(frozen=True)
class DetailRow:
    """A criterion's line in a department's table."""

    label: str
    weight: Decimal  # the scheme's weight
    effective_weight: Decimal | None  # set when rescaled for the department
    applies: bool
    raw: str
    computed: Decimal | None
    self_score: Decimal | None
    final: Decimal | None
    note: str

    @property
    def counted_weight(self) -> Decimal | None:
        """The weight the score is out of: none when the criterion does not apply."""
        if not self.applies:
            return None
        return self.weight if self.effective_weight is None else self.effective_weight


@dataclass
class DepartmentSection:
    rank: int
    name: str
    total: Decimal
    grade: str
    vetoed: bool
    heading: str
    rows: list[DetailRow]
    bonus: Decimal
    penalty: Decimal
    adjustments: list[str]
    lost: list[str]
    notes: list[str] = field(default_factory=list)


class AssessmentExporter:
    """The content of an assessment report: title, body, ranking, chart, departments."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        self.results = list(
            assessment.results.select_related("department")
            .prefetch_related("scores")
            .order_by("rank", "department__sort_order", "department__name")
        )
        self.criteria = assessment.scheme.get("criteria", [])
        self.now = timezone.now()

    # Head ----------------------------------------------------------------------------------

    def title(self) -> str:
        return self.assessment.title

    def title_lines(self) -> list[str]:
        """The title's lines, preferably broken between the plan's name and the period."""
        between = len("关于" + plan_name(self.assessment.plan.title))
        return title_lines(self.title(), preferred=(between,))

    def marks(self) -> str:
        """The parenthesised line under the title: （暂定）, （第2版）."""
        a = self.assessment
        out = "（暂定）" if a.provisional else ""
        if a.version > 1:
            out += f"（第{a.version}版）"
        return out

    def draft_mark(self) -> str:
        return "" if self.assessment.is_published else "（草稿，未发布）"

    def office(self) -> str:
        """The issuing office (落款, the files' author): the jurisdiction's leading group's office."""
        jurisdiction = self.assessment.plan.jurisdiction
        if jurisdiction.office_name:
            return jurisdiction.office_name
        return f"{jurisdiction.name}{OFFICE_BY_LEVEL.get(jurisdiction.level, '质量')}工作领导小组办公室"

    def issued_on(self):
        """成文日期: the day of publication, or of the compile for a draft."""
        a = self.assessment
        return timezone.localtime(a.published_at or a.compiled_at).date()

    def date_text(self) -> str:
        return chinese_date(self.issued_on())

    def period_text(self) -> str:
        a = self.assessment
        end = f"{a.end.month}月{a.end.day}日" if a.end.year == a.start.year else chinese_date(a.end)
        return f"{chinese_date(a.start)}至{end}"

    def subtitle(self) -> tuple[str, ...]:
        """The workbook's second row: which plan, which period, data as of when."""
        a = self.assessment
        return (
            f"工作方案：{a.plan.title}",
            f"考核期：{a.label}（{self.period_text()}）",
            f"数据截至：{chinese_date(a.as_of)}",
            f"{'发布' if a.is_published else '计算'}日期：{self.date_text()}",
        )

    @property
    def assesses_jurisdictions(self) -> bool:
        """The scheme as compiled assessed the subordinate jurisdictions, not the departments."""
        return (self.assessment.scheme or {}).get("subject") == "jurisdictions"

    def addressee(self) -> str:
        return "各县（市、区）人民政府：" if self.assesses_jurisdictions else "各责任单位："

    def opening(self) -> str:
        a, s = self.assessment, self.assessment.summary
        units = "县（市、区）" if self.assesses_jurisdictions else "责任单位"
        return (
            f"根据《{a.plan.title}》考核方案，{self.office()}对{s.get('departments', len(self.results))}个"
            f"{units}{a.label}工作情况进行了考核（考核期为{self.period_text()}，数据截至"
            f"{chinese_date(a.as_of)}）。现将考核结果通报如下。"
        )

    def rescaled_count(self) -> int:
        """Units with a criterion that does not apply to them, so the others were rescaled."""
        return sum(
            1
            for r in self.results
            if any(
                not s.applies or (s.effective_weight is not None and s.effective_weight != s.weight)
                for s in r.scores.all()
            )
        )

    def summary(self) -> list[str]:
        """The paragraphs under 一、总体情况: the criteria, how it came out, what is provisional."""
        a, s = self.assessment, self.assessment.summary
        grades = s.get("grades", {})
        weights = "、".join(f"{c['label']}{num(Decimal(c['weight']))}分" for c in self.criteria)
        lines = [
            f"考核内容及分值为：{weights}；另按事项加分、扣分，发生重大质量安全事故等一票否决事项的单位直接评为D等。",
            f"考核结果：A等（优秀）{grades.get('A', 0)}个，B等（良好）{grades.get('B', 0)}个，"
            f"C等（合格）{grades.get('C', 0)}个，D等（不合格）{grades.get('D', 0)}个；"
            f"平均得分{score_text(Decimal(s.get('average', '0')))}分。",
        ]
        if not self.results:
            lines[1] = NO_UNITS
        if self.results:
            top = [r.department.name for r in self.results if r.rank == 1 and not r.vetoed]
            if top:
                lines[-1] += f"排名第一的单位：{'、'.join(top)}。"
        vetoed = [r.department.name for r in self.results if r.vetoed]
        if vetoed:
            lines.append(f"一票否决单位：{'、'.join(vetoed)}。")
        rescaled = self.rescaled_count()
        if rescaled:
            lines.append(
                f"{rescaled}个单位有考核内容不适用（考核期内无应考核事项或尚未评分），"
                "该项不计分，其余各项分值按比例折算，合计仍为100分。"
            )
        if a.provisional:
            lines.append("本通报为暂定结果：考核期内仍有报送期未截止，截止后将重新计算。")
        if a.version > 1:
            lines.append(f"本通报为第{a.version}版，根据申诉处理结果重新印发，原版本同时废止。")
        return lines

    def closing(self) -> str:
        """The last paragraph: how to appeal, when the scheme accepts appeals."""
        days = self.assessment.scheme.get("appeal_days")
        if days is None:
            scheme = getattr(self.assessment.plan, "assessment_scheme", None)
            days = getattr(scheme, "appeal_days", 0)
        if not days:
            return ""
        return (
            f"对考核结果有异议的单位，可自本通报发布之日起{days}个工作日内通过质量强市工作平台提出申诉，"
            "并附相关材料。"
        )

    def attachments(self) -> list[str]:
        return ["各单位得分图表", "各单位得分及失分说明"]

    # Ranking -------------------------------------------------------------------------------

    def ranking_columns(self) -> tuple[Column, ...]:
        # Widths in Excel characters; the PDF and Word tables keep the proportions.
        return (
            Column("名次", 7, centred=True),
            Column("单位", 20),
            *(
                Column(f"{c['label']}（{num(Decimal(c['weight']))}）", 11, centred=True)
                for c in self.criteria
            ),
            Column("加分", 8, centred=True),
            Column("扣分", 8, centred=True),
            Column("总分", 10, centred=True),
            Column("等次", 7, centred=True),
        )

    def iterate_ranking(self) -> Iterator[RankingRow]:
        labels = {c["kind"]: c["label"] for c in self.criteria}
        for result in self.results:
            scores = {s.kind: s for s in result.scores.all()}
            cells, not_applying, rescaled = [], [], []
            for c in self.criteria:
                score = scores.get(c["kind"])
                if score is None:
                    cells.append(ScoreCell(None))
                    continue
                cells.append(ScoreCell(score.score, score.applies, score.effective_weight, score.weight))
                if not score.applies:
                    not_applying.append(labels[c["kind"]])
                elif score.effective_weight is not None and score.effective_weight != score.weight:
                    rescaled.append(f"{labels[c['kind']]}{num(score.effective_weight)}")
            note = []
            if result.vetoed:
                note.append("一票否决")
            if not_applying:
                note.append(f"{'、'.join(not_applying)}不适用")
            if rescaled:
                note.append(f"分值折算为{'、'.join(rescaled)}")
            yield RankingRow(
                rank=result.rank,
                name=result.department.name,
                scores=tuple(cells),
                bonus=result.bonus,
                penalty=result.penalty,
                total=result.total,
                grade=result.grade,
                vetoed=result.vetoed,
                note="；".join(note),
            )

    # Chart ---------------------------------------------------------------------------------

    def chart_rows(self, chunk) -> list[tuple[str, dict[str, float], float, float, float]]:
        """Per department: the criteria scores, the bonus, the penalty and the total, which is
        the ranking's total (a total the rules kept within 0–100 is the one printed)."""
        return [
            (
                r.department.name,
                {s.kind: float(s.score) for s in r.scores.all() if s.applies},
                float(r.bonus),
                float(r.penalty),
                float(r.total),
            )
            for r in chunk
        ]

    def charts(self) -> list[tuple[str, SafeString]]:
        """Each department's score in rank order: the criteria stacked, the bonus added, the
        penalty taken off, the total at the bar's end; at most CHART_ROWS departments per chart
        so each fits a page."""
        from qualitycity.charts import score_chart

        charts = []
        count = -(-len(self.results) // CHART_ROWS)  # as many charts as needed, as even as can be
        size = -(-len(self.results) // count) if count else 0
        chunks = [self.results[i : i + size] for i in range(0, len(self.results), size)] if size else [[]]
        series = [(c["kind"], c["label"], CRITERION_COLOURS.get(c["kind"], "#6b7280")) for c in self.criteria]
        for k, chunk in enumerate(chunks):
            part = f"（{k + 1}/{len(chunks)}）" if len(chunks) > 1 else ""
            title = f"各单位得分{part}"
            charts.append(
                (
                    title,
                    score_chart(
                        self.chart_rows(chunk),
                        series=series,
                        title=title,
                        bonus_label="加分",
                        penalty_label="扣分",
                        total_label="总分",
                    ),
                )
            )
        return charts

    # Departments ---------------------------------------------------------------------------

    detail_columns = (
        Column("考核内容", 13),
        Column("分值", 8, centred=True),
        Column("原始数据", 19),
        Column("计算得分", 8, centred=True),
        Column("自评分", 7, centred=True),
        Column("认定得分", 8, centred=True),
        Column("说明", 25),
    )

    def iterate_departments(self) -> Iterator[DepartmentSection]:
        kinds = dict(AssessmentItem.Kind.choices)
        for result in self.results:
            rows, lost, notes = [], [], []
            for score in result.scores.all():
                label = score.get_kind_display()
                note = []
                if not score.applies:
                    note.append("考核期内无应考核事项或尚未评分，不计分，其余各项按比例折算")
                elif score.effective_weight is not None and score.effective_weight != score.weight:
                    note.append(f"分值由{num(score.weight)}分折算为{num(score.effective_weight)}分")
                if score.final is not None and score.final_reason:
                    note.append(f"认定理由：{score.final_reason}")
                if score.self_score is not None and score.self_justification:
                    notes.append(f"{label}：{score.self_justification}")
                rows.append(
                    DetailRow(
                        label=label,
                        weight=score.weight,
                        effective_weight=score.effective_weight,
                        applies=score.applies,
                        raw=score.raw,
                        computed=score.computed if score.applies else None,
                        self_score=score.self_score,
                        final=score.score if score.applies else None,
                        note="；".join(note),
                    )
                )
                lost.extend(score.lost)
            adjustments = []
            for item in result.adjustments:
                label = kinds.get(item["kind"], item["kind"])
                points = "" if item["kind"] == "veto" else f"{num(Decimal(item['points']))}分"
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
                total=result.total,
                grade=result.grade,
                vetoed=result.vetoed,
                heading=(
                    f"{result.department.name}（第{result.rank}名，总分{score_text(result.total)}分，"
                    f"{result.grade}等{veto}）"
                ),
                rows=rows,
                bonus=result.bonus,
                penalty=result.penalty,
                adjustments=adjustments,
                lost=lost,
                notes=notes,
            )

    # Files ---------------------------------------------------------------------------------

    def filename(self, extension: str) -> str:
        stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", self.title()).strip(" ._") or "assessment"
        return f"{stem}.{extension}"


def signature_indents(office: str, date: str) -> tuple[float, float]:
    """The right indents, in em, of 发文机关署名 and 成文日期 on a document without a seal
    (GB/T 9704-2012 7.3.5.2): the office two characters from the right edge, the date's first
    character two to the right of the office's; a date wider than that sits two from the edge
    with the office centred above it."""
    name_w, date_w = text_em(office), text_em(date)
    date_right = name_w - date_w
    if date_right >= 2:
        return 2.0, date_right
    return 2 + (date_w - name_w) / 2, 2.0
