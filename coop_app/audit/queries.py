"""The audit trail's queries, for its page and any other reader (a JSON API): plain
arguments in, a SQLAlchemy select out."""
from datetime import date, datetime, time, timedelta

from flask_babel import to_utc
from sqlalchemy import and_, false, or_, select

from coop_app.audit.hooks import NOT_AUDITED
from coop_app.audit.models import AuditLog
from coop_app.auth.models import User
from coop_app.extensions import db


def audited_tables():
    """The tables whose audit rows belong to a cooperative (a fixed list: no scan of the trail)."""
    return sorted(name for name, table in db.metadata.tables.items()
                  if name not in NOT_AUDITED and ("cooperative_id" in table.c or name == "cooperatives"))


def _utc(day):
    """The UTC instant (naive, as stored) at which `day` starts in the deployment's time zone,
    or None for a day past the calendar's ends (before or after every row)."""
    try:
        return to_utc(datetime.combine(day, time.min))
    except OverflowError:  # 0001-01-01 in Jakarta starts before datetime.min in UTC
        return None


SYSTEM = "system"  # the actor filter's value for rows no person wrote (set-up, batch jobs)


def audit_log_query(cooperative_id, table=None, date_from=None, date_to=None, actor=None,
                    records=None):
    """A cooperative's audit rows, newest first: of one table, by one actor (a user's id, or
    SYSTEM), of some records ({table: [row ids]}: a record filter that found nothing is {},
    no rows) and from and to a day (both included, in the deployment's time zone) when given."""
    query = (select(AuditLog).where(AuditLog.cooperative_id == cooperative_id)
             .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    if table:
        query = query.where(AuditLog.table_name == table)
    if actor == SYSTEM:
        query = query.where(AuditLog.actor_id.is_(None))
    elif actor:
        query = query.where(AuditLog.actor_id == int(actor))
    if records is not None:
        query = query.where(or_(false(), *[
            and_(AuditLog.table_name == name, AuditLog.row_id.in_(ids))
            for name, ids in records.items() if ids]))
    start = _utc(date_from) if date_from else None
    if start is not None:
        query = query.where(AuditLog.at >= start)
    end = _utc(date_to + timedelta(days=1)) if date_to and date_to < date.max else None
    if end is not None:
        query = query.where(AuditLog.at < end)
    return query


def actors(cooperative_id):
    """[(user id, full name)] of everyone who changed this cooperative's data, by name."""
    query = (select(User.id, User.full_name)
             .where(User.id.in_(select(AuditLog.actor_id).where(AuditLog.cooperative_id == cooperative_id)
                                .distinct()))
             .order_by(User.full_name, User.id))
    return [tuple(row) for row in db.session.execute(query)]
