"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server. Screenshots land in test-results/screenshots/ for people to look at."""

import os
import shutil
from pathlib import Path

import pytest

from bench.demo import DEMO_PASSWORD, demo_load

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root and on a closed network Chromium needs these (see the machine notes): no sandbox,
# and no background calls home that the network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # under pytest-xdist (--dist loadgroup) every browser test runs on the same worker:
            # one Chromium and one live server at a time on the two cores
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("找不到 chromium：make test 会安装 Debian 的 chromium，或手动 apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 900},
    }


@pytest.fixture
def demo(transactional_db):
    """The demo data of `make demo`: the three sample plans and the demo users."""
    return demo_load()


@pytest.fixture
def login(page, live_server):
    def _login(username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click(".login-card button[type=submit]")
        return page

    return _login


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str, *, full_page: bool = True):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot
