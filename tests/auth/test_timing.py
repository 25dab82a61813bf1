"""Usernames cannot be told by the time a login takes: an unknown or inactive user is
checked against a dummy hash made with the configured method, as slow as a wrong password."""
import statistics
import time

from coop_app.auth import service
from coop_app.config import ProductionConfig
from coop_app.extensions import db


def median_seconds(call, times=5):
    call()  # the first call of a process makes the dummy hash
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        assert call() is None
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def test_unknown_inactive_and_wrong_password_take_as_long(make_app):
    app = make_app(PASSWORD_HASH_METHOD=ProductionConfig.PASSWORD_HASH_METHOD)
    with app.app_context():
        service.create_user("strong.hash", "Strong Hash", "long-enough-pw")
        service.create_user("gone.user", "Gone User", "long-enough-pw").active = False
        db.session.commit()

        wrong = median_seconds(lambda: service.authenticate("strong.hash", "not-the-password"))
        unknown = median_seconds(lambda: service.authenticate("no.such.user", "not-the-password"))
        inactive = median_seconds(lambda: service.authenticate("gone.user", "long-enough-pw"))
        db.session.remove()
    assert wrong > 0.01  # the production scrypt really ran
    for other in (unknown, inactive):
        assert 1 / 3 < other / wrong < 3, (wrong, unknown, inactive)
