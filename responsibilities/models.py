"""Responsible units and people: jurisdictions, departments and their names, memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("质强办管理员")
    OFFICE_REVIEWER = "office_reviewer", _("质强办审核员")
    LIAISON = "liaison", _("部门联络员")
    DEPARTMENT_HEAD = "department_head", _("单位负责人")
    LEADER = "leader", _("领导")
    # The three separated administrators of 等保 2.0: none can do another's job.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")

    @classmethod
    def office_roles(cls) -> set[str]:
        return {cls.OFFICE_ADMIN, cls.OFFICE_REVIEWER}

    @classmethod
    def admin_roles(cls) -> set[str]:
        return {cls.SYSTEM_ADMIN, cls.SECURITY_ADMIN, cls.AUDIT_ADMIN}

    @classmethod
    def department_roles(cls) -> set[str]:
        return {cls.LIAISON, cls.DEPARTMENT_HEAD}


class Jurisdiction(models.Model):
    """A province, city, county or district (or a development zone a city runs as one), in a
    tree: an office oversees, read-only, every jurisdiction below its own."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县(市、区)")
        DISTRICT = "district", _("区")
        ZONE = "zone", _("开发区")

    name = models.CharField(_("名称"), max_length=64)
    full_name = models.CharField(
        _("全称"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("上级名称加本级名称，例如：江苏省苏州市太仓市"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, default=Level.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级行政区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    office_name = models.CharField(
        _("领导小组办公室"), max_length=128, blank=True, help_text=_("例如：市质量强市工作领导小组办公室")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        constraints = [
            # 鼓楼区 is a district of several cities: names are unique among siblings only.
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name_per_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="jurisdiction_unique_top_name"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="jurisdiction_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """The full name follows the parent's (kept up to date for the children by
        responsibilities.jurisdictions.jurisdiction_save)."""
        parent_name = ""
        if self.parent_id:
            parent_name = (
                Jurisdiction.objects.filter(pk=self.parent_id).values_list("full_name", flat=True).first()
                or ""
            )
        self.full_name = f"{parent_name}{self.name}"
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "full_name"}
        super().save(*args, **kwargs)


class DepartmentQuerySet(models.QuerySet):
    def units(self):
        return self.filter(kind=Department.Kind.UNIT)

    def active(self):
        return self.filter(is_active=True)


class Department(models.Model):
    """A member unit of the leading group, or a collective name that stands for several."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        COLLECTIVE = "collective", _("集合名称")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=64, help_text=_("现用全称，例如：市市场监管局"))
    code = models.SlugField(
        _("代码"), max_length=32, blank=True, help_text=_("用于账号与导出文件名，例如：scjgj")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.UNIT)
    members = models.ManyToManyField(
        "self",
        verbose_name=_("包含的单位"),
        symmetrical=False,
        blank=True,
        related_name="collectives",
        help_text=_("集合名称（如“各成员单位”）所指的单位"),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("机构改革后并入"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    # A department of a city that stands for its subordinate governments: one county's (太仓市
    # 人民政府 → 太仓市) or, for a collective such as 各县(市、区)人民政府, every child's.
    represents = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("代表的下级行政区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represented_by",
    )
    represents_children = models.BooleanField(
        _("代表全部下级行政区"), default=False, help_text=_("例如：各县(市、区)人民政府")
    )
    is_active = models.BooleanField(_("在用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction", "sort_order", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="department_unique_name_per_jurisdiction"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["unit", "collective"]), name="department_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return department_url(self.pk)

    @property
    def is_collective(self) -> bool:
        return self.kind == self.Kind.COLLECTIVE


def department_url(pk: int) -> str:
    """A department page's address, built from one reverse() per process: plan pages link
    hundreds of departments, and reverse() per link was a fifth of their render time."""
    global _DEPARTMENT_URL_PATTERN
    if _DEPARTMENT_URL_PATTERN is None:
        from django.urls import reverse

        _DEPARTMENT_URL_PATTERN = reverse("programmes:department_detail", args=[987654321]).replace(
            "987654321", "{}"
        )
    return _DEPARTMENT_URL_PATTERN.format(pk)


_DEPARTMENT_URL_PATTERN: str | None = None


class DepartmentAlias(models.Model):
    """Another printed name of a department: a short name, an old name, a name before a merger."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("别名"), max_length=64)
    note = models.CharField(
        _("说明"), max_length=128, blank=True, help_text=_("例如：简称；2018年机构改革前名称")
    )

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("部门别名")
        verbose_name_plural = _("部门别名")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="alias_unique_name_per_jurisdiction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.department.name}"

    def save(self, *args, **kwargs):
        # The jurisdiction is the department's, kept on the row so the database can refuse
        # one alias pointing at two departments of the same jurisdiction.
        self.jurisdiction_id = self.department.jurisdiction_id
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user's role in a jurisdiction, and for liaisons and heads, in one department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["jurisdiction", "department", "role"]
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jurisdiction", "department", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=["liaison", "department_head"], department__isnull=False)
                    | Q(
                        role__in=[
                            "office_admin",
                            "office_reviewer",
                            "leader",
                            "system_admin",
                            "security_admin",
                            "audit_admin",
                        ],
                        department__isnull=True,
                    )
                ),
                name="membership_department_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.department.name if self.department_id else self.jurisdiction.name
        return f"{self.user} · {where} · {self.get_role_display()}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(_("审计记录只能追加，不能修改"))

    def delete(self):
        raise TypeError(_("审计记录只能追加，不能删除"))


class AuditEvent(models.Model):
    """Who did what, when, to which object, with the values before and after. Append-only."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at")]

    def __str__(self) -> str:
        """When, who and what in words (the admin's title of a row): 2026年11月29日 14:05 张三 登录."""
        from .audit_actions import action_label  # the words sit beside the codes' module

        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT") if self.at else ""
        return f"{at} {self.actor or ''} {action_label(self.action)}".strip()

    def save(self, *args, **kwargs):
        if self.pk:
            raise TypeError(_("审计记录只能追加，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(_("审计记录只能追加，不能删除"))


class PasswordState(models.Model):
    """When a user last changed their password, whether they must change it at next login, and
    the hashes of their last passwords (none of which may be used again)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_state",
    )
    changed_at = models.DateTimeField(_("上次修改"), null=True, blank=True)
    must_change = models.BooleanField(_("下次登录须修改密码"), default=False)
    exempt = models.BooleanField(_("不受定期修改限制"), default=False, help_text=_("仅用于演示账号"))
    history = models.JSONField(_("历史密码摘要"), default=list, blank=True)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self) -> str:
        return str(self.user)
