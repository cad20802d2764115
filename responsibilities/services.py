"""Writes of responsibilities data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError

from .access import require_office_of
from .department_signals import department_in_use, department_merged
from .models import AuditEvent, Department, DepartmentAlias, Jurisdiction, Membership, PasswordState, Role
from .scope import user_scope
from .selectors import department_name_index, department_resolve, jurisdiction_prefix, normalise_name

DEPARTMENT_ROLE_NEEDS_DEPARTMENT = gettext_lazy("联络员和单位负责人必须属于一个部门")
ONLY_DEPARTMENT_ROLES = gettext_lazy("只能添加部门联络员或单位负责人")
USERNAME_TAKEN = gettext_lazy("用户名“%(username)s”已被使用")
MOVE_WITHIN_JURISDICTION = gettext_lazy("只能调整到本行政区的部门")
MOVE_NOT_TO_COLLECTIVE = gettext_lazy("不能调整到集合名称，请选择具体单位")
# 等保 2.0 asks that audit records be kept at least six months; the 网络安全法 (art. 21) says
# "no less than six months" too. 180 days is the floor, not the default: keep longer if you can.
AUDIT_RETENTION_MIN_DAYS = 180
RETENTION_TOO_SHORT = gettext_lazy("审计记录至少保存%(days)s天，不能删除更近的记录")


class UnknownDepartment(ApplicationError):
    """A printed department name that matches no department or alias of the jurisdiction."""

    def __init__(self, name: str, jurisdiction: Jurisdiction):
        self.name = name
        super().__init__(
            _("“%(name)s”不是%(jurisdiction)s已登记的部门或别名")
            % {"name": name, "jurisdiction": jurisdiction.name}
        )


@transaction.atomic
def jurisdiction_ensure(
    *, name: str, level: str, office_name: str = "", parent: Jurisdiction | None = None
) -> Jurisdiction:
    """A jurisdiction is found by name under the parent (with no parent given: the only one of
    that name wherever it was since placed in the tree), or created there with the given level
    and office."""
    found = Jurisdiction.objects.filter(name=name)
    if parent is not None:
        found = found.filter(parent=parent)
    elif found.count() > 1:
        found = found.filter(parent__isnull=True)
    jurisdiction = found.first()
    if jurisdiction is None:
        jurisdiction = Jurisdiction.objects.create(
            name=name, level=level, office_name=office_name, parent=parent
        )
    return jurisdiction


@transaction.atomic
def departments_ensure(*, jurisdiction: Jurisdiction, entries: Iterable[dict]) -> list[Department]:
    """Departments with their aliases and collective members are created once; a re-run finds
    them by name and adds only what is missing.

    Each entry: {"name", "kind", "code"?, "aliases"?: [{"name", "note"}], "members"?: "all_units" | [names]}.
    """
    entries = list(entries)
    departments = []
    for order, entry in enumerate(entries, start=1):
        department, _created = Department.objects.get_or_create(
            jurisdiction=jurisdiction,
            name=entry["name"],
            defaults={
                "kind": entry.get("kind", Department.Kind.UNIT),
                "code": entry.get("code", ""),
                "sort_order": order,
            },
        )
        for alias in entry.get("aliases", []):
            DepartmentAlias.objects.get_or_create(
                jurisdiction=jurisdiction,
                name=alias["name"],
                defaults={"department": department, "note": alias.get("note", "")},
            )
        departments.append(department)
    units = [d for d in departments if not d.is_collective]
    by_name = {d.name: d for d in departments}
    for entry, department in zip(entries, departments, strict=True):
        members = entry.get("members")
        if members == "all_units":
            department.members.add(*units)
        elif members:
            department.members.add(*(by_name[name] for name in members))
    return departments


def departments_resolve_all(*, jurisdiction: Jurisdiction, names: Iterable[str]) -> dict[str, Department]:
    """Every printed name resolves to a department, or UnknownDepartment names the first that does not."""
    index = department_name_index(jurisdiction)
    resolved = {}
    for name in names:
        department = department_resolve(jurisdiction=jurisdiction, name=name, index=index)
        if department is None:
            raise UnknownDepartment(name, jurisdiction)
        resolved[name] = department
    return resolved


@transaction.atomic
def department_add_alias(*, department: Department, name: str, note: str = "") -> DepartmentAlias:
    """A printed name the office maps to a department becomes one of its aliases."""
    alias, _created = DepartmentAlias.objects.get_or_create(
        jurisdiction=department.jurisdiction, name=name, defaults={"department": department, "note": note}
    )
    return alias


@transaction.atomic
def user_ensure_with_role(
    *,
    username: str,
    password: str = "",
    password_hash: str = "",
    full_name: str,
    jurisdiction: Jurisdiction,
    role: str,
    department: Department | None = None,
    email: str = "",
) -> Membership:
    """A user holds a role in a jurisdiction (and for liaisons and heads, a department)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "email": email}
    )
    if created:
        # A precomputed hash lets a batch (the demo users) pay for one slow hash, not one each.
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    if role in Role.department_roles() and department is None:
        raise ApplicationError(DEPARTMENT_ROLE_NEEDS_DEPARTMENT, field="department")
    membership, _created = Membership.objects.get_or_create(
        user=user,
        jurisdiction=jurisdiction,
        department=department if role in Role.department_roles() else None,
        role=role,
    )
    return membership


