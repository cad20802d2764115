"""Plan imports: a plan read from a file or pasted text, kept as a draft the office reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan
from responsibilities.models import Jurisdiction


class PlanImportQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=PlanImport.Status.DRAFT)


class PlanImport(models.Model):
    """A plan read from a file or pasted text, kept as a draft the office reviews and corrects
    before it becomes a plan: nothing reaches Plan, Task or Department until it is confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认")
        CONFIRMED = "confirmed", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="plan_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_imports",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    source_text = models.TextField(_("原文"), blank=True)
    extraction = models.JSONField(_("识别结果"), default=dict)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    kind = models.CharField(
        _("类型"),
        max_length=32,
        # a plan of delegated tasks comes from the parent's delegation, never from a file
        choices=[(k, label) for k, label in Plan.Kind.choices if k != Plan.Kind.DELEGATED],
        default=Plan.Kind.ACTION_PLAN,
    )
    year_start = models.PositiveSmallIntegerField(_("起始年度"))
    year_end = models.PositiveSmallIntegerField(_("截止年度"))
    issuer = models.CharField(_("印发机关"), max_length=128, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    department_map = models.JSONField(
        _("部门对应"), default=dict, help_text=_("原文名称 → 部门编号，或 new 表示新建")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Two office users may open the same draft; a save names the revision it started from.
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("导入的工作方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )

    objects = PlanImportQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the model lived in programmes.
        db_table = "programmes_planimport"
        ordering = ["-created_at", "-id"]
        verbose_name = _("方案导入")
        verbose_name_plural = _("方案导入")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=models.F("year_start")), name="planimport_years_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "confirmed", "discarded"]), name="planimport_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.source_name} · {self.get_status_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
