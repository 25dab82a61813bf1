"""Savings products of a cooperative: the defaults a new one gets, and what a manager may set
for each kind, checked here.

A product's code and kind are fixed once it exists: account numbers carry the code, and the
month-end job keys its entries by it ("month-end:<code>:<YYYY-MM>").
"""
import re
from dataclasses import dataclass, fields
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, func, select, type_coerce

from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.money import MAX_AMOUNT, ZERO, from_sen, to_money
from coop_app.savings.models import (AVERAGE_DAILY, BERJANGKA, EQUITY_KINDS, LOWEST_MONTHLY,
                                     MUDHARABAH, POKOK, PRODUCT_KINDS, SHARIA_ONLY, SUKARELA,
                                     WADIAH, WAJIB, SavingsAccount, SavingsProduct)

PRODUCT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,19}$")
INTEREST_METHODS = (AVERAGE_DAILY, LOWEST_MONTHLY)
WAJIB_PERIODS = (1, 3, 6, 12)
MAX_RATE_BP = 2400  # 24% a year: far above any savings rate a cooperative pays
MAX_PENALTY_BP = 5000
MAX_TERM_MONTHS = 120
SHARIA = "kspps"

# (code, name, kind, settings) installed for a new cooperative; managers adjust them.
DEFAULT_PRODUCTS = {
    "ksp": [
        ("SP", "Simpanan Pokok", POKOK, dict(fixed_amount=Decimal("100000"), mandatory=True)),
        ("SW", "Simpanan Wajib", WAJIB, dict(fixed_amount=Decimal("20000"), period_months=1,
                                             mandatory=True)),
        ("SS", "Simpanan Sukarela", SUKARELA, dict(interest_rate_bp=300, min_balance=Decimal("10000"),
                                                    min_opening=Decimal("10000"))),
        ("SB12", "Simpanan Berjangka 12 Bulan", BERJANGKA,
         dict(interest_rate_bp=600, term_months=12, min_opening=Decimal("1000000"))),
    ],
    "kspps": [
        ("SP", "Simpanan Pokok", POKOK, dict(fixed_amount=Decimal("100000"), mandatory=True)),
        ("SW", "Simpanan Wajib", WAJIB, dict(fixed_amount=Decimal("20000"), period_months=1,
                                             mandatory=True)),
        ("WD", "Simpanan Wadiah", WADIAH, dict(min_balance=Decimal("10000"), min_opening=Decimal("10000"))),
        ("SM", "Simpanan Mudharabah", MUDHARABAH,
         dict(nisbah_member_pct=40, min_balance=Decimal("10000"), min_opening=Decimal("10000"))),
        ("SMB12", "Simpanan Berjangka Mudharabah 12 Bulan", BERJANGKA,
         dict(nisbah_member_pct=55, term_months=12, min_opening=Decimal("1000000"))),
    ],
}


def install_default_products(cooperative):
    for code, name, kind, settings in DEFAULT_PRODUCTS[cooperative.type]:
        db.session.add(SavingsProduct(cooperative_id=cooperative.id, code=code, name=name,
                                      kind=kind, **settings))
    db.session.flush()


def products(cooperative_id, active=True):
    query = select(SavingsProduct).where(SavingsProduct.cooperative_id == cooperative_id)
    if active is not None:
        query = query.where(SavingsProduct.active == active)
    return db.session.execute(query.order_by(SavingsProduct.code)).scalars().all()


