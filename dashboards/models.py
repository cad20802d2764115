"""Who receives the monthly summary PDF: leaders who never log in, set by the office."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Jurisdiction


class SummaryRecipient(models.Model):
    """An e-mail address the office sends the monthly one-page summary to."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="summary_recipients"
    )
    name = models.CharField(_("姓名"), max_length=64)
    title = models.CharField(_("职务"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"))
    is_active = models.BooleanField(_("接收"), default=True)
    last_sent_for = models.DateField(_("最近已发送月份"), null=True, blank=True)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        db_table = "reports_summaryrecipient"
        ordering = ["jurisdiction", "name"]
        verbose_name = _("月度摘要接收人")
        verbose_name_plural = _("月度摘要接收人")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "email"], name="summary_recipient_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
