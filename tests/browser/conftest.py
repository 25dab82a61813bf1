"""Browser tests: the real app served on a local port, driven by Playwright in Debian's
Chromium. Without the browser they skip, unless COOP_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import build_world

CHROMIUM = os.environ.get("COOP_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("COOP_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            pytest.fail("playwright is not installed but COOP_REQUIRE_BROWSER=1")
        pytest.skip("playwright is not installed")
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if REQUIRED:
            pytest.fail(f"Chromium not found at {CHROMIUM} but COOP_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app):
    """The app on a free local port, on this test's own database, with the small world."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_world()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.app = app
    server.world = world
    yield server
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.base = live_server.url
    page.allow_http_errors = False  # a test that opens a 403/404 page on purpose sets this
    yield page
    context.close()
    if page.allow_http_errors:
        errors = [e for e in errors if not e.startswith("Failed to load resource")]
    assert not errors, f"the page logged errors: {errors}"


def follow(locator):
    """Click a link or a submit button and wait until
    the page it leads to has loaded. A bare click returns once the navigation has started,
    so reading the page right after it can still see the old document or a half-parsed
    new one."""
    with locator.page.expect_navigation():
        locator.click()


def login(page, username, password="rahasia-123"):
    page.goto(page.base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
