"""Where a cooperative stands with its month-ends and its period close, read-only: whether
last month's month-end has run, how many ended months the books still hold open, and
which cooperatives are behind (for the administrator's and the auditor's home pages).

A month-end "has run" for a month when the loans' step recorded its run for that month's
last day (it records one even when nothing changed, whether started from the page or by
`flask coop month-end`) or a month-end job of that month finished. "Today" is each
cooperative's own date (cooperatives/clock.py): in SQL, a CASE over its time zone.
"""
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, case, exists, func, or_, select

from coop_app.closing.models import DONE, MonthEndJob
from coop_app.cooperatives.clock import DEFAULT_ZONE, ZONES, local_today
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import closed_through
from coop_app.loans.models import LoanMonthEndRun


def last_month_end(today: date) -> date:
    """The last day of the month before `today`'s."""
    return today.replace(day=1) - timedelta(days=1)


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier`'s month to `later`'s (0 for the same month)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _done(cooperative_id, period_end):
    """A clause: the month-end of `period_end` has run for the cooperative (columns or values)."""
    run = exists().where(LoanMonthEndRun.cooperative_id == cooperative_id,
                         LoanMonthEndRun.period_end == period_end)
    job = exists().where(MonthEndJob.cooperative_id == cooperative_id,
                         MonthEndJob.period_end == period_end, MonthEndJob.status == DONE)
    return or_(run, job)


def month_end_done(cooperative_id, period_end) -> bool:
    return bool(db.session.execute(select(_done(cooperative_id, period_end))).scalar())


def local_last_month_end_column():
    """Per cooperative (in a select over Cooperative), the last day of the month before its
    own today."""
    zones = {zone: last_month_end(local_today_in(zone)) for zone in ZONES}
    return case(*[(Cooperative.time_zone == zone, day) for zone, day in zones.items()],
                else_=zones[DEFAULT_ZONE])


def local_today_in(zone):
    """Today in a time zone (WIB, WITA or WIT)."""
    return local_today(SimpleNamespace(time_zone=zone))


def local_today_column():
    """Per cooperative (in a select over Cooperative), its own today."""
    days = {zone: local_today_in(zone) for zone in ZONES}
    return case(*[(Cooperative.time_zone == zone, day) for zone, day in days.items()],
                else_=days[DEFAULT_ZONE])


def month_end_behind_condition():
    """A clause over Cooperative: last month's month-end has not run (a cooperative founded
    after that month has none to run)."""
    period_end = local_last_month_end_column()
    return and_(~_done(Cooperative.id, period_end),
                or_(Cooperative.founded_on.is_(None), Cooperative.founded_on <= period_end))


def cooperatives_behind_query():
    """The cooperatives whose last month-end has not run, by code."""
    return select(Cooperative).where(month_end_behind_condition()).order_by(Cooperative.code)


def months_to_close(cooperative, today):
    """(how many ended months are still open in the books, the first of them or None): from
    the month after the last close (or, before any close, the month of the first entry) to
    last month."""
    last = last_month_end(today)
    closed = closed_through(cooperative.id)
    if closed is not None:
        first = closed + timedelta(days=1)
    else:
        first = db.session.execute(select(func.min(JournalEntry.entry_date)).where(
            JournalEntry.cooperative_id == cooperative.id)).scalar()
        if first is None:
            return 0, None
        first = first.replace(day=1)
    if first > last:
        return 0, None
    return months_between(first, last) + 1, first
