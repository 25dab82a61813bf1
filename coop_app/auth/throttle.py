"""The login throttle: failed logins counted in the database, per username and per client
address, so that every worker of every process sees the same count (no Redis needed).

An attempt is recorded as a failure before its password is checked and committed at once,
then counted: of any number of attempts arriving together, at most the limit see a count
within it, however many workers serve them. An attempt over a limit is refused without
checking the password and its row is taken back (a refusal is not a failure); a good
password takes back every failure of its username (the address's failures under other
usernames stay). Successes are never recorded, so nobody is throttled by their own logins.

Each step commits its own rows: a failure must count even though the login answers with
the page again, and other workers must see it at once. The rows are written with plain
statements, which the audit trail does not record; rows older than the window are pruned
as attempts go by.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.auth.models import LoginFailure

FIELD_LENGTH = 64


def normalized_username(username):
    """The username as the login looks it up (and as its failures are counted)."""
    return (username or "").strip().lower()[:FIELD_LENGTH]


def window():
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _count(column, value, since):
    return db.session.execute(select(func.count()).select_from(LoginFailure).where(
        column == value, LoginFailure.at >= since)).scalar_one()


def begin_attempt(username, address, now=None):
    """Record an attempt as a failure and decide whether it may check its password.

    Returns the attempt's row id, or None when the username or the address already had
    its limit of failures within the window (the attempt is then taken back)."""
    now = now or utcnow()
    username, address = normalized_username(username), (address or "-")[:FIELD_LENGTH]
    since = now - window()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    attempt = db.session.execute(
        insert(LoginFailure).values(username=username, address=address, at=now)
        .returning(LoginFailure.id)).scalar_one()
    db.session.commit()
    config = current_app.config
    # This attempt is one of the rows counted: it is refused when there were already as
    # many failures as the limit allows.
    if (_count(LoginFailure.username, username, since) > config["LOGIN_MAX_FAILURES_USER"]
            or _count(LoginFailure.address, address, since) > config["LOGIN_MAX_FAILURES_ADDRESS"]):
        db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt))
        db.session.commit()
        return None
    return attempt


def succeeded(username):
    """A good password: the username's failures (this attempt's row among them) are gone."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.username == normalized_username(username)))
    db.session.commit()


def failures(username=None, address=None, now=None):
    """Failures within the window, of a username or of an address (for tests and support)."""
    since = (now or utcnow()) - window()
    if username is not None:
        return _count(LoginFailure.username, normalized_username(username), since)
    return _count(LoginFailure.address, address, since)
