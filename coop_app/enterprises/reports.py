"""An enterprise's monthly or quarterly reports: turnover, costs and net income, the people
working in it at the period's end by kind and gender, where it sells and its permits.

A report covers one calendar month or one quarter, named by its year and number; its first
and last days are worked out here (the enterprises package sits below indicators, so it
keeps its own two date helpers). The periods of one enterprise never overlap: a month inside
a reported quarter, or a quarter holding a reported month, would count the same trade twice
in the programme's figures."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.cooperatives.service import today_of
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.enterprises.models import (REPORT_MONTH, REPORT_PERIODS, REPORT_QUARTER,
                                         WORKER_COLUMNS, Enterprise, EnterpriseReport)
from coop_app.money import MAX_AMOUNT

MAX_PEOPLE = 1000  # of one kind and gender in a village business: a typo guard
FIRST_YEAR = 2000
MONEY_FIELDS = ("turnover", "costs")
FLAGS = ("sells_local", "sells_online", "sells_export", "has_nib", "has_pirt", "has_halal")


def month_bounds(year, month):
    """The first and last day of a calendar month."""
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), following - timedelta(days=1)


def quarter_bounds(year, quarter):
    """The first and last day of a quarter (1: January to March ... 4: October to December)."""
    return month_bounds(year, 3 * quarter - 2)[0], month_bounds(year, 3 * quarter)[1]


@dataclass
class ReportData:
    period_kind: str
    year: int
    month: int | None = None
    quarter: int | None = None
    turnover: Decimal = Decimal(0)
    costs: Decimal = Decimal(0)
    # people working at the period's end: {"owner_m": 1, "family_f": 2, ...} (WORKER_COLUMNS)
    workers: dict = field(default_factory=dict)
    sells_local: bool = True
    sells_online: bool = False
    sells_export: bool = False
    has_nib: bool = False
    has_pirt: bool = False
    has_halal: bool = False


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _period(data: ReportData, today):
    """(kind, first day, last day) of the period `data` names, or the field that is wrong."""
    if data.period_kind not in REPORT_PERIODS:
        raise InvalidField("period_kind", _l("Choose a month or a quarter."))
    if not _whole(data.year) or not FIRST_YEAR <= data.year <= today.year:
        raise InvalidField("year", _l("The year is from %(first)d to %(last)d.", first=FIRST_YEAR,
                                      last=today.year))
    if data.period_kind == REPORT_MONTH:
        if not _whole(data.month) or not 1 <= data.month <= 12:
            raise InvalidField("month", _l("Choose the month."))
        start, end = month_bounds(data.year, data.month)
        where = "month"
    else:
        if not _whole(data.quarter) or not 1 <= data.quarter <= 4:
            raise InvalidField("quarter", _l("Choose the quarter."))
        start, end = quarter_bounds(data.year, data.quarter)
        where = "quarter"
    if start > today:
        raise InvalidField(where, _l("A report is for a period that has begun: not one that "
                                     "starts after today."))
    return data.period_kind, start, end, where


def _amount(name, value):
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidField(name, _l("That is not an amount."))
    if value < 0:
        raise InvalidField(name, _l("The amount cannot be negative."))
    if value > MAX_AMOUNT:
        raise InvalidField(name, _l("The amount is larger than any single transaction this system accepts."))
    if value != value.quantize(Decimal("0.01")):
        raise InvalidField(name, _l("Amounts are exact to the sen: at most two decimals."))
    return value


def _workers(workers):
    counts = {}
    for column in WORKER_COLUMNS.values():
        value = workers.get(column, 0)
        if not _whole(value) or not 0 <= value <= MAX_PEOPLE:
            raise InvalidField(column, _l("The number of people is a whole number from 0 to %(max)d.",
                                          max=MAX_PEOPLE))
        counts[column] = value
    return counts


def _locked_enterprise(cooperative_id, enterprise_id):
    """The enterprise, locked: two reports of it are checked for overlap one at a time."""
    enterprise = db.session.execute(
        select(Enterprise).where(Enterprise.cooperative_id == cooperative_id,
                                 Enterprise.id == enterprise_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if enterprise is None:
        raise NotFound(_l("Enterprise not found."))
    return enterprise


def _check_overlap(enterprise, kind, start, end, where, report_id):
    query = select(EnterpriseReport).where(
        EnterpriseReport.enterprise_id == enterprise.id,
        EnterpriseReport.period_start <= end, EnterpriseReport.period_end >= start)
    if report_id is not None:
        query = query.where(EnterpriseReport.id != report_id)
    other = db.session.execute(query.order_by(EnterpriseReport.period_start).limit(1)).scalar_one_or_none()
    if other is None:
        return
    if other.period_kind == kind:
        raise InvalidField(where, _l("This period is already reported; edit that report instead."))
    if other.period_kind == REPORT_QUARTER:
        raise InvalidField(where, _l("This month lies in a quarter already reported (%(period)s).",
                                     period=_period_words(other)))
    raise InvalidField(where, _l("A month of this quarter is already reported on its own (%(period)s).",
                                 period=_period_words(other)))


def _clean(enterprise, data: ReportData, report_id=None):
    today = today_of(enterprise.cooperative_id)
    kind, start, end, where = _period(data, today)
    if end < enterprise.start_date:
        raise InvalidField(where, _l("The enterprise started on %(date)s: this period is before it.",
                                     date=date_words(enterprise.start_date)))
    if enterprise.closed_on is not None and start > enterprise.closed_on:
        raise InvalidField(where, _l("The enterprise closed on %(date)s: this period is after it.",
                                     date=date_words(enterprise.closed_on)))
    turnover, costs = (_amount(name, getattr(data, name)) for name in MONEY_FIELDS)
    workers = _workers(data.workers or {})
    trading_at_end = enterprise.closed_on is None or enterprise.closed_on > end
    if trading_at_end and sum(workers.values()) < 1:
        raise InvalidField("workers", _l("An enterprise still trading at the period's end has at "
                                         "least one person working in it: its owner."))
    _check_overlap(enterprise, kind, start, end, where, report_id)
    return dict(period_kind=kind, period_start=start, period_end=end, turnover=turnover,
                costs=costs, net_income=turnover - costs, **workers,
                **{name: bool(getattr(data, name)) for name in FLAGS})


def record_report(cooperative_id, enterprise_id, data: ReportData, created_by=None):
    enterprise = _locked_enterprise(cooperative_id, enterprise_id)
    report = EnterpriseReport(cooperative_id=cooperative_id, enterprise_id=enterprise.id,
                              created_by=created_by, **_clean(enterprise, data))
    db.session.add(report)
    db.session.flush()
    return report


def update_report(cooperative_id, report_id, data: ReportData):
    report = get_report(cooperative_id, report_id)
    enterprise = _locked_enterprise(cooperative_id, report.enterprise_id)
    for key, value in _clean(enterprise, data, report.id).items():
        setattr(report, key, value)
    db.session.flush()
    return report


def get_report(cooperative_id, report_id, enterprise_id=None):
    """A report of the cooperative (of that enterprise, when one is named), or NotFound."""
    query = select(EnterpriseReport).where(EnterpriseReport.cooperative_id == cooperative_id,
                                           EnterpriseReport.id == report_id)
    if enterprise_id is not None:
        query = query.where(EnterpriseReport.enterprise_id == enterprise_id)
    report = db.session.execute(query).scalar_one_or_none()
    if report is None:
        raise NotFound(_l("Report not found."))
    return report


def enterprise_reports(cooperative_id, enterprise_id):
    """The enterprise's reports, newest period first."""
    return db.session.execute(select(EnterpriseReport).where(
        EnterpriseReport.cooperative_id == cooperative_id,
        EnterpriseReport.enterprise_id == enterprise_id)
        .order_by(EnterpriseReport.period_start.desc(), EnterpriseReport.id.desc())).scalars().all()


