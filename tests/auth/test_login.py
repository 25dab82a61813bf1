"""Logging in and out, as a user sees it: passwords, sessions, redirects, and the deployment
settings that protect the session. The login throttle is in test_throttle.py, ending
sessions in test_sessions.py."""
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from coop_app import create_app
from coop_app.auth.models import User
from coop_app.config import DEFAULT_SECRET, ProductionConfig
from coop_app.extensions import db
from tests.support.web import english, logged_in_user_id
from tests.conftest import PASSWORD


def _set_active(app, username, active):
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        user.active = active
        db.session.commit()


def test_right_password_logs_in_and_goes_home(client, auth, world):
    response = auth.login("manager")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in_user_id(client) == str(world.user_id("manager"))


def test_username_is_not_case_sensitive(client, auth, world):
    assert auth.login("Manager").status_code == 302
    assert logged_in_user_id(client) == str(world.user_id("manager"))


@pytest.mark.parametrize("username, password", [
    ("manager", "wrong-password"),
    ("manager", ""),
    ("nobody", PASSWORD),
])
def test_wrong_username_or_password_is_refused(client, auth, world, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert logged_in_user_id(client) is None

    english(client)
    response = auth.login(username, password)
    assert response.status_code == 200
    if password:
        assert "Wrong username or password." in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None
    assert client.get("/").status_code == 302  # still sent to the login page


def test_language_button_switches_the_login_page_to_english(client, world):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    response = client.post("/login", data={"username": "manager", "password": "nope-nope"})
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(app, client, auth, world):
    _set_active(app, "treasurer", False)
    english(client)
    response = auth.login("treasurer")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None


def test_deactivated_user_is_logged_out_on_the_next_request(app, client, auth, world):
    assert auth.login("member").status_code == 302
    assert client.get("/c/KSP-A/").status_code == 200
    _set_active(app, "member", False)
    response = client.get("/c/KSP-A/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_is_a_post(client, auth, world):
    auth.login("member")
    assert client.get("/logout").status_code == 405
    assert client.get("/c/KSP-A/").status_code == 200  # the GET did not log out

    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert logged_in_user_id(client) is None
    assert client.get("/c/KSP-A/").status_code == 302


def test_logout_keeps_the_chosen_language(client, auth, world):
    auth.login("member")
    english(client)
    response = auth.logout()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have logged out." in page


@pytest.mark.parametrize("target", [
    "//evil.com",
    "///evil.com",
    "https://evil.com/",
    "http:evil.com",
    "/\\evil.com",
    "/\t/evil.com",
    "evil.com",
    "javascript:alert(1)",
])
def test_login_ignores_an_outside_next_address(app, world, target):
    client = app.test_client()
    response = client.post("/login", query_string={"next": target},
                           data={"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/"  # a backslash is refused too (browsers read "/\\" as "//")
    assert urlsplit(location).netloc == "" and not location.startswith("//")


def test_login_follows_a_local_next_address(client, world):
    response = client.post("/login", query_string={"next": "/c/KSP-A/"},
                           data={"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/KSP-A/"


def test_anonymous_page_visit_is_sent_to_login_with_next(client, world):
    response = client.get("/c/KSP-A/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fc%2FKSP-A%2F"


def test_passwords_are_stored_as_scrypt_hashes(app, world):
    with app.app_context():
        user = db.session.get(User, world.user_id("manager"))
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD)
        assert not user.check_password(PASSWORD + "x")


def test_production_hash_strength_is_scrypt_n_32768(make_app):
    app = make_app(PASSWORD_HASH_METHOD=ProductionConfig.PASSWORD_HASH_METHOD)
    from coop_app.auth.service import create_user
    with app.app_context():
        user = create_user("strong.hash", "Strong Hash", "long-enough-pw")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert user.check_password("long-enough-pw")
        db.session.rollback()


def _production(database_url, **attrs):
    return type("TestProduction", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **attrs})


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "", None])
def test_production_refuses_a_missing_or_default_secret_key(database_url, secret):
    with pytest.raises(RuntimeError, match="COOP_SECRET_KEY"):
        create_app(_production(database_url, SECRET_KEY=secret))


def test_production_sends_the_session_cookie_only_over_https(database_url, world):
    # CSRF is off only so that this test can post without scraping a token over https
    app = create_app(_production(database_url, SECRET_KEY="a-real-secret-of-some-length-0123456789",
                                 WTF_CSRF_ENABLED=False))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        client = app.test_client()
        response = client.post("/login", base_url="https://localhost",
                               data={"username": "manager", "password": PASSWORD})
        assert response.status_code == 302
        cookie = _session_cookie(response)
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, world):
    cookie = _session_cookie(auth.login("manager"))
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert "; Secure" not in cookie  # the test config is plain http, like a village laptop


def test_security_headers_on_every_page(client, auth, world):
    for response in (client.get("/login"), client.get("/no-such-page")):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.login("member")
    response = client.get("/c/KSP-A/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"  # a shared laptop's back button


def _csrf_token(page):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_login_without_csrf_token_is_refused(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    english(client)
    response = client.post("/login", data={"username": "manager", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None

    response = client.post("/login", data={"username": "manager", "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400
    assert logged_in_user_id(client) is None

    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "manager", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.user_id("manager"))


def test_logout_without_csrf_token_does_not_log_out(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "member", "password": PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert logged_in_user_id(client) == str(world.user_id("member"))