def audit_event(
    *,
    actor,
    action: str,
    obj=None,
    jurisdiction=None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """The audit row of one change, not yet written (audit_record writes it; a save of many
    fields writes its rows with one bulk_create)."""
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        jurisdiction=jurisdiction,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_record(**fields) -> AuditEvent:
    """Every change worth answering for is recorded once: who, what, on which object, before and
    after (the fields of audit_event)."""
    event = audit_event(**fields)
    event.save()
    return event


@transaction.atomic
def audit_prune(*, older_than_days: int, actor=None, now: dt.datetime | None = None) -> int:
    """Audit rows older than the given number of days (never fewer than 180) are deleted, and
    the deletion itself is recorded; returns how many were deleted."""
    if older_than_days < AUDIT_RETENTION_MIN_DAYS:
        raise ApplicationError(RETENTION_TOO_SHORT % {"days": AUDIT_RETENTION_MIN_DAYS})
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    expired = AuditEvent.objects.filter(at__lt=cutoff)
    # AuditEventQuerySet.delete() refuses on purpose, so that no code deletes the trail by
    # accident; retention is the one deliberate path. _raw_delete is Django's plain DELETE ...
    # WHERE (no signals, no cascade: nothing points at an audit row), on exactly these rows.
    deleted = expired._raw_delete(expired.db)
    audit_record(
        actor=actor,
        action="audit.prune",
        summary=_("删除%(cutoff)s之前的审计记录%(count)s条（保留%(days)s天）")
        % {
            "cutoff": f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M}",
            "count": deleted,
            "days": older_than_days,
        },
    )
    return deleted


__all__ = [
    "AUDIT_RETENTION_MIN_DAYS",
    "audit_prune",
    "audit_record",
    "UnknownDepartment",
    "department_add_alias",
    "department_create",
    "department_deactivate",
    "department_merge",
    "department_reactivate",
    "department_rename",
    "DepartmentMerge",
    "departments_ensure",
    "departments_resolve_all",
    "jurisdiction_ensure",
    "normalise_name",
    "person_create",
    "person_deactivate",
    "person_move",
    "person_reset_password",
    "require_office_of",
    "user_ensure_with_role",
]


# People: the office manages its departments' liaisons and heads ---------------------------------


