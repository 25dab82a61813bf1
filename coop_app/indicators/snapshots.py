"""The month-end's snapshot of the indicators: each cooperative's figures for the month (and
for the quarter or the year that ends with it) stored as IndicatorSnapshot rows, so that
history does not change when a member later moves category, leaves, or a record is fixed.

A snapshot is written once: a second run of a month stores only the figures missing (a
cooperative added to the run, an indicator added to the catalogue) and replaces nothing
already stored. One computation serves many cooperatives (`snapshot_all`: the figures of
450 cooperatives are a handful of set-based queries per period kind, written in one bulk
insert); the month-end step (`MONTH_END_STEP`) and `flask coop indicator-snapshots` both
come here.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import select

from coop_app.cooperatives.models import utcnow
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.indicators.catalogue import BY_KEY
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import Period, month_end
from coop_app.indicators.queries import live_figures, local_todays
from coop_app.registry import MonthEndStep


@dataclass
class SnapshotRun:
    """What a run stored: `stored` rows written now, `kept` rows found already stored (left
    as they were), for `cooperatives` cooperatives and the period kinds `kinds`."""
    period_end: date
    kinds: list
    cooperatives: int
    stored: int = 0
    kept: int = 0
    by_kind: dict = field(default_factory=dict)  # kind -> rows written now


def _month_end(day):
    return month_end(day.year, day.month)


def _check_ended(cooperative_ids, period_end):
    todays = local_todays(cooperative_ids)
    if any(period_end >= today for today in todays.values()):
        raise DomainError(_l("The month of %(date)s has not ended yet.", date=period_end.isoformat()))


def _existing(cooperative_ids, period):
    s = IndicatorSnapshot.__table__
    rows = db.session.execute(select(s.c.cooperative_id, s.c.indicator, s.c.cut).where(
        s.c.cooperative_id.in_(cooperative_ids), s.c.period_kind == period.kind,
        s.c.period_end == period.end)).all()
    return {tuple(row) for row in rows}


def _insert(rows):
    """Bulk insert; a row another run stored meanwhile is skipped, never replaced."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(IndicatorSnapshot.__table__).on_conflict_do_nothing(), rows)


def snapshot_all(period_end, cooperative_ids=None):
    """Store the figures of the month of `period_end` (any day of it) for `cooperative_ids`
    (default: every cooperative), and of the quarter or year ending with it. The caller
    commits. Returns a SnapshotRun."""
    period_end = _month_end(period_end)
    if cooperative_ids is None:
        from coop_app.cooperatives.models import Cooperative
        cooperative_ids = db.session.execute(select(Cooperative.id)).scalars().all()
    ids = sorted(set(cooperative_ids))
    month = Period.month(period_end.year, period_end.month)
    run = SnapshotRun(period_end, list(month.closes_for), len(ids))
    if not ids:
        return run
    _check_ended(ids, period_end)
    now = utcnow()
    for kind in month.closes_for:
        period = Period.ending(kind, period_end)
        existing = _existing(ids, period)
        rows, seen = [], set()
        for figure in live_figures(ids, period):
            indicator = BY_KEY.get(figure.indicator)
            key = (figure.cooperative_id, figure.indicator, figure.cut)
            if indicator is None or not indicator.snapshot or key in seen:
                continue
            seen.add(key)
            if key in existing:
                run.kept += 1
                continue
            rows.append({"cooperative_id": figure.cooperative_id, "period_kind": kind,
                         "period_end": period.end, "indicator": figure.indicator,
                         "cut": figure.cut, "numerator": int(figure.numerator),
                         "denominator": None if figure.denominator is None else int(figure.denominator),
                         "created_at": now})
        if rows:
            _insert(rows)
        run.by_kind[kind] = len(rows)
        run.stored += len(rows)
    return run


def take_snapshot(cooperative_id, period_end, user_id=None):
    """The snapshot of one cooperative for the month of `period_end`: the month-end step.
    `user_id` (who ran the month-end) is not recorded: a snapshot is the books' figures,
    nobody's entry."""
    return snapshot_all(period_end, [cooperative_id])


def summary(run):
    """One line for the month-end page, in the reader's language."""
    month = format_date(run.period_end, "MMMM yyyy")
    if run.stored == 0 and run.kept:
        return _l("The indicators for %(month)s were already stored; nothing was replaced.",
                  month=month)
    if run.kept:
        return _l("Indicators for %(month)s: %(stored)s figure(s) stored; %(kept)s stored "
                  "before were kept as they were.", month=month, stored=run.stored, kept=run.kept)
    return _l("Indicators for %(month)s: %(stored)s figure(s) stored.", month=month,
              stored=run.stored)


def report_line(run):
    """The command line's line (English, like the other lines of `flask coop month-end`)."""
    kinds = ", ".join(f"{kind} {run.by_kind.get(kind, 0)}" for kind in run.kinds)
    return f"{run.stored} figure(s) stored ({kinds}), {run.kept} already stored kept"


# The indicators' part of the month-end (after the loans' step: the month's provisions and
# arrears are posted before PAR30 and the own capital are read).
MONTH_END_STEP = MonthEndStep("indicators", take_snapshot, summary, report_line)
