"""The treasurer's home in a real browser: the day's task lines with their counts, a line's
link leading to exactly its loans, and the charts drawn by the vendored Chart.js under the
strict CSP (a refused script or style would log an error, which the `page` fixture fails on)."""
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import follow, login
from tests.main.world import build_day


@pytest.fixture
def live_server(make_app):
    """The app on a free local port with the working day of tests/main/world.py."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_day()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.app = app
    server.world = world
    yield server
    server.shutdown()
    thread.join(timeout=5)


def test_treasurer_home_shows_the_days_work_and_draws_the_charts(page, live_server):
    login(page, "treasurer")
    assert page.url == page.base + "/c/KSP-A/"
    lines = page.locator("#tasks li[data-task]")
    assert lines.count() == 5
    counts = {lines.nth(i).get_attribute("data-task"): lines.nth(i).get_attribute("data-count")
              for i in range(lines.count())}
    assert counts == {"applications": "1", "approved": "1", "due_week": "1", "arrears": "1", "wajib": "1"}
    # Indonesian first: the line reads as a person says it.
    assert "1 pinjaman menunggak" in page.locator('#tasks li[data-task="arrears"]').inner_text()

    # Both charts are drawn on their canvases (charts.js marks each with its series count).
    page.wait_for_selector('canvas[data-chart="chart-data-savings"][data-drawn="2"]')
    page.wait_for_selector('canvas[data-chart="chart-data-quality"][data-drawn="5"]')
    box = page.locator('canvas[data-chart="chart-data-quality"]').bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    # The figures behind a chart open as a table.
    page.locator("#chart-savings summary").click()
    assert page.locator("#chart-table-savings tbody tr").count() == 12

    follow(page.locator('#tasks li[data-task="arrears"] a'))
    assert page.url.endswith("/c/KSP-A/loans/?due=overdue")
    rows = page.locator("#loans tbody tr[data-loan]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-loan") == str(live_server.world.overdue)
    assert page.locator("#due").input_value() == "overdue"