def temporary_password() -> str:
    """A one-time password meeting the rules (4 classes, 12 characters); changed at first login."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(9))
    return f"{secrets.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{body}{secrets.choice('23456789')}@"


@transaction.atomic
def person_create(
    *,
    actor,
    department: Department,
    role: str,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
) -> tuple[Membership, str]:
    """The office adds a liaison or head to one of its departments with a one-time password that
    must be changed at first login; returns the membership and that password."""
    require_office_of(actor, department.jurisdiction)
    if role not in Role.department_roles():
        raise ApplicationError(ONLY_DEPARTMENT_ROLES, field="role")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ApplicationError(USERNAME_TAKEN % {"username": username}, field="username")
    password = temporary_password()
    user = User(username=username, first_name=full_name, email=email)
    user.set_password(password)
    user.save()
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    membership = Membership.objects.create(
        user=user, jurisdiction=department.jurisdiction, department=department, role=role, phone=phone
    )
    audit_record(
        actor=actor,
        action="people.create",
        obj=membership,
        jurisdiction=department.jurisdiction,
        summary=_("新增%(department)s%(role)s %(name)s（%(username)s）")
        % {
            "department": department.name,
            "role": membership.get_role_display(),
            "name": full_name,
            "username": username,
        },
    )
    return membership, password


@transaction.atomic
def person_deactivate(*, actor, membership: Membership) -> Membership:
    """A deactivated person can no longer sign in; their reports and history stay."""
    require_office_of(actor, membership.jurisdiction)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    if not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    _audit_person(actor, "people.deactivate", membership, _("停用 %(name)s") % {"name": _person_name(user)})
    return membership


@transaction.atomic
def person_reset_password(*, actor, membership: Membership) -> str:
    """A reset gives a one-time password that must be changed at next login, and unlocks the account."""
    require_office_of(actor, membership.jurisdiction)
    user = membership.user
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    from axes.utils import reset as axes_reset

    axes_reset(username=user.username)
    summary = _("重置 %(name)s 的密码") % {"name": _person_name(user)}
    _audit_person(actor, "people.reset_password", membership, summary)
    return password


@transaction.atomic
def person_move(*, actor, membership: Membership, department: Department) -> Membership:
    """A liaison moves to another department of the same jurisdiction, taking no data along."""
    require_office_of(actor, membership.jurisdiction)
    if department.jurisdiction_id != membership.jurisdiction_id:
        raise ApplicationError(MOVE_WITHIN_JURISDICTION, field="department")
    if department.is_collective:
        raise ApplicationError(MOVE_NOT_TO_COLLECTIVE, field="department")
    before = {"department": membership.department.name if membership.department else None}
    membership.department = department
    membership.save(update_fields=["department"])
    summary = _("%(name)s 调整到%(department)s") % {
        "name": _person_name(membership.user),
        "department": department.name,
    }
    _audit_person(
        actor, "people.move", membership, summary, before=before, after={"department": department.name}
    )
    return membership


def _person_name(user) -> str:
    return user.get_full_name() or user.username


def _audit_person(actor, action: str, membership: Membership, summary: str, **changes) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=membership,
        jurisdiction=membership.jurisdiction,
        summary=summary,
        **changes,
    )


# Departments: the office creates, renames, merges, deactivates and reactivates its own -----------

OFFICE_MANAGES_DEPARTMENTS = gettext_lazy("只有本地质强办可以管理部门")
NAME_REQUIRED = gettext_lazy("名称：请填写部门名称")
NAME_TOO_LONG = gettext_lazy("名称：不能超过%(max)s个字")
NAME_TAKEN = gettext_lazy("名称：本区已有部门或别名“%(name)s”")
NAME_UNCHANGED = gettext_lazy("名称：新名称与现用名称相同")
CODE_TAKEN = gettext_lazy("代码：本区已有部门使用代码“%(code)s”")
KIND_INVALID = gettext_lazy("类型：请选择单位或集合名称")
MERGED_CANNOT_CHANGE = gettext_lazy("部门：%(name)s已并入%(into)s，不能再更名、合并或恢复")
MERGE_INTO_ITSELF = gettext_lazy("合并对象：不能把部门并入它自己")
MERGE_OTHER_JURISDICTION = gettext_lazy("合并对象：不能并入其他行政区的部门")
MERGE_INTO_INACTIVE = gettext_lazy("合并对象：%(name)s已停用，不能并入")
MERGE_COLLECTIVE = gettext_lazy("合并对象：集合名称（如“各成员单位”）不能合并，也不能被并入，请选择具体单位")
MERGE_REASON_REQUIRED = gettext_lazy("合并依据：请写明合并的依据，例如机构改革文件")
ALREADY_INACTIVE = gettext_lazy("部门：%(name)s已停用")
ALREADY_ACTIVE = gettext_lazy("部门：%(name)s在用，无需恢复")
STILL_IN_USE = gettext_lazy(
    "部门：%(name)s仍承担以下工作：%(uses)s。请先调整这些任务的责任部门或合并到新部门"
)
IN_USE_SHOWN = 5
NAME_MAX = Department._meta.get_field("name").max_length


@dataclass(frozen=True)
class DepartmentMerge:
    """What a merge did: the people whose roles in the source ended (the office adds again
    those who go on reporting for the merged department) and what the apps above moved."""

    source: Department
    into: Department
    people: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)


def _require_office_of_departments(actor, jurisdiction_id: int) -> None:
    if not user_scope(actor).is_office_of(jurisdiction_id):
        raise PermissionDenied(OFFICE_MANAGES_DEPARTMENTS)


def _lock_jurisdiction(jurisdiction_id: int) -> Jurisdiction:
    """Department writes of one jurisdiction take turns: a name is checked against names and
    aliases (two tables no single constraint spans), and two offices' clicks must not both pass."""
    return Jurisdiction.objects.select_for_update().get(pk=jurisdiction_id)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(NAME_TOO_LONG % {"max": NAME_MAX}, field="name")
    return name