def report_totals(cooperative_id, enterprise_id):
    """Turnover, costs and net income summed over every report of the enterprise (one
    aggregate), and how many reports there are."""
    count, turnover, costs, net = db.session.execute(
        select(func.count(), func.coalesce(func.sum(EnterpriseReport.turnover), 0),
               func.coalesce(func.sum(EnterpriseReport.costs), 0),
               func.coalesce(func.sum(EnterpriseReport.net_income), 0))
        .where(EnterpriseReport.cooperative_id == cooperative_id,
               EnterpriseReport.enterprise_id == enterprise_id)).one()
    return {"reports": count, "turnover": Decimal(turnover), "costs": Decimal(costs),
            "net_income": Decimal(net)}


def latest_report(cooperative_id, enterprise_id):
    """The report of the latest period, or None: a new report starts from its people,
    channels and permits."""
    reports = db.session.execute(select(EnterpriseReport).where(
        EnterpriseReport.cooperative_id == cooperative_id,
        EnterpriseReport.enterprise_id == enterprise_id)
        .order_by(EnterpriseReport.period_end.desc(), EnterpriseReport.id.desc()).limit(1)).scalars()
    return reports.first()


def report_data(report):
    """The data of a recorded report, as a form starts from it."""
    number = (report.period_start.month + 2) // 3
    return ReportData(
        period_kind=report.period_kind, year=report.period_start.year,
        month=report.period_start.month if report.period_kind == REPORT_MONTH else None,
        quarter=number if report.period_kind == REPORT_QUARTER else None,
        turnover=report.turnover, costs=report.costs,
        workers={column: getattr(report, column) for column in WORKER_COLUMNS.values()},
        **{name: getattr(report, name) for name in FLAGS})


def date_words(value):
    """A date in a message, written in the language of whoever reads the message."""
    return LazyString(format_date, value, "medium")


def _period_words(report):
    """A report's period in a message, in the language of whoever reads it."""
    return LazyString(period_label, report)


def period_label(report):
    """"November 2026" or "Quarter 4 2026", in the reader's language."""
    if report.period_kind == REPORT_MONTH:
        return format_date(report.period_start, "MMMM yyyy")
    return str(_l("Quarter %(number)d %(year)d", number=(report.period_start.month + 2) // 3,
                  year=report.period_start.year))


def refuse_if_reported_after(enterprise, closed_on):
    """A closing date may not fall before a period already reported."""
    later = db.session.execute(select(EnterpriseReport).where(
        EnterpriseReport.enterprise_id == enterprise.id, EnterpriseReport.period_start > closed_on)
        .order_by(EnterpriseReport.period_start).limit(1)).scalar_one_or_none()
    if later is not None:
        raise InvalidField("closed_on", _l("A report is recorded for %(period)s, after that date.",
                                           period=_period_words(later)))



def refuse_if_reported_before(enterprise, start_date):
    """A start date may not fall after the end of a period already reported."""
    earlier = db.session.execute(select(EnterpriseReport).where(
        EnterpriseReport.enterprise_id == enterprise.id, EnterpriseReport.period_end < start_date)
        .order_by(EnterpriseReport.period_start).limit(1)).scalar_one_or_none()
    if earlier is not None:
        raise InvalidField("start_date", _l("A report is recorded for %(period)s, before that date.",
                                            period=_period_words(earlier)))
