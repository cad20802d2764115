"""The assessment's files as offices use them: a workbook whose scores are numbers (sortable,
summable, printable), and a 考核通报 in PDF and Word laid out as GB/T 9704-2012 has it (A4, type
area 156 × 225 mm, 二号 小标宋 title naming the year once, 三号 仿宋 body, "— 1 —" page numbers,
the issuing office and the date at the end), with a chart whose totals are the ranking's."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from decimal import Decimal

import docx
import pdfplumber
import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length
from openpyxl import load_workbook

from assessment.compile import assessment_compile, results_rank
from assessment.exporters import assessment_render
from assessment.exporters.base import AssessmentExporter, ScoreCell, text_em, title_lines
from assessment.models import Assessment, CriterionKind, CriterionScore
from assessment.services import item_add
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, submit
from assessment.titles import report_title
from qualitycity.charts import score_chart
from tests.factories import cast_create

OFFICE = "甲市质量强市工作领导小组办公室"
PLAN_TITLE = "2026年甲市质量强市工作要点"
TITLE = "关于2026年甲市质量强市工作要点第一季度考核结果的通报"
ISSUED = "2026年11月30日"
MM = 72 / 25.4  # PDF points per millimetre


def build_assessment() -> tuple[Assessment, dict]:
    """A compiled first quarter: 市市场监管局 late once, with a bonus, its 目标完成 not applying
    (the others rescaled); 市住建局 with a penalty. Compiled on 30 November."""
    cast = cast_create()
    cast.jurisdiction.office_name = OFFICE
    cast.jurisdiction.save()
    jan, feb, mar = months(cast, 1, 2, 3)
    cast.plan.title = PLAN_TITLE
    cast.plan.save()
    for period in (jan, mar):
        submit(period, cast.department, rating=90)
    submit(feb, cast.department, on=feb.deadline + dt.timedelta(days=4), rating=85)
    for period in (jan, feb, mar):
        submit(period, cast.other_department, rating=70)
    day = dt.date(2026, 2, 10)
    item_add(
        plan=cast.plan, department=cast.department, actor=cast.office, kind="bonus",
        points=Decimal(2), reason="获评省级质量品牌建设先进单位", occurred_on=day,
    )  # fmt: skip
    item_add(
        plan=cast.plan, department=cast.other_department, actor=cast.office, kind="penalty",
        points=Decimal("1.5"), reason="督查发现问题整改不及时", occurred_on=day,
    )  # fmt: skip
    assessment = assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
    # The unit had no target due: 目标完成 does not apply, the others are rescaled to 100.
    scores = {
        s.kind: s
        for s in CriterionScore.objects.filter(
            result__assessment=assessment, result__department=cast.department
        )
    }
    live = sum(s.weight for kind, s in scores.items() if kind != CriterionKind.TARGETS)
    for kind, score in scores.items():
        if kind == CriterionKind.TARGETS:
            score.applies, score.effective_weight, score.computed, score.final = False, None, Decimal(0), None
        else:
            score.applies, score.effective_weight = (
                True,
                (score.weight * 100 / live).quantize(Decimal("0.01")),
            )
        score.save()
    with transaction.atomic():
        results_rank(assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        compiled_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0))
    )
    assessment = Assessment.objects.select_related("plan__jurisdiction").get(pk=assessment.pk)
    exporter = AssessmentExporter(assessment)
    facts = {
        "results": [(r.rank, r.department.name, r.total) for r in exporter.results],
        "effective": {k: s.effective_weight for k, s in scores.items()},
        "charts": [str(svg) for _title, svg in exporter.charts()],
        "market": cast.department.name,
    }
    return assessment, facts


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three files rendered once for the module (rendering a PDF takes seconds), from data
    built in a transaction rolled back after the module's last test; plus a Word file of the same
    assessment marked provisional and second version."""
    private = override_settings(PRIVATE_ROOT=tmp_path_factory.mktemp("layout-private"))
    private.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            before = timezone.now()
            assessment, facts = build_assessment()
            rendered = {
                ext: assessment_render(assessment=assessment, extension=ext)
                for ext in ("xlsx", "pdf", "docx")
            }
            after = timezone.now()
            assessment.provisional, assessment.version = True, 2
            rendered["marked"] = assessment_render(assessment=assessment, extension="docx")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            private.disable()
    return {**rendered, **facts, "before": before, "after": after}


