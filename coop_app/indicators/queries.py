"""Where a cooperative's figures for a period come from: the month-end's snapshots for a
period that has closed, the computations (capital, people, enterprise, skills) for the
current one and for a cooperative that has no snapshot of the period.

A period is closed for a cooperative once its last day is before the first day of the
cooperative's own current month (its local today, cooperatives.clock): at 23:00 WIB on 31
October it is already 1 November in Papua (WIT), so October is closed there and still
current in Java. A closed period read from snapshots stays as the month-end stored it, even
when a member later moved category or left.
"""
from dataclasses import dataclass
from datetime import date, timezone

from sqlalchemy import BigInteger, Date, Integer, String, and_, func, literal, or_, select, union_all

from coop_app.cooperatives.clock import DEFAULT_ZONE, ZONES, utc_now
from coop_app.cooperatives.models import Cooperative
from coop_app.database import in_ids
from coop_app.extensions import db
from coop_app.indicators import capital, enterprise, people, skills
from coop_app.indicators.figures import Figure
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import Period

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


def _rows_select(ids, periods, cut=None, indicators=None):
    """The select of the stored rows of `ids` for any of `periods`, in `cut` and of the
    `indicators` only when given: (tag 0, cooperative, kind, end, indicator, cut,
    numerator, denominator)."""
    s = IndicatorSnapshot.__table__
    ends = {}
    for period in periods:
        ends.setdefault(period.kind, set()).add(period.end)
    # Per kind "kind = ? AND end IN (...)", never a row-value IN (which both databases
    # would scan): with a cut, the covering index (kind, cut, end, ...) answers alone;
    # without, the unique one (cooperative, kind, end, ...).
    periods_wanted = or_(*[and_(s.c.period_kind == kind, s.c.period_end.in_(sorted(days)))
                           for kind, days in sorted(ends.items())])
    query = select(literal(0).label("tag"), s.c.cooperative_id, s.c.period_kind, s.c.period_end,
                   s.c.indicator, s.c.cut, s.c.numerator, s.c.denominator).where(periods_wanted)
    if indicators is not None:
        query = query.where(s.c.indicator.in_(sorted(indicators)))
    if cut is None:
        return query.where(in_ids(s.c.cooperative_id, ids))
    return query.where(s.c.cut == cut, of_cooperatives(s, ids))


def _snapshot_rows(cooperative_ids, periods, cut=None):
    """The stored rows of `cooperative_ids` for any of `periods` (in one query), in `cut`
    only when given: (tag, cooperative, kind, end, indicator, cut, numerator, denominator)."""
    ids = sorted(set(cooperative_ids))
    if not ids or not periods:
        return []
    return db.session.execute(_rows_select(ids, periods, cut)).tuples().all()


def of_cooperatives(s, ids):
    """The cooperatives' rows of a read by cut, as a filter on the covering index's rows:
    "cooperative_id + 0" keeps SQLite (which plans without statistics) from choosing the
    unique index by cooperative instead, and reading every cut of every period of each."""
    return in_ids(s.c.cooperative_id + 0, ids)


def _figure(row):
    return Figure(row[1], row[4], row[5], row[6], row[7])


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
        select(Cooperative.id, Cooperative.time_zone).where(in_ids(Cooperative.id, ids))).all() if ids else []
    now = utc_now().replace(tzinfo=timezone.utc)
    by_zone = {name: now.astimezone(zone).date() for name, zone in ZONES.items()}
    return {coop_id: by_zone.get(zone, by_zone[DEFAULT_ZONE]) for coop_id, zone in zones}


def is_closed(period, today):
    """Whether `period` ended before the month of `today` began (the month-end may have
    stored it)."""
    return period.end < today.replace(day=1)


def sums_of(figures):
    """{indicator: (numerator sum, denominator sum or None)} of figures of one cut: how every
    level above a cooperative adds up (never a mean of ratios)."""
    totals = {}
    for figure in figures:
        numerator, denominator = totals.get(figure.indicator, (0, None))
        if figure.denominator is not None:
            denominator = (denominator or 0) + figure.denominator
        totals[figure.indicator] = (numerator + figure.numerator, denominator)
    return totals


def add_sums(totals, items):
    """`totals` ({indicator: (numerator, denominator)}) with each (indicator, numerator,
    denominator) of `items` added in (as read from the database: int() of its sums); a
    denominator of None adds nothing to it."""
    for key, numerator, denominator in items:
        before_n, before_d = totals.get(key, (0, None))
        if denominator is not None:
            before_d = (before_d or 0) + int(denominator)
        totals[key] = (before_n + int(numerator), before_d)
    return totals


@dataclass(frozen=True)
class Sum:
    """A request for the figures of `cooperative_ids` in `period`, summed by indicator: the
    year-ago column, the baselines, a month of the trend, where only totals are shown.
    `live`: a cooperative with no stored figure of a period closed for it, or for which the
    period is still open, is computed live and added in (as figures_for does); without,
    only the stored figures count (a baseline is a stored period by definition)."""
    period: Period
    cooperative_ids: tuple
    live: bool = True


