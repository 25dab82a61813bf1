"""Ending sessions: logging out, a password change and an admin's password reset end every
session of the user, a copied session cookie included (the user's session version)."""
from sqlalchemy import select

from coop_app.auth.models import User
from coop_app.extensions import db
from tests.conftest import PASSWORD
from tests.support.web import client_for, logged_in_user_id

PAGE = "/c/KSP-A/"
NEW_PASSWORD = "baru-rahasia-456"


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get(PAGE).status_code == 200
    return thief


def sent_to_login(client):
    response = client.get(PAGE)
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def session_version(app, username):
    with app.app_context():
        version = db.session.execute(
            select(User.session_version).where(User.username == username)).scalar_one()
        db.session.remove()
        return version


def test_logout_ends_a_copied_session(app, world):
    member = client_for(app, "member")
    thief = copy_of(app, member)
    assert member.post("/logout").status_code == 302
    assert sent_to_login(member)
    assert sent_to_login(thief)
    assert logged_in_user_id(thief) is not None  # the cookie still names the user...
    # ...and stays dead after the user logs in again
    assert member.post("/login", data={"username": "member", "password": PASSWORD}).status_code == 302
    assert member.get(PAGE).status_code == 200
    assert sent_to_login(thief)


def test_logout_in_one_browser_ends_the_others(app, world):
    office, home = client_for(app, "manager"), client_for(app, "manager")
    other_user = client_for(app, "treasurer")
    office.post("/logout")
    assert sent_to_login(home)
    assert other_user.get(PAGE).status_code == 200  # nobody else is logged out


def test_a_password_change_ends_other_sessions_but_not_its_own(app, world):
    member = client_for(app, "member")
    thief = copy_of(app, member)
    before = session_version(app, "member")
    response = member.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert session_version(app, "member") == before + 1
    assert member.get(PAGE).status_code == 200  # still logged in here
    assert sent_to_login(thief)
    assert client_for(app, "member", NEW_PASSWORD).get(PAGE).status_code == 200


def test_a_refused_password_change_ends_nothing(app, world):
    member = client_for(app, "member")
    thief = copy_of(app, member)
    response = member.post("/account/password", data={
        "current_password": "not-the-password", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert thief.get(PAGE).status_code == 200


def test_an_admin_password_reset_ends_every_session_of_the_user(app, world):
    member = client_for(app, "member")
    thief = copy_of(app, member)
    admin = client_for(app, "admin")
    response = admin.post(f"/admin/users/{world.user_id('member')}", data={
        "full_name": "Member", "active": "y", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert sent_to_login(member)
    assert sent_to_login(thief)
    assert admin.get("/admin/users").status_code == 200  # the admin's own session goes on


def test_an_admin_edit_without_a_new_password_ends_no_session(app, world):
    member = client_for(app, "member")
    admin = client_for(app, "admin")
    response = admin.post(f"/admin/users/{world.user_id('member')}", data={
        "full_name": "Member Renamed", "active": "y", "new_password": "", "confirm": ""})
    assert response.status_code == 302
    assert member.get(PAGE).status_code == 200


def test_a_session_without_a_version_is_not_logged_in(app, world):
    """A session signed before sessions had versions (or one forged without) is refused."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(world.user_id("member"))
        session["_fresh"] = True
    assert sent_to_login(client)


def test_no_remember_cookie_is_set(app, world):
    """Remember-me is not offered; its cookie would carry no session version."""
    client = app.test_client()
    response = client.post("/login", data={"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None
