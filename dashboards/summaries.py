"""The one-page summary for the leading group's meeting: HTML for the browser to print on A4,
the same HTML as a PDF through WeasyPrint, and the monthly e-mail of that PDF to the
recipients the office sets.

The PDF is rendered from the very template the browser prints, with the same inline SVG
charts, so the page and the attachment never differ.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes.models import Task
from qualitycity import charts
from qualitycity.errors import ApplicationError
from responsibilities.models import Jurisdiction
from responsibilities.services import audit_record
from targets.status import TargetStatus

from .models import SummaryRecipient
from .selectors import (
    STATUS_COLOURS,
    TASK_COLOURS,
    ReportState,
    Selection,
    dashboard_build,
    selection_of_month,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def recipient_add(
    *, jurisdiction: Jurisdiction, actor, name: str, email: str, title: str = ""
) -> SummaryRecipient:
    """An address receives the jurisdiction's monthly summary once; adding it again is refused."""
    email = email.strip().lower()
    if SummaryRecipient.objects.filter(jurisdiction=jurisdiction, email=email).exists():
        raise ApplicationError(_("该邮箱已在接收人名单中"), field="email")
    recipient = SummaryRecipient.objects.create(
        jurisdiction=jurisdiction, name=name, title=title, email=email
    )
    audit_record(
        actor=actor,
        action="summary.recipient_add",
        obj=recipient,
        jurisdiction=jurisdiction,
        summary=_("添加月度摘要接收人%(name)s") % {"name": name},
        after={"name": name, "email": email},
    )
    return recipient


@transaction.atomic
def recipient_remove(*, recipient: SummaryRecipient, actor) -> None:
    """A removed recipient gets no further summaries; the audit trail keeps who it was."""
    audit_record(
        actor=actor,
        action="summary.recipient_remove",
        obj=recipient,
        jurisdiction=recipient.jurisdiction,
        summary=_("移除月度摘要接收人%(name)s") % {"name": recipient.name},
        before={"name": recipient.name, "email": recipient.email},
    )
    recipient.delete()


# Rendering -------------------------------------------------------------------------------------

OFF_TRACK_LISTED = 8
LOWEST_LISTED = 8


def summary_context(*, selection: Selection) -> dict:
    """What the summary shows: the headline figures, three charts and the targets most behind."""
    board = dashboard_build(selection=selection)
    behind = [
        (t, board.readings[t.pk])
        for t in board.targets
        if board.readings[t.pk].status in (TargetStatus.OFF_TRACK, TargetStatus.AT_RISK)
    ]
    behind.sort(key=lambda pair: pair[1].status != TargetStatus.OFF_TRACK)
    # Only departments below 100% are "lowest"; worst first, at most eight.
    lowest = [r for r in board.ranking if r.rate is not None and r.rate < 100][::-1][:LOWEST_LISTED]
    return {
        "board": board,
        "selection": selection,
        "generated": timezone.localtime(),
        "task_statuses": [(s.value, s.label, board.task_counts[s.value]) for s in Task.Status],
        "target_statuses": [(s.value, s.label, board.target_counts[s.value]) for s in TargetStatus],
        "report_states": [
            (k, ReportState.LABELS[k], board.period.counts.get(k, 0))
            for k in (ReportState.ON_TIME, ReportState.LATE, ReportState.MISSING, ReportState.PENDING)
        ],
        "behind": behind[:OFF_TRACK_LISTED],
        "behind_more": max(0, len(behind) - OFF_TRACK_LISTED),
        "lights": charts.traffic_lights(
            board.target_counts,
            labels={s.value: str(s.label) for s in TargetStatus},
            colours={s.value: c for s, c in STATUS_COLOURS.items()},
            title=_("指标完成情况"),
        ),
        "sections": charts.stacked_bar_chart(
            [(label, counts) for label, counts, _key in board.tasks_by_section[:10]],
            series=[(s.value, str(s.label), TASK_COLOURS[s.value]) for s in Task.Status],
            title=_("各部分任务进展"),
            width=400,
        ),
        "ranking": charts.bar_chart(
            [(r.department.name, r.rate) for r in lowest],
            unit="%",
            max_value=100,
            title=_("按时报送率最低的部门"),
            width=400,
        )
        if lowest
        else None,
        "lowest": lowest,
    }


