import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qualitycity.tables import BaseTable

from .audit_actions import action_label
from .models import AuditEvent, Membership


class AuditTable(BaseTable):
    # to the second, as the reader's language writes it (2026年11月29日 14:05:09, 29 Nov 2026 14:05:09)
    at = tables.TemplateColumn(
        '{% load local_dates %}{{ value|local_date:"DATETIME_SECONDS_FORMAT" }}', verbose_name=_("时间")
    )
    actor = tables.Column(verbose_name=_("操作人"), default="—")
    action = tables.Column(verbose_name=_("操作"))
    summary = tables.Column(verbose_name=_("摘要"))

    def render_actor(self, value) -> str:
        """The person's name as colleagues know it, with the account name."""
        name = value.get_full_name() or value.first_name
        return f"{name}（{value.username}）" if name else value.username

    def render_action(self, value) -> str:
        """The action in words (提交月报), not its code (report.submit)."""
        return action_label(value)

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = ("at", "actor", "action", "summary")
        per_page = 100


class PeopleTable(BaseTable):
    name = tables.Column(accessor="user__first_name", verbose_name=_("姓名"))
    username = tables.Column(accessor="user__username", verbose_name=_("用户名"))
    department = tables.Column(verbose_name=_("部门"))
    role = tables.Column(verbose_name=_("角色"))
    phone = tables.Column(verbose_name=_("联系电话"))
    email = tables.Column(accessor="user__email", verbose_name=_("电子邮箱"))
    is_active = tables.Column(verbose_name=_("有效"))
    manage = tables.TemplateColumn(
        template_name="responsibilities/_person_actions.html", verbose_name=_("操作"), orderable=False
    )

    def render_is_active(self, value) -> str:
        return gettext("是") if value else gettext("否")

    class Meta(BaseTable.Meta):
        model = Membership
        fields = ("name", "username", "department", "role", "phone", "email", "is_active", "manage")