def _name_conflict(*, jurisdiction: Jurisdiction, name: str, exclude: Department | None = None) -> str | None:
    """The name or alias of another department of the jurisdiction that a name would be read as
    (compared as department_resolve compares: without width, spaces, punctuation, with or
    without the 市/县/区 prefix), or None when the name is free."""
    key = normalise_name(name)
    prefix = jurisdiction_prefix(jurisdiction)
    keys = {key}
    if prefix:
        keys.add(prefix + key)
        if key.startswith(prefix):
            keys.add(key[len(prefix) :])
    names = [
        *Department.objects.filter(jurisdiction=jurisdiction).values_list("name", "pk"),
        *DepartmentAlias.objects.filter(jurisdiction=jurisdiction).values_list("name", "department_id"),
    ]
    exclude_pk = exclude.pk if exclude is not None else None
    return next(
        (printed for printed, pk in names if pk != exclude_pk and normalise_name(printed) in keys), None
    )


@transaction.atomic
def department_create(
    *, jurisdiction: Jurisdiction, actor, name: str, code: str = "", kind: str = Department.Kind.UNIT
) -> Department:
    """A new department's name may be no name or alias of another department of the jurisdiction."""
    _require_office_of_departments(actor, jurisdiction.pk)
    jurisdiction = _lock_jurisdiction(jurisdiction.pk)
    name = _clean_name(name)
    code = (code or "").strip()
    if kind not in Department.Kind.values:
        raise ApplicationError(KIND_INVALID, field="kind")
    taken = _name_conflict(jurisdiction=jurisdiction, name=name)
    if taken:
        raise ApplicationError(NAME_TAKEN % {"name": taken}, field="name")
    if code and Department.objects.filter(jurisdiction=jurisdiction, code=code).exists():
        raise ApplicationError(CODE_TAKEN % {"code": code}, field="code")
    department = Department.objects.create(jurisdiction=jurisdiction, name=name, code=code, kind=kind)
    audit_record(
        actor=actor,
        action="department.create",
        obj=department,
        jurisdiction=jurisdiction,
        summary=_("新增部门%(name)s") % {"name": name},
        after={"name": name, "code": code, "kind": kind},
    )
    return department


@transaction.atomic
def department_rename(*, department: Department, actor, name: str, note: str = "") -> Department:
    """A renamed department keeps its old name as an alias (old documents still resolve to it);
    the new name may be no other department's name or alias, and taking back one of its own
    aliases removes that alias."""
    _require_office_of_departments(actor, department.jurisdiction_id)
    jurisdiction = _lock_jurisdiction(department.jurisdiction_id)
    department = Department.objects.select_related("successor").get(pk=department.pk)
    name = _clean_name(name)
    if department.successor_id:
        raise ApplicationError(
            MERGED_CANNOT_CHANGE % {"name": department.name, "into": department.successor.name}, field="name"
        )
    if name == department.name:
        raise ApplicationError(NAME_UNCHANGED, field="name")
    taken = _name_conflict(jurisdiction=jurisdiction, name=name, exclude=department)
    if taken:
        raise ApplicationError(NAME_TAKEN % {"name": taken}, field="name")
    old = department.name
    # Its own alias that reads as the new name is the name now, no longer an alias.
    retaken = [a.pk for a in department.aliases.all() if normalise_name(a.name) == normalise_name(name)]
    DepartmentAlias.objects.filter(pk__in=retaken).delete()
    department.name = name
    department.save(update_fields=["name"])
    if normalise_name(old) != normalise_name(name):
        note = (note or "").strip() or _("%(year)s年更名前名称") % {"year": timezone.localdate().year}
        DepartmentAlias.objects.update_or_create(
            jurisdiction=jurisdiction, name=old, defaults={"department": department, "note": note[:128]}
        )
    audit_record(
        actor=actor,
        action="department.rename",
        obj=department,
        jurisdiction=jurisdiction,
        summary=_("%(old)s更名为%(new)s") % {"old": old, "new": name},
        before={"name": old},
        after={"name": name, "note": note},
    )
    return department


