"""Money: Decimal rupiah in Python, integer sen in the database, Babel for display."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal
from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

SEN = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest single amount any form accepts: Rp100 billion is far beyond a village
# cooperative's whole balance sheet, and far inside BIGINT sen.
MAX_AMOUNT = Decimal("100000000000")


class MoneyError(ValueError):
    pass


class AmbiguousAmount(MoneyError):
    """Three digits after the decimal separator and no thousands separators (`50,000` on an
    Indonesian screen, `1.500` on an English one): most likely thousands typed the other
    language's way. `suggestion` is that reading, written this language's way."""

    def __init__(self, text, suggestion):
        super().__init__(f"ambiguous amount: {text!r}")
        self.suggestion = suggestion


# (thousands separator, decimal separator) of each language of the interface.
SEPARATORS = {"id": (".", ","), "en": (",", ".")}


def to_money(value) -> Decimal:
    """Exact conversion to a Decimal of whole sen; floats and sub-sen fractions are refused."""
    if isinstance(value, float):
        raise TypeError("money must never be a float; use Decimal or a string")
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    if not isinstance(value, Decimal):
        raise TypeError(f"not an amount: {value!r}")
    if not value.is_finite():
        raise MoneyError("amount must be finite")
    try:
        exact = value.quantize(SEN)
    except InvalidOperation as exc:  # too many digits to hold in sen at all (1e999)
        raise MoneyError(f"not an amount: {value}") from exc
    if value != exact:
        raise MoneyError(f"amount has more than two decimals: {value}")
    return exact


def to_sen(value) -> int:
    return int(to_money(value) * 100)


def from_sen(sen: int) -> Decimal:
    return (Decimal(int(sen)) / 100).quantize(SEN)


def round_money(value: Decimal, step: Decimal = Decimal("1"), rounding=ROUND_HALF_UP) -> Decimal:
    """Round to a multiple of `step` (Rp1, Rp100, sen...) with an explicit mode."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    return ((value / step).quantize(Decimal("1"), rounding=rounding) * step).quantize(SEN)


class Money(TypeDecorator):
    """A BIGINT column of sen that reads and writes Decimal rupiah."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return to_sen(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return from_sen(value)

    def coerce_compared_value(self, op, value):
        return self


def format_money(amount, locale="id") -> str:
    """`Rp1.500.000` in id; sen are shown only when there are any."""
    if amount is None:
        return ""
    amount = to_money(amount)
    sign = "-" if amount < 0 else ""
    # "Rp" is how rupiah are written in either language; Babel's English symbol is "IDR".
    return f"{sign}Rp{format_plain(abs(amount), locale)}"


def format_plain(amount, locale="id") -> str:
    """An amount for an input box: digits with the locale's separators, no currency sign."""
    if amount is None:
        return ""
    amount = to_money(amount)
    fmt = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return format_decimal(amount, format=fmt, locale=locale, decimal_quantization=False)


def _amount_pattern(group, decimal):
    g, d = re.escape(group), re.escape(decimal)
    # digits, grouped by threes or not grouped at all, then the decimals; a sign only in front
    # ASCII digits only: \d would take other scripts' digits too
    return re.compile(rf"^(-?)([0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}([0-9]+))?$")


AMOUNT_PATTERNS = {lang: _amount_pattern(*seps) for lang, seps in SEPARATORS.items()}


def parse_amount(text: str, locale="id") -> Decimal:
    """Parse what a person typed: `1.500.000`, `1500000` or `1.500.000,50` in id
    (`1,500,000.50` in en).

    Raises MoneyError for anything that is not an exact amount of whole sen: letters, an
    exponent (`1e9`), a sign anywhere but in front, separators out of place, more than two
    decimals; AmbiguousAmount (with the likely meaning) for three digits after the decimal
    separator where no thousands separator was used (`50,000` in id reads as Rp50 but was
    surely 50.000).
    """
    if text is None:
        raise MoneyError("empty")
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    for prefix in ("Rp", "rp", "RP", "IDR"):
        if cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix):]
    if not cleaned:
        raise MoneyError("empty")
    lang = "en" if str(locale).startswith("en") else "id"
    group, _decimal = SEPARATORS[lang]
    match = AMOUNT_PATTERNS[lang].match(cleaned)
    if match is None:
        raise MoneyError(f"not an amount: {text!r}")
    sign, whole, decimals = match.groups()
    whole = whole.replace(group, "")
    if decimals is not None and len(decimals) == 3 and group not in match.group(2) \
            and not whole.startswith("0"):
        raise AmbiguousAmount(text, format_plain(Decimal(sign + whole + decimals), lang))
    if decimals is not None and len(decimals) > 2:
        raise MoneyError(f"amount has more than two decimals: {text!r}")
    return to_money(Decimal(f"{sign}{whole}.{decimals or '0'}"))