def get_product(cooperative_id, product_id):
    product = db.session.execute(select(SavingsProduct).where(
        SavingsProduct.cooperative_id == cooperative_id, SavingsProduct.id == product_id)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound(_l("Savings product not found."))
    return product


@dataclass
class ProductData:
    code: str
    name: str
    kind: str
    fixed_amount: Decimal | None = None
    period_months: int | None = None
    interest_rate_bp: int = 0
    interest_method: str = AVERAGE_DAILY
    nisbah_member_pct: int | None = None
    min_balance: Decimal = ZERO
    min_opening: Decimal = ZERO
    term_months: int | None = None
    early_withdrawal_allowed: bool = False
    early_withdrawal_penalty_bp: int = 0
    mandatory: bool = False
    active: bool = True


def _amount(value, field, message, allow_zero=True):
    if value is None:
        value = ZERO
    try:
        value = to_money(value)
    except (ValueError, TypeError):
        raise InvalidField(field, message) from None
    if value < 0 or value > MAX_AMOUNT or (value == 0 and not allow_zero):
        raise InvalidField(field, message)
    return value


def _whole(value, field, low, high, message):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(field, message)
    return value


def clean_product(cooperative, data: ProductData, product=None):
    """The product's settings, checked against its kind and the cooperative's type."""
    code = (data.code or "").strip().upper()
    name = (data.name or "").strip()
    kind = data.kind
    if product is not None and (code != product.code or kind != product.kind):
        raise DomainError(_l("The code and kind of a product cannot change once it exists."))
    if not PRODUCT_CODE.match(code):
        raise InvalidField("code", _l("A product code is 1 to 20 capital letters, digits or dashes."))
    if not name or len(name) > 100:
        raise InvalidField("name", _l("Give the product a name of at most 100 characters."))
    if kind not in PRODUCT_KINDS:
        raise InvalidField("kind", _l("Choose the kind of savings."))
    sharia = cooperative.type == SHARIA
    if kind in SHARIA_ONLY and not sharia:
        raise InvalidField("kind", _l("Wadiah and mudharabah products are for sharia cooperatives "
                                      "(KSPPS/BMT) only."))
    clean = {f.name: getattr(data, f.name) for f in fields(ProductData)}
    clean.update(code=code, name=name, mandatory=bool(data.mandatory), active=bool(data.active),
                 early_withdrawal_allowed=bool(data.early_withdrawal_allowed))

    # Fixed amounts: pokok once, wajib every period.
    if kind in EQUITY_KINDS:
        clean["fixed_amount"] = _amount(data.fixed_amount, "fixed_amount",
                                        _l("Pokok and wajib need their fixed amount, more than zero."),
                                        allow_zero=False)
        if not clean["mandatory"]:
            raise InvalidField("mandatory", _l("Pokok and wajib are mandatory for every member."))
        if kind == POKOK and data.period_months is not None:
            raise InvalidField("period_months", _l("Simpanan pokok is paid once; it has no period."))
        if kind == WAJIB and data.period_months not in WAJIB_PERIODS:
            raise InvalidField("period_months", _l("Choose how often simpanan wajib is due."))
        if data.min_balance or data.min_opening:
            raise InvalidField("min_balance", _l("Pokok and wajib have a fixed amount, not a minimum "
                                                 "balance or opening deposit."))
    else:
        if data.fixed_amount:
            raise InvalidField("fixed_amount", _l("Only pokok and wajib have a fixed amount."))
        if data.period_months is not None:
            raise InvalidField("period_months", _l("Only simpanan wajib has a period."))
        clean["fixed_amount"] = None
    clean["min_balance"] = _amount(data.min_balance, "min_balance",
                                   _l("The minimum balance is an amount of zero or more."))
    clean["min_opening"] = _amount(data.min_opening, "min_opening",
                                   _l("The minimum opening deposit is an amount of zero or more."))

    # Interest (conventional only), nisbah (sharia profit sharing).
    rate = data.interest_rate_bp or 0
    if rate:
        if sharia:
            raise InvalidField("interest_rate_bp", _l(
                "A sharia cooperative pays no interest: use a nisbah (profit sharing) or a wadiah bonus."))
        if kind not in (SUKARELA, BERJANGKA):
            raise InvalidField("interest_rate_bp", _l("Only sukarela and berjangka products pay interest."))
        _whole(rate, "interest_rate_bp", 0, MAX_RATE_BP,
               _l("The interest rate is between 0% and 24% a year, at most two decimals."))
    clean["interest_rate_bp"] = rate
    if data.interest_method not in INTEREST_METHODS:
        raise InvalidField("interest_method", _l("Choose how interest is computed."))
    shares_profit = kind == MUDHARABAH or (sharia and kind == BERJANGKA)
    if shares_profit:
        _whole(data.nisbah_member_pct, "nisbah_member_pct", 1, 99,
               _l("The members' nisbah is a whole percentage from 1 to 99."))
    elif data.nisbah_member_pct is not None:
        raise InvalidField("nisbah_member_pct", _l("Only mudharabah products share profit by nisbah."))

    # Term and early withdrawal: time deposits only.
    if kind == BERJANGKA:
        _whole(data.term_months, "term_months", 1, MAX_TERM_MONTHS,
               _l("A time deposit has a term of 1 to 120 months."))
        if clean["mandatory"]:
            raise InvalidField("mandatory", _l("A time deposit cannot be mandatory."))
        penalty = data.early_withdrawal_penalty_bp or 0
        _whole(penalty, "early_withdrawal_penalty_bp", 0, MAX_PENALTY_BP,
               _l("The early-withdrawal penalty is between 0% and 50%, at most two decimals."))
        if penalty and not clean["early_withdrawal_allowed"]:
            raise InvalidField("early_withdrawal_penalty_bp", _l(
                "A penalty applies only when early withdrawal is allowed."))
        clean["early_withdrawal_penalty_bp"] = penalty
    else:
        if data.term_months is not None or data.early_withdrawal_allowed or data.early_withdrawal_penalty_bp:
            raise InvalidField("term_months", _l("Only time deposits (berjangka) have a term and "
                                                 "early-withdrawal rules."))
        clean.update(term_months=None, early_withdrawal_allowed=False, early_withdrawal_penalty_bp=0)

    # One pokok and one wajib per cooperative: members are enrolled in every mandatory product.
    if kind in EQUITY_KINDS and clean["active"]:
        clash = db.session.execute(select(SavingsProduct.id).where(
            SavingsProduct.cooperative_id == cooperative.id, SavingsProduct.kind == kind,
            SavingsProduct.active.is_(True),
            SavingsProduct.id != (product.id if product is not None else -1))).first()
        if clash:
            raise InvalidField("kind", _l("The cooperative already has an active %(kind)s product.",
                                          kind=kind))
    taken = db.session.execute(select(SavingsProduct.id).where(
        SavingsProduct.cooperative_id == cooperative.id, SavingsProduct.code == code)).scalar()
    if taken and (product is None or taken != product.id):
        raise InvalidField("code", _l("Product code %(code)s is already used.", code=code))
    return clean


def create_product(cooperative, data: ProductData):
    product = SavingsProduct(cooperative_id=cooperative.id, **clean_product(cooperative, data))
    db.session.add(product)
    db.session.flush()
    return product


def update_product(cooperative, product_id, data: ProductData):
    product = get_product(cooperative.id, product_id)
    for key, value in clean_product(cooperative, data, product).items():
        setattr(product, key, value)
    db.session.flush()
    return product


def product_data(product):
    """The settings of an existing product, to fill its edit form."""
    return ProductData(**{f.name: getattr(product, f.name) for f in fields(ProductData)})


def product_summaries(cooperative_id):
    """Every product with its number of open accounts and their total balance (one query)."""
    balance = type_coerce(SavingsAccount.balance, BigInteger)
    totals = (select(SavingsAccount.product_id, func.count().label("accounts"),
                     func.sum(balance).label("total"))
              .where(SavingsAccount.cooperative_id == cooperative_id, SavingsAccount.status == "open")
              .group_by(SavingsAccount.product_id).subquery())
    rows = db.session.execute(
        select(SavingsProduct, totals.c.accounts, totals.c.total)
        .outerjoin(totals, totals.c.product_id == SavingsProduct.id)
        .where(SavingsProduct.cooperative_id == cooperative_id)
        .order_by(SavingsProduct.active.desc(), SavingsProduct.code)).all()
    return [(product, accounts or 0, from_sen(total or 0)) for product, accounts, total in rows]


def kinds_for(cooperative):
    """The kinds of product a cooperative of this type may create."""
    return [k for k in PRODUCT_KINDS if cooperative.type == SHARIA or k not in SHARIA_ONLY]

