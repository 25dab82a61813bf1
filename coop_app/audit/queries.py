"""The audit trail's queries, for its page and any other reader (a JSON API): plain
arguments in, a SQLAlchemy select out."""
from datetime import datetime, time, timedelta

from flask_babel import to_utc
from sqlalchemy import select

from coop_app.audit.hooks import NOT_AUDITED
from coop_app.audit.models import AuditLog
from coop_app.extensions import db


def audited_tables():
    """The tables whose audit rows belong to a cooperative (a fixed list: no scan of the trail)."""
    return sorted(name for name, table in db.metadata.tables.items()
                  if name not in NOT_AUDITED and ("cooperative_id" in table.c or name == "cooperatives"))


def _utc(day):
    """The UTC instant (naive, as stored) at which `day` starts in the deployment's time zone."""
    return to_utc(datetime.combine(day, time.min))


def audit_log_query(cooperative_id, table=None, date_from=None, date_to=None):
    """A cooperative's audit rows, newest first: of one table, and from and to a day (both
    included, in the deployment's time zone) when given."""
    query = (select(AuditLog).where(AuditLog.cooperative_id == cooperative_id)
             .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    if table:
        query = query.where(AuditLog.table_name == table)
    if date_from:
        query = query.where(AuditLog.at >= _utc(date_from))
    if date_to:
        query = query.where(AuditLog.at < _utc(date_to + timedelta(days=1)))
    return query
