"""Terbilang: an amount of rupiah written out in Indonesian words, as receipts require
(1.250.000 -> "satu juta dua ratus lima puluh ribu rupiah"), and the same in English for a
page read in English ("one million two hundred fifty thousand rupiah").

coop_app/static/js/amount.js is a faithful port of this module: the amount fields show the
words as a person types, and tests/browser/test_amount_field.py proves both agree."""
from decimal import Decimal

from coop_app.money import to_money

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")
# The scales of three digits above the units, largest first.
_SCALES = ((10 ** 12, "triliun"), (10 ** 9, "miliar"), (10 ** 6, "juta"), (10 ** 3, "ribu"))


def _below_thousand(n):
    """1..999 in words ("seratus", "sebelas", "dua ratus lima belas"...)."""
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words.extend([_UNITS[hundreds], "ratus"])
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.extend([_UNITS[tens], "puluh"])
        if unit:
            words.append(_UNITS[unit])
    elif rest >= 12:
        words.extend([_UNITS[rest - 10], "belas"])
    elif rest:
        words.append(_UNITS[rest])
    return words


def number_in_words(n: int) -> str:
    """A whole number in Indonesian words; below a thousand trillion."""
    if n < 0:
        return "minus " + number_in_words(-n)
    if n == 0:
        return "nol"
    if n >= 10 ** 15:
        raise ValueError("too large to write out")
    words = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if not count:
            continue
        if count == 1 and scale == 1000:
            words.append("seribu")  # but "satu juta", "satu miliar"
        else:
            words.extend(_below_thousand(count) + [name])
    if n:
        words.extend(_below_thousand(n))
    return " ".join(words)


_EN_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen")
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (10 ** 3, "thousand"))


def _english_below_thousand(n):
    """1..999 in English words ("one hundred", "twenty-one", "two hundred fifteen"...)."""
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.extend([_EN_UNITS[hundreds], "hundred"])
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else ""))
    elif rest:
        words.append(_EN_UNITS[rest])
    return words


def number_in_english(n: int) -> str:
    """A whole number in English words (short scale: a miliar is a billion); below a
    thousand trillion."""
    if n < 0:
        return "minus " + number_in_english(-n)
    if n == 0:
        return "zero"
    if n >= 10 ** 15:
        raise ValueError("too large to write out")
    words = []
    for scale, name in _EN_SCALES:
        count, n = divmod(n, scale)
        if count:
            words.extend(_english_below_thousand(count) + [name])
    if n:
        words.extend(_english_below_thousand(n))
    return " ".join(words)


def money_in_words(amount: Decimal, language: str = "id") -> str:
    """An amount in rupiah in words, sen included when there are any
    (1.500,50 -> "seribu lima ratus rupiah lima puluh sen"; in English "one thousand five
    hundred rupiah and fifty sen"). Receipts are always Indonesian; a page read in English
    shows the English words beside its amount fields."""
    amount = to_money(amount)
    english = str(language).startswith("en")
    words = number_in_english if english else number_in_words
    sign = "minus " if amount < 0 else ""
    amount = abs(amount)
    rupiah = int(amount)
    sen = int((amount - rupiah) * 100)
    text = f"{sign}{words(rupiah)} rupiah"
    if sen:
        text += f" {'and ' if english else ''}{words(sen)} sen"
    return text
