"""Portal-wide views: the home page, liveness and health checks."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The site root is the to-do home, which reports owns (named, so the base imports no app)."""
    return redirect("reports:home")


def ping(request: HttpRequest) -> HttpResponse:
    """The trivial view: the ceiling any real page is measured against."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable, and (when a broker is configured) a worker answering a task."""
    from django.conf import settings

    from .tasks import health_check

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    status = {"database": "ok"}
    if not settings.CELERY_TASK_ALWAYS_EAGER and request.GET.get("worker"):
        try:
            status["worker"] = health_check.delay().get(timeout=5)["database"]
        except Exception as exc:  # noqa: BLE001 - any failure is the answer a health check reports
            status["worker"] = f"error: {exc.__class__.__name__}"
            return JsonResponse(status, status=503)
    return JsonResponse(status)
