"""The contact list of liaisons and heads (联络员名单) as offices circulate it, and the audit
trail as the audit administrator files it."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from qualitycity.exporters import Column, ListExporter, Row

from .models import AuditEvent, Jurisdiction, Membership, Role


class ContactListExporter(ListExporter):
    # A form offices circulate among themselves, like the decomposition table: its headers and
    # printed wording stay Chinese whatever the requester's language.
    document_name = "联络员名单"
    columns = (
        Column("序号", 6, centred=True),
        Column("单位", 24),
        Column("职务", 12, centred=True),
        Column("姓名", 12, centred=True),
        Column("联系电话", 18, centred=True),
        Column("电子邮箱", 26),
    )

    def __init__(self, jurisdiction: Jurisdiction):
        self.jurisdiction = jurisdiction

    def title(self) -> str:
        return f"{self.jurisdiction.name}质量强市工作联络员名单"

    def subtitle(self) -> tuple[str, ...]:
        return (f"导出日期：{timezone.localdate():%Y年%-m月%-d日}",)

    def iterate_rows(self) -> Iterator[Row]:
        people = (
            Membership.objects.filter(
                jurisdiction=self.jurisdiction,
                role__in=Role.department_roles(),
                is_active=True,
                user__is_active=True,
            )
            .select_related("user", "department")
            .order_by("department__sort_order", "department__name", "-role", "user__first_name")
        )
        for n, m in enumerate(people, start=1):
            yield Row(
                "task",
                (
                    str(n),
                    m.department.name,
                    m.get_role_display(),
                    m.user.first_name or m.user.username,
                    m.phone,
                    m.user.email,
                ),
            )


class AuditTrailExporter(ListExporter):
    """The audit trail as filtered on the page, every row, oldest last as on the page."""

    document_name = "审计日志"
    columns = (
        Column("时间", 20, centred=True),
        Column("操作人", 14),
        Column("行政区", 12),
        Column("操作", 22),
        Column("对象类型", 20),
        Column("对象编号", 10, centred=True),
        Column("摘要", 60),
    )

    def __init__(self, events: QuerySet[AuditEvent], *, heading: str):
        self.events = events
        self.heading = heading

    def title(self) -> str:
        return self.heading

    def subtitle(self) -> tuple[str, ...]:
        return (f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}",)

    def iterate_rows(self) -> Iterator[Row]:
        events = self.events.select_related("actor", "jurisdiction")
        for event in events.iterator(chunk_size=2000):
            yield Row(
                "task",
                (
                    f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}",
                    event.actor.username if event.actor else "—",
                    event.jurisdiction.name if event.jurisdiction else "—",
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.summary,
                ),
            )
