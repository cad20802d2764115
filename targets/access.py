"""Who may see indicators and targets: each function returns the object the user may see, or
raises Http404 when it lies outside their jurisdictions. Targets change only through a plan's
import (plandocs), which checks the office of the plan's jurisdiction (programmes.access)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Indicator, Target


def indicator_get_for_user(*, user, pk: int) -> Indicator:
    """An indicator of one of the user's jurisdictions; otherwise 404."""
    return get_object_or_404(Indicator.objects.for_user(user).select_related("jurisdiction"), pk=pk)


def target_get_for_user(*, user, pk: int) -> Target:
    """A target of a plan the user may see; otherwise 404."""
    return get_object_or_404(Target.objects.for_user(user).select_related("indicator", "task__plan"), pk=pk)
