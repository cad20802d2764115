"""The to-do home: where everyone lands after signing in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .home import home_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What each of the user's roles has waiting; every signed-in user may open it."""
    today = timezone.localdate()
    context = {"home": home_for_user(user=request.user, today=today), "today": today}
    return render(request, "reports/home.html", context)
