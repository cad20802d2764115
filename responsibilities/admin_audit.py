"""Every change made in the admin, in any app, goes to the audit trail.

The admin writes a LogEntry for each addition, change and deletion, whichever app's model it
is; a receiver here turns each into an AuditEvent ("admin.add", "admin.change",
"admin.delete") with the object, the admin's change message, the values before and after,
and the jurisdiction the object belongs to. No app's admin.py has to remember to do it.

The values before a change are read from the database just before the admin saves the object:
AdminAuditMiddleware marks an admin POST (admin_request_capture) and a pre_save receiver keeps
each object's stored values for the duration of that request only.
"""

from __future__ import annotations

import contextlib
import contextvars
import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignKey, Model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .models import AuditEvent, Jurisdiction, Membership

ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}
# Never copied into the audit trail: hashes and secrets.
SECRET_FIELDS = {"password", "key", "token", "history"}

_captured: contextvars.ContextVar[dict | None] = contextvars.ContextVar("admin_audit_captured", default=None)


@contextlib.contextmanager
def admin_request_capture():
    """While an admin request runs, each saved object's stored values are kept for its audit row."""
    token = _captured.set({})
    try:
        yield
    finally:
        _captured.reset(token)


def field_values(obj: Model) -> dict:
    """The object's concrete field values as text, secrets left out."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, field.attname)
        values[field.name] = None if value is None else str(value)
    return values


@receiver(pre_save)
def _remember_values_before(sender, instance, raw=False, **kwargs):
    captured = _captured.get()
    if captured is None or raw or instance.pk is None:
        return
    key = (sender._meta.label_lower, str(instance.pk))
    if key in captured:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    if stored is not None:
        captured[key] = field_values(stored)


def jurisdiction_of(obj, depth: int = 3) -> Jurisdiction | None:
    """The jurisdiction an object belongs to: itself, its own field, or that of the objects it
    points to (a report's department's, a target's plan's), a user's through their role."""
    if obj is None:
        return None
    if isinstance(obj, Jurisdiction):
        return obj
    if obj._meta.label_lower == "auth.user":
        membership = Membership.objects.filter(user=obj).select_related("jurisdiction").first()
        return membership.jurisdiction if membership else None
    if depth == 0:
        return None
    fields = [f for f in obj._meta.concrete_fields if isinstance(f, ForeignKey)]
    for field in fields:
        if field.related_model is Jurisdiction:
            return getattr(obj, field.name)
    for field in fields:
        if field.related_model is obj.__class__ or field.related_model._meta.label_lower == "auth.user":
            continue
        found = jurisdiction_of(getattr(obj, field.name), depth - 1)
        if found is not None:
            return found
    return None


def _change_text(entry: LogEntry) -> str:
    try:
        message = entry.get_change_message()
    except (ValueError, TypeError, json.JSONDecodeError):
        message = entry.change_message
    return str(message or "")


@receiver(post_save, sender=LogEntry)
def audit_admin_log_entry(sender, instance: LogEntry, created: bool, raw=False, **kwargs):
    """An admin LogEntry becomes an AuditEvent (deletions are logged while the object still exists)."""
    if not created or raw:
        return
    audit_admin_entries([instance])


def audit_admin_entries(entries) -> None:
    for entry in entries:
        obj = _object_of(entry)
        label = entry.content_type.app_label + "." + entry.content_type.model if entry.content_type_id else ""
        before = after = None
        if obj is not None and entry.action_flag == CHANGE:
            now = field_values(obj)
            stored = (_captured.get() or {}).get((label, str(entry.object_id)))
            if stored is not None:
                before = {k: v for k, v in stored.items() if now.get(k) != v}
                after = {k: now.get(k) for k in before}
        elif obj is not None and entry.action_flag == ADDITION:
            after = field_values(obj)
        elif obj is not None:
            before = field_values(obj)
        change = _change_text(entry)
        summary = _("管理后台：%(object)s") % {"object": entry.object_repr}
        if change:
            summary = f"{summary}（{change}）"
        AuditEvent.objects.create(
            actor_id=entry.user_id,
            jurisdiction=jurisdiction_of(obj),
            action=ACTIONS.get(entry.action_flag, "admin.change"),
            object_type=label,
            object_id=str(entry.object_id or ""),
            summary=summary[:300],
            before=before,
            after=after,
        )


def _object_of(entry: LogEntry):
    try:
        return entry.get_edited_object()
    except (ObjectDoesNotExist, AttributeError, ValueError):
        return None  # the model is gone or the row already deleted: record what the entry says


def deletion_snapshot(objects) -> list[tuple[str, str, str, dict, Jurisdiction | None]]:
    """What the audit trail keeps of objects about to be deleted together."""
    return [
        (obj._meta.label_lower, str(obj.pk), str(obj)[:200], field_values(obj), jurisdiction_of(obj))
        for obj in objects
    ]


def audit_admin_bulk_deletion(*, actor, snapshot) -> None:
    """The admin logs a deletion of several objects with one bulk insert, which sends no signal:
    each object deleted is recorded here from the snapshot taken before."""
    for label, pk, text, values, jurisdiction in snapshot:
        AuditEvent.objects.create(
            actor=actor,
            jurisdiction=jurisdiction,
            action=ACTIONS[DELETION],
            object_type=label,
            object_id=pk,
            summary=(_("管理后台：%(object)s") % {"object": text})[:300],
            before=values,
        )
