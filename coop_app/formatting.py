"""How figures other than plain amounts are written (exchange rates, foreign amounts,
shares, moments), and the Indonesian helpers every PDF template gets."""
from datetime import datetime, timezone
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from flask import g, has_request_context
from flask_babel import get_locale, get_timezone

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


def _zone(cooperative):
    """The zone and its label (WIB, WITA, WIT) of a cooperative (a Cooperative's `zone` and
    `time_zone`), or the app's default zone, Asia/Jakarta (WIB), where there is none."""
    if getattr(cooperative, "zone", None) is not None:
        return cooperative.zone, cooperative.time_zone
    return get_timezone(), "WIB"


def local_time(moment, fmt="short", cooperative=None):
    """A stored moment (naive UTC) as people read it: the wall-clock time at `cooperative`
    (default: the page's) with its zone's label, `2/12/26 02.54 WIB`; the `local_time`
    filter of every template."""
    if moment is None:
        return ""
    zone, label = _zone(cooperative if cooperative is not None else g.get("coop"))
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    locale = str(get_locale() or "id") if has_request_context() else "id"
    return f"{babel_format_datetime(aware, fmt, tzinfo=zone, locale=locale)} {label}"


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
            "coop": g.get("coop"),
            # the cooperative's date (WIB for the programme's documents), not the server's
            "printed_on": datetime.now(timezone.utc).astimezone(_zone(g.get("coop"))[0]).date()}