# The workbook ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranking(files):
    ws = load_workbook(io.BytesIO(files["xlsx"]))["考核排名"]
    header = next(c.row for c in ws["A"] if c.value == "名次")
    headers = [c.value for c in ws[header]]
    rows = list(range(header + 1, header + 1 + len(files["results"])))
    return ws, header, headers, rows


def test_ranks_and_scores_are_numbers_with_fixed_decimals(files, ranking):
    ws, _header, headers, rows = ranking
    total = headers.index("总分") + 1
    for row, (rank, name, expected) in zip(rows, files["results"], strict=True):
        rank_cell, total_cell = ws.cell(row=row, column=1), ws.cell(row=row, column=total)
        assert (rank_cell.value, rank_cell.data_type, rank_cell.number_format) == (rank, "n", "0")
        assert ws.cell(row=row, column=2).value == name
        assert total_cell.data_type == "n" and total_cell.number_format == "0.00"
        assert Decimal(str(total_cell.value)) == expected
    scores = [ws.cell(row=r, column=j) for r in rows for j in range(3, total + 1)]
    numeric = [c for c in scores if c.value is not None and c.data_type == "n"]
    assert numeric and all(c.number_format == "0.00" for c in numeric)
    assert all(not isinstance(c.value, str) or c.value == "不适用" for c in scores)


def test_a_criterion_that_does_not_apply_says_so_and_the_note_gives_the_rescaled_weights(files, ranking):
    ws, _header, headers, rows = ranking
    market = next(r for r in rows if ws.cell(row=r, column=2).value == files["market"])
    targets = headers.index("目标完成（30）") + 1
    assert ws.cell(row=market, column=targets).value == "不适用"
    on_time = files["effective"][CriterionKind.ON_TIME]
    assert f"按时报送{on_time.normalize():f}" in ws.cell(row=market, column=len(headers)).value


def test_the_ranking_filters_and_sorts_and_its_average_row_is_formulas(ranking):
    ws, header, headers, rows = ranking
    last_column = ws.cell(row=header, column=len(headers)).column_letter
    assert ws.auto_filter.ref == f"A{header}:{last_column}{rows[-1]}"
    average = rows[-1] + 1
    assert ws.cell(row=average, column=1).value == "平均分"
    total = headers.index("总分") + 1
    letter = ws.cell(row=header, column=total).column_letter
    assert ws.cell(row=average, column=total).value == f"=AVERAGE({letter}{rows[0]}:{letter}{rows[-1]})"
    assert ws.cell(row=average, column=total).number_format == "0.00"


def test_the_ranking_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(ranking):
    ws, header, _headers, _rows = ranking
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.freeze_panes == f"C{header + 1}"
    assert (ws.page_margins.left, ws.page_margins.top) == (0.5, 0.6)


def test_the_title_rows_name_the_plan_the_period_and_the_data_date(ranking):
    ws, header, _headers, _rows = ranking
    assert ws["A1"].value.startswith(TITLE)
    assert header == 3
    subtitle = ws["A2"].value
    assert f"工作方案：{PLAN_TITLE}" in subtitle
    assert "考核期：2026年第一季度（2026年1月1日至3月31日）" in subtitle
    assert "数据截至：2026年4月20日" in subtitle


def test_a_department_sheet_sums_its_scores_with_a_formula(files):
    ws = load_workbook(io.BytesIO(files["xlsx"]))[files["market"]]
    labels = [c.value for c in ws["A"]]
    base = labels.index("基础得分") + 1
    assert re.fullmatch(r"=SUM\(G3:G\d+\)", ws.cell(row=base, column=7).value)
    final = [ws.cell(row=r, column=7) for r in range(3, base)]
    assert [c.value for c in final if c.data_type == "s"] == ["不适用"]
    assert all(c.number_format == "0.00" for c in final if c.data_type == "n")


