"""Shared helpers of the enterprise report, closing, training and assistance tests: the
village facilitator (pendamping) of KSP-A, whom the common world does not hold, and row
counts read back."""
from sqlalchemy import func, select

from coop_app.auth import service as users
from coop_app.extensions import db
from tests.conftest import PASSWORD


def add_pendamping(app, world, username="pendamping"):
    """A pendamping of KSP-A (a cooperative role: the programme's village facilitator)."""
    with app.app_context():
        user = users.create_user(username, "Pendamping Desa", PASSWORD)
        users.grant_role(user.id, "pendamping", cooperative_id=world.ksp_id)
        db.session.commit()
        return user.id


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def count_in(app, model):
    with app.app_context():
        return count(model)