@transaction.atomic
def department_merge(*, source: Department, into: Department, actor, reason: str) -> DepartmentMerge:
    """After an institutional reform one unit is merged into another of the same jurisdiction:
    the source is deactivated with the other as its successor, its names become the other's
    aliases, the other joins its collective names, the apps above move its work (the
    department_merged signal) and its people's roles end; its old reports stay with it."""
    _require_office_of_departments(actor, source.jurisdiction_id)
    jurisdiction = _lock_jurisdiction(source.jurisdiction_id)
    source = Department.objects.select_related("successor").get(pk=source.pk)
    into = Department.objects.get(pk=into.pk)
    reason = (reason or "").strip()
    if source.successor_id:
        raise ApplicationError(
            MERGED_CANNOT_CHANGE % {"name": source.name, "into": source.successor.name}, field="into"
        )
    if into.pk == source.pk:
        raise ApplicationError(MERGE_INTO_ITSELF, field="into")
    if into.jurisdiction_id != source.jurisdiction_id:
        raise ApplicationError(MERGE_OTHER_JURISDICTION, field="into")
    if source.is_collective or into.is_collective:
        raise ApplicationError(MERGE_COLLECTIVE, field="into")
    if not into.is_active:
        raise ApplicationError(MERGE_INTO_INACTIVE % {"name": into.name}, field="into")
    if not reason:
        raise ApplicationError(MERGE_REASON_REQUIRED, field="reason")

    names = [source.name, *source.aliases.values_list("name", flat=True)]
    DepartmentAlias.objects.filter(department=source).update(department=into)
    DepartmentAlias.objects.update_or_create(
        jurisdiction=jurisdiction,
        name=source.name,
        defaults={
            "department": into,
            "note": (
                _("%(year)s年并入%(into)s前名称") % {"year": timezone.localdate().year, "into": into.name}
            )[:128],
        },
    )
    into.collectives.add(*source.collectives.all())
    source.successor = into
    source.is_active = False
    source.save(update_fields=["successor", "is_active"])
    people = _memberships_end(source)

    moved: dict[str, int] = {}
    for _receiver, answer in department_merged.send(
        sender=Department, source=source, into=into, actor=actor, reason=reason
    ):
        for what, count in (answer or {}).items():
            moved[what] = moved.get(what, 0) + count
    audit_record(
        actor=actor,
        action="department.merge",
        obj=source,
        jurisdiction=jurisdiction,
        summary=_("%(source)s并入%(into)s：%(reason)s")
        % {"source": source.name, "into": into.name, "reason": reason},
        before={"is_active": True, "successor": None},
        after={"successor": into.name, "aliases_moved": names, "people_ended": people, **moved},
    )
    return DepartmentMerge(source=source, into=into, people=people, moved=moved)


def _memberships_end(department: Department) -> list[str]:
    """The liaisons' and heads' roles in a merged department end (moving them would open the
    other department's reports to them); an account left with no role cannot sign in."""
    memberships = list(
        Membership.objects.filter(department=department, is_active=True).select_related("user")
    )
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(is_active=False)
    users = {m.user_id: m.user for m in memberships}
    still_active = set(
        Membership.objects.filter(user_id__in=users, is_active=True).values_list("user_id", flat=True)
    )
    get_user_model().objects.filter(pk__in=set(users) - still_active).update(is_active=False)
    return sorted({_person_name(user) for user in users.values()})


@transaction.atomic
def department_deactivate(*, department: Department, actor) -> Department:
    """A department that still leads or joins a task in force of a current plan, or reports an
    indicator, cannot be deactivated: its work would be left with nobody."""
    _require_office_of_departments(actor, department.jurisdiction_id)
    jurisdiction = _lock_jurisdiction(department.jurisdiction_id)
    department = Department.objects.get(pk=department.pk)
    if not department.is_active:
        raise ApplicationError(ALREADY_INACTIVE % {"name": department.name})
    uses = [
        label
        for _receiver, labels in department_in_use.send(sender=Department, department=department)
        for label in labels or []
    ]
    if uses:
        shown = "；".join(uses[:IN_USE_SHOWN]) + (_("等") if len(uses) > IN_USE_SHOWN else "")
        raise ApplicationError(STILL_IN_USE % {"name": department.name, "uses": shown})
    department.is_active = False
    department.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="department.deactivate",
        obj=department,
        jurisdiction=jurisdiction,
        summary=_("停用%(name)s") % {"name": department.name},
        before={"is_active": True},
        after={"is_active": False},
    )
    return department


@transaction.atomic
def department_reactivate(*, department: Department, actor) -> Department:
    """A deactivated department may be used again, unless it was merged into another."""
    _require_office_of_departments(actor, department.jurisdiction_id)
    jurisdiction = _lock_jurisdiction(department.jurisdiction_id)
    department = Department.objects.select_related("successor").get(pk=department.pk)
    if department.successor_id:
        raise ApplicationError(
            MERGED_CANNOT_CHANGE % {"name": department.name, "into": department.successor.name}
        )
    if department.is_active:
        raise ApplicationError(ALREADY_ACTIVE % {"name": department.name})
    department.is_active = True
    department.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="department.reactivate",
        obj=department,
        jurisdiction=jurisdiction,
        summary=_("恢复%(name)s") % {"name": department.name},
        before={"is_active": False},
        after={"is_active": True},
    )
    return department
