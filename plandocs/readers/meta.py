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
    return bool(TITLE_WORDS.search(t.rstrip('》"”')))


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
