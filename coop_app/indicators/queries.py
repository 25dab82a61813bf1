"""Where a cooperative's figures for a period come from: the month-end's snapshots for a
period that has closed, the computations (capital, people, enterprise, skills) for the
current one and for a cooperative that has no snapshot of the period.

A period is closed for a cooperative once its last day is before the first day of the
cooperative's own current month (its local today, cooperatives.clock): at 23:00 WIB on 31
October it is already 1 November in Papua (WIT), so October is closed there and still
current in Java. A closed period read from snapshots stays as the month-end stored it, even
when a member later moved category or left.
"""
from datetime import timezone

from sqlalchemy import and_, or_, select

from coop_app.cooperatives.clock import DEFAULT_ZONE, ZONES, utc_now
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.indicators import capital, enterprise, people, skills
from coop_app.indicators.figures import Figure
from coop_app.indicators.models import IndicatorSnapshot

# The modules that compute figures; each has figures(cooperative_ids, period) and
# behind(indicator, cut, cooperative_ids, period).
COMPUTERS = (capital, people, enterprise, skills)


def live_figures(cooperative_ids, period):
    """Every figure of `cooperative_ids` for `period`, computed now from the books and the
    records."""
    ids = sorted(set(cooperative_ids))
    if not ids:
        return []
    return [figure for computer in COMPUTERS for figure in computer.figures(ids, period)]


def _snapshot_rows(cooperative_ids, periods, cut=None):
    """The stored rows of `cooperative_ids` for any of `periods` (in one query), in `cut`
    only when given."""
    ids = sorted(set(cooperative_ids))
    if not ids or not periods:
        return []
    s = IndicatorSnapshot.__table__
    ends = {}
    for period in periods:
        ends.setdefault(period.kind, set()).add(period.end)
    # Per kind "kind = ? AND end IN (...)", never a row-value IN (which both databases
    # would scan): with a cut, the covering index (kind, cut, end, ...) answers alone;
    # without, the unique one (cooperative, kind, end, ...).
    periods_wanted = or_(*[and_(s.c.period_kind == kind, s.c.period_end.in_(sorted(days)))
                           for kind, days in sorted(ends.items())])
    query = select(s.c.cooperative_id, s.c.period_kind, s.c.period_end, s.c.indicator, s.c.cut,
                   s.c.numerator, s.c.denominator).where(periods_wanted)
    if cut is None:
        query = query.where(s.c.cooperative_id.in_(ids))
    else:
        query = query.where(s.c.cut == cut, of_cooperatives(s, ids))
    return db.session.execute(query).tuples().all()


def of_cooperatives(s, ids):
    """The cooperatives' rows of a read by cut, as a filter on the covering index's rows:
    "cooperative_id + 0" keeps SQLite (which plans without statistics) from choosing the
    unique index by cooperative instead, and reading every cut of every period of each."""
    return (s.c.cooperative_id + 0).in_(ids)


def _figure(row):
    return Figure(row[0], row[3], row[4], row[5], row[6])


def stored_figures(cooperative_ids, period, cut=None):
    """The figures the month-end stored for `cooperative_ids` and `period` (every cut, or
    `cut` only)."""
    return [_figure(row) for row in _snapshot_rows(cooperative_ids, [period], cut)]


def local_todays(cooperative_ids, today=None):
    """{cooperative id: its today}: `today` for all when given (a date, or such a dict
    already made), else each one's local date (one query for the time zones; one clock
    reading per zone)."""
    ids = sorted(set(cooperative_ids))
    if isinstance(today, dict):
        return today
    if today is not None:
        return dict.fromkeys(ids, today)
    zones = db.session.execute(
        select(Cooperative.id, Cooperative.time_zone).where(Cooperative.id.in_(ids))).all() if ids else []
    now = utc_now().replace(tzinfo=timezone.utc)
    by_zone = {name: now.astimezone(zone).date() for name, zone in ZONES.items()}
    return {coop_id: by_zone.get(zone, by_zone[DEFAULT_ZONE]) for coop_id, zone in zones}


def is_closed(period, today):
    """Whether `period` ended before the month of `today` began (the month-end may have
    stored it)."""
    return period.end < today.replace(day=1)


def figures_for_periods(cooperative_ids, periods, today=None, cut=None, stored_only=()):
    """{period: [Figure]} for each of `periods`: for each cooperative, the stored figures of
    a closed period when it has any, else computed live. The snapshots of every period (and
    of the `stored_only` periods, never computed: `.stored[period]`) come in one query; the
    live computations run once per period for all the cooperatives that need them. Also
    gives, per period, the ids computed live (`live_ids`)."""
    todays = local_todays(cooperative_ids, today)
    closed = {period: {c for c, day in todays.items() if is_closed(period, day)} for period in periods}
    wanted = [period for period in periods if closed[period]] + list(stored_only)
    rows = _snapshot_rows(todays, wanted, cut)
    stored = {}
    for row in rows:  # (cooperative, kind, end, indicator, cut, numerator, denominator)
        stored.setdefault((row[1], row[2]), []).append(row)
    result, live = {}, {}
    for period in periods:
        found = [row for row in stored.get((period.kind, period.end), ()) if row[0] in closed[period]]
        missing = sorted(set(todays) - {row[0] for row in found})
        figures = [_figure(row) for row in found]
        computed = live_figures(missing, period)
        figures += [f for f in computed if cut is None or f.cut == cut]
        result[period] = figures
        live[period] = missing
    only = {period: [_figure(row) for row in stored.get((period.kind, period.end), ())]
            for period in stored_only}
    return FigureSets(result, live, only)


class FigureSets(dict):
    """{period: [Figure]}, with `live_ids[period]`: the cooperatives computed live for it,
    and `stored[period]`: the figures of a stored-only period."""

    def __init__(self, figures, live_ids, stored=None):
        super().__init__(figures)
        self.live_ids = live_ids
        self.stored = stored or {}


def figures_for(cooperative_ids, period, today=None, cut=None):
    """The figures of `cooperative_ids` for `period`: from the snapshots for a cooperative
    for which the period is closed and stored, live for the others (the current period, a
    period the month-end has not stored yet)."""
    return figures_for_periods(cooperative_ids, [period], today, cut)[period]
