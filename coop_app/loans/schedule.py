"""Instalment schedules for loans and sharia financing: a pure calculator from numbers to
numbers (no database, no request), so every rule can be tested exhaustively.

Rules every schedule keeps, whatever the method:
- each instalment's total is rounded half up to `rounding` (Rp1, Rp100 or Rp1.000); its
  interest (or margin) part is whole rupiah and the principal part is the rest. Where
  rounding up would repay the loan before its term (a long term with a coarse step), every
  instalment is rounded down instead, so no instalment is left empty;
- the last instalment absorbs the rounding residue: principal parts sum exactly to the
  principal and the balance ends at exactly zero;
- no part is ever negative and a principal part never exceeds the balance left; where the
  rounded total is less than the interest part, the instalment pays interest only.

Grace: the first `grace` instalments pay interest or margin only; the principal is spread
over the other `term - grace`. A qardh loan charges nothing, so a grace instalment would be
empty: for qardh the first due date is instead moved `grace` periods later and the principal
is spread over all `term` instalments.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from flask_babel import lazy_gettext as _l

from coop_app.errors import InvalidField
from coop_app.money import MAX_AMOUNT, SEN, ZERO, round_money

METHODS = ("flat", "effective", "annuity", "murabahah", "qardh", "mudharabah")
FREQUENCIES = ("monthly", "weekly")
ROUNDINGS = (Decimal("1"), Decimal("100"), Decimal("1000"))
MAX_TERM = 360
PERIODS_PER_YEAR = {"monthly": 12, "weekly": 52}
RUPIAH = Decimal("1")
# Methods whose whole charge (interest, margin or projected profit share) is fixed at the
# start on the amount financed, then shared equally over the instalments.
FIXED_CHARGE = ("flat", "murabahah", "mudharabah")


class ScheduleError(InvalidField, ValueError):
    """Input a person can get wrong; .field names the build_schedule argument at fault."""


@dataclass(frozen=True)
class Installment:
    n: int
    due_date: date
    principal: Decimal
    interest: Decimal  # interest, murabahah margin or projected mudharabah profit share
    total: Decimal
    balance: Decimal  # principal still owed after this instalment


@dataclass(frozen=True)
class Schedule:
    installments: tuple

    @property
    def total_principal(self):
        return sum((i.principal for i in self.installments), ZERO)

    @property
    def total_interest(self):
        return sum((i.interest for i in self.installments), ZERO)

    @property
    def total(self):
        return sum((i.total for i in self.installments), ZERO)

    def to_dict(self):
        return {
            "installments": [
                {"n": i.n, "due_date": i.due_date.isoformat(), "principal": _text(i.principal),
                 "interest": _text(i.interest), "total": _text(i.total),
                 "balance": _text(i.balance)}
                for i in self.installments],
            "totals": {"principal": _text(self.total_principal),
                       "interest": _text(self.total_interest), "total": _text(self.total)},
        }


def _text(amount):
    return f"{amount:.2f}"


def due_dates(start, term, frequency="monthly", skip=0):
    """The `term` due dates after `start`, the first one period (plus `skip` periods) later.

    Monthly dates keep the day of the disbursement, clamped to the month's last day; each is
    counted from `start`, so 31 January gives 29 February and then 31 March again.
    """
    if frequency == "weekly":
        return [start + timedelta(weeks=k + skip) for k in range(1, term + 1)]
    dates = []
    for k in range(1, term + 1):
        months = start.month - 1 + k + skip
        year, month = start.year + months // 12, months % 12 + 1
        dates.append(date(year, month, min(start.day, calendar.monthrange(year, month)[1])))
    return dates


def build_schedule(method, principal, annual_rate, term, start, frequency="monthly", grace=0,
                   rounding=RUPIAH, margin=None):
    """The instalments of a loan or financing disbursed on `start`.

    `annual_rate` is percent a year: Decimal("12") is 12%; the rate of a period is a twelfth
    (monthly) or a fifty-second (weekly) of it.
    - flat: each period charges principal x period rate; equal principal parts.
    - effective: declining balance, equal principal parts; interest on the balance left.
    - annuity: equal instalments P*r/(1-(1+r)^-n); interest on the balance left.
    - murabahah: margin = principal x annual_rate x years, flat on the amount financed,
      unless `margin` gives the amount; instalments of (principal + margin) / term. The
      `interest` field carries the margin.
    - qardh: principal only; the rate must be 0.
    - mudharabah: the realised profit share is settled by nisbah on the business's actual
      results; the schedule projects it as a flat charge at the product's expected
      equivalent rate, so it is computed exactly like flat.
    """
    principal, rate, rounding, margin = _validated(
        method, principal, annual_rate, term, start, frequency, grace, rounding, margin)
    skip = 0
    if method == "qardh":
        skip, grace = grace, 0
    dates = due_dates(start, term, frequency, skip)
    with localcontext() as ctx:
        ctx.prec = 34
        ctx.rounding = ROUND_HALF_UP
        # a period's interest on `amount` is amount * rate / base, one division at the end
        # so that an exact half rupiah stays exact and rounds up
        base = 100 * PERIODS_PER_YEAR[frequency]
        rows = _rows(method, principal, rate, base, term, grace, rounding, margin, ROUND_HALF_UP)
        if any(balance == 0 for _paid, _charged, balance in rows[:-1]):
            # Rounding up every instalment of a long loan to a coarse step can repay it
            # before its term, leaving empty instalments: round those instalments down.
            rows = _rows(method, principal, rate, base, term, grace, rounding, margin, ROUND_DOWN)
    return Schedule(tuple(
        Installment(n, day, paid, charged, paid + charged, balance)
        for n, (day, (paid, charged, balance)) in enumerate(zip(dates, rows), start=1)))


def _rows(method, principal, rate, base, term, grace, rounding, margin, mode):
    """(principal part, interest part, balance after) for each instalment."""
    repaying = term - grace
    if method in FIXED_CHARGE:
        charge = margin if margin is not None else round_money(principal * rate * term / base)
        per_period = charge / term
    elif method == "annuity":
        r = rate / base
        payment = principal / repaying if r == 0 else principal * r / (1 - (1 + r) ** -repaying)
    balance, rows = principal, []
    for k in range(1, term + 1):
        last = k == term
        if method in FIXED_CHARGE:
            exact_interest = per_period
            charged = charge if last else min(round_money(per_period), charge)
            charge -= charged
        else:
            exact_interest = balance * rate / base
            charged = round_money(exact_interest)
        if k <= grace:
            paid = ZERO
        elif last:
            paid = balance
        else:
            exact_total = payment if method == "annuity" else exact_interest + principal / repaying
            paid = min(max(round_money(exact_total, rounding, mode) - charged, ZERO), balance)
        balance -= paid
        rows.append((paid, charged, balance))
    return rows


def _validated(method, principal, annual_rate, term, start, frequency, grace, rounding, margin):
    """The inputs checked and made exact; ScheduleError for what a person can get wrong."""
    if method not in METHODS:
        raise ScheduleError("method", _l("Unknown financing method %(method)s.", method=method))
    if frequency not in FREQUENCIES:
        raise ScheduleError("frequency", _l("Instalments are monthly or weekly."))
    if not isinstance(start, date):
        raise TypeError(f"start must be a date, not {start!r}")
    if not 1900 <= start.year <= 2200:  # and the due dates stay within the calendar
        raise ScheduleError("start", _l("That date is not plausible."))
    principal = _number(principal, "principal")
    if principal <= 0:
        raise ScheduleError("principal", _l("The amount financed must be more than zero."))
    if principal > MAX_AMOUNT:
        raise ScheduleError("principal", _l("The amount financed is larger than any loan this "
                                            "application accepts."))
    if principal != principal.quantize(SEN):
        raise ScheduleError("principal", _l("Amounts are exact to the sen: at most two decimals."))
    rate = _number(annual_rate, "annual_rate")
    if not 0 <= rate <= 100:
        raise ScheduleError("annual_rate", _l("The rate is a percentage a year from 0 to 100."))
    if method == "qardh" and rate != 0:
        raise ScheduleError("annual_rate", _l("A qardh loan is benevolent: its rate must be 0."))
    if not isinstance(term, int) or isinstance(term, bool):
        raise TypeError(f"term must be an int, not {term!r}")
    if not 1 <= term <= MAX_TERM:
        raise ScheduleError("term", _l("The term is 1 to %(max)s instalments.", max=MAX_TERM))
    if not isinstance(grace, int) or isinstance(grace, bool):
        raise TypeError(f"grace must be an int, not {grace!r}")
    if not 0 <= grace < term:
        raise ScheduleError("grace", _l("The grace period is 0 or more instalments, shorter "
                                        "than the term."))
    rounding = _number(rounding, "rounding")
    if rounding not in ROUNDINGS:
        raise ScheduleError("rounding", _l("Instalments are rounded to Rp1, Rp100 or Rp1,000."))
    if margin is not None:
        margin = _number(margin, "margin")
        if method != "murabahah":
            raise ScheduleError("margin", _l("Only murabahah financing has a margin amount."))
        if margin < 0:
            raise ScheduleError("margin", _l("The margin cannot be negative."))
        if margin != margin.quantize(SEN):
            raise ScheduleError("margin", _l("Amounts are exact to the sen: at most two decimals."))
        if rate != 0:
            raise ScheduleError("margin", _l("Give the margin either as an amount or as a rate "
                                             "a year, not both."))
        margin = margin.quantize(SEN)
    return principal.quantize(SEN), rate, rounding, margin


def _number(value, field):
    """A finite Decimal from a Decimal or int; a float or anything else is a programming error."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{field} must be a Decimal, not {value!r}")
    value = Decimal(value)
    if not value.is_finite():
        raise ScheduleError(field, _l("That is not a number."))
    return value
