"""API tokens, their uses, and what a jurisdiction publishes on its public results page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan
from responsibilities.models import Department, Jurisdiction


class ApiToken(models.Model):
    """A key the office gives an integration for its own jurisdiction: only its SHA-256 digest
    is kept (the key is shown once), with a scope, an expiry and a revocation."""

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读取并报送指标数值")
        PROGRESS = "progress", _("报送任务进展")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("名称"), max_length=100, help_text=_("用途或对接单位，例如：市大数据局数据共享")
    )
    prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    key_digest = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    scope = models.CharField(_("权限"), max_length=16, choices=Scope.choices, default=Scope.READ)
    department = models.ForeignKey(
        Department,
        verbose_name=_("报送部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("“报送任务进展”令牌代为填写哪个部门的月报"),
    )
    expires_at = models.DateTimeField(_("有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        constraints = [
            # A progress token writes for exactly one department; no other token names one.
            models.CheckConstraint(
                condition=(models.Q(scope="progress") & models.Q(department__isnull=False))
                | (~models.Q(scope="progress") & models.Q(department__isnull=True)),
                name="api_token_department_iff_progress",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def can_write_values(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def can_write_progress(self) -> bool:
        return self.scope == self.Scope.PROGRESS and self.department_id is not None


class ApiTokenUse(models.Model):
    """One request made with a token, whatever its answer: the trail of every use."""

    token = models.ForeignKey(ApiToken, verbose_name=_("令牌"), on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("地址"), max_length=300)
    status = models.PositiveSmallIntegerField(_("结果"))
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("令牌使用记录")
        verbose_name_plural = _("令牌使用记录")
        indexes = [models.Index(fields=["token", "at"], name="api_token_use_at")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.method} {self.path} {self.status}"


class PublicationSetting(models.Model):
    """What the office makes public on its jurisdiction's results page (公示): which plans, and
    whether their task statuses and indicator values show; unpublished, the page is not found."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="publication"
    )
    is_published = models.BooleanField(_("公开"), default=False)
    plans = models.ManyToManyField(Plan, verbose_name=_("公开的工作方案"), blank=True, related_name="+")
    show_task_statuses = models.BooleanField(_("公开任务进展状态"), default=True)
    show_indicator_values = models.BooleanField(_("公开指标数值"), default=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction"]
        verbose_name = _("公示设置")
        verbose_name_plural = _("公示设置")

    def __str__(self) -> str:
        return str(self.jurisdiction)
