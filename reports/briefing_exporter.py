"""The 工作简报 as a Word document in the layout offices circulate: the 报头 (the title large in
red 小标宋, centred), the 期号 line, the 编发单位 on the left and the date on the right over a red
rule, then each item's title in 黑体 and its body in 仿宋 三号 indented two characters, and at the
end a rule and the 报送 / 抄送 lines. A4 with the 公文 margins (37/35/28/26 mm), page numbers
"— 1 —" centred. Runs name the official faces; the font table gives Windows' names as their
alternatives, and where neither is installed (Linux, LibreOffice) Noto CJK is the fallback."""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

from qualitycity.exporters.docx import field_runs, font_alternatives, official_body_style

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
TYPE_WIDTH = Length(PAGE_WIDTH - MARGINS["left_margin"] - MARGINS["right_margin"])  # 156 mm

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
# Each face's stack: the official face, Windows' own, then Noto CJK (what LibreOffice on Linux
# has). Word takes the second from the font table's altName; LibreOffice falls back to Noto.
FONT_STACKS = {
    TITLE_FONT: (TITLE_FONT, "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),
    BODY_FONT: (BODY_FONT, "FangSong", "Noto Serif CJK SC"),
    HEADING_FONT: (HEADING_FONT, "SimHei", "Noto Sans CJK SC"),
    PAGE_NUMBER_FONT: (PAGE_NUMBER_FONT, "SimSun", "Noto Serif CJK SC"),
}

RED = RGBColor(0xE6, 0x00, 0x12)
MASTHEAD_SIZE = Pt(42)  # 初号; smaller for a long title so it stays on one line
BODY_SIZE = Pt(16)  # 三号
FOOT_SIZE = Pt(14)  # 四号: the 报送 / 抄送 lines and page numbers
LINE = Pt(28.95)  # 225 mm / 22 lines
INDENT = Pt(32)  # two characters of 三号


def set_font(run, name: str, size=None, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Name the face for Chinese (w:eastAsia) and for Latin text and digits alike."""
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


def _paragraph(
    document,
    text="",
    *,
    font=BODY_FONT,
    size=BODY_SIZE,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=INDENT,
    line=LINE,
    bold=False,
    colour=None,
    before=0,
    after=0,
):
    p = document.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = indent
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if text:
        set_font(p.add_run(text), font, size, bold=bold, colour=colour)
    return p


def _rule(paragraph, *, colour: str, size_eighths: int, side: str = "bottom") -> None:
    """A horizontal rule across the type area: the paragraph's border."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size_eighths)),
        ("w:space", "1"),
        ("w:color", colour),
    ):
        line.set(qn(key), value)
    borders.append(line)
    # The schema wants pBdr before spacing, indentation and alignment.
    anchor = next((c for c in p_pr if c.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc")}), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        p_pr.append(borders)


def _page_number(footer) -> None:
    """ "— 1 —" in 宋体 四号, centred."""
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), PAGE_NUMBER_FONT, FOOT_SIZE)
    field_runs(p, "PAGE", font=PAGE_NUMBER_FONT, size=FOOT_SIZE)
    set_font(p.add_run(" —"), PAGE_NUMBER_FONT, FOOT_SIZE)


def _set_up(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, side, value)
    section.footer_distance = Mm(23)
    _page_number(section.footer)
    official_body_style(document, font=BODY_FONT, size=BODY_SIZE)
    font_alternatives(document, {name: stack[1] for name, stack in FONT_STACKS.items()})


def issue_label(year: int, number: int | None) -> str:
    """The 期号 line: 2026年第5期 (a draft has no number yet)."""
    return f"{year}年第{number}期" if number else f"{year}年第　期"


def date_label(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _masthead_size(title: str):
    """初号, or smaller so the title stays on one line of the type area."""
    fits = int(TYPE_WIDTH.pt / max(len(title), 1))
    return Pt(min(MASTHEAD_SIZE.pt, fits))


def briefing_docx(briefing, *, office: str) -> bytes:
    """The briefing's issue as Word bytes in the 简报 layout (a draft prints 第　期)."""
    document = docx.Document()
    _set_up(document)
    core = document.core_properties
    core.author = core.last_modified_by = office
    core.title = f"{briefing.title} {issue_label(briefing.year, briefing.number)}"
    core.keywords = "工作简报"

    title = briefing.title
    _paragraph(
        document,
        title,
        font=TITLE_FONT,
        size=_masthead_size(title),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
        line=Pt(_masthead_size(title).pt * 1.3),
        colour=RED,
        before=12,
        after=12,
    )
    _paragraph(
        document,
        issue_label(briefing.year, briefing.number),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
        after=6,
    )
    # 编发单位 on the left, the date on the right: one line, a right tab at the type area's edge.
    masthead = _paragraph(document, indent=Pt(0), align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
    masthead.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    set_font(
        masthead.add_run(f"{briefing.editor_unit or office}\t{date_label(briefing.issued_on)}"),
        BODY_FONT,
        BODY_SIZE,
    )
    _rule(masthead, colour="E60012", size_eighths=18)

    for k, item in enumerate(briefing.items):
        heading = _paragraph(
            document,
            item.get("title", ""),
            font=HEADING_FONT,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=Pt(0),
            bold=True,
            before=14 if k else 18,
            after=6,
        )
        heading.paragraph_format.keep_with_next = True
        for text in (item.get("body") or "").splitlines():
            if text.strip():
                _paragraph(document, text.strip())
        if item.get("source"):
            _paragraph(document, f"（{item['source']}）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0))

    # The closing block: a rule, then 报送 and 抄送, each a hanging line.
    first = True
    for label, value in (("报送", briefing.send_to), ("抄送", briefing.copy_to)):
        if not value:
            continue
        p = _paragraph(
            document,
            f"{label}：{value}",
            size=FOOT_SIZE,
            indent=Pt(0),
            line=Pt(22),
            align=WD_ALIGN_PARAGRAPH.LEFT,
            before=24 if first else 0,
        )
        p.paragraph_format.left_indent = Pt(FOOT_SIZE.pt * 3)
        p.paragraph_format.first_line_indent = -Pt(FOOT_SIZE.pt * 3)
        p.paragraph_format.keep_with_next = True
        if first:
            _rule(p, colour="000000", size_eighths=8, side="top")
            first = False
    if first:  # neither line: the rule still closes the issue
        _rule(_paragraph(document, indent=Pt(0), before=24), colour="000000", size_eighths=8, side="top")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
