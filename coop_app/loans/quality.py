"""Kolektibilitas (loan quality), provisions (PPAP) and late charges: pure rules from numbers
to numbers, no database and no Flask, so the month-end job and the tests share one truth.

Bands and rates are a product setting (LoanProduct columns); `bands_of` and `rates_of` read
them from anything with those attribute names.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from coop_app.money import ZERO, from_sen, to_money, to_sen

LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET = "lancar", "dpk", "kl", "diragukan", "macet"
QUALITY_CLASSES = (LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET)
LATE_DAILY, LATE_FIXED, LATE_NONE = "daily_pct", "fixed", "none"


@dataclass(frozen=True)
class Bands:
    """The first day past due of each class; lancar starts at 0 days."""
    dpk_from: int = 1
    kl_from: int = 91
    diragukan_from: int = 121
    macet_from: int = 181

    def __post_init__(self):
        if not 0 <= self.dpk_from <= self.kl_from <= self.diragukan_from <= self.macet_from:
            raise ValueError(f"quality bands out of order: {self}")


@dataclass(frozen=True)
class ProvisionRates:
    """Provision rates in basis points: general on lancar, specific on the other classes."""
    lancar_bp: int = 50
    dpk_bp: int = 300
    kl_bp: int = 1000
    diragukan_bp: int = 5000
    macet_bp: int = 10000

    def rate_bp(self, quality):
        return {LANCAR: self.lancar_bp, DPK: self.dpk_bp, KURANG_LANCAR: self.kl_bp,
                DIRAGUKAN: self.diragukan_bp, MACET: self.macet_bp}[quality]


def bands_of(product):
    return Bands(product.dpk_from_days, product.kl_from_days, product.diragukan_from_days,
                 product.macet_from_days)


def rates_of(product):
    return ProvisionRates(product.provision_lancar_bp, product.provision_dpk_bp,
                          product.provision_kl_bp, product.provision_diragukan_bp,
                          product.provision_macet_bp)


def classify(days_past_due, bands=Bands()):
    """The kolektibilitas of a loan `days_past_due` days behind its oldest unpaid instalment."""
    if days_past_due < 0:
        raise ValueError("days past due cannot be negative")
    if days_past_due >= bands.macet_from:
        return MACET
    if days_past_due >= bands.diragukan_from:
        return DIRAGUKAN
    if days_past_due >= bands.kl_from:
        return KURANG_LANCAR
    if days_past_due >= bands.dpk_from:
        return DPK
    return LANCAR


# A restructured loan keeps the class it had when restructured (at most that good) until
# this many instalments of its new schedule in a row, the latest to fall due, were each paid
# by its due date; only then do its own arrears decide again.
HOLD_RELEASED_AFTER = 3


def worse(one, other):
    """The worse of two classes (None counts as no class)."""
    ranked = [c for c in (one, other) if c is not None]
    return max(ranked, key=QUALITY_CLASSES.index) if ranked else None


def hold_released(held, paid_on_time, instalments):
    """Whether a restructured loan's hold ends: `paid_on_time` of the latest instalments due
    (at most HOLD_RELEASED_AFTER counted) of the `instalments` in its new schedule were paid
    by their due dates."""
    return held is not None and paid_on_time >= min(HOLD_RELEASED_AFTER, instalments)


def held_class(klass, held, paid_on_time, instalments):
    """The class of a loan whose arrears say `klass`, held at `held` since its restructuring."""
    if held is None or hold_released(held, paid_on_time, instalments):
        return klass
    return worse(klass, held)


# The month-end job works in integer sen (as the database stores money), so each rule has a
# sen form; the Decimal form is the same computation, for everyone else.

def share_sen(sen, rate_bp):
    """`rate_bp` of `sen`, rounded to the whole rupiah half up, in sen (sen >= 0)."""
    return (sen * rate_bp + 500_000) // 1_000_000 * 100


def required_provision_sen(outstanding, quality, collateral, rates):
    if outstanding < 0 or collateral < 0:
        raise ValueError("outstanding and collateral cannot be negative")
    if quality == LANCAR:
        return share_sen(outstanding, rates.lancar_bp)
    return share_sen(max(0, outstanding - collateral), rates.rate_bp(quality))


def required_provision(outstanding, quality, collateral_value=ZERO, rates=ProvisionRates()):
    """The provision a loan needs (PPAP): the general rate on a lancar loan's outstanding
    principal; for the other classes the specific rate on what the eligible collateral does
    not cover (never below zero). Whole rupiah, half up."""
    return from_sen(required_provision_sen(to_sen(outstanding), quality, to_sen(collateral_value), rates))


def month_start(period_end):
    return period_end.replace(day=1)


def days_overdue_in_month(due_date, period_end):
    """Days of the month ending `period_end` on which an instalment due on `due_date` (and
    unpaid at `period_end`) was overdue: from the day after it fell due, or the 1st."""
    first_overdue = max(due_date + timedelta(days=1), month_start(period_end))
    return max(0, (period_end - first_overdue).days + 1)


def late_charge(kind, overdue, period_end, daily_bp=0, fixed=ZERO):
    """The late charge of one loan for the month ending `period_end`.

    `overdue`: (due_date, unpaid amount) of each instalment unpaid at `period_end` that fell
    due before it. Daily: `daily_bp` per day of each amount for the days it was overdue in
    the month (summed in rupiah-days, rounded once to the rupiah half up). Fixed: `fixed` per
    overdue instalment. For sharia products the same charge is ta'zir (paid to the social fund).
    """
    overdue = [(due, to_money(amount)) for due, amount in overdue if due < period_end and amount > 0]
    if kind == LATE_DAILY:
        return late_charge_daily(
            sum((amount * days_overdue_in_month(due, period_end) for due, amount in overdue), ZERO),
            daily_bp)
    if kind == LATE_FIXED:
        return late_charge_fixed(len(overdue), fixed)
    return ZERO


def late_charge_daily(amount_days, daily_bp):
    """`daily_bp` per day on `amount_days` (the sum of overdue amount x days overdue)."""
    return from_sen(share_sen(to_sen(amount_days), daily_bp))


def late_charge_fixed(overdue_installments, fixed):
    return to_money(fixed) * overdue_installments


def is_month_end(day: date):
    return (day + timedelta(days=1)).day == 1