def _summed(s, request, tag, ids, cut):
    """The database's sums by indicator of one Sum request's stored figures, tagged `tag`."""
    return (select(literal(tag), literal(None, Integer), literal(None, String), literal(None, Date),
                   s.c.indicator, literal(None, String), func.sum(s.c.numerator), func.sum(s.c.denominator))
            .where(s.c.period_kind == request.period.kind, s.c.cut == cut,
                   s.c.period_end == request.period.end, of_cooperatives(s, ids))
            .group_by(s.c.indicator))


def _present(s, request, tag, ids, cut):
    """The cooperatives with stored figures of one Sum request's period, tagged `tag`."""
    return (select(literal(tag), s.c.cooperative_id, literal(None, String), literal(None, Date),
                   literal(None, String), literal(None, String), literal(None, BigInteger),
                   literal(None, BigInteger))
            .where(s.c.period_kind == request.period.kind, s.c.cut == cut,
                   s.c.period_end == request.period.end, of_cooperatives(s, ids))
            .distinct())


def figures_for_periods(cooperative_ids, periods, today=None, cut=None, sums=(), indicators=None):
    """{period: [Figure]} for each of `periods`: for each cooperative, the stored figures of
    a closed period when it has any, else computed live; only the `indicators` (keys) when
    given. Also gives, per period, the ids computed live (`live_ids`), and `.sums[i]`:
    {indicator: (numerator, denominator)} for the i-th Sum request of `sums` (which need a
    `cut`), its stored figures summed by the database.

    The snapshots of every period and every request come in one query; the live
    computations run once per period for the cooperatives that need them, shared by the
    periods' figures and the requests of the same period."""
    todays = local_todays(cooperative_ids, today)
    closed = {period: {c for c, day in todays.items() if is_closed(period, day)} for period in periods}
    if sums and cut is None:
        raise ValueError("summed figures need a cut")
    s = IndicatorSnapshot.__table__
    parts = []
    wanted = [period for period in periods if closed[period]]
    if wanted:
        parts.append(_rows_select(sorted(todays), wanted, cut, indicators))
    # Tags: 0 a cooperative's row; i the sums of request i; -i the cooperatives that have
    # stored figures of request i's period. With `indicators`, a period's own rows no
    # longer tell which cooperatives have it stored: a presence request per period.
    checks = list(sums) + ([Sum(period, tuple(todays)) for period in periods] if indicators is not None else [])
    for tag, request in enumerate(checks, start=1):
        ids = sorted(c for c in set(request.cooperative_ids)
                     if c in todays and is_closed(request.period, todays[c]))
        if not ids:
            continue
        if tag <= len(sums):
            parts.append(_summed(s, request, tag, ids, cut))
        if request.live:
            parts.append(_present(s, request, -tag, ids, cut))
    rows = db.session.execute(parts[0] if len(parts) == 1 else union_all(*parts)).tuples().all() if parts else []
    stored, totals, present = {}, [{} for _request in sums], [set() for _request in checks]
    for row in rows:  # (tag, cooperative, kind, end, indicator, cut, numerator, denominator)
        tag = row[0]
        if tag == 0:
            stored.setdefault((row[2], _day(row[3])), []).append(row)
        elif tag > 0:
            add_sums(totals[tag - 1], [(row[4], row[6], row[7])])
        else:
            present[-tag - 1].add(row[1])
    computed = {}

    def live_of(period, missing):
        """The live figures of `missing` in `period` (in `cut`), computed once."""
        if (period, missing) not in computed:
            computed[(period, missing)] = [f for f in live_figures(missing, period)
                                           if cut is None or f.cut == cut]
        return computed[(period, missing)]

    result, live = {}, {}
    for number, period in enumerate(periods):
        found = [row for row in stored.get((period.kind, period.end), ()) if row[1] in closed[period]]
        has = present[len(sums) + number] if indicators is not None else {row[1] for row in found}
        missing = tuple(sorted(set(todays) - (has & closed[period])))
        result[period] = [_figure(row) for row in found] + [
            f for f in live_of(period, missing) if indicators is None or f.indicator in indicators]
        live[period] = list(missing)
    for number, request in enumerate(sums):
        if request.live:
            missing = tuple(sorted((set(request.cooperative_ids) & set(todays)) - present[number]))
            add_sums(totals[number], ((f.indicator, f.numerator, f.denominator)
                                      for f in live_of(request.period, missing)))
    return FigureSets(result, live, totals)


def _day(value):
    """A period end as read back: a date (SQLite gives the text of a literal's column)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class FigureSets(dict):
    """{period: [Figure]}, with `live_ids[period]`: the cooperatives computed live for it,
    and `sums[i]`: the totals of the i-th Sum request."""

    def __init__(self, figures, live_ids, sums=()):
        super().__init__(figures)
        self.live_ids = live_ids
        self.sums = list(sums)


def figures_for(cooperative_ids, period, today=None, cut=None):
    """The figures of `cooperative_ids` for `period`: from the snapshots for a cooperative
    for which the period is closed and stored, live for the others (the current period, a
    period the month-end has not stored yet)."""
    return figures_for_periods(cooperative_ids, [period], today, cut)[period]
