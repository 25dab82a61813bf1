"""One JSON line per request on stderr, its request id sent back, and a 500 page that shows
that id while the log holds the traceback under it."""
import re

import pytest

from coop_app.logs import REQUEST_LOGGER
from tests.ops.helpers import json_lines
from tests.support.web import login_as

FIELDS = {"time", "level", "logger", "message", "method", "path", "status", "duration_ms",
          "user_id", "cooperative", "request_id"}


def request_lines(capsys):
    return json_lines(capsys.readouterr().err, REQUEST_LOGGER)


def test_a_request_logs_one_json_line(client, capsys):
    capsys.readouterr()
    answer = client.get("/login?next=/c/KSP-A/members/%3Fq%3DSiti+Rahayu")
    [line] = request_lines(capsys)
    assert set(line) == FIELDS
    assert line["method"] == "GET"
    assert line["path"] == "/login"  # the query string (it may carry names) is not logged
    assert "Siti" not in str(line)
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 10_000
    assert line["user_id"] is None and line["cooperative"] is None
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert answer.headers["X-Request-ID"] == line["request_id"]


def test_the_line_names_the_user_and_the_cooperative(app, client, world, capsys):
    login_as(client, "treasurer")
    capsys.readouterr()
    client.get("/c/KSP-A/")
    [line] = request_lines(capsys)
    assert (line["path"], line["status"]) == ("/c/KSP-A/", 200)
    assert line["user_id"] == world.user_id("treasurer")
    assert line["cooperative"] == "KSP-A"


def test_a_login_is_logged_under_the_user_it_logged_in(client, world, capsys):
    capsys.readouterr()
    client.post("/login", data={"username": "manager", "password": "rahasia-123"})
    [line] = request_lines(capsys)
    assert (line["method"], line["path"], line["status"]) == ("POST", "/login", 302)
    assert line["user_id"] == world.user_id("manager")


def test_a_cooperative_refused_is_logged_by_the_code_asked_for(client, world, capsys):
    login_as(client, "treasurer")
    capsys.readouterr()
    client.get("/c/BMT-C/")
    [line] = request_lines(capsys)
    assert (line["status"], line["cooperative"]) == (404, "BMT-C")


@pytest.mark.parametrize("incoming", ["3f2b9c0e8d1a4f6b9e7c5a3d1b0f2e4c", "req-2025.01.02_0001",
                                      "6f1c2a9e-7b3d-4c8e-9f10-2a3b4c5d6e7f"])
def test_a_well_formed_incoming_request_id_is_kept(client, capsys, incoming):
    capsys.readouterr()
    answer = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert answer.headers["X-Request-ID"] == incoming
    assert request_lines(capsys)[0]["request_id"] == incoming


@pytest.mark.parametrize("incoming", ["short", "x" * 65, "<script>alert(1)</script>",
                                      "id with spaces 123", '{"user_id": 1}'])
def test_a_malformed_incoming_request_id_is_replaced(client, capsys, incoming):
    capsys.readouterr()
    answer = client.get("/healthz", headers={"X-Request-ID": incoming})
    [line] = request_lines(capsys)
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert answer.headers["X-Request-ID"] == line["request_id"]


def test_every_request_gets_its_own_id(client, capsys):
    capsys.readouterr()
    for _ in range(3):
        client.get("/healthz")
    assert len({line["request_id"] for line in request_lines(capsys)}) == 3


def broken_view():
    raise ZeroDivisionError("the test's forced failure")


@pytest.fixture
def broken_app(make_app):
    """An app that answers errors as production does, with a route that always fails."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/test-only/broken", view_func=broken_view)
    return app


def test_a_500_shows_the_request_id_and_the_log_holds_the_traceback(broken_app, capsys):
    capsys.readouterr()
    answer = broken_app.test_client().get("/test-only/broken")
    request_id = answer.headers["X-Request-ID"]
    assert answer.status_code == 500
    assert f"Kode kejadian: {request_id}" in answer.get_data(as_text=True)

    lines = json_lines(capsys.readouterr().err)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == request_id
    assert "ZeroDivisionError: the test's forced failure" in error["exception"]
    [logged] = [line for line in lines if line["logger"] == REQUEST_LOGGER]
    assert (logged["path"], logged["status"], logged["request_id"]) == (
        "/test-only/broken", 500, request_id)


def test_the_500_page_in_english_quotes_the_incident_code(broken_app, capsys):
    client = broken_app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    answer = client.get("/test-only/broken", headers={"X-Request-ID": "nginx-0123456789abcdef"})
    assert "Incident code: nginx-0123456789abcdef" in answer.get_data(as_text=True)
