"""A serving process settles in before its first request."""

import os
import subprocess
import sys

from django.conf import settings


def test_the_wsgi_application_loads_every_view_and_freezes_what_it_loaded():
    # when a server process (gunicorn, say) imports the application
    probe = (
        "import gc, sys; import qualitycity.wsgi; "
        "print(gc.get_freeze_count(), 'dashboards.views' in sys.modules, 'reports.views' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=dict(os.environ, DEBUG="0"),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()

    # then the views are imported before any request, and Django's objects are out of the
    # garbage collector's sweeps (tens of thousands of them)
    frozen, dashboards, reports = int(out[0]), out[1] == "True", out[2] == "True"
    assert dashboards and reports
    assert frozen > 50_000
