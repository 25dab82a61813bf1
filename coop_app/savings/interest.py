"""Interest, profit-sharing and bonus calculators: numbers in, numbers out (no database).

Rounding rule (one for the whole month-end job): interest is computed per account and
rounded half up to Rp1, and the expense posted is the sum of those rounded amounts. A total
that is fixed in advance (the members' share of mudharabah income, a wadiah bonus) is split
by largest remainder: every share is floored to Rp1 and the rupiah left over go one each to
the largest remainders (ties to the earlier key), so the shares sum exactly to the total.
"""
from decimal import Decimal
from fractions import Fraction

from coop_app.money import SEN, round_money

RUPIAH = Decimal(1)
DAYS_IN_YEAR = 365
BASIS_POINTS = 10000


def average_balance(balance_days: Decimal, days: int) -> Decimal:
    """The average daily balance (exact, not rounded): the sum of each day's closing
    balance over the month, divided by the days of the month."""
    if days <= 0:
        raise ValueError("a month has at least one day")
    return Decimal(balance_days) / days


def interest_on_balance_days(balance_days: Decimal, rate_bp: int) -> Decimal:
    """Average-daily-balance interest for one month, rounded half up to Rp1.

    average x rate x days/365 = (balance-days / days) x rate x days/365
                              = balance-days x rate / 365, so no intermediate rounding.
    """
    _check_rate(rate_bp)
    exact = Fraction(Decimal(balance_days)) * rate_bp / (BASIS_POINTS * DAYS_IN_YEAR)
    return _round_fraction(exact)


def interest_on_lowest(lowest_balance: Decimal, rate_bp: int, days: int) -> Decimal:
    """Lowest-balance interest for one month: lowest x rate x days/365, half up to Rp1."""
    _check_rate(rate_bp)
    exact = Fraction(Decimal(lowest_balance)) * rate_bp * days / (BASIS_POINTS * DAYS_IN_YEAR)
    return _round_fraction(exact)


def profit_share_pool(distributable_income: Decimal, member_nisbah_pct: int) -> Decimal:
    """The members' part of the income (their nisbah), rounded half up to Rp1."""
    if not 0 < member_nisbah_pct < 100:
        raise ValueError("a nisbah is between 0 and 100 percent")
    return round_money(Decimal(distributable_income) * member_nisbah_pct / 100)


def profit_shares(average_balances: dict, distributable_income: Decimal, member_nisbah_pct: int) -> dict:
    """Mudharabah: each account's share of the members' nisbah of the income, in proportion
    to its average balance over the total average balance of the product."""
    return pro_rata(profit_share_pool(distributable_income, member_nisbah_pct), average_balances)


def pro_rata(total: Decimal, weights: dict) -> dict:
    """Split a whole-rupiah total in proportion to weights, exactly (largest remainder).

    Keys with zero weight get nothing; with no weight at all nothing is distributed.
    """
    total = Decimal(total)
    if total < 0 or total != total.to_integral_value():
        raise ValueError("the total to split is a whole, non-negative number of rupiah")
    parts = {key: Fraction(Decimal(weight)) for key, weight in weights.items()}
    if any(weight < 0 for weight in parts.values()):
        raise ValueError("weights cannot be negative")
    whole = sum(parts.values(), Fraction(0))
    if whole == 0 or total == 0:
        return {key: Decimal(0).quantize(SEN) for key in parts}
    units = int(total)
    floors, remainders = {}, []
    for order, (key, weight) in enumerate(parts.items()):
        exact = units * weight / whole
        floors[key] = exact.numerator // exact.denominator
        remainders.append((-(exact - floors[key]), order, key))
    left = units - sum(floors.values())
    for _neg, _order, key in sorted(remainders)[:left]:
        floors[key] += 1
    return {key: Decimal(value).quantize(SEN) for key, value in floors.items()}


def _check_rate(rate_bp):
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or rate_bp < 0:
        raise ValueError("a rate is a non-negative whole number of basis points")


def _round_fraction(value: Fraction) -> Decimal:
    """Half up to Rp1, exactly: floor(x + 1/2) for the non-negative x these rules produce."""
    if value < 0:
        raise ValueError("interest is never negative")
    return Decimal((2 * value.numerator + value.denominator) // (2 * value.denominator)).quantize(SEN)
