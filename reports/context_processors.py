"""What the navigation shows of reporting: the number of unread notifications."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Notification


def unread_count(request: HttpRequest) -> int:
    """The signed-in user's unread notifications: one query, counted once per request."""
    cached = getattr(request, "_qc_unread", None)
    if cached is None:
        cached = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        request._qc_unread = cached
    return cached


def notifications(request: HttpRequest) -> dict:
    """Context processor: `nav_unread`, evaluated only where a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": lambda: unread_count(request)}