def test_the_workbook_names_the_office_as_author_and_was_made_now(files):
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    props = wb.properties
    assert (props.creator, props.lastModifiedBy, props.title) == (OFFICE, OFFICE, TITLE)
    made = timezone.make_aware(props.created, dt.UTC)
    assert files["before"] - dt.timedelta(seconds=1) <= made <= files["after"] + dt.timedelta(seconds=1)
    core = zipfile.ZipFile(io.BytesIO(files["xlsx"])).read("docProps/core.xml").decode()
    assert "openpyxl" not in core


# The Word file ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(files):
    return docx.Document(io.BytesIO(files["docx"]))


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_word_page_is_a4_with_the_type_area_of_gb_t_9704(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    type_area = Length(section.page_width - section.left_margin - section.right_margin).mm
    assert type_area == pytest.approx(156, abs=0.1)


def test_the_word_title_is_one_run_in_xiaobiaosong_erhao_naming_the_year_once(word):
    title = word.paragraphs[0]
    assert len(title.runs) == 1
    run = title.runs[0]
    assert (east_asia(run), run.font.size.pt, bool(run.font.bold)) == ("方正小标宋简体", 22, False)
    assert run.text.replace("\n", "") == TITLE
    assert TITLE.count("2026") == 1
    assert run.text.split("\n") == ["关于2026年甲市质量强市工作要点第一季度", "考核结果的通报"]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert run.font.color.rgb is None  # black: no 红头 in a portal's 通报


def test_the_word_body_is_fangsong_sanhao_on_a_22_line_grid_with_headings_by_level(word):
    by_text = {p.text: p for p in word.paragraphs}
    body = next(p for t, p in by_text.items() if t.startswith("根据《2026年甲市质量强市工作要点》考核方案"))
    assert (east_asia(body.runs[0]), body.runs[0].font.size.pt) == ("仿宋_GB2312", 16)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    assert east_asia(by_text["一、总体情况"].runs[0]) == "黑体"
    department = next(p for t, p in by_text.items() if t.startswith("（一）"))
    assert (east_asia(department.runs[0]), department.runs[0].font.size.pt) == ("楷体_GB2312", 16)


def test_the_word_file_ends_with_the_office_and_a_date_that_cannot_break(word):
    texts = [p.text for p in word.paragraphs]
    date = word.paragraphs[texts.index(ISSUED)]
    office = word.paragraphs[texts.index(ISSUED) - 1]
    assert office.text == OFFICE and office.paragraph_format.keep_with_next
    assert len(date.runs) == 1 and not date._p.xpath(".//w:br")
    assert date.alignment == office.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # No seal: the office two characters from the right, the date's first character two
    # characters right of the office's (GB/T 9704-2012 7.3.5.2).
    assert office.paragraph_format.right_indent.pt == 32
    office_start = office.paragraph_format.right_indent.pt + 16 * text_em(OFFICE)
    date_start = date.paragraph_format.right_indent.pt + 16 * text_em(ISSUED)
    assert office_start - date_start == pytest.approx(32)
    attachments = texts[: texts.index(OFFICE)]
    assert "附件：1．各单位得分图表" in attachments


def test_the_word_ranking_table_repeats_its_header_in_xiaosi(word, files):
    table = word.tables[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells][:2] == ["名次", "单位"]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert names == [name for _rank, name, _total in files["results"]]
    run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert (east_asia(run), run.font.size.pt) == ("仿宋_GB2312", 12)
    market = next(row for row in table.rows[1:] if row.cells[1].text == files["market"])
    assert market.cells[4].text == "不适用"  # 目标完成
    on_time = files["effective"][CriterionKind.ON_TIME]
    assert market.cells[2].text.endswith(f"({on_time.normalize():f})")


def test_word_page_numbers_are_dashed_on_the_outer_side(word):
    assert word.settings.odd_and_even_pages_header_footer
    section = word.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph._p.xpath("string(.//w:instrText)").strip() == "PAGE"
        runs = paragraph.runs
        assert (runs[0].text, runs[-1].text) == ("— ", " —")
        assert all((east_asia(r), r.font.size.pt) == ("宋体", 14) for r in runs)


def test_word_properties_name_the_office_and_now_not_the_library(word, files):
    core = word.core_properties
    assert (core.author, core.last_modified_by, core.title) == (OFFICE, OFFICE, TITLE)
    created = core.created.replace(tzinfo=dt.UTC)
    assert files["before"] - dt.timedelta(seconds=1) <= created <= files["after"] + dt.timedelta(seconds=1)
    assert core.modified == core.created
    package = zipfile.ZipFile(io.BytesIO(files["docx"]))
    meta = package.read("docProps/core.xml").decode() + package.read("docProps/app.xml").decode()
    assert "python-docx" not in meta and "2013" not in meta
    assert OFFICE in package.read("docProps/app.xml").decode()
    assert "docProps/thumbnail.jpeg" not in package.read("_rels/.rels").decode()


def test_a_provisional_second_version_says_so_under_the_title(files):
    marked = docx.Document(io.BytesIO(files["marked"]))
    assert marked.paragraphs[1].text == "（暂定）（第2版）"
    body = "\n".join(p.text for p in marked.paragraphs)
    assert "本通报为暂定结果" in body and "本通报为第2版" in body


# The PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(files):
    with pdfplumber.open(io.BytesIO(files["pdf"])) as document:
        yield [
            {"text": page.extract_text(), "chars": page.chars, "size": (page.width, page.height)}
            for page in document.pages
        ]


def test_the_pdf_is_a4_with_the_type_area_of_gb_t_9704(pdf):
    first = pdf[0]
    assert [round(x / MM) for x in first["size"]] == [210, 297]
    body = [c for c in first["chars"] if round(c["size"]) == 16]
    assert min(c["x0"] for c in body) / MM == pytest.approx(28, abs=0.5)
    assert max(c["x1"] for c in body) / MM <= 184 + 0.5
    title = [c for c in first["chars"] if round(c["size"]) == 22]
    # The title's first line is the type area's first line (no 版头): its glyphs start within it.
    assert 37 <= min(c["top"] for c in title) / MM <= 37 + 36 / MM


def test_the_pdf_title_is_erhao_and_the_body_sanhao(pdf):
    sizes = Counter(round(c["size"]) for c in pdf[0]["chars"] if c["text"].strip())
    assert sizes.most_common(1)[0][0] == 16
    title = "".join(c["text"] for c in pdf[0]["chars"] if round(c["size"]) == 22)
    assert title == TITLE
    fonts = {c["fontname"].split("+")[-1] for c in pdf[0]["chars"] if round(c["size"]) == 16}
    assert any("Serif" in f or "FangSong" in f or "仿宋" in f for f in fonts)  # 仿宋 or its serif stand-in


def test_the_pdf_pages_are_numbered_with_dashes_on_the_outer_side(pdf):
    assert "— 1 —" in pdf[0]["text"]
    for number, page in enumerate(pdf, start=1):
        dashes = [c for c in page["chars"] if c["text"] == "—" and c["top"] / MM > 262]
        assert len(dashes) == 2, number
        # 一字线 7 mm under the type area, one character in from the outer edge.
        assert dashes[0]["top"] / MM == pytest.approx(262 + 7, abs=1.5)
        if number % 2:
            assert dashes[-1]["x1"] / MM == pytest.approx(184 - 4.9, abs=1)
        else:
            assert dashes[0]["x0"] / MM == pytest.approx(28 + 4.9, abs=1)


def test_the_pdf_ends_its_body_with_the_office_and_the_date_on_one_line(pdf):
    page = next(p for p in pdf if OFFICE in p["text"] and ISSUED in p["text"])
    lines = page["text"].split("\n")
    assert ISSUED in lines and OFFICE in lines
    assert lines.index(ISSUED) == lines.index(OFFICE) + 1
    text = "".join(p["text"] for p in pdf)
    assert text.index(ISSUED) < text.index("附件2")  # the attachments follow the signature


def test_the_pdf_shows_the_rescaled_weight_and_the_criterion_that_does_not_apply(pdf, files):
    text = "".join(p["text"] for p in pdf)
    on_time = files["effective"][CriterionKind.ON_TIME]
    assert f"({on_time.normalize():f})" in text
    assert "不适用" in text and "逾期4天" in text.replace(" ", "")


# The chart -------------------------------------------------------------------------------------


def test_the_chart_totals_are_the_ranking_totals_with_bonus_and_penalty(files):
    (svg,) = files["charts"]
    totals = re.findall(r'class="score-row" data-total="([\d.]+)"', svg)
    assert totals == [f"{total:.2f}" for _rank, _name, total in files["results"]]
    assert f"{files['market']} · 加分：2" in svg
    assert "市住建局 · 扣分：1.5" in svg


# The title -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_title", "label", "single", "expected"),
    [
        ("2022年太仓市质量强市工作要点", "2022年度", True, "关于2022年太仓市质量强市工作要点考核结果的通报"),
        (
            "2022年太仓市质量强市工作要点",
            "2022年3月",
            True,
            "关于2022年太仓市质量强市工作要点3月考核结果的通报",
        ),
        (
            "创建全国质量强市示范城市行动计划",
            "2026年第一季度",
            False,
            "关于创建全国质量强市示范城市行动计划2026年第一季度考核结果的通报",
        ),
        (
            "湛江市质量提升行动方案（2018—2020年）",
            "2019年度",
            False,
            "关于湛江市质量提升行动方案（2018—2020年）2019年度考核结果的通报",
        ),
        (
            "2025—2026年度质量工作要点",
            "2025—2026年度",
            False,
            "关于2025—2026年度质量工作要点年度考核结果的通报",
        ),
        (
            "关于加快建设质量强市的实施方案",
            "2026年度",
            False,
            "关于加快建设质量强市的实施方案2026年度考核结果的通报",
        ),
    ],
    ids=["one-year-plan", "month-of-it", "no-year", "multi-year-plan", "july-june", "plan-titled-guanyu"],
)
def test_the_title_names_each_year_once(plan_title, label, single, expected):
    assert report_title(plan_title=plan_title, label=label, single_year=single) == expected


