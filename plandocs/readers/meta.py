"""The plan's title and where its body starts, past web-page chrome, dates and 文号.

Rule: the title is the last title-like line before the first numbered item (the plan itself,
not the 印发 notice that carries it); chrome lines are never title or body.
"""

from __future__ import annotations

import re

from .blocks import Para
from .outline import APPENDIX, match_number

# Lines after which nothing belongs to the plan (web page footers).
END_MARKERS = re.compile(
    r"^(上一篇|下一篇|扫一扫|相关信息|相关链接|相关文件|打印本页|【打印|\[打印|关闭窗口|"
    r"【关闭|分享到|您访问的链接|版权所有|主办单位[:：]|网站标识码)"
)
# Lines that are page furniture wherever they appear.
CHROME = re.compile(
    r"^(当前位置|您的位置|您现在的位置|首页\s*>|时间[:：]|发布时间|发布日期|成文日期|来源[:：]|信息来源|"
    r"访问量|浏览次数|点击数|阅读次数|【字体|\[字体|字号|字体[:：]|责任编辑|索引号|主题分类|发文机关|"
    r"发文字号|文号|有效性|\(此件公开发布\)|\(此件主动公开\)|此件公开发布|附件下载|【?\s*(大|中|小)\s*】?$)"
)
DATE_LINE = re.compile(
    r"^\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[(]\d{4}[〕\])]\s*\d+\s*号$")
INDEX_NO = re.compile(r"^[\dA-Za-z]{6,}[-/][\dA-Za-z/-]+$")
TITLE_WORDS = re.compile(
    r"(方案|计划|要点|意见|规划|纲要|办法|措施|细则|通知|安排|清单|分解表|决定|任务书|责任书|行动)$"
)


def is_chrome(text: str) -> bool:
    """Page furniture: breadcrumbs, dates, 文号, view counters, one-letter close buttons."""
    t = text.strip()
    if not t:
        return True
    if CHROME.match(t) or DATE_LINE.match(t) or DOC_NO.match(t) or INDEX_NO.match(t):
        return True
    if len(t) <= 2 and not re.search(r"[\u4e00-\u9fff]", t):
        return True
    return t in {"有效", "失效", "废止", "x", "X", "×", "打印", "关闭"}


def is_title_candidate(text: str) -> bool:
    """A title: one short line without sentence punctuation, ending in a document-type word."""
    t = text.strip()
    if not (4 <= len(t) <= 70) or re.search(r"[。,;!?:]", t):
        return False
    if match_number(t) or APPENDIX.match(t):
        return False
    # A title often ends in its years in brackets: 行动方案（2023—2027年）.
    core = re.sub(r"[（(][^（）()]*[）)]$", "", t.rstrip('》"”'))
    return bool(TITLE_WORDS.search(core))


def clean_title(text: str) -> str:
    """'关于印发《X》的通知' names the plan X."""
    t = text.strip()
    m = re.search(r"印发.*?《(.+?)》", t)
    return m.group(1) if m else t


def find_body(paras: list[Para]):
    """Title and index of the first paragraph of the plan body (skipping the notice and chrome)."""
    numbered = [i for i, p in enumerate(paras) if p.label or match_number(p.text)]
    first = numbered[0] if numbered else len(paras)
    cands = [i for i, p in enumerate(paras) if is_title_candidate(p.text) and not is_chrome(p.text)]
    before = [i for i in cands if i < first]
    if before:
        plain = [i for i in before if "印发" not in paras[i].text]
        t = (plain or before)[-1]
        return clean_title(paras[t].text), first
    if cands:
        t = cands[0]
        later = [i for i in numbered if i > t]
        return clean_title(paras[t].text), (later[0] if later else len(paras))
    for p in paras:
        if not is_chrome(p.text):
            return p.text.strip()[:60], first
    return "", first


# ---------------------------------------------------------------------------------------------
# Metadata printed with the plan: 印发机关, 文号, 印发日期, years and kind
# ---------------------------------------------------------------------------------------------

DOC_NO_IN = re.compile(
    r"([\u4e00-\u9fff]{1,10}\s*[〔\[(［【]\s*(?:19|20)\d{2}\s*[〕\])］】]\s*第?\s*\d{1,5}\s*号)"
)
CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
ISSUER_LABEL = re.compile(r"^(?:发文机关|印发机关|发布机构|发文单位)\s*[:：]\s*(.+)$")
NUMBER_LABEL = re.compile(r"^(?:发文字号|文号)\s*[:：]\s*(.+)$")
DATE_LABEL = re.compile(r"^(?:成文日期|印发日期)\s*[:：]\s*(.+)$")
YEARS_LABEL = re.compile(r"^年度\s*[:：]\s*(.+)$")
ORG_LINE = re.compile(
    r"^[\u4e00-\u9fff()（）]{2,30}(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|领导小组|"
    r"指挥部|管理局|监督管理局|局|厅|委|管委会)$"
)
SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~至到]+\s*((?:19|20)\d{2})\s*年")
TITLE_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~至到]+\s*((?:19|20)\d{2})")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?")
BY_YEAR = re.compile(r"(?:到|至|截至|于)\s*((?:19|20)\d{2})\s*年")
FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}


