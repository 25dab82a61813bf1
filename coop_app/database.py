"""Connection behaviour the ledger rules rely on.

SQLite: WAL, synchronous=FULL, a busy timeout, foreign keys on, and transactions we begin
ourselves, so that a write (any request that is not GET/HEAD, every CLI command and service
call outside a request) starts with BEGIN IMMEDIATE and holds the write lock before it reads
a balance.
PostgreSQL uses SELECT ... FOR UPDATE on the rows a service is about to change.
"""
import sqlite3

from flask import has_request_context, request
from sqlalchemy import Integer, any_, bindparam, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from coop_app.extensions import db

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _wants_write():
    if has_request_context():
        return request.method not in READ_METHODS
    return True


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        if type(dbapi_connection).__module__.startswith("psycopg"):
            _plan_with_values(dbapi_connection)
        return
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit is on disk before it is acknowledged, power cut or not (NORMAL in WAL
    # mode may lose the last commits to a power cut; a deposit the treasurer saw saved must stay).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _plan_with_values(dbapi_connection):
    """PostgreSQL: plan every statement with its parameters' values. psycopg prepares a
    statement once it has run five times, and PostgreSQL may then keep a generic plan that
    ignores the values: for the programme page's reads (an array of hundreds of cooperative
    ids, database.in_ids) that plan was five times slower than the one made for the values
    (make bench, indicators). The statements stay prepared (parsed once); only the plan is
    made afresh, which costs a fraction of a millisecond for this app's statements."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode TO force_custom_plan")
    dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _on_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")


def refresh_statistics(session, *tables):
    """After a bulk load (the demo, a member import, a large month-end): PostgreSQL plans by
    the statistics it last gathered, and tables it still thinks small can be joined the
    slowest way until autovacuum catches up. ANALYZE now (only `tables` when named; names
    come from code, never from input). SQLite plans without them (and the tests compare its
    plans), so there nothing is done."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {', '.join(tables)}" if tables else "ANALYZE"))
        session.commit()


def in_ids(column, ids):
    """`column IN (ids)` for a list of ids that may be long (the cooperatives of a programme
    page: hundreds, in several parts of one query). On PostgreSQL it is one array parameter,
    `column = ANY(%s)`, which SQLAlchemy does not render and psycopg does not parse value by
    value; elsewhere the plain IN list."""
    ids = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)
