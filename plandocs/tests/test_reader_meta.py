"""Metadata from a plan's text: 印发机关, 文号, 印发日期, the years it covers and its kind, under
the extraction's "meta" key."""

import pytest

from plandocs.readers import extract
from plandocs.readers.meta import read_meta, years_of

BODY = "一、工作目标\n全市制造业产品质量合格率达到95%以上。(市市场监管局负责)\n"


def _meta(text: str) -> dict:
    return extract(text.encode("utf-8"), filename="方案.txt").to_dict()["meta"]


def test_notice_at_the_top_gives_issuer_number_and_date():
    # given a web page carrying the 印发 notice: 文号, the issuing office and the date above the plan
    text = (
        "当前位置 : 首页 > 政府信息公开\n"
        "市政府办公室关于印发《2022年太仓市质量强市工作要点》的通知\n"
        "太政办〔2022〕64号\n"
        "各镇人民政府,市各委办局:\n"
        "《2022年太仓市质量强市工作要点》已经市政府常务会议讨论通过,现印发给你们,请认真贯彻执行。\n"
        "太仓市人民政府办公室\n"
        "2022年6月2日\n"
        "2022年太仓市质量强市工作要点\n" + BODY
    )

    # when it is read
    meta = _meta(text)

    # then the metadata come from the notice, and the years and kind from the title
    assert meta == {
        "title": "2022年太仓市质量强市工作要点",
        "issuer": "太仓市人民政府办公室",
        "document_number": "太政办〔2022〕64号",
        "issued_on": "2022-06-02",
        "year_start": 2022,
        "year_end": 2022,
        "kind": "work_points",
    }


def test_signature_after_the_body_and_a_span_in_the_text():
    # given a plan without years in its title, stating 2018—2020年 in its text and signed at the end
    text = (
        "湛江市开展质量提升行动的方案\n"
        "一、工作目标\n2018—2020年,全市制造业产品质量合格率达到95%以上。(市市场监管局负责)\n"
        "湛江市人民政府\n2018年3月15日\n"
    )

    # when it is read
    meta = _meta(text)

    # then the span is the plan's years, and the 落款 gives issuer and date
    assert (meta["year_start"], meta["year_end"]) == (2018, 2020)
    assert (meta["issuer"], meta["issued_on"]) == ("湛江市人民政府", "2018-03-15")
    assert meta["kind"] == "implementation" and meta["document_number"] == ""


@pytest.mark.parametrize(
    "title, body, issued_year, expected",
    [
        ("某市质量提升行动计划(2018—2020年)", "", None, (2018, 2020)),
        ("2022年质量强市工作要点", "", None, (2022, 2022)),
        ("某市“十四五”质量发展规划", "", None, (2021, 2025)),
        ("某市“十五五”质量强市规划", "", None, (2026, 2030)),
        ("某市质量提升行动方案", "到2027年,全市质量总体水平显著提升。", None, (2024, 2027)),
        ("某市质量提升行动方案", "到2027年,全市质量总体水平显著提升。", 2025, (2025, 2027)),
        ("某市质量提升行动方案", "2023年至2025年,开展三年行动。", None, (2023, 2025)),
        (
            "某市质量提升行动方案",
            "根据《质量发展纲要2016年行动计划》和《某市“十四五”规划》,制定本方案。",
            None,
            (None, None),
        ),
    ],
)
def test_years(title, body, issued_year, expected):
    assert years_of(title, body, issued_year=issued_year, this_year=2024) == expected


def test_export_subtitle_reads_back():
    # given the lines above an exported table: title, and 印发机关/文号/年度 in parts of one row
    head = [
        "某市质量强市工作要点",
        "印发机关：某市人民政府办公室  文号：某政办〔2024〕7号  年度：2024—2026年",
    ]

    # when they are read
    meta = read_meta(head, title="某市质量强市工作要点")

    # then every field comes back, the stated 年度 winning over the title
    assert (meta["issuer"], meta["document_number"]) == ("某市人民政府办公室", "某政办〔2024〕7号")
    assert (meta["year_start"], meta["year_end"]) == (2024, 2026)


def test_xlsx_table_with_subtitle_row_keeps_its_title():
    # given a workbook printed as the portal exports it: a title, a two-part subtitle row, a header
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某市工作任务分解表"])
    ws.append(["年度：2023年", None, "文号：某政办〔2023〕5号"])
    ws.append(["序号", "工作任务", "牵头部门"])
    ws.append(["1", "强化监督抽查", "市市场监管局"])
    buf = io.BytesIO()
    wb.save(buf)

    # when it is read
    back = extract(buf.getvalue(), filename="表.xlsx")

    # then the title is the title row, and the subtitle gives the metadata
    assert back.title == "某市工作任务分解表"
    assert back.meta["document_number"] == "某政办〔2023〕5号"
    assert (back.meta["year_start"], back.meta["year_end"]) == (2023, 2023)


def test_plan_without_any_metadata_says_none():
    meta = _meta("某市质量工作方案\n" + BODY)
    assert meta["issuer"] == "" and meta["document_number"] == "" and meta["issued_on"] is None
    assert (meta["year_start"], meta["year_end"]) == (None, None)
