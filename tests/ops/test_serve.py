"""`flask coop serve`: waitress on the address asked for, refused beyond this computer with
the development key, and behind COOP_PROXY_COUNT proxies the client the proxy saw. One smoke
test serves through a real waitress on a free port."""
import json
import threading
import urllib.request

import pytest
import waitress
from flask import request

from tests.ops.helpers import A_REAL_SECRET, free_port


@pytest.fixture
def served(monkeypatch):
    """What `waitress.serve` was asked to do (nothing is bound)."""
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.append((app, options)))
    return calls


def test_serve_runs_waitress_on_loopback_by_default(app, runner, served):
    result = runner.invoke(args=["coop", "serve"])
    assert result.exit_code == 0, result.output
    [(served_app, options)] = served
    assert served_app is app
    assert options == {"host": "127.0.0.1", "port": 5000, "threads": 4, "ident": "coop",
                       "clear_untrusted_proxy_headers": True}


def test_serve_takes_host_port_and_threads(make_app, served):
    app = make_app(SECRET_KEY=A_REAL_SECRET)
    result = app.test_cli_runner().invoke(
        args=["coop", "serve", "--host", "0.0.0.0", "--port", "8080", "--threads", "8"])
    assert result.exit_code == 0, result.output
    [(_app, options)] = served
    assert (options["host"], options["port"], options["threads"]) == ("0.0.0.0", 8080, 8)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_serve_beyond_loopback_with_the_development_key_is_refused(make_app, served, host):
    app = make_app(SECRET_KEY="dev-insecure-secret-change-me")
    result = app.test_cli_runner().invoke(args=["coop", "serve", "--host", host])
    assert result.exit_code == 1
    assert f"Error: Refusing to listen on {host}: COOP_SECRET_KEY is not set" in result.output
    assert served == []


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--threads", "0"],
                                  ["--port", "http"]])
def test_serve_refuses_a_bad_port_or_thread_count(runner, served, args):
    result = runner.invoke(args=["coop", "serve", *args])
    assert result.exit_code == 2
    assert served == []


def test_behind_proxies_waitress_passes_the_forwarded_headers_to_the_app(make_app, served):
    app = make_app(PROXY_COUNT="1")
    assert app.test_cli_runner().invoke(args=["coop", "serve"]).exit_code == 0
    assert served[0][1]["clear_untrusted_proxy_headers"] is False


def where_from():
    return {"remote_addr": request.remote_addr, "scheme": request.scheme, "host": request.host}


def proxied_app(make_app, count):
    app = make_app(PROXY_COUNT=str(count))
    app.add_url_rule("/test-only/where-from", view_func=where_from)
    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "koperasi.example.id"}


def test_with_one_proxy_the_client_is_the_forwarded_address(make_app):
    client = proxied_app(make_app, 1).test_client()
    seen = client.get("/test-only/where-from", headers=FORWARDED,
                      environ_base={"REMOTE_ADDR": "127.0.0.1"}).json
    assert seen == {"remote_addr": "203.0.113.7", "scheme": "https", "host": "koperasi.example.id"}


def test_with_one_proxy_only_the_hop_it_added_is_trusted(make_app):
    # a client that writes its own X-Forwarded-For gets it kept in front of its real address
    client = proxied_app(make_app, 1).test_client()
    seen = client.get("/test-only/where-from", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                      headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.23"}).json
    assert seen["remote_addr"] == "198.51.100.23"


def test_without_proxies_forwarded_headers_are_ignored(make_app):
    client = proxied_app(make_app, 0).test_client()
    seen = client.get("/test-only/where-from", headers=FORWARDED,
                      environ_base={"REMOTE_ADDR": "192.0.2.10"}).json
    assert seen == {"remote_addr": "192.0.2.10", "scheme": "http", "host": "localhost"}


def test_a_real_waitress_serves_health_and_the_proxied_client(make_app):
    from coop_app.cli.serve import server_options

    app = proxied_app(make_app, 1)
    port = free_port()
    server = waitress.create_server(app, **server_options(app.config, "127.0.0.1", port, 2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
            assert answer.status == 200
            assert json.load(answer) == {"status": "ok"}
            assert len(answer.headers["X-Request-ID"]) == 32
        asked = urllib.request.Request(f"{base}/test-only/where-from", headers=FORWARDED)
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert json.load(answer) == {"remote_addr": "203.0.113.7", "scheme": "https",
                                         "host": "koperasi.example.id"}
    finally:
        server.task_dispatcher.shutdown()  # its threads finish their answers first
        server.close()
        thread.join(timeout=10)
