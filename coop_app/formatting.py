"""How figures other than plain amounts are written (exchange rates, foreign amounts,
shares), and the Indonesian helpers every PDF template gets."""
from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import g

from coop_app.money import format_money


def format_rate(rate, locale="id"):
    """A rate as typed: `3.412,50` in id; at least two and at most six decimals."""
    if rate in (None, ""):
        return ""
    return format_decimal(Decimal(rate), format="#,##0.00####", locale=locale,
                          decimal_quantization=False)


def format_foreign(amount, currency, locale="id"):
    """`MYR 1.500,00` in id."""
    if amount is None:
        return ""
    return f"{currency} {format_decimal(amount, format='#,##0.00', locale=locale)}"


def format_share(share, locale="id"):
    """A share in percent with one decimal (`30,0%` in id); a dash when there is none."""
    if share is None:
        return "–"
    return f"{format_decimal(share, format='#,##0.0', locale=locale)}%"


def indonesian():
    """What every PDF template gets: amounts, dates and percentages written in Indonesian
    whatever the language of the page the user came from, the cooperative and the day."""
    return {"rp": lambda amount: format_money(amount, "id") if amount is not None else "",
            "tgl": lambda day: babel_format_date(day, "d MMMM y", locale="id") if day else "",
            # In a listing's narrow date column: `5 Sep 2025`.
            "tgl_singkat": lambda day: babel_format_date(day, "d MMM y", locale="id") if day else "",
            "kurs": lambda rate: format_rate(rate, "id"),
            "valas": lambda amount, currency: format_foreign(amount, currency, "id"),
            "persen": lambda share: format_share(share, "id"),
            # basis points: 1250 -> `12,5`
            "pct": lambda bp: format_decimal(Decimal(bp or 0) / 100, locale="id"),
            "coop": g.get("coop"), "printed_on": date.today()}