@pytest.mark.parametrize(
    "title",
    [
        TITLE,
        "关于2022年太仓市质量强市工作要点考核结果的通报",
        "关于创建全国质量强市示范城市行动计划2026年第一季度考核结果的通报",
        "关于湛江市开展质量提升行动的方案2018—2020年12345678901234567890考核结果的通报",
    ],
)
def test_a_long_title_breaks_only_between_words_and_never_inside_a_number(title):
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(text_em(line) <= 20 for line in lines)
    for before, after in zip(lines, lines[1:], strict=False):
        assert not (before[-1].isdigit() and after[0].isdigit())
    assert lines[-1].endswith("考核结果的通报")


@pytest.mark.parametrize(
    ("applies", "effective", "shown"),
    [
        (True, Decimal("30.00"), None),
        (True, None, None),
        (True, Decimal("42.86"), Decimal("42.86")),
        (False, Decimal(0), None),
    ],
    ids=["same-as-scheme", "not-set", "rescaled", "not-applying"],
)
def test_a_weight_is_printed_under_a_score_only_where_it_was_rescaled(applies, effective, shown):
    cell = ScoreCell(Decimal("20.00"), applies, effective, Decimal("30.0"))
    assert cell.rescaled_weight == shown
    assert cell.text() == ("20.00" if applies else "不适用")


def test_a_department_name_in_the_score_chart_is_escaped():
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    markup = str(
        score_chart(
            [(evil, {"a": 10.0}, 2.0, 1.0, 11.0)],
            series=[("a", evil, "#000")],
            title=evil,
            bonus_label=evil,
            penalty_label=evil,
            total_label=evil,
        )
    )
    assert markup.startswith("<svg") and markup.endswith("</svg>")
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup
