"""Paragraphs and tables of any format, in document order, read into one Extraction.

Rule: the body starts after the title; numbered paragraphs build the outline, tables are read
as decomposition tables (under 附件 once the outline has begun), web-page footers end the plan.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext

from .blocks import Para, TableBlock
from .meta import END_MARKERS, find_body, is_chrome, read_meta
from .outline import Outline
from .result import Extraction, ImportFailed, warning
from .tables import read_table


def extract_blocks(blocks: list[Para | TableBlock], doc: str, *, where: str | None = None) -> Extraction:
    """The reading rules of SCHEMA.md applied to paragraphs and tables in order.

    ``where`` names what a block's ``line`` counts in messages (行 by default, 段 for .docx).
    """
    paras = [b for b in blocks if isinstance(b, Para)]
    title, body_start_para = find_body(paras)
    body_start = blocks.index(paras[body_start_para]) if body_start_para < len(paras) else len(blocks)
    outline = Outline()
    table_results = []
    warns: list[dict] = []
    table_error = None
    for idx, block in enumerate(blocks):
        if isinstance(block, TableBlock):
            # Tables before the body (a standalone table document) still count.
            try:
                res = _read_table_block(
                    block, outline.appendix or outline.has_numbered, outline.appendix_title
                )
            except ImportFailed as exc:
                # A table without a task column (a contact list…) is skipped unless nothing else is found.
                table_error = table_error or exc
                message = gettext("%(message)s，已跳过该表格") % {"message": exc.message}
                warns.append(warning(None, block.line, message))
                continue
            if res:
                table_results.append(res)
                if not title and res[0]:
                    title = res[0]
            continue
        text = block.text.strip()
        if idx < body_start:
            continue
        if END_MARKERS.match(text):
            break
        if is_chrome(text):
            continue
        outline.add(block)
    unit = where or pgettext("what the numbers in 第N行 count", "行")
    tasks, headings, targets, outline_warns = outline.read(unit)
    warns += outline_warns
    for _title, t_tasks, t_heads, t_targets, t_warns in table_results:
        tasks += t_tasks
        headings += t_heads
        targets += t_targets
        warns += t_warns
    if not tasks and table_error:
        raise table_error
    if not tasks:
        raise ImportFailed(_no_tasks_message(paras))
    head = [p.text for p in paras[:body_start_para]]
    tail = [p.text for p in paras[body_start_para:]][-12:]
    body = "\n".join(p.text for p in paras[body_start_para:])
    meta = read_meta(head, title=title, tail=tail, body=body)
    return Extraction(
        doc=doc, title=title, tasks=tasks, targets=targets, warnings=warns, headings=headings, meta=meta
    )


def _read_table_block(block: TableBlock, in_appendix: bool, appendix_title: str = ""):
    """A table inside the plan's outline is an appendix: its tasks sit under a '附件' heading,
    titled by the 附件 line (附件:某某工作任务分解表) or the table's own title row."""
    res = read_table(block, appendix=in_appendix)
    if res and in_appendix and res[1] and not any(h["path"] == ["附件"] for h in res[2]):
        res[2].insert(0, {"path": ["附件"], "number": "附件", "title": appendix_title or res[0] or "附件"})
    return res


def _no_tasks_message(paras: list[Para]) -> str:
    """Why nothing was read: no numbered items and no table, with the paragraph count if any."""
    if paras:
        message = gettext(
            "未找到编号条目（如“一、”“(一)”“1.”）或任务分解表，无法识别任务（共%(count)s段文字）"
        )
        return message % {"count": len(paras)}
    return gettext("未找到编号条目（如“一、”“(一)”“1.”）或任务分解表，无法识别任务")
