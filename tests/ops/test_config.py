"""The rules a server starts under: production needs a real secret key, the development key
never listens beyond this computer, and COOP_PROXY_COUNT is a number of proxies. Checked in
create_app itself and through the processes an operator starts (create_app() from the
environment, as gunicorn calls it; `flask run --host`)."""
import subprocess
import sys

import pytest

from coop_app import create_app
from coop_app.config import (DEFAULT_SECRET, ProductionConfig, UnsafeConfiguration,
                             check_listening, is_loopback, proxy_count)
from tests.ops.helpers import A_REAL_SECRET, ROOT, deployment_env, free_port, run


def production(database_url, **attrs):
    return type("TestProduction", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **attrs})


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "", None, "a" * 31])
def test_production_refuses_the_default_or_a_short_secret_key(database_url, secret):
    with pytest.raises(UnsafeConfiguration, match="COOP_ENV=production: COOP_SECRET_KEY"):
        create_app(production(database_url, SECRET_KEY=secret))


def test_production_starts_with_a_real_secret_key(database_url):
    app = create_app(production(database_url, SECRET_KEY=A_REAL_SECRET))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_gunicorn_factory_call_builds_the_app_from_the_environment(database_url, tmp_path):
    probe = ("from coop_app import create_app; app = create_app(); "
             "print(app.config['PRODUCTION'], app.config['SQLALCHEMY_DATABASE_URI'], "
             "type(app.wsgi_app).__name__)")
    env = deployment_env(database_url, COOP_ENV="production", COOP_SECRET_KEY=A_REAL_SECRET,
                         COOP_PROXY_COUNT="1")
    done = run(env, "-c", probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", database_url, "ProxyFix"]


def test_the_gunicorn_factory_call_refuses_production_without_a_secret(database_url):
    done = run(deployment_env(database_url, COOP_ENV="production"),
               "-c", "from coop_app import create_app; create_app()")
    assert done.returncode != 0
    assert "COOP_ENV=production: COOP_SECRET_KEY is not set" in done.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"])
def test_loopback_addresses(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "coop.example.id", ""])
def test_addresses_beyond_this_computer(host):
    assert not is_loopback(host)


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "", "short-secret"])
def test_the_development_key_may_not_listen_beyond_loopback(secret):
    with pytest.raises(UnsafeConfiguration, match="Refusing to listen on 0.0.0.0"):
        check_listening({"SECRET_KEY": secret}, "0.0.0.0")
    check_listening({"SECRET_KEY": secret}, "127.0.0.1")  # on this computer only it may


def test_a_real_secret_key_may_listen_anywhere():
    check_listening({"SECRET_KEY": A_REAL_SECRET}, "0.0.0.0")


def test_flask_run_on_all_interfaces_with_the_development_key_is_refused(database_url):
    # `make run HOST=0.0.0.0` ends in `flask run --host 0.0.0.0`. Refused before binding; if
    # it were not, the server would run until the timeout and the test fails on it.
    env = deployment_env(database_url)
    port = str(free_port())
    for args in (["run", "--host", "0.0.0.0", "--port", port], ["run", "--port", port]):
        extra = {} if "--host" in args else {"FLASK_RUN_HOST": "0.0.0.0"}
        try:
            done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT,
                                  env={**env, **extra}, capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"flask {' '.join(args)} started serving with the development key")
        assert done.returncode == 1
        assert "Error: Refusing to listen on 0.0.0.0: COOP_SECRET_KEY is not set" in done.stderr


@pytest.mark.parametrize("value, count", [("0", 0), ("1", 1), (" 2 ", 2), (0, 0), ("", 0)])
def test_proxy_count_is_a_number_of_proxies(value, count):
    assert proxy_count({"PROXY_COUNT": value}) == count


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "11", "²"])
def test_a_proxy_count_that_is_not_one_is_refused_at_start(make_app, value):
    with pytest.raises(UnsafeConfiguration, match="COOP_PROXY_COUNT must be the number"):
        make_app(PROXY_COUNT=value)


def test_gunicorn_on_all_interfaces_with_the_development_key_is_refused(database_url):
    # gunicorn.conf.py (read from the checkout) checks its binds before it binds them
    port = free_port()
    try:
        done = run(deployment_env(database_url), "-m", "gunicorn", "-b", f"0.0.0.0:{port}",
                   "--no-control-socket", "coop_app:create_app()", timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn started serving with the development key")
    assert done.returncode == 1
    assert "Error: Refusing to listen on 0.0.0.0: COOP_SECRET_KEY is not set" in done.stderr