def kind_of(title: str) -> str:
    """The kind its title names, as programmes' Plan.Kind values: 工作要点, 行动计划, 方案."""
    t = title or ""
    if "要点" in t:
        return "work_points"
    if "行动计划" in t:
        return "action_plan"
    if "方案" in t:
        return "implementation"
    return "action_plan"


def _date(text: str) -> str | None:
    """A printed date (2022年6月2日, 2022-06-02) as ISO 2022-06-02, if it is a real date."""
    import datetime as dt

    m = CN_DATE.search(text) or ISO_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def years_of(title: str, body: str = "", *, issued_year: int | None = None, this_year: int | None = None):
    """(year_start, year_end) the plan covers, or (None, None).

    The title first (2018—2020年, 2022年工作要点, 十四五), then the body's own span (2018—2020年) or
    deadline (到2027年: from the issue year, else this year, to 2027). Years inside 《》 name other
    documents and never count.
    """
    t = title or ""
    span = TITLE_SPAN.search(t)
    if span and int(span.group(2)) >= int(span.group(1)):
        return int(span.group(1)), int(span.group(2))
    for name, years in FIVE_YEAR_PLANS.items():
        if name in t:
            return years
    one = YEAR.search(t)
    if one:
        return int(one.group(1)), int(one.group(1))
    own = re.sub(r"《[^》]*》", "", body or "")
    span = SPAN.search(own)
    if span and int(span.group(2)) >= int(span.group(1)):
        return int(span.group(1)), int(span.group(2))
    ends = [int(m.group(1)) for m in BY_YEAR.finditer(own)]
    if ends:
        end = max(ends)
        if this_year is None and issued_year is None:
            import datetime as dt

            this_year = dt.date.today().year
        start = issued_year or this_year
        return min(start, end), end
    return None, None


def read_meta(
    head: list[str], *, title: str, tail: list[str] = (), body: str = "", this_year: int | None = None
) -> dict:
    """The plan's metadata from the lines printed before its body (the 印发 notice, a page's
    发文机关/文号 fields, an export's subtitle) and after it (the 落款: issuer and date).

    Keys: title, issuer, document_number, issued_on (ISO date or None), year_start, year_end
    (None when nothing states them), kind.
    """
    issuer = number = issued = ""
    years = (None, None)
    parts = []
    for line in head:
        # An export's subtitle prints 印发机关/文号/年度 in one row, parts separated by spaces.
        parts += [p for p in re.split(r"\t|\u3000{2,}|\s{2,}", line.strip()) if p.strip()]
    for part in parts:
        p = part.strip()
        if m := ISSUER_LABEL.match(p):
            issuer = issuer or m.group(1).strip()
        elif m := NUMBER_LABEL.match(p):
            number = number or m.group(1).strip()
        elif m := DATE_LABEL.match(p):
            issued = issued or (_date(m.group(1)) or "")
        elif m := YEARS_LABEL.match(p):
            span = TITLE_SPAN.search(m.group(1))
            one = YEAR.search(m.group(1))
            if span:
                years = int(span.group(1)), int(span.group(2))
            elif one:
                years = int(one.group(1)), int(one.group(1))
    # The notice's 落款: an organisation's line followed by a date line (before or after the body).
    for lines in ([x for x in head if x.strip()], [x for x in tail if x.strip()]):
        for i, line in enumerate(lines):
            t = line.strip()
            if not number and (m := DOC_NO_IN.search(t)) and len(t) <= 40:
                number = re.sub(r"\s+", "", m.group(1))
            if ORG_LINE.match(t) and i + 1 < len(lines) and CN_DATE.fullmatch(lines[i + 1].strip()):
                issuer = issuer or t
                issued = issued or (_date(lines[i + 1]) or "")
    if not issuer:
        orgs = [line.strip() for line in head if ORG_LINE.match(line.strip())]
        issuer = orgs[-1] if orgs else ""
    if not issued:
        dates = [line for line in list(head) + list(tail) if CN_DATE.fullmatch(line.strip())]
        issued = (_date(dates[-1]) or "") if dates else ""
    if years == (None, None):
        issued_year = int(issued[:4]) if issued else None
        years = years_of(title, body, issued_year=issued_year, this_year=this_year)
    return {
        "title": title,
        "issuer": issuer,
        "document_number": number,
        "issued_on": issued or None,
        "year_start": years[0],
        "year_end": years[1],
        "kind": kind_of(title),
    }
