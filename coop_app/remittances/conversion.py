"""A remittance in a foreign currency converted to rupiah on receipt: the currency, the amount
and the rate are kept as received; the books are in rupiah only."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from coop_app.errors import DomainError
from coop_app.ledger.service import check_amount
from coop_app.money import MAX_AMOUNT, SEN, to_money

IDR = "IDR"
# Currencies the migrants of Desmigratif villages send from (ISO 4217). Three-decimal
# currencies (KWD, BHD, OMR) are left out: foreign amounts are kept to the cent.
CURRENCIES = (IDR, "MYR", "SGD", "HKD", "TWD", "SAR", "AED", "QAR", "BND", "KRW", "JPY",
              "USD", "EUR", "AUD")
RATE_DECIMALS = 6
MAX_RATE = Decimal("1000000")  # rupiah per unit; far above any real currency


def check_rate(rate):
    """A positive rupiah-per-unit rate with at most six decimals."""
    if isinstance(rate, float):
        raise TypeError("a rate must never be a float")
    try:
        rate = Decimal(str(rate).strip()) if not isinstance(rate, Decimal) else rate
    except InvalidOperation:
        raise DomainError(_l("The rate must be a number.")) from None
    if not rate.is_finite():
        raise DomainError(_l("The rate must be a number."))
    if rate <= 0:
        raise DomainError(_l("The rate must be more than zero."))
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        raise DomainError(_l("The rate has at most six decimals."))
    if rate > MAX_RATE:
        raise DomainError(_l("The rate is larger than any real exchange rate."))
    # Kept as typed ("3412.50"), but never with more than six decimals or an exponent, so
    # that its text fits the column: the value is unchanged.
    exponent = rate.as_tuple().exponent
    if exponent < -RATE_DECIMALS or exponent > 0:
        rate = rate.quantize(Decimal(1).scaleb(max(exponent, -RATE_DECIMALS) if exponent < 0 else 0))
    return rate


def to_idr(foreign_amount, rate):
    """The rupiah credited: foreign amount times rate, rounded half up to the sen."""
    return (foreign_amount * rate).quantize(SEN, rounding=ROUND_HALF_UP)


def convert(currency, foreign_amount=None, rate=None, amount_idr=None):
    """Check what was received and return (currency, foreign amount, rate, rupiah amount).

    IDR: the rupiah amount, no foreign amount or rate. A foreign currency: its amount and
    the rate (rupiah per unit); the rupiah amount is computed, never typed.
    """
    currency = (currency or "").strip().upper()
    if currency not in CURRENCIES:
        raise DomainError(_l("Choose one of the listed currencies."))
    if currency == IDR:
        if foreign_amount is not None or rate is not None:
            raise DomainError(_l("A remittance in rupiah has no foreign amount or rate; "
                                 "enter the rupiah amount only."))
        if amount_idr is None:
            raise DomainError(_l("Enter the amount received in rupiah."))
        return IDR, None, None, check_amount(amount_idr)
    if amount_idr is not None:
        raise DomainError(_l("For a foreign currency the rupiah amount is computed from the "
                             "amount and the rate; leave the rupiah amount empty."))
    if foreign_amount is None:
        raise DomainError(_l("Enter the amount sent in %(currency)s.", currency=currency))
    if rate is None:
        raise DomainError(_l("Enter the exchange rate (rupiah per 1 %(currency)s).", currency=currency))
    try:
        foreign_amount = to_money(foreign_amount)
    except (ValueError, TypeError):
        raise DomainError(_l("The foreign amount must be exact to the cent.")) from None
    if foreign_amount <= 0:
        raise DomainError(_l("The foreign amount must be more than zero."))
    if foreign_amount > MAX_AMOUNT:
        raise DomainError(_l("The amount is larger than any single transaction this system accepts."))
    rate = check_rate(rate)
    amount = to_idr(foreign_amount, rate)
    if amount <= 0:
        raise DomainError(_l("The amount in rupiah comes to zero; check the amount and the rate."))
    return currency, foreign_amount, rate, check_amount(amount)
