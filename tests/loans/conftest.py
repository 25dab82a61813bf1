"""The loan tests' worlds: `lw`, the borrowers of tests/loans/factory.py in a service-layer
context; `lworld`, the loan pages' world of tests/loans/pages.py (member logins, loans in
each state)."""
import pytest
from flask import g
from flask_babel import force_locale

from coop_app.extensions import db
from tests.loans.factory import build_borrowers
from tests.loans.pages import build_loan_world


@pytest.fixture
def lw(app):
    """Service-layer context over the borrowers' world; messages read in English."""
    with app.app_context(), force_locale("en"):
        g.actor_id = None
        yield build_borrowers()
        db.session.rollback()


@pytest.fixture
def lworld(app):
    with app.app_context():
        return build_loan_world()
