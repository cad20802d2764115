import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qualitycity.tables import BaseTable

from .channels import mask_phone
from .models import Delivery


class DeliveryTable(BaseTable):
    """The delivery log: when (Beijing time, as Chinese write it), to whom, how, and how it went."""

    created_at = tables.DateTimeColumn(format="DATETIME_FORMAT", verbose_name=_("时间"))
    person = tables.Column(accessor="notification__user", verbose_name=_("接收人"), orderable=False)
    title = tables.Column(accessor="notification__title", verbose_name=_("通知"), orderable=False)
    channel = tables.Column(verbose_name=_("渠道"))
    address = tables.Column(verbose_name=_("发送至"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("状态"))
    attempts = tables.Column(verbose_name=_("尝试次数"), attrs={"td": {"class": "num"}})
    last_error = tables.Column(verbose_name=_("错误信息"), orderable=False, default="")

    def render_person(self, value) -> str:
        name = value.get_full_name() or value.first_name
        return f"{name}（{value.username}）" if name else value.username

    def render_address(self, record: Delivery) -> str:
        """A phone masked (138****5678); a robot's post says which group it went to."""
        address = mask_phone(record.address) if record.address else ""
        if record.robot_id:
            return f"{record.robot.name} @{address}" if address else record.robot.name
        return address or "—"

    class Meta(BaseTable.Meta):
        model = Delivery
        fields = ("created_at", "person", "title", "channel", "address", "status", "attempts", "last_error")
        order_by = ("-created_at",)
        empty_text = _("暂无发送记录")
