"""The pure calculators: interest on average and lowest balances, profit shares by nisbah,
largest-remainder splits, and amounts in Indonesian words."""
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_app.savings import interest
from coop_app.terbilang import money_in_words, number_in_words

D = Decimal


def test_average_daily_balance_of_the_worked_example():
    # 1.000.000 for 30 days, then 3.000.000 for 1 day of a 31-day month
    balance_days = D(1000000) * 30 + D(3000000) * 1
    average = interest.average_balance(balance_days, 31)
    assert average.quantize(D("0.01")) == D("1064516.13")
    # 1.064.516,129... x 3% x 31/365 = 2.712,33 -> 2.712
    assert interest.interest_on_balance_days(balance_days, 300) == D("2712.00")
    assert interest.interest_on_balance_days(balance_days, 300) == \
        (average * D("0.03") * 31 / 365).quantize(D(1))


def test_lowest_balance_interest():
    # 1.000.000 x 3% x 31/365 = 2.547,95 -> 2.548
    assert interest.interest_on_lowest(D(1000000), 300, 31) == D("2548.00")
    # 30-day month: 1.000.000 x 6% x 30/365 = 4.931,51 -> 4.932
    assert interest.interest_on_lowest(D(1000000), 600, 30) == D("4932.00")


def test_interest_rounds_half_up_to_the_rupiah():
    # 365 rupiah-days... at 100% (10000 bp): exactly 1 a day
    assert interest.interest_on_balance_days(D(365) * D("1.5"), 10000) == D("2.00")  # 1,5 -> 2
    assert interest.interest_on_balance_days(D(365) * D("1.49"), 10000) == D("1.00")
    assert interest.interest_on_balance_days(D(0), 300) == D("0.00")


def test_mudharabah_share_of_the_worked_example():
    # average 10.000.000 of a product total of 10.000.000.000; distributable income
    # 40.000.000; nisbah 40:60 (cooperative:members) -> 40.000.000 x 60% x 0,1% = 24.000
    shares = interest.profit_shares({"siti": D(10000000), "others": D(9990000000)}, D(40000000), 60)
    assert shares["siti"] == D("24000.00")
    assert shares["others"] == D("23976000.00")
    assert sum(shares.values()) == interest.profit_share_pool(D(40000000), 60) == D("24000000.00")


def test_largest_remainder_gives_the_leftover_rupiah_to_the_largest_remainders():
    assert interest.pro_rata(D(10), {"a": 1, "b": 1, "c": 1}) == {"a": D(4), "b": D(3), "c": D(3)}
    # 100 split 1:2:3 -> 16,67 33,33 50 -> 16 33 50 + 1 to a (remainder ,67)
    assert interest.pro_rata(D(100), {"a": 1, "b": 2, "c": 3}) == {"a": D(17), "b": D(33), "c": D(50)}
    assert interest.pro_rata(D(100), {"a": 0, "b": 0}) == {"a": D(0), "b": D(0)}
    assert interest.pro_rata(D(0), {"a": 5}) == {"a": D(0)}
    with pytest.raises(ValueError):
        interest.pro_rata(D("10.50"), {"a": 1})
    with pytest.raises(ValueError):
        interest.pro_rata(D(10), {"a": -1, "b": 2})


def test_nisbah_and_rate_bounds():
    with pytest.raises(ValueError):
        interest.profit_share_pool(D(1000), 100)
    with pytest.raises(ValueError):
        interest.interest_on_lowest(D(1000), -1, 30)
    with pytest.raises(ValueError):
        interest.average_balance(D(1000), 0)


@given(total=st.integers(min_value=0, max_value=10 ** 11),
       weights=st.lists(st.integers(min_value=0, max_value=10 ** 15), min_size=1, max_size=40))
def test_pro_rata_sums_exactly_and_no_share_is_off_by_a_rupiah(total, weights):
    keyed = dict(enumerate(weights))
    shares = interest.pro_rata(D(total), keyed)
    whole = sum(weights)
    if whole == 0:
        assert all(v == 0 for v in shares.values())
        return
    assert sum(shares.values()) == total
    for key, weight in keyed.items():
        exact = D(total) * weight / whole
        assert abs(shares[key] - exact) < 1


@given(balance_days=st.integers(min_value=0, max_value=10 ** 13),
       rate=st.integers(min_value=0, max_value=2400))
def test_interest_is_the_exact_value_rounded_half_up(balance_days, rate):
    result = interest.interest_on_balance_days(D(balance_days), rate)
    exact_times_two = 2 * balance_days * rate  # over 2 x 10000 x 365
    assert result == D((exact_times_two + 10000 * 365) // (2 * 10000 * 365))


@pytest.mark.parametrize("amount, words", [
    ("1250000", "satu juta dua ratus lima puluh ribu rupiah"),
    ("0", "nol rupiah"),
    ("1", "satu rupiah"),
    ("11", "sebelas rupiah"),
    ("12", "dua belas rupiah"),
    ("19", "sembilan belas rupiah"),
    ("100", "seratus rupiah"),
    ("115", "seratus lima belas rupiah"),
    ("1000", "seribu rupiah"),
    ("1100", "seribu seratus rupiah"),
    ("11000", "sebelas ribu rupiah"),
    ("21500", "dua puluh satu ribu lima ratus rupiah"),
    ("100000", "seratus ribu rupiah"),
    ("1000000", "satu juta rupiah"),
    ("1001001", "satu juta seribu satu rupiah"),
    ("2000000000", "dua miliar rupiah"),
    ("3000000000000", "tiga triliun rupiah"),
    ("1500.50", "seribu lima ratus rupiah lima puluh sen"),
    ("0.05", "nol rupiah lima sen"),
])
def test_money_in_words(amount, words):
    assert money_in_words(D(amount)) == words


def test_number_in_words_limits():
    assert number_in_words(-25) == "minus dua puluh lima"
    assert number_in_words(999) == "sembilan ratus sembilan puluh sembilan"
    with pytest.raises(ValueError):
        number_in_words(10 ** 15)


@given(st.integers(min_value=1, max_value=10 ** 15 - 1))
def test_words_say_seratus_and_seribu_where_indonesian_does(n):
    text = number_in_words(n)
    # a hundreds digit of one is always "seratus"; a thousands group of exactly one is "seribu"
    assert "satu ratus" not in text
    assert not re.search(r"(^|juta |miliar |triliun )satu ribu", text)
    assert "  " not in text and text == text.strip() and "nol" not in text
    if n % 1000 == 0 and n % 1000000 == 1000:
        assert text.endswith("seribu")
