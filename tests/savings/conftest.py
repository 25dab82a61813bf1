"""Savings fixtures: the savers' world of tests/savings/helpers.py (members of KSP-A and
BMT-C, a second member user), and a service-layer context over it."""
import pytest
from flask import g
from flask_babel import force_locale

from coop_app.extensions import db
from tests.savings.helpers import build_savers


@pytest.fixture
def savers(app):
    with app.app_context():
        return build_savers()


@pytest.fixture
def sctx(app, savers):
    """A service-layer context over the savers' world; messages read in English."""
    with app.app_context(), force_locale("en"):
        g.actor_id = None
        yield savers
        db.session.rollback()
