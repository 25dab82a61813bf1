"""Configuration classes; every deployment setting comes from the environment. Also the
rules a configuration must meet before a server may start with it."""
import ipaddress
import os
from pathlib import Path

import click

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-insecure-secret-change-me"
MIN_SECRET_LENGTH = 32  # `python -c "import secrets; print(secrets.token_hex(32))"` gives 64


class Config:
    SECRET_KEY = os.environ.get("COOP_SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "COOP_DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'coop.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "coop_app" / "translations")
    LANGUAGES = ("id", "en")
    WTF_CSRF_TIME_LIMIT = None  # a treasurer may keep a form open all morning
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Failed logins are counted in the database, which every worker shares (auth/throttle.py):
    # a username with this many failures within the window, or a client address with that
    # many, is refused (429) before its password is checked. A good login clears its username.
    LOGIN_MAX_FAILURES_USER = int(os.environ.get("COOP_LOGIN_MAX_FAILURES_USER", "5"))
    LOGIN_MAX_FAILURES_ADDRESS = int(os.environ.get("COOP_LOGIN_MAX_FAILURES_ADDRESS", "20"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("COOP_LOGIN_FAILURE_WINDOW_MINUTES", "15"))
    # werkzeug's scrypt: n=2**15, r=8, p=1
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    PAGE_SIZE = 50
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PRODUCTION = False
    # The product's name on every page (a proper name: the same in both languages).
    PRODUCT_NAME = "Koperasi Desmigratif"
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto/-Host are
    # trusted that many hops deep; with 0 they are ignored, as a client could forge them.
    PROXY_COUNT = os.environ.get("COOP_PROXY_COUNT", "0")
    # A month-end started from the page runs in a background thread of the process
    # (closing/jobs.py); True runs it within the request, as the tests do.
    MONTH_END_INLINE = False


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("COOP_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    MONTH_END_INLINE = True  # deterministic: the job has run when the POST answers
    # cheap hashing keeps the suite fast; production strength is tested separately
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SECRET_KEY = "test-secret"


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def config_from_env():
    return CONFIGS[os.environ.get("COOP_ENV", "development")]


class UnsafeConfiguration(click.ClickException, RuntimeError):
    """The server refuses to start with this configuration. A ClickException so that
    `flask ...` prints the message alone and exits 1; gunicorn shows it as the worker's error."""


def secret_key_problem(secret_key):
    """Why this secret key may not sign the sessions of a real server, or None."""
    if not secret_key or secret_key == DEFAULT_SECRET:
        return "COOP_SECRET_KEY is not set: the development key signs the sessions"
    if len(secret_key) < MIN_SECRET_LENGTH:
        return f"COOP_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters"
    return None


HOW_TO_SET_SECRET = ('set COOP_SECRET_KEY to a long random value, for example the output of '
                     '`python -c "import secrets; print(secrets.token_hex(32))"`')


def is_loopback(host):
    """True for an address only this computer can reach (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_production(config):
    """Production refuses to start with the development secret key or a short one."""
    if config.get("PRODUCTION"):
        problem = secret_key_problem(config.get("SECRET_KEY"))
        if problem:
            raise UnsafeConfiguration(f"COOP_ENV=production: {problem}; {HOW_TO_SET_SECRET}.")


def check_listening(config, host):
    """A server listening beyond this computer needs a real secret key, whatever COOP_ENV:
    anyone who knows the development key (it is in the source) can forge a session."""
    if is_loopback(host):
        return
    problem = secret_key_problem(config.get("SECRET_KEY"))
    if problem:
        raise UnsafeConfiguration(
            f"Refusing to listen on {host}: {problem}; {HOW_TO_SET_SECRET}, "
            f"or listen on 127.0.0.1 only.")


def proxy_count(config):
    """COOP_PROXY_COUNT as a number of proxies (0 or more)."""
    value = str(config.get("PROXY_COUNT", 0)).strip() or "0"  # set but empty: none
    if not (value.isascii() and value.isdigit()) or int(value) > 10:
        raise UnsafeConfiguration(
            f"COOP_PROXY_COUNT must be the number of reverse proxies in front of the app "
            f"(0 to 10), not {value!r}.")
    return int(value)


def check_development_server(config):
    """`flask run --host 0.0.0.0` (and `HOST=0.0.0.0 make run`) builds the app inside the
    click context of Flask's run command, whose --host (or FLASK_RUN_HOST) is already parsed:
    the development server meets the same rule as `flask coop serve`."""
    context = click.get_current_context(silent=True)
    if context is not None and context.command.name == "run" and context.params.get("host"):
        check_listening(config, context.params["host"])
