"""Configuration classes; every deployment setting comes from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-insecure-secret-change-me"


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
    RATELIMIT_STORAGE_URI = os.environ.get("COOP_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("COOP_LOGIN_RATE_LIMIT", "10 per minute")
    # werkzeug's scrypt: n=2**15, r=8, p=1
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    PAGE_SIZE = 50
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PRODUCTION = False


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
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "100 per minute"
    # cheap hashing keeps the suite fast; production strength is tested separately
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SECRET_KEY = "test-secret"


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def config_from_env():
    return CONFIGS[os.environ.get("COOP_ENV", "development")]
