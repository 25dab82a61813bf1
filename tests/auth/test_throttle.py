"""The login throttle: failed logins counted in the database per username and per client
address (5 and 20 within 15 minutes by default), shared by every worker and process; a
refused attempt is answered 429 without its password being checked; a good login is never
throttled by earlier successes and clears its username's failures."""
from datetime import timedelta

from coop_app.auth import throttle
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from tests.concurrency import run_at_once
from tests.conftest import PASSWORD
from tests.support.web import english, logged_in_user_id, text_of

REFUSED_TEXT = "Too many login attempts. Wait 15 minutes and try again."


def attempt(client, username, password, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def failures(app, username=None, address=None):
    with app.app_context():
        count = throttle.failures(username=username, address=address)
        db.session.remove()
        return count


def test_defaults_are_5_per_username_and_20_per_address_in_15_minutes(app):
    assert (app.config["LOGIN_MAX_FAILURES_USER"], app.config["LOGIN_MAX_FAILURES_ADDRESS"],
            app.config["LOGIN_FAILURE_WINDOW_MINUTES"]) == (5, 20, 15)


def test_five_wrong_passwords_from_five_addresses_lock_the_username(app, client, world):
    english(client)
    for i in range(5):
        response = attempt(client, "manager", "guess-guess", f"10.0.0.{i + 1}")
        assert response.status_code == 200
        assert "Wrong username or password." in text_of(response)
    assert failures(app, username="manager") == 5

    # the sixth attempt, from yet another address and with the right password, is refused
    response = attempt(client, "Manager", PASSWORD, "10.9.9.9")
    assert response.status_code == 429
    assert REFUSED_TEXT in text_of(response)
    assert logged_in_user_id(client) is None
    assert failures(app, username="manager") == 5  # a refusal is not a failure
    # the page itself still opens, and another user on those addresses logs in
    assert client.get("/login").status_code == 200
    assert attempt(client, "manager2", PASSWORD, "10.0.0.1").status_code == 302


def test_twenty_wrong_from_one_address_across_usernames_lock_the_address(app, world):
    client = app.test_client()
    english(client)
    names = ["treasurer", "member", "auditor.all", "nobody", "bmt.manager"]
    for i in range(20):  # four each: no username reaches its own limit
        assert attempt(client, names[i % 5], f"guess-{i}", "192.0.2.7").status_code == 200
    assert failures(app, address="192.0.2.7") == 20

    response = attempt(client, "manager", PASSWORD, "192.0.2.7")
    assert response.status_code == 429
    assert REFUSED_TEXT in text_of(response)
    assert logged_in_user_id(client) is None
    # the same user from their own address is not locked out
    assert attempt(client, "manager", PASSWORD, "192.0.2.8").status_code == 302


def test_two_app_instances_on_one_database_share_the_count(make_app, world):
    one, two = make_app(), make_app()  # two workers: nothing shared but the database
    clients = [one.test_client(), two.test_client()]
    for i in range(5):
        assert attempt(clients[i % 2], "treasurer", "guess-guess").status_code == 200
    for client in clients:
        assert attempt(client, "treasurer", PASSWORD).status_code == 429
        assert logged_in_user_id(client) is None


def test_a_good_login_before_the_limit_works_and_clears_the_failures(app, world):
    client = app.test_client()
    for _ in range(4):
        assert attempt(client, "member", "guess-guess").status_code == 200
    assert failures(app, username="member") == 4
    assert attempt(client, "member", PASSWORD).status_code == 302
    assert failures(app, username="member") == 0
    client.post("/logout")
    # a fresh allowance of five: four more wrong ones still leave the right one through
    for _ in range(4):
        assert attempt(client, "member", "guess-guess").status_code == 200
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_successes_are_never_counted(app, world):
    client = app.test_client()
    for _ in range(25):  # more than either limit, from one address
        assert attempt(client, "manager", PASSWORD).status_code == 302
        assert client.post("/logout").status_code == 302
    assert failures(app, username="manager") == 0
    assert failures(app, address="10.0.0.1") == 0


def test_failures_older_than_the_window_do_not_count_and_are_pruned(app, world):
    with app.app_context():
        old = utcnow() - timedelta(minutes=16)
        for _ in range(5):
            assert throttle.begin_attempt("manager", "10.0.0.1", now=old) is not None
        db.session.remove()
    assert failures(app, username="manager") == 0
    client = app.test_client()
    assert attempt(client, "manager", "guess-guess").status_code == 200
    with app.app_context():  # the old rows went with the next attempt
        from coop_app.auth.models import LoginFailure
        assert db.session.query(LoginFailure).count() == 1
        db.session.remove()


def test_attempts_at_the_same_moment_check_at_most_five_passwords(app, world):
    """Ten wrong passwords at once (threads, each with its own connection): every attempt
    is recorded and committed before it counts, so at most five reach the password check.
    How many do depends on the interleaving: when all ten are recorded before any counts,
    none is checked (the throttle errs on the side of refusing)."""
    checked = []

    def work(i):
        if throttle.begin_attempt("treasurer", f"10.0.1.{i}") is not None:
            checked.append(i)

    results = run_at_once(app, 10, work)
    assert all(kind == "ok" for kind, _ in results), results
    assert len(checked) <= 5
    assert failures(app, username="treasurer") == len(checked)
