"""Health checks for a process supervisor or a load balancer: /healthz (the process answers)
and /readyz (the database answers and its schema is the migrations' head). No login, no
throttle, and nothing in the answer but a status and a short reason."""
import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from coop_app.config import BASE_DIR
from coop_app.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
HEADS = "coop_migration_heads"


@bp.route("/healthz")
def healthz():
    return _answer(200, "ok")


@bp.route("/readyz")
def readyz():
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        log.warning("readyz: the database does not answer", exc_info=True)
        return _answer(503, "unavailable", "database unreachable")
    if current != migration_heads():
        log.warning("readyz: database at %s, migrations at %s", sorted(current),
                    sorted(migration_heads()))
        return _answer(503, "unavailable", "database schema is not at the migrations' head")
    return _answer(200, "ok")


def migration_heads():
    """The head revision(s) of migrations/versions, read once per app (the code that serves
    is the code that was started)."""
    heads = current_app.extensions.get(HEADS)
    if heads is None:
        heads = set(ScriptDirectory(str(BASE_DIR / "migrations")).get_heads())
        current_app.extensions[HEADS] = heads
    return heads


def _answer(status, word, reason=None):
    body = {"status": word} if reason is None else {"status": word, "reason": reason}
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
