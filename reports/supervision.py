"""Chasing a late department: a reminder to that department alone, and the 督办单 the office
sends it (A4, 公文-like: title, 编号, the department, the overdue report and its tasks, the
deadline, the office and date)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import docx
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from programmes.models import Task
from qualitycity.errors import ApplicationError
from responsibilities.models import Department, Membership, Role

from .models import DepartmentReport, ReportingPeriod
from .notifications import notify
from .reminders import MESSAGES
from .services import department_tasks_due, departments_reporting, period_audit

NOT_REPORTING = gettext_lazy("部门：该部门本期无需报送")
NOT_OVERDUE = gettext_lazy("截止日期：%(deadline)s尚未过去，无需督办")
ALREADY_IN = gettext_lazy("部门：该部门本期月报已提交，无需催报或督办")


def department_overdue_report(*, period: ReportingPeriod, department: Department) -> DepartmentReport | None:
    """The department's current report for the period, or None; refused if the department does
    not report this period or has already submitted."""
    if not departments_reporting(period=period).filter(pk=department.pk).exists():
        raise ApplicationError(NOT_REPORTING, field="department")
    report = DepartmentReport.objects.current().filter(period=period, department=department).first()
    if report is not None and report.status != DepartmentReport.Status.DRAFT:
        raise ApplicationError(ALREADY_IN, field="department")
    return report


@transaction.atomic
def remind_department(*, period: ReportingPeriod, department: Department, actor, now: dt.datetime) -> int:
    """The office reminds one department whose report is not in: its liaisons get a notice, at
    most once a minute; one audit row."""
    report = department_overdue_report(period=period, department=department)
    liaisons = Membership.objects.filter(
        department=department, role=Role.LIAISON, is_active=True, user__is_active=True
    ).select_related("user")
    title = MESSAGES["manual"] % {
        "period": period.label,
        "deadline": _("%(month)s月%(day)s日") % {"month": period.deadline.month, "day": period.deadline.day},
    }
    url = reverse("reports:report_detail", args=[report.pk]) if report else reverse("reports:my_reports")
    sent = notify(
        users=[m.user for m in liaisons],
        kind="reminder.manual",
        title=title,
        url=url,
        dedupe_key=f"remind:{period.pk}:{department.pk}:{now:%Y%m%d%H%M}",
        jurisdiction=period.jurisdiction_id,
    )
    summary = _("%(period)s向%(department)s催报%(count)s人") % {
        "period": period.label,
        "department": department.name,
        "count": sent,
    }
    period_audit(actor=actor, action="period.remind_department", period=period, summary=summary)
    return sent


# The 督办单 ---------------------------------------------------------------------------------------


@dataclass
class SupervisionSheet:
    number: str
    office: str
    department: Department
    period: ReportingPeriod
    report: DepartmentReport | None
    tasks: list[Task]
    days_overdue: int
    issued_on: dt.date

    @property
    def matter(self) -> str:
        return _("%(period)s工作进展月报逾期未报送") % {"period": self.period.label}


def supervision_sheet(*, period: ReportingPeriod, department: Department, today: dt.date) -> SupervisionSheet:
    """What the 督办单 of a department says: its overdue report and the tasks it covers; the
    number is the period and the department's, so the same sheet printed twice is the same."""
    if today <= period.deadline:
        raise ApplicationError(NOT_OVERDUE % {"deadline": period.deadline.isoformat()})
    report = department_overdue_report(period=period, department=department)
    task_ids = department_tasks_due(period=period, department=department)
    tasks = list(Task.objects.filter(pk__in=task_ids).select_related("plan").order_by("plan__pk", "position"))
    number = _("质强督〔%(year)s〕%(month)s-%(code)s号") % {
        "year": period.start.year,
        "month": f"{period.start.month:02d}",
        "code": f"{department.pk:03d}",
    }
    return SupervisionSheet(
        number=number,
        office=_("%(jurisdiction)s质量强市工作领导小组办公室") % {"jurisdiction": period.jurisdiction.name},
        department=department,
        period=period,
        report=report,
        tasks=tasks,
        days_overdue=max(0, (today - period.deadline).days),
        issued_on=today,
    )


TITLE_FONT, TITLE_ALT = "方正小标宋简体", "SimHei"
BODY_FONT, BODY_ALT = "仿宋_GB2312", "FangSong"
LABEL_FONT, LABEL_ALT = "黑体", "SimHei"
BODY_SIZE = Pt(16)  # 三号
NO_SPACE = Pt(0)
LABEL_WIDTH, VALUE_WIDTH = Mm(34), Mm(122)  # the 156 mm type area of an A4 公文


def _font(run, name: str, alt: str, size, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    """The official face for Chinese, its Windows name for Latin text; LibreOffice falls back to
    Noto CJK where neither is installed."""
    run.font.name = alt
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


def _para(
    document_or_cell,
    text: str,
    *,
    font=(BODY_FONT, BODY_ALT),
    size=BODY_SIZE,
    align=None,
    bold=False,
    colour=None,
    space_after=NO_SPACE,
):
    paragraph = document_or_cell.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = space_after
    for k, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if k:
            run.add_break()
        run.add_text(line)
        _font(run, *font, size, bold=bold, colour=colour)
    return paragraph


def _cell(cell, text: str, *, label: bool = False) -> None:
    cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    first = True
    for line in text.split("\n"):
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(line)
        if label:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, LABEL_FONT, LABEL_ALT, Pt(14))
        else:
            _font(run, BODY_FONT, BODY_ALT, Pt(14))


def supervision_docx(sheet: SupervisionSheet) -> bytes:
    """The 督办单 as an A4 Word document: red title, 编号, a ruled table, the office and date."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    red = RGBColor(0xC0, 0x00, 0x00)
    _para(
        document,
        _("督办单"),
        font=(TITLE_FONT, TITLE_ALT),
        size=Pt(26),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        colour=red,
        space_after=Pt(6),
    )
    _para(document, sheet.number, size=Pt(14), align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(6))
    deadline = _("%(y)s年%(m)s月%(d)s日") % {
        "y": sheet.period.deadline.year,
        "m": sheet.period.deadline.month,
        "d": sheet.period.deadline.day,
    }
    status = sheet.report.get_status_display() if sheet.report else _("未填报")
    tasks = "\n".join(f"{t.path_label} {t.title}".strip() for t in sheet.tasks) or _("（无）")
    rows = [
        (_("被督办单位"), sheet.department.name),
        (_("督办事项"), sheet.matter),
        (_("报送截止日期"), deadline),
        (
            _("逾期情况"),
            _("已逾期%(days)s天，当前状态：%(status)s") % {"days": sheet.days_overdue, "status": status},
        ),
        (_("涉及任务"), tasks),
        (
            _("办理要求"),
            _(
                "请于收到本督办单后2个工作日内完成%(period)s月报填报并经单位负责人审签后报送，逾期情况将纳入年度考核。"
            )
            % {"period": sheet.period.label},
        ),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, (LABEL_WIDTH, VALUE_WIDTH), strict=True):
        column.width = width
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = LABEL_WIDTH, VALUE_WIDTH
        _cell(row.cells[0], label, label=True)
        _cell(row.cells[1], value)
    issued = _("%(y)s年%(m)s月%(d)s日") % {
        "y": sheet.issued_on.year,
        "m": sheet.issued_on.month,
        "d": sheet.issued_on.day,
    }
    _para(document, "", space_after=Pt(12))
    _para(document, sheet.office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, issued, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
