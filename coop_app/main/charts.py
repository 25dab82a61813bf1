"""The dashboard's small charts, read-only: the savings members hold at each month's close
and the remittances received in each month over the last twelve, and the portfolio's
kolektibilitas classes at each of the last twelve month ends.

The figures are the reports' own: savings from the journal lines on savings accounts (what
check-ledger keeps equal to the accounts), remittances as the remittance list's totals for
the month, and the classes as the portfolio page shows them as of that day
(loans/portfolio/figures.portfolio). The page draws them with Chart.js (vendored,
static/vendor/chartjs) from a JSON block read by static/js/charts.js, and lists the same
numbers in a table for screen readers and for people who would rather read.
"""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_date

from coop_app.loans.forms import QUALITY_LABELS
from coop_app.loans.models import QUALITY_CLASSES
from coop_app.loans.portfolio.figures import portfolio
from coop_app.remittances.queries import received_by_period
from coop_app.savings.queries import balances_at

MONTHS = 12
# Colours of the kolektibilitas classes, best to worst (the portfolio badges' order).
QUALITY_COLOURS = {"lancar": "#198754", "dpk": "#0dcaf0", "kl": "#ffc107", "diragukan": "#dc3545",
                   "macet": "#212529"}


def month_ends(today, count=MONTHS, include_current=True):
    """The last `count` month ends, oldest first; with include_current the current month
    counts as ending today (its figures so far)."""
    ends = []
    year, month = today.year, today.month
    if not include_current:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    for _n in range(count):
        last = date(year, month, calendar.monthrange(year, month)[1])
        ends.append(min(last, today))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(ends))


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar", "stacked" or "line"
    labels: list  # the months, as words
    series: list  # [{"label", "values" (Decimal), "colour"}]
    days: list  # the date each label stands for

    def data(self):
        """What charts.js reads: whole rupiah as JSON integers (never a float; the table
        beside the chart shows the exact amounts)."""
        return {"kind": self.kind, "labels": self.labels,
                "series": [{"label": s["label"], "colour": s["colour"],
                            "values": [int(Decimal(v).to_integral_value(ROUND_HALF_UP)) for v in s["values"]]} for s in self.series]}

    @property
    def rows(self):
        """(label, [value per series]) rows for the table alternative."""
        return [(label, [s["values"][i] for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def empty(self):
        return not any(v for s in self.series for v in s["values"])


def _label(day):
    return format_date(day, "MMM yyyy")


def savings_and_remittances(cooperative, today, title, savings_label, remittances_label):
    ends = month_ends(today)
    balances = balances_at(cooperative.id, ends)
    periods = [(end.replace(day=1), end) for end in ends]
    received = received_by_period(cooperative.id, periods)
    return Chart("savings", title, "bar", [_label(d) for d in ends], [
        {"label": savings_label, "values": [balances[d] for d in ends], "colour": "#0d6efd"},
        {"label": remittances_label, "values": [received[p] for p in periods], "colour": "#fd7e14"},
    ], ends)


def portfolio_quality(cooperative, today, title):
    """Outstanding principal per kolektibilitas class at the last twelve month ends (and
    today), as the portfolio page shows it as of each day."""
    ends = month_ends(today)
    by_day = {day: portfolio(cooperative.id, as_of=day).total.quality for day in ends}
    series = [{"label": str(QUALITY_LABELS[q]), "colour": QUALITY_COLOURS[q],
               "values": [by_day[d][q].amount for d in ends]} for q in QUALITY_CLASSES]
    return Chart("quality", title, "stacked", [_label(d) for d in ends], series, ends)
