"""What the indicator pages, the XLSX export and the PDF report show, for a set of
cooperatives, a period and a cut: built by `build_report` from the snapshots (closed months)
or computed live (the current month), rolled up by summing numerators and denominators.

The columns of a row: "now" is the period itself; "a year ago" the same period twelve months
earlier; "baseline" (indikator keadaan awal) is, for each cooperative, its earliest stored
snapshot of the same period kind (its first month, quarter or year in the programme's
records), summed over the cooperatives: a village that entered in 2024 and one that entered
in 2026 each bring their own starting point. The trend is the month series of the
`trend_months` months ending at the period's end, from the month snapshots (a month before
a cooperative's first snapshot counts nothing for it), the current month computed live.
All the snapshot figures a report needs come in two queries: one for the trend and each
cooperative's first period, already summed by SQL; one with each cooperative's figures now
(for the tables by region and village) beside the sums of the year ago and the baselines.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import BigInteger, Integer, String, func, literal, select, union_all

from coop_app.cooperatives.models import Cooperative, VillageProfile
from coop_app.database import in_ids
from coop_app.extensions import db
from coop_app.indicators import income, queries, rollup
from coop_app.indicators.catalogue import INDICATORS, MEAN, SHARE, Indicator
from coop_app.indicators.figures import ALL
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import MONTH, Period, add_months
from coop_app.members.models import Household


class Value(NamedTuple):
    """A figure at some level: sums of numerators and denominators. `suppressed`: fewer
    households than the panel minimum stand behind it (programme views hide it). Immutable,
    and a tuple: a programme page makes one per village and indicator."""
    numerator: int
    denominator: int | None = None
    suppressed: bool = False

    @property
    def ratio(self):
        """numerator / denominator as a Decimal, or None (no denominator, or zero)."""
        if self.denominator in (None, 0):
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)


@dataclass
class Row:
    """One indicator: now, at baseline, a year ago."""
    indicator: Indicator
    now: Value | None
    baseline: Value | None
    year_ago: Value | None


@dataclass
class Group:
    """One line of the table by region (or cohort, or type): a kabupaten, a village..."""
    key: str  # a region code, a cohort year, a type; "" for the unknown
    label: str
    cooperative_ids: list
    values: dict  # indicator key -> Value


@dataclass
class Report:
    cooperatives: list
    period: Period
    cut: str
    group_by: str
    rows: list  # Row, in catalogue order
    groups: list  # Group, by group_by, sorted by label
    villages: list  # Group, one per cooperative
    trend: dict = field(default_factory=dict)  # indicator key -> [(Period, Value)], oldest first
    income: object = None  # indicators.income.IncomePanel for the K4 household panel
    coverage: dict = field(default_factory=dict)  # households, surveyed, panel, profiles...
    live: bool = False  # computed now (the current period), not read from snapshots
    live_cooperatives: list = field(default_factory=list)  # ids whose "now" was computed live
    suppress: bool = True  # a programme view: K4's small cells withheld
    baselines: dict = field(default_factory=dict)  # cooperative id -> its baseline Period

    def ranked(self, indicator_key):
        """The villages by `indicator_key`, highest first: by the ratio for a share or a
        mean, by the figure itself otherwise; villages without it (or suppressed) last, in
        the order of their names."""
        indicator = next(i for i in INDICATORS if i.key == indicator_key)

        def sort_key(group):
            value = group.values.get(indicator_key)
            if value is None or value.suppressed:
                return (1, 0, group.label.lower())
            figure = value.ratio if indicator.unit in (SHARE, MEAN) else Decimal(value.numerator)
            if figure is None:
                return (1, 0, group.label.lower())
            return (0, -figure, group.label.lower())
        return sorted(self.villages, key=sort_key)


def build_report(cooperatives, period, cut=ALL, group_by="kabupaten", today=None,
                 trend_months=24, suppress=True, trend_indicators=None, village_indicators=None):
    """The Report of `cooperatives` (Cooperative rows) for `period` in `cut`, grouped by
    `group_by` (rollup.LEVELS). `today`: one date for all (else each cooperative's local
    today decides what is current). `suppress`: a programme view (K4's cells of fewer than
    income.PANEL_MIN units withheld); a cooperative's own page passes False.
    `trend_indicators`: the keys whose trend is wanted (the pages chart a few); None: all.
    `village_indicators`: the keys the tables by region and village need (a page shows a
    few columns; the XLSX all); None: all. The rows of every indicator are there always."""
    cooperatives = list(cooperatives)
    ids = sorted({cooperative.id for cooperative in cooperatives})
    todays = queries.local_todays(ids, today)
    year_ago = period.year_before()
    months = [Period.ending(MONTH, add_months(period.end, -back))
              for back in range(trend_months - 1, -1, -1)]
    # Only "now" is needed cooperative by cooperative (the tables by region and village);
    # the year ago, each cooperative's baseline and the months of the trend are totals, summed
    # by the database from the snapshots (a month not closed everywhere yet is a Sum request
    # too: stored for the cooperatives that closed it, live for the others).
    open_months = [month for month in months
                   if any(not queries.is_closed(month, day) for day in todays.values())]
    charted = [i for i in INDICATORS if trend_indicators is None or i.key in trend_indicators]
    stored_trend, firsts = _history(ids, period.kind, [m.end for m in months if m not in open_months],
                                    cut, [i.key for i in charted])
    starts = {}
    for coop_id, end in firsts.items():
        starts.setdefault(Period.ending(period.kind, end), []).append(coop_id)
    requests = ([queries.Sum(year_ago, tuple(ids))]
                + [queries.Sum(base, tuple(coop_ids), live=False) for base, coop_ids in sorted(starts.items())]
                + [queries.Sum(month, tuple(ids)) for month in open_months if month != period])
    if village_indicators is not None:  # "now" of every indicator as a total too
        requests.append(queries.Sum(period, tuple(ids)))
    sets = queries.figures_for_periods(ids, [period], todays, cut, sums=requests,
                                       indicators=village_indicators)
    baseline = {}
    for totals in sets.sums[1:1 + len(starts)]:
        queries.add_sums(baseline, ((key, n, d) for key, (n, d) in totals.items()))

    def total(sums):
        return {key: rollup.value(n, d, key, suppress) for key, (n, d) in sums.items()}

    now = rollup.values(sets[period], suppress) if village_indicators is None else total(sets.sums[-1])
    ago, base = total(sets.sums[0]), total(baseline)
    rows = [Row(indicator, now.get(indicator.key), base.get(indicator.key), ago.get(indicator.key))
            for indicator in INDICATORS]
    open_values = {month.end: total(sums) for month, sums in
                   zip([m for m in open_months if m != period], sets.sums[1 + len(starts):])}
    if period in open_months:
        open_values[period.end] = now
    trend = {}
    for indicator in charted:
        series = []
        for month in months:
            if month.end in open_values:
                series.append((month, open_values[month.end].get(indicator.key)))
            else:
                sums = stored_trend.get((month.end, indicator.key))
                series.append((month, None if sums is None else
                               rollup.value(sums[0], sums[1], indicator.key, suppress)))
        trend[indicator.key] = series
    panel = income.panel(ids, period, cut)
    live_ids = sets.live_ids[period]
    return Report(
        cooperatives=cooperatives, period=period, cut=cut, group_by=group_by, rows=rows,
        groups=rollup.rollup(cooperatives, sets[period], group_by, suppress=suppress),
        villages=rollup.rollup(cooperatives, sets[period], rollup.VILLAGE, suppress=suppress),
        trend=trend, income=panel, coverage=_coverage(ids, period, panel),
        live=bool(live_ids), live_cooperatives=live_ids, suppress=suppress,
        baselines={coop_id: Period.ending(period.kind, end) for coop_id, end in firsts.items()})


def _history(ids, kind, trend_ends, cut, keys):
    """In one query: {(month end, indicator): (numerator sum, denominator sum)} of the month
    snapshots of `ids` at `trend_ends` in `cut` for the indicators `keys`, summed by the
    database, and {cooperative id: the end of its earliest snapshot of `kind`} (its baseline)."""
    if not ids:
        return {}, {}
    s = IndicatorSnapshot.__table__
    c = Cooperative.__table__
    trend = (select(s.c.period_end, s.c.indicator, func.sum(s.c.numerator).label("numerator"),
                    func.sum(s.c.denominator).label("denominator"),
                    literal(None, Integer).label("cooperative_id"))
             .where(s.c.period_kind == MONTH, s.c.cut == cut, s.c.period_end.in_(trend_ends),
                    s.c.indicator.in_(keys), queries.of_cooperatives(s, ids))
             .group_by(s.c.period_end, s.c.indicator))
    # Each cooperative's first period: one seek of the unique index's (cooperative, kind,
    # end) prefix per cooperative.
    first_end = (select(func.min(s.c.period_end))
                 .where(s.c.cooperative_id == c.c.id, s.c.period_kind == kind)
                 .scalar_subquery())
    firsts = select(first_end, literal(None, String), literal(None, BigInteger),
                    literal(None, BigInteger), c.c.id).where(in_ids(c.c.id, ids))
    trend_sums, first_ends = {}, {}
    for row in db.session.execute(union_all(trend, firsts)).all():
        if row.cooperative_id is not None:
            if row.period_end is not None:
                first_ends[row.cooperative_id] = row.period_end
        else:
            trend_sums[(row.period_end, row.indicator)] = (
                int(row.numerator), None if row.denominator is None else int(row.denominator))
    return trend_sums, first_ends


def baseline_periods(ids, kind):
    """{cooperative id: its baseline Period of `kind`}: the period of its earliest stored
    snapshot of that kind, the one the baseline column sums for it (as `_history` finds
    it). A cooperative with no snapshot of the kind is absent. The drill-down behind a
    baseline cell reads the periods here, never from its URL."""
    if not ids:
        return {}
    s = IndicatorSnapshot.__table__
    c = Cooperative.__table__
    # One seek of the unique index's (cooperative, kind, end) prefix per cooperative.
    first_end = (select(func.min(s.c.period_end))
                 .where(s.c.cooperative_id == c.c.id, s.c.period_kind == kind)
                 .scalar_subquery())
    rows = db.session.execute(select(c.c.id, first_end.label("first_end"))
                              .where(c.c.id.in_(sorted(set(ids))))).all()
    return {coop_id: Period.ending(kind, end) for coop_id, end in rows if end is not None}


def _coverage(ids, period, panel):
    """How much of the programme the figures rest on: households with a family card,
    households surveyed by t, the panel's households, cooperatives with a village profile
    for t's year (the counts in one query)."""
    if not ids:
        return {"cooperatives": 0, "households": 0, "surveyed": 0, "panel": panel.households,
                "profiles": 0}
    households = select(func.count(Household.id)).where(in_ids(Household.cooperative_id, ids)).scalar_subquery()
    profiles = (select(func.count(func.distinct(VillageProfile.cooperative_id)))
                .where(in_ids(VillageProfile.cooperative_id, ids), VillageProfile.year == period.end.year)
                .scalar_subquery())
    counted = db.session.execute(select(households, income.surveyed_select(ids, period.end), profiles)).one()
    return {"cooperatives": len(ids), "households": counted[0], "surveyed": counted[1],
            "panel": panel.households, "profiles": counted[2]}
