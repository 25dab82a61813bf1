"""Terbilang: an amount of rupiah written out in Indonesian words, as receipts require
(1.250.000 -> "satu juta dua ratus lima puluh ribu rupiah")."""
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


def money_in_words(amount: Decimal) -> str:
    """An amount in rupiah in words, sen included when there are any
    (1.500,50 -> "seribu lima ratus rupiah lima puluh sen")."""
    amount = to_money(amount)
    sign = "minus " if amount < 0 else ""
    amount = abs(amount)
    rupiah = int(amount)
    sen = int((amount - rupiah) * 100)
    text = f"{sign}{number_in_words(rupiah)} rupiah"
    if sen:
        text += f" {number_in_words(sen)} sen"
    return text