def summary_html(*, selection: Selection, request=None, for_pdf: bool = False) -> str:
    context = summary_context(selection=selection)
    context["for_pdf"] = for_pdf
    return render_to_string("dashboards/dashboard_summary.html", context, request=request)


def summary_pdf(*, selection: Selection) -> bytes:
    """The summary page as an A4 PDF."""
    return summary_document(selection=selection).write_pdf()


def summary_document(*, selection: Selection):
    """The summary laid out by WeasyPrint; the style sheet is read from the static files, so
    nothing is fetched over the network. The file is an official paper (公文): Chinese whatever
    the reader's language, while the page on screen follows the language."""
    from weasyprint import CSS, HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = summary_html(selection=selection, for_pdf=True)
    stylesheet = CSS(filename=finders.find("css/summary.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).render(
        stylesheets=[stylesheet]
    )


def _no_fetch(url: str, *args, **kwargs):
    """Government intranets have no internet: the PDF renderer fetches nothing at all."""
    raise ValueError(f"not fetched: {url}")


def summary_filename(*, selection: Selection) -> str:
    """The PDF's name, in Chinese like the file (the response percent-encodes it)."""
    with translation.override(settings.LANGUAGE_CODE):
        label = selection.period.label if selection.period else _("%(year)s年") % {"year": selection.year}
        return _("%(name)s质量强市工作进展摘要（%(label)s）.pdf") % {
            "name": selection.jurisdiction.name,
            "label": label,
        }


# The monthly e-mail ----------------------------------------------------------------------------


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def summary_send_monthly(*, today: dt.date) -> int:
    """Each jurisdiction's summary of last month goes once a month, as a PDF, to its active
    recipients; a recipient already sent this month's is skipped, so a re-run sends nothing twice."""
    month = last_month(today)
    sent = 0
    recipients = SummaryRecipient.objects.filter(is_active=True).exclude(last_sent_for=month)
    for jurisdiction in Jurisdiction.objects.filter(pk__in=recipients.values("jurisdiction_id")):
        sent += summary_send(jurisdiction=jurisdiction, month=month, today=today)
    return sent


def summary_send(*, jurisdiction: Jurisdiction, month: dt.date, today: dt.date) -> int:
    """One jurisdiction's summary for a month, to each of its recipients not yet sent it."""
    recipients = list(
        SummaryRecipient.objects.filter(jurisdiction=jurisdiction, is_active=True).exclude(
            last_sent_for=month
        )
    )
    if not recipients:
        return 0
    selection = selection_of_month(jurisdiction=jurisdiction, month=month, today=today)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = summary_pdf(selection=selection)
        subject = _("%(name)s质量强市工作进展摘要（%(year)s年%(month)s月）") % {
            "name": jurisdiction.name,
            "year": month.year,
            "month": month.month,
        }
        body = _("附件为%(name)s质量强市工作进展摘要，可在平台查看详细情况：%(url)s") % {
            "name": jurisdiction.name,
            "url": f"{getattr(settings, 'PORTAL_URL', '')}{reverse('dashboards:dashboard')}",
        }
        filename = f"{subject}.pdf"
    for recipient in recipients:
        # One message per recipient: leaders' addresses are not shown to each other, and a
        # failure stops before the row is marked, so the next run retries only the unsent.
        message = EmailMessage(subject=subject, body=body, to=[recipient.email])
        message.attach(filename, pdf, "application/pdf")
        message.send()
        recipient.last_sent_for = month
        recipient.save(update_fields=["last_sent_for"])
    logger.info("summary for %s sent to %d recipients", jurisdiction.name, len(recipients))
    return len(recipients)
