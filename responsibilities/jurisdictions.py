"""The jurisdiction tree: province, city, county or district (and zones a city runs as one).

A jurisdiction's name is unique among its siblings (鼓楼区 is a district of several cities), it
is never placed below itself, and its full name (江苏省苏州市太仓市) follows its ancestors'.
A city's department may stand for its subordinate governments: one child's (太仓市人民政府) or,
as a collective (各县(市、区)人民政府), every child's; delegation reads that.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qualitycity.errors import ApplicationError

from .models import Department, Jurisdiction
from .scope import ancestor_ids, descendant_ids

OWN_ANCESTOR = _("不能把“%(name)s”放在它自己或它的下级行政区“%(parent)s”之下")
NAME_TAKEN_UNDER = _("“%(parent)s”下已有名为“%(name)s”的行政区")
NAME_TAKEN_TOP = _("已有名为“%(name)s”的顶级行政区")
NAME_REQUIRED = _("请填写行政区名称")
NOT_A_CHILD = _("“%(department)s”只能代表“%(jurisdiction)s”的直接下级行政区，“%(child)s”不是")
BOTH_WAYS = _("一个部门要么代表某一个下级行政区，要么代表全部下级行政区，不能同时选择")


def jurisdiction_validate(*, jurisdiction: Jurisdiction) -> None:
    """A jurisdiction goes below neither itself nor one of its descendants, and no sibling has its name."""
    name = (jurisdiction.name or "").strip()
    if not name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    parent = jurisdiction.parent
    below_itself = parent is not None and jurisdiction.pk is not None
    if below_itself and (parent.pk == jurisdiction.pk or jurisdiction.pk in ancestor_ids(parent.pk)):
        raise ApplicationError(OWN_ANCESTOR % {"name": name, "parent": parent.name}, field="parent")
    siblings = Jurisdiction.objects.filter(parent=parent, name=name).exclude(pk=jurisdiction.pk)
    if siblings.exists():
        message = (
            NAME_TAKEN_UNDER % {"parent": parent.name, "name": name}
            if parent
            else NAME_TAKEN_TOP % {"name": name}
        )
        raise ApplicationError(message, field="name")


@transaction.atomic
def jurisdiction_save(*, jurisdiction: Jurisdiction) -> Jurisdiction:
    """Saves a checked jurisdiction and brings every descendant's full name up to date."""
    jurisdiction.name = (jurisdiction.name or "").strip()
    jurisdiction_validate(jurisdiction=jurisdiction)
    jurisdiction.save()
    below = list(Jurisdiction.objects.filter(pk__in=descendant_ids([jurisdiction.pk])))
    if below:
        full = {jurisdiction.pk: jurisdiction.full_name}
        pending = below
        while pending:  # parents before children: at most a few levels
            later = []
            for child in pending:
                if child.parent_id in full:
                    child.full_name = full[child.parent_id] + child.name
                    full[child.pk] = child.full_name
                else:
                    later.append(child)
            if len(later) == len(pending):
                break
            pending = later
        Jurisdiction.objects.bulk_update(below, ["full_name"])
    return jurisdiction


def department_represents_validate(*, department: Department) -> None:
    """A department stands for one direct child of its jurisdiction, or for all of them, not both."""
    if department.represents_id and department.represents_children:
        raise ApplicationError(BOTH_WAYS, field="represents")
    if department.represents_id:
        child = department.represents
        if child.parent_id != department.jurisdiction_id:
            raise ApplicationError(
                NOT_A_CHILD
                % {
                    "department": department.name,
                    "jurisdiction": department.jurisdiction.name,
                    "child": child.name,
                },
                field="represents",
            )
