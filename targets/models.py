"""Indicators (what is measured) and targets (a plan's commitment on an indicator).

They are two models on purpose: the same 制造业监督抽查合格率 is targeted by a multi-year action
plan and by this year's work points, each with its own commitment, while the department
enters the indicator's value once a period and every plan sees it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Task
from qualitycity.formats import decimal_text as fmt
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import jurisdiction_ids_for_user


class IndicatorQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the indicators of the jurisdictions they hold a role in."""
        return self.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user))


class Indicator(models.Model):
    class Aggregation(models.TextChoices):
        SUM = "sum", _("累计（各期增量相加）")
        LATEST = "latest", _("取最新值")
        AVERAGE = "average", _("取平均值")

    class Source(models.TextChoices):
        REPORTED = "reported", _("部门报送")
        STATISTICS = "statistics", _("统计部门发布")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(_("指标名称"), max_length=200)
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    reporting_department = models.ForeignKey(
        Department,
        verbose_name=_("报送部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_indicators",
    )
    aggregation = models.CharField(
        _("汇总方式"), max_length=16, choices=Aggregation.choices, default=Aggregation.LATEST
    )
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices, default=Source.REPORTED)
    # A subordinate jurisdiction's indicator that feeds its parent's (through a delegated task's
    # target): counts add up to the parent's view, rates are shown per child.
    upstream = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downstream",
    )
    description = models.TextField(_("说明"), blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction", "name"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name", "unit"], name="indicator_unique_name_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class Comparator(models.TextChoices):
    GTE = ">=", _("不低于")
    GT = ">", _("高于")
    EQ = "=", _("等于")
    LTE = "<=", _("不高于")
    LT = "<", _("低于")
    RANGE = "range", _("区间")
    INCREASE = "increase", _("逐年增长")
    DECREASE = "decrease", _("逐年下降")


VALUELESS_COMPARATORS = (Comparator.INCREASE, Comparator.DECREASE)


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the targets of the tasks they may see."""
        return self.filter(task__plan__jurisdiction_id__in=jurisdiction_ids_for_user(user))


class Target(models.Model):
    """A plan's commitment on an indicator, attached to the task that states it."""

    task = models.ForeignKey(
        Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets"
    )
    comparator = models.CharField(_("比较方式"), max_length=16, choices=Comparator.choices)
    value = models.DecimalField(_("目标值"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(_("区间上限"), max_digits=18, decimal_places=4, null=True, blank=True)
    stretch = models.DecimalField(_("力争值"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline = models.DecimalField(_("基期值"), max_digits=18, decimal_places=4, null=True, blank=True)
    due_date = models.DateField(_("完成日期"), null=True, blank=True)
    text = models.CharField(_("原文"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["task", "position"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        constraints = [
            models.CheckConstraint(
                condition=Q(comparator__in=[c.value for c in Comparator]), name="target_comparator_valid"
            ),
            models.CheckConstraint(
                # Spelled out with isnull: a CHECK whose comparison is NULL passes in SQL.
                condition=~Q(comparator="range")
                | Q(value__isnull=False, value_max__isnull=False, value_max__gt=models.F("value")),
                name="target_range_has_max_above_value",
            ),
            models.CheckConstraint(
                condition=Q(comparator="range") | Q(value_max__isnull=True),
                name="target_value_max_only_for_range",
            ),
            models.CheckConstraint(
                condition=Q(comparator__in=["increase", "decrease"]) | Q(value__isnull=False),
                name="target_value_required",
            ),
            models.CheckConstraint(
                condition=Q(stretch__isnull=True) | Q(value__isnull=False),
                name="target_stretch_needs_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.commitment}"

    @property
    def commitment(self) -> str:
        """The commitment as people write it: ≥ 93%, 2–3 个, ≤ 0.30（力争 < 0.25）, 逐年增长."""
        unit = self.indicator.unit
        if self.comparator in VALUELESS_COMPARATORS:
            return self.get_comparator_display()
        if self.comparator == Comparator.RANGE:
            text = f"{fmt(self.value)}–{fmt(self.value_max)}{unit}"
        else:
            symbol = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}[self.comparator]
            text = f"{symbol} {fmt(self.value)}{unit}"
        if self.stretch is not None:
            text += f"（力争 {fmt(self.stretch)}{unit}）"
        return text


class TargetHistory(models.Model):
    """A target's earlier commitment, kept when the office changes it at mid-year: periods that
    ended on or before `valid_until` are judged against it, later ones against the target."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="history"
    )
    valid_until = models.DateField(_("适用至"))
    comparator = models.CharField(_("比较方式"), max_length=16, choices=Comparator.choices)
    value = models.DecimalField(_("目标值"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(_("区间上限"), max_digits=18, decimal_places=4, null=True, blank=True)
    stretch = models.DecimalField(_("力争值"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline = models.DecimalField(_("基期值"), max_digits=18, decimal_places=4, null=True, blank=True)
    commitment = models.CharField(_("原目标"), max_length=200)
    recorded_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        ordering = ["target", "valid_until"]
        verbose_name = _("目标调整记录")
        verbose_name_plural = _("目标调整记录")

    def __str__(self) -> str:
        return f"{self.target_id} ≤{self.valid_until:%Y-%m-%d} {self.commitment}"


class MeasurementQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the measurements of the jurisdictions they hold a role in."""
        return self.filter(indicator__jurisdiction_id__in=jurisdiction_ids_for_user(user))


class Measurement(models.Model):
    """An indicator's value for one reporting period, entered once and seen by every plan
    that targets the indicator. Written by the reports app when a report is submitted."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="measurements"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("报送部门"), null=True, blank=True, on_delete=models.SET_NULL
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    confirmed = models.BooleanField(_("已审核"), default=False)
    source = models.CharField(
        _("数据来源"), max_length=16, choices=Indicator.Source.choices, default=Indicator.Source.REPORTED
    )
    recorded_at = models.DateTimeField(_("填报时间"), auto_now=True, db_index=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period_end"]
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_end"], name="measurement_one_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="measurement_period_order"
            ),
        ]
        indexes = [
            # An indicator's values newest first, read from the index alone: each target's series
            # and latest two values (targets.status.targets_with_series) without a sort.
            models.Index(fields=["indicator", "-period_end"], include=["value"], name="measurement_series"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_end:%Y-%m} {fmt(self.value)}"
