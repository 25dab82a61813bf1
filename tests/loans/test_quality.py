"""Kolektibilitas, provisions (PPAP) and late charges: the examples file's figures, then
properties over random loans."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_app.loans import models, quality
from coop_app.loans.quality import (
    DIRAGUKAN,
    DPK,
    KURANG_LANCAR,
    LANCAR,
    MACET,
    Bands,
    ProvisionRates,
    classify,
    days_overdue_in_month,
    late_charge,
    required_provision,
)

D = Decimal
DEFAULT = Bands()
RATES = ProvisionRates()


def test_the_classes_and_kinds_are_the_models_own():
    assert quality.QUALITY_CLASSES == models.QUALITY_CLASSES
    assert (quality.LATE_DAILY, quality.LATE_FIXED, quality.LATE_NONE) == (
        models.LATE_DAILY, models.LATE_FIXED, models.LATE_NONE)


def test_default_bands_and_rates_match_the_product_defaults():
    columns = models.LoanProduct.__table__.c
    assert bands_from_columns(columns) == DEFAULT
    assert quality.rates_of(type("P", (), {name: columns[name].default.arg for name in (
        "provision_lancar_bp", "provision_dpk_bp", "provision_kl_bp", "provision_diragukan_bp",
        "provision_macet_bp")})) == RATES


def bands_from_columns(columns):
    return quality.bands_of(type("P", (), {name: columns[name].default.arg for name in (
        "dpk_from_days", "kl_from_days", "diragukan_from_days", "macet_from_days")}))


@pytest.mark.parametrize("days, expected", [
    (0, LANCAR), (1, DPK), (30, DPK), (90, DPK), (91, KURANG_LANCAR), (120, KURANG_LANCAR),
    (121, DIRAGUKAN), (180, DIRAGUKAN), (181, MACET), (2000, MACET)])
def test_default_bands(days, expected):
    assert classify(days, DEFAULT) == expected


@pytest.mark.parametrize("days, expected", [(0, LANCAR), (30, LANCAR), (31, DPK), (90, DPK), (91, KURANG_LANCAR)])
def test_bands_with_a_thirty_day_lancar(days, expected):
    # "lancar 0-30, dalam perhatian khusus 31-90": a cooperative's own setting
    assert classify(days, Bands(31, 91, 121, 181)) == expected


def test_bands_must_be_ordered_and_days_not_negative():
    with pytest.raises(ValueError):
        Bands(91, 31, 121, 181)
    with pytest.raises(ValueError):
        classify(-1, DEFAULT)


# -- provisions: the examples file -------------------------------------------------------

def test_lancar_ten_million_needs_fifty_thousand():
    assert required_provision(D("10000000"), LANCAR, D(0), RATES) == D("50000.00")


def test_general_provision_ignores_collateral():
    assert required_provision(D("10000000"), LANCAR, D("10000000"), RATES) == D("50000.00")


@pytest.mark.parametrize("klass, expected", [
    # 10.000.000 outstanding, 4.000.000 eligible collateral: 6.000.000 uncovered
    (DPK, D("180000")), (KURANG_LANCAR, D("600000")), (DIRAGUKAN, D("3000000")),
    (MACET, D("6000000"))])
def test_specific_provisions_after_collateral(klass, expected):
    assert required_provision(D("10000000"), klass, D("4000000"), RATES) == expected


def test_collateral_above_outstanding_needs_no_specific_provision():
    assert required_provision(D("2000000"), MACET, D("5000000"), RATES) == D(0)


def test_rounding_is_half_up_to_the_rupiah():
    # 0,5% of 100.100 = 500,50 -> 501; 0,5% of 100.099 = 500,495 -> 500
    assert required_provision(D("100100"), LANCAR) == D("501.00")
    assert required_provision(D("100099"), LANCAR) == D("500.00")
    # 3% of 1.234.567,89 = 37.037,0367 -> 37.037
    assert required_provision(D("1234567.89"), DPK) == D("37037.00")


def test_product_rates_are_used():
    rates = ProvisionRates(100, 500, 2000, 5000, 10000)
    assert required_provision(D("1000000"), LANCAR, rates=rates) == D("10000")
    assert required_provision(D("1000000"), DPK, rates=rates) == D("50000")


# -- late charges ------------------------------------------------------------------------

JAN = date(2025, 1, 31)


def test_days_overdue_in_the_month():
    assert days_overdue_in_month(date(2025, 1, 15), JAN) == 16  # 16..31 January
    assert days_overdue_in_month(date(2024, 12, 15), JAN) == 31  # the whole month
    assert days_overdue_in_month(date(2025, 1, 30), JAN) == 1
    assert days_overdue_in_month(date(2025, 1, 31), JAN) == 0  # due today: not overdue yet
    assert days_overdue_in_month(date(2025, 1, 15), date(2025, 2, 28)) == 28


def test_daily_late_charge():
    # 0,1% a day: 1.000.000 overdue 16 days in January -> 16.000; plus 500.000 all month -> 15.500
    overdue = [(date(2025, 1, 15), D("1000000")), (date(2024, 12, 15), D("500000"))]
    assert late_charge("daily_pct", overdue, JAN, daily_bp=10) == D("31500")
    # rounded once, half up: 333.333 x 16 x 0,1% = 5.333,328 -> 5.333
    assert late_charge("daily_pct", [(date(2025, 1, 15), D("333333"))], JAN, daily_bp=10) == D("5333")


def test_fixed_late_charge_per_overdue_instalment():
    overdue = [(date(2025, 1, 15), D("1000000")), (date(2024, 12, 15), D("500000")),
               (JAN, D("700000"))]  # due on the month-end itself: not overdue
    assert late_charge("fixed", overdue, JAN, fixed=D("25000")) == D("50000")
    assert late_charge("none", overdue, JAN, daily_bp=10, fixed=D("25000")) == D(0)


def test_nothing_overdue_charges_nothing():
    assert late_charge("daily_pct", [], JAN, daily_bp=10) == 0
    assert late_charge("fixed", [(date(2025, 1, 15), D(0))], JAN, fixed=D("25000")) == 0


# -- properties --------------------------------------------------------------------------

amounts = st.integers(0, 50_000_000_000).map(lambda sen: D(sen) / 100)
days = st.integers(0, 5000)


@st.composite
def bands(draw):
    points = sorted(draw(st.lists(st.integers(1, 400), min_size=4, max_size=4)))
    return Bands(*points)


@st.composite
def rates(draw):
    bp = sorted(draw(st.lists(st.integers(0, 10000), min_size=5, max_size=5)))
    return ProvisionRates(*bp)


@given(days, days, bands())
def test_classes_never_improve_with_more_days(a, b, some_bands):
    a, b = sorted((a, b))
    assert quality.QUALITY_CLASSES.index(classify(a, some_bands)) <= \
        quality.QUALITY_CLASSES.index(classify(b, some_bands))


@given(bands())
def test_each_band_starts_its_class(some_bands):
    assert classify(some_bands.macet_from, some_bands) == MACET
    assert classify(some_bands.macet_from - 1, some_bands) != MACET
    assert classify(some_bands.dpk_from - 1, some_bands) == LANCAR


@given(amounts, amounts, st.sampled_from(quality.QUALITY_CLASSES), rates())
def test_provision_is_whole_rupiah_and_between_zero_and_outstanding(outstanding, collateral, klass,
                                                                    some_rates):
    provision = required_provision(outstanding, klass, collateral, some_rates)
    assert provision == provision.to_integral_value()
    assert 0 <= provision <= outstanding + D("0.5")


@given(amounts, amounts, amounts, st.sampled_from(quality.QUALITY_CLASSES[1:]))
def test_more_collateral_never_needs_more_provision(outstanding, a, b, klass):
    a, b = sorted((a, b))
    assert required_provision(outstanding, klass, b) <= required_provision(outstanding, klass, a)


@given(amounts, rates())
def test_worse_classes_need_more_without_collateral(outstanding, some_rates):
    needed = [required_provision(outstanding, k, D(0), some_rates) for k in quality.QUALITY_CLASSES]
    assert needed == sorted(needed)


@given(st.dates(date(2000, 1, 1), date(2060, 12, 1)), st.dates(date(2000, 1, 1), date(2060, 12, 31)))
def test_days_overdue_fit_in_the_month(due, day):
    period_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    got = days_overdue_in_month(due, period_end)
    assert 0 <= got <= period_end.day
    assert got == sum(1 for n in range(period_end.day)
                      if period_end.replace(day=n + 1) > due)


@given(st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2025, 1, 31)), amounts), max_size=8),
       st.integers(0, 100))
def test_daily_charge_is_the_rounded_sum_of_amount_days(overdue, daily_bp):
    charge = late_charge("daily_pct", overdue, JAN, daily_bp=daily_bp)
    exact = sum((a * days_overdue_in_month(d, JAN) * daily_bp / 10000 for d, a in overdue if d < JAN), D(0))
    assert abs(charge - exact) <= D("0.5")
    assert charge == charge.to_integral_value() and charge >= 0


@given(st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2025, 3, 1)), amounts), max_size=8),
       st.integers(0, 10_000_000))
def test_fixed_charge_counts_overdue_instalments(overdue, fixed):
    counted = sum(1 for d, a in overdue if d < JAN and a > 0)
    assert late_charge("fixed", overdue, JAN, fixed=D(fixed)) == D(fixed) * counted


@given(st.integers(0, 10**13), st.integers(0, 10000))
def test_the_sen_form_rounds_like_decimal_half_up(sen, rate_bp):
    from coop_app.money import round_money
    exact = D(sen) / 100 * rate_bp / 10000
    assert D(quality.share_sen(sen, rate_bp)) / 100 == round_money(exact)
