"""The contact list of liaisons and heads (联络员名单) as offices circulate it."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from qualitycity.exporters import Column, ListExporter, Row

from .models import Jurisdiction, Membership, Role


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
