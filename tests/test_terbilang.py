"""Amounts in words in English, for pages read in English (the receipts' Indonesian words are
tested in tests/savings/test_calculators.py; static/js/amount.js is compared with both in
tests/browser/test_amount_field.py)."""
from decimal import Decimal as D

import pytest

from coop_app.terbilang import money_in_words, number_in_english


@pytest.mark.parametrize("amount, words", [
    ("0.05", "zero rupiah and five sen"),
    ("11", "eleven rupiah"),
    ("21", "twenty-one rupiah"),
    ("100", "one hundred rupiah"),
    ("115", "one hundred fifteen rupiah"),
    ("1000", "one thousand rupiah"),
    ("1250000", "one million two hundred fifty thousand rupiah"),
    ("1500.50", "one thousand five hundred rupiah and fifty sen"),
    ("2000000000", "two billion rupiah"),  # a miliar is a billion
    ("3000000000000", "three trillion rupiah"),
    ("-25.10", "minus twenty-five rupiah and ten sen"),
])
def test_money_in_english_words(amount, words):
    assert money_in_words(D(amount), "en") == words


def test_indonesian_stays_the_default_of_the_receipts():
    assert money_in_words(D("1001001")) == "satu juta seribu satu rupiah"
    assert money_in_words(D("1001001"), "id") == "satu juta seribu satu rupiah"


def test_english_limits():
    assert number_in_english(999) == "nine hundred ninety-nine"
    with pytest.raises(ValueError):
        number_in_english(10 ** 15)
