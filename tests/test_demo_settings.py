"""`make demo` runs the portal as an office would see it: DEBUG off, so a missing page is the
portal's own 404 page in Chinese, not Django's English technical page, and the static files
are still served from the source tree."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "WHITENOISE_AUTOREFRESH")
PROBE = (
    "import json, django; django.setup();"
    "from django.conf import settings; from django.test import Client;"
    "from django.test.utils import setup_test_environment; setup_test_environment();"
    "client = Client();"
    "missing = client.get('/no-such-page/');"
    "css = client.get('/static/css/portal.css');"
    "print(json.dumps({'debug': settings.DEBUG, 'status': missing.status_code,"
    " 'templates': [t.name for t in missing.templates], 'html': missing.content.decode(),"
    " 'css': css.status_code}))"
)


def demo_environment() -> dict[str, str]:
    """The variables the Makefile's demo target sets on its runserver line."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if "runserver" in line)
    return dict(re.findall(r"\b([A-Z_]+)=(\S+)\s", line.split("$(PY)")[0]))


def test_the_demo_runs_without_debug():
    assert "DEBUG" not in demo_environment()


def test_a_missing_page_in_the_demo_is_the_portals_own_404_page():
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(demo_environment(), DJANGO_SETTINGS_MODULE="qualitycity.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    page = json.loads(out.stdout)
    assert page["debug"] is False
    assert page["status"] == 404
    assert page["templates"][0] == "404.html"
    assert "页面不存在" in page["html"]
    assert "Using the URLconf" not in page["html"]
    # and the page's style sheet is served, DEBUG or not
    assert page["css"] == 200
