"""/healthz and /readyz: no login, not throttled, a status and a short reason only."""
import pytest

from coop_app.main.health import HEADS

NOWHERE = "sqlite:////nonexistent-directory/coop.db"


def test_healthz_answers_ok_without_login(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_answers_ok_on_a_migrated_database(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok"}


def test_readyz_is_503_when_the_code_has_a_migration_the_database_lacks(app, client):
    app.extensions[HEADS] = {"9999_not_applied_yet"}  # the code of a newer release
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "unavailable",
                           "reason": "database schema is not at the migrations' head"}


def test_readyz_is_503_on_an_empty_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["reason"] == "database schema is not at the migrations' head"


@pytest.mark.parametrize("url", [NOWHERE, "postgresql+psycopg://nobody:secret@127.0.0.1:1/coop"])
def test_readyz_is_503_when_the_database_does_not_answer_and_says_nothing_more(make_app, url):
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "unavailable", "reason": "database unreachable"}
    assert client.get("/healthz").status_code == 200  # the process itself is up


def test_health_checks_do_not_send_a_logged_in_user_anywhere(client, world, auth):
    auth.login("treasurer")
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ok"}
