"""The password rule: at least 10 characters, not containing the username, and not common or
easy to guess (zxcvbn's score at least 3), checked whenever a password is set (an admin
creates a user or resets a password, a user changes their own, create-admin, a member's
login); passwords set before the rule still log in. And the login throttle counts only
failures: switching between two users is never refused."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.auth import service, throttle
from coop_app.auth.models import User
from coop_app.demo import DEMO_PASSWORD, USERS
from coop_app.errors import DomainError
from coop_app.extensions import db
from tests.conftest import PASSWORD
from tests.support import in_english
from tests.support.web import client_for, english, text_of

TOO_SHORT = "A password has at least 10 characters."
HAS_USERNAME = "A password may not contain the username."
TOO_EASY = "This password is too easy to guess"
MORE_WORDS = "Add another word or two: uncommon words are better."


def refusal(password, username="treasurer"):
    with pytest.raises(DomainError) as caught:
        service.check_password(password, username)
    return in_english(caught.value)


@pytest.mark.parametrize("password, message", [
    ("", TOO_SHORT),
    ("Kopi-Pagi", TOO_SHORT),  # 9 characters, however unusual
    ("password123", f"{TOO_EASY}: This is a very common password. {MORE_WORDS}"),
    ("qwertyuiop", f"{TOO_EASY}: This is one of the most common passwords. {MORE_WORDS}"),
    ("1234567890", f"{TOO_EASY}: This is one of the most common passwords. {MORE_WORDS}"),
    ("Password123!", f"{TOO_EASY}: This is similar to a commonly used password. {MORE_WORDS}"),
    ("asdfghjkl;", f"{TOO_EASY}: Straight rows of keys are easy to guess. {MORE_WORDS}"),
    ("aaaaaaaaaaaa", f'{TOO_EASY}: Repeats like "aaa" are easy to guess. {MORE_WORDS}'),
    # zxcvbn scores it 2 and gives no warning: the fixed message
    ("matahari123", f"{TOO_EASY}. {MORE_WORDS}"),
    ("treasurer", TOO_SHORT),
    ("treasurer1", HAS_USERNAME),  # the username itself with a digit
    ("Kopi-TREASURER-Desa", HAS_USERNAME),  # however written, wherever in the password
    ("x" * 201, "The password is too long."),
])
def test_a_weak_password_is_refused_saying_why(password, message, app):
    with app.app_context():
        assert refusal(password) == message


@pytest.mark.parametrize("password", [
    "Kopi-Pagi-Juntinyuat", "rahasia-123", "correct horse battery", "Siti.Kasir-2024!x"])
def test_a_good_password_is_accepted(password, app):
    with app.app_context():
        service.check_password(password, "treasurer")  # no error
        score, _warning = service.password_strength(password, "treasurer")
        assert score >= service.MIN_STRENGTH


def test_the_refusal_is_in_indonesian_by_default(app):
    with app.app_context():
        with pytest.raises(DomainError) as caught:
            service.check_password("password123", "treasurer")
        with force_locale("id"):
            assert str(caught.value) == (
                "Kata sandi ini terlalu mudah ditebak: Ini kata sandi yang sangat umum. "
                "Tambahkan satu atau dua kata lagi: kata yang tidak umum lebih baik.")
            assert str(refusal_error("short")) == "Kata sandi paling sedikit 10 karakter."


def refusal_error(password, username="treasurer"):
    with pytest.raises(DomainError) as caught:
        service.check_password(password, username)
    return caught.value


def test_the_username_parts_make_a_password_easier_to_guess(app):
    with app.app_context():
        # "kasir" and "siti" are the parts of the username siti.kasir: as easy as a word
        assert service.password_strength("KasirSiti2024", "siti.kasir")[0] < service.password_strength(
            "KasirSiti2024", "budi")[0]


def test_every_demo_user_can_keep_the_demo_password(app):
    with app.app_context():
        for username, *_rest in USERS:
            service.check_password(DEMO_PASSWORD, username)


# -- through the services: nothing is written when refused ------------------------------------

def test_the_services_refuse_a_weak_password_and_change_nothing(app, world):
    with app.app_context():
        users_before = db.session.execute(select(func.count()).select_from(User)).scalar_one()
        with pytest.raises(DomainError) as caught:
            service.create_user("siti.kasir", "Siti Aminah", "password123")
        assert in_english(caught.value).startswith(TOO_EASY)
        with pytest.raises(DomainError) as caught:
            service.create_user("siti.kasir", "Siti Aminah", "siti.kasir2024")
        assert in_english(caught.value) == HAS_USERNAME
        db.session.rollback()
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == users_before

        member = db.session.get(User, world.user_id("member"))
        version = member.session_version
        with pytest.raises(DomainError) as caught:  # an admin's reset
            service.update_user(member.id, "Member", True, new_password="qwertyuiop")
        assert "most common passwords" in in_english(caught.value)
        with pytest.raises(DomainError) as caught:  # the user's own change
            service.change_own_password(member, PASSWORD, "short-one")
        assert in_english(caught.value) == TOO_SHORT
        db.session.rollback()
        member = db.session.get(User, world.user_id("member"))
        assert member.check_password(PASSWORD) and member.session_version == version

        service.change_own_password(member, PASSWORD, "Kopi-Pagi-Juntinyuat")
        db.session.commit()
        assert db.session.get(User, world.user_id("member")).check_password("Kopi-Pagi-Juntinyuat")


def test_create_admin_refuses_a_weak_password_in_indonesian(app, runner):
    result = runner.invoke(args=["coop", "create-admin", "--username", "kepala", "--full-name", "Kepala",
                                 "--password", "password123"])
    assert result.exit_code == 2
    assert "Kata sandi ini terlalu mudah ditebak: Ini kata sandi yang sangat umum." in result.output
    good = runner.invoke(args=["coop", "create-admin", "--username", "kepala", "--full-name", "Kepala",
                               "--password", "Kopi-Pagi-Juntinyuat"])
    assert good.exit_code == 0, good.output
    with app.app_context():
        usernames = db.session.execute(select(User.username)).scalars().all()
        assert usernames == ["kepala"]


# -- through the pages: 422 with the message, and the rule shown beside the field -------------

@pytest.fixture
def admin(client, auth, world):
    assert auth.login("admin").status_code == 302
    english(client)
    return client


@pytest.mark.parametrize("password, message", [
    ("short-pw", TOO_SHORT),
    ("password123", "This is a very common password."),
    ("qwertyuiop", "This is one of the most common passwords."),
    ("siti.kasir-2024", HAS_USERNAME),
])
def test_the_admin_new_user_page_refuses_a_weak_password(app, admin, password, message):
    response = admin.post("/admin/users/new", data={
        "username": "siti.kasir", "full_name": "Siti Aminah", "password": password, "confirm": password})
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert db.session.execute(select(User).where(User.username == "siti.kasir")).first() is None


def test_the_admin_new_user_page_accepts_a_good_password(app, admin):
    response = admin.post("/admin/users/new", data={
        "username": "siti.kasir", "full_name": "Siti Aminah", "password": "Kopi-Pagi-Juntinyuat",
        "confirm": "Kopi-Pagi-Juntinyuat"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "siti.kasir")).scalar_one()
        assert user.check_password("Kopi-Pagi-Juntinyuat")


def test_the_admin_reset_refuses_a_weak_password(app, admin, world):
    url = f"/admin/users/{world.user_id('member')}"
    response = admin.post(url, data={"full_name": "Member", "active": "y", "new_password": "member-2024",
                                     "confirm": "member-2024"})
    assert response.status_code == 422 and HAS_USERNAME in text_of(response)
    response = admin.post(url, data={"full_name": "Member", "active": "y", "new_password": "password123",
                                     "confirm": "password123"})
    assert response.status_code == 422 and "This is a very common password." in text_of(response)
    with app.app_context():
        assert db.session.get(User, world.user_id("member")).check_password(PASSWORD)


def test_the_own_password_page_refuses_a_weak_password_and_shows_the_rule(app, world):
    member = client_for(app, "member")
    page = text_of(member.get("/account/password"))
    assert "At least 10 characters, not a common password, not easy to guess and without the username." in page
    for new, message in [("password123", "This is a very common password."), ("123456789", TOO_SHORT),
                         ("Member-Kopi-Pagi", HAS_USERNAME)]:
        response = member.post("/account/password", data={
            "current_password": PASSWORD, "new_password": new, "confirm": new})
        assert response.status_code == 422 and message in text_of(response), new
    response = member.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Kopi-Pagi-Juntinyuat", "confirm": "Kopi-Pagi-Juntinyuat"})
    assert response.status_code == 302


def test_the_admin_pages_show_the_rule_in_indonesian(app, client, auth, world):
    assert auth.login("admin").status_code == 302
    assert ("Paling sedikit 10 karakter, bukan kata sandi yang umum, tidak mudah ditebak dan tidak "
            "memuat nama pengguna.") in text_of(client.get("/admin/users/new"))
    assert "Kata sandi baru paling sedikit 10 karakter" in text_of(
        client.get(f"/admin/users/{world.user_id('member')}"))


def test_a_password_set_before_the_rule_still_logs_in(app, client, auth, world):
    with app.app_context():
        user = db.session.get(User, world.user_id("member"))
        user.set_password("lama123")  # the model does not check: as an old password was set
        db.session.commit()
    assert auth.login("member", "lama123").status_code == 302


# -- switching users is never throttled ----------------------------------------------------------

def test_switching_between_two_users_is_never_refused(app, client, auth, world):
    # The tightest limits: the third failure of a username or an address within the window
    # would be refused. Good logins are no failures, so forty of them in a row all pass.
    app.config.update(LOGIN_MAX_FAILURES_USER=2, LOGIN_MAX_FAILURES_ADDRESS=2)
    for _round in range(10):
        for username in ("treasurer", "manager"):
            response = auth.login(username)
            assert response.status_code == 302 and response.headers["Location"] == "/", username
            assert auth.logout().status_code == 302
    with app.app_context():
        assert throttle.failures(address="127.0.0.1") == 0
        assert throttle.failures(username="treasurer") == throttle.failures(username="manager") == 0
    # Failures still count: two wrong passwords, and the third attempt is refused however good.
    assert auth.login("treasurer", "wrong-password").status_code == 200
    assert auth.login("treasurer", "wrong-password").status_code == 200
    assert auth.login("treasurer").status_code == 429
