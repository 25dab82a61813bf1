"""Connection behaviour the ledger rules rely on.

SQLite: WAL, synchronous=FULL, a busy timeout, foreign keys on, and transactions we begin
ourselves, so that a write (any request that is not GET/HEAD, every CLI command and service
call outside a request) starts with BEGIN IMMEDIATE and holds the write lock before it reads
a balance.
PostgreSQL uses SELECT ... FOR UPDATE on the rows a service is about to change.
"""
import sqlite3

from flask import has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _wants_write():
    if has_request_context():
        return request.method not in READ_METHODS
    return True


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
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
