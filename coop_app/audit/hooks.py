"""Writes the audit trail from SQLAlchemy's flush, so no service can forget it.

Journal tables are not audited here: they are insert-only and each entry already records
who posted it and when; the audit trail itself is not audited either.
"""
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_app_context
from sqlalchemy import event, inspect

from coop_app.cooperatives.models import utcnow
from coop_app.audit.models import AuditLog

# Journal lines and indicator snapshots are never changed once written (triggers, and the
# month-end inserts only what is missing): their rows are their own record.
NOT_AUDITED = {"journal_entries", "journal_lines", "audit_log", "indicator_snapshots"}
REDACTED = {"password_hash"}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(obj):
    """All column values of `obj` as they stand (an inserted or a deleted row)."""
    state = inspect(obj)
    return {
        attr.key: "***" if attr.key in REDACTED else _plain(state.attrs[attr.key].value)
        for attr in state.mapper.column_attrs
    }


def _changed(obj):
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            key = attr.key
            if key in REDACTED:
                before[key] = after[key] = "***"
                continue
            before[key] = _plain(hist.deleted[0]) if hist.deleted else None
            after[key] = _plain(hist.added[0]) if hist.added else None
    return before, after


def current_actor_id():
    if has_app_context():
        return g.get("actor_id")
    return None


def _row(obj, action, before, after):
    table = obj.__table__.name
    coop_id = getattr(obj, "cooperative_id", None)
    if table == "cooperatives":
        coop_id = obj.id
    return {
        "cooperative_id": coop_id,
        "actor_id": current_actor_id(),
        "at": utcnow(),
        "action": action,
        "table_name": table,
        "row_id": getattr(obj, "id", None),
        "before": before,
        "after": after,
    }


def _audited(obj):
    table = getattr(obj, "__table__", None)
    return table is not None and table.name not in NOT_AUDITED


def write_audit_rows(session, flush_context):
    rows = []
    for obj in session.new:
        if _audited(obj):
            rows.append(_row(obj, "insert", None, _snapshot(obj)))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changed(obj)
            if after:
                rows.append(_row(obj, "update", before, after))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(_row(obj, "delete", _snapshot(obj), None))
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def register(session_class):
    # create_app runs once per app, and tests build many apps in one process: one listener,
    # or every change would be audited once per app ever created.
    if not event.contains(session_class, "after_flush", write_audit_rows):
        event.listen(session_class, "after_flush", write_audit_rows)
