"""Loan and financing products: the defaults a new cooperative starts with, and the checks a
manager's edit must pass (a KSP lends conventionally, a KSPPS/BMT only on sharia terms)."""
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.cooperatives.models import Cooperative
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.money import MAX_AMOUNT, MoneyError, to_money
from coop_app.loans import methods
from coop_app.loans.models import (EARLY_ALL, EARLY_CURRENT, EARLY_RULES, FREQUENCIES,
                                   LATE_CHARGE_KINDS, LATE_DAILY, LATE_FIXED, LATE_NONE, MONTHLY,
                                   LoanProduct)
from coop_app.loans.schedule import MAX_TERM

D = Decimal
CODE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,19}$")
ROUNDINGS = (1, 100, 1000)
BAND_FIELDS = ("dpk_from_days", "kl_from_days", "diragukan_from_days", "macet_from_days")
PROVISION_FIELDS = ("provision_lancar_bp", "provision_dpk_bp", "provision_kl_bp",
                    "provision_diragukan_bp", "provision_macet_bp")
MONEY_FIELDS = ("min_amount", "max_amount", "admin_fee_fixed", "late_charge_fixed")
FIELDS = ("code", "name", "method", "rate_bp", "nisbah_coop_pct", "min_term", "max_term",
          "min_amount", "max_amount", "frequency", "grace_periods", "admin_fee_fixed",
          "admin_fee_bp", "late_charge_kind", "late_charge_daily_bp", "late_charge_fixed",
          "rounding", "early_repayment_rule", "max_savings_multiple", "active") \
    + BAND_FIELDS + PROVISION_FIELDS

# Settings every default shares: kolektibilitas bands 1/91/121/181 days past due and PPAP of
# 0,5% general (lancar) and 3/10/50/100% specific, as used by rural banks and many KSPs.
_COMMON = dict(frequency=MONTHLY, min_term=1, grace_periods=0, rounding=1)

# (code, name, settings) installed for a new cooperative; managers adjust them.
DEFAULT_PRODUCTS = {
    "ksp": [
        ("PUF", "Pinjaman Usaha (Bunga Flat)", dict(
            method=methods.FLAT, rate_bp=1200, max_term=36, min_amount=D("500000"),
            max_amount=D("100000000"), admin_fee_bp=100, late_charge_kind=LATE_DAILY,
            late_charge_daily_bp=10, early_repayment_rule=EARLY_ALL)),
        ("PUE", "Pinjaman Usaha (Bunga Menurun)", dict(
            method=methods.EFFECTIVE, rate_bp=1800, max_term=36, min_amount=D("500000"),
            max_amount=D("50000000"), admin_fee_bp=100, late_charge_kind=LATE_DAILY,
            late_charge_daily_bp=10, early_repayment_rule=EARLY_CURRENT)),
        ("PUA", "Pinjaman Usaha (Anuitas)", dict(
            method=methods.ANNUITY, rate_bp=1200, max_term=60, min_amount=D("1000000"),
            max_amount=D("100000000"), admin_fee_bp=100, late_charge_kind=LATE_DAILY,
            late_charge_daily_bp=10, early_repayment_rule=EARLY_CURRENT)),
    ],
    "kspps": [
        ("MBA", "Pembiayaan Murabahah", dict(
            method=methods.MURABAHAH, rate_bp=1000, max_term=36, min_amount=D("500000"),
            max_amount=D("100000000"), admin_fee_bp=100, late_charge_kind=LATE_FIXED,
            late_charge_fixed=D("25000"), early_repayment_rule=EARLY_ALL)),
        ("QH", "Pembiayaan Qardh (Kebajikan)", dict(
            method=methods.QARDH, rate_bp=0, max_term=12, min_amount=D("100000"),
            max_amount=D("5000000"), late_charge_kind=LATE_NONE, early_repayment_rule=EARLY_ALL)),
        ("MDA", "Pembiayaan Mudharabah", dict(
            method=methods.MUDHARABAH, rate_bp=1800, nisbah_coop_pct=40, min_term=3, max_term=24,
            min_amount=D("1000000"), max_amount=D("50000000"), admin_fee_bp=100,
            late_charge_kind=LATE_FIXED, late_charge_fixed=D("25000"),
            early_repayment_rule=EARLY_CURRENT)),
    ],
}


def install_default_products(cooperative):
    for code, name, settings in DEFAULT_PRODUCTS[cooperative.type]:
        db.session.add(LoanProduct(cooperative_id=cooperative.id, code=code, name=name,
                                   **dict(_COMMON, **settings)))
    db.session.flush()


def list_products(cooperative_id, active=True):
    query = select(LoanProduct).where(LoanProduct.cooperative_id == cooperative_id)
    if active is not None:
        query = query.where(LoanProduct.active == active)
    return db.session.execute(query.order_by(LoanProduct.code)).scalars().all()


def get_product(cooperative_id, product_id, lock=False):
    """One loan product of the cooperative; with lock, held (FOR UPDATE on PostgreSQL) so
    that applications for it are numbered one after the other."""
    query = select(LoanProduct).where(LoanProduct.cooperative_id == cooperative_id,
                                      LoanProduct.id == product_id)
    product = db.session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if product is None:
        raise NotFound(_l("Loan product not found."))
    return product


def create_product(cooperative_id, **fields):
    _unknown(fields)
    product = LoanProduct(cooperative_id=cooperative_id, **_defaults())
    _apply(product, fields)
    _validate(cooperative_id, product)
    db.session.add(product)
    db.session.flush()
    return product


def update_product(cooperative_id, product_id, **fields):
    """Change a product; loans already applied for keep the terms they were given."""
    _unknown(fields)
    product = get_product(cooperative_id, product_id)
    with db.session.no_autoflush:
        _apply(product, fields)
        try:
            _validate(cooperative_id, product)
        except Exception:
            db.session.expire(product)  # leave nothing half-edited in the session
            raise
    db.session.flush()
    return product


# -- validation ---------------------------------------------------------------------------

def _unknown(fields):
    extra = set(fields) - set(FIELDS)
    if extra:
        raise TypeError(f"unknown loan product fields: {sorted(extra)}")


def _defaults():
    return {column.key: column.default.arg for column in LoanProduct.__table__.columns
            if column.default is not None and not callable(column.default.arg)}


def _apply(product, fields):
    for key, value in fields.items():
        if key in MONEY_FIELDS:
            value = _money(key, value)
        elif key in ("code", "name") and value is not None:
            value = value.strip().upper() if key == "code" else value.strip()
        setattr(product, key, value)


def _money(field, value):
    try:
        value = to_money(value if value is not None else D(0))
    except (MoneyError, TypeError):
        raise InvalidField(field, _l("Amounts are exact to the sen: at most two decimals.")) from None
    if value < 0:
        raise InvalidField(field, _l("The amount cannot be negative."))
    if value > MAX_AMOUNT:
        raise InvalidField(field, _l("The amount is larger than any loan this application accepts."))
    return value


def _int(product, field, low, high, message):
    value = getattr(product, field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(field, message)
    return value


def _validate(cooperative_id, p):
    sharia = db.session.get(Cooperative, cooperative_id).is_sharia
    if not p.code or not CODE.match(p.code):
        raise InvalidField("code", _l("The code is 1 to 20 capital letters, digits or dashes."))
    taken = db.session.execute(select(LoanProduct.id).where(
        LoanProduct.cooperative_id == cooperative_id, LoanProduct.code == p.code,
        LoanProduct.id != (p.id or 0))).first()
    if taken:
        raise InvalidField("code", _l("Product code %(code)s is already used.", code=p.code))
    if not p.name or len(p.name) > 100:
        raise InvalidField("name", _l("A product needs a name of at most 100 characters."))
    if p.method not in methods.offered(sharia):
        raise InvalidField("method", _l("A KSP lends with flat, effective or annuity interest; a "
                                        "KSPPS/BMT finances with murabahah, qardh or mudharabah."))
    method = methods.of(p.method)
    _int(p, "rate_bp", 0, 10000, _l("The rate is 0 to 100% a year."))
    if method.benevolent and p.rate_bp != 0:
        raise InvalidField("rate_bp", _l("A qardh loan is benevolent: its rate must be 0."))
    if method.profit_sharing:
        _int(p, "nisbah_coop_pct", 1, 99, _l("The cooperative's share of the profit (nisbah) is "
                                             "1 to 99%."))
    elif p.nisbah_coop_pct is not None:
        raise InvalidField("nisbah_coop_pct", _l("Only mudharabah financing has a profit-sharing "
                                                 "ratio (nisbah)."))
    _int(p, "min_term", 1, MAX_TERM, _l("The shortest term is 1 to %(max)s instalments.", max=MAX_TERM))
    _int(p, "max_term", p.min_term, MAX_TERM, _l("The longest term is at least the shortest and at "
                                                 "most %(max)s instalments.", max=MAX_TERM))
    if p.max_amount is None or p.max_amount <= 0:
        raise InvalidField("max_amount", _l("The largest amount must be more than zero."))
    if p.min_amount > p.max_amount:
        raise InvalidField("min_amount", _l("The smallest amount cannot be above the largest."))
    if p.frequency not in FREQUENCIES:
        raise InvalidField("frequency", _l("Instalments are monthly or weekly."))
    _int(p, "grace_periods", 0, p.min_term - 1, _l("The grace period is shorter than the shortest "
                                                   "term."))
    _int(p, "admin_fee_bp", 0, 1000, _l("The admin fee is at most 10%."))
    _validate_late_charge(p)
    if p.rounding not in ROUNDINGS:
        raise InvalidField("rounding", _l("Instalments are rounded to Rp1, Rp100 or Rp1,000."))
    if p.early_repayment_rule not in EARLY_RULES:
        raise InvalidField("early_repayment_rule", _l("Choose how early repayment is charged."))
    if p.max_savings_multiple is not None:
        _int(p, "max_savings_multiple", 1, 100, _l("The savings multiple is 1 to 100, or empty "
                                                   "for no such limit."))
    _validate_quality(p)
    if not isinstance(p.active, bool):
        raise InvalidField("active", _l("Say whether the product is offered."))


def _validate_late_charge(p):
    if p.late_charge_kind not in LATE_CHARGE_KINDS:
        raise InvalidField("late_charge_kind", _l("Choose how late payment is charged."))
    _int(p, "late_charge_daily_bp", 0, 100, _l("The daily late charge is at most 1% a day."))
    if p.late_charge_kind == LATE_DAILY and not p.late_charge_daily_bp:
        raise InvalidField("late_charge_daily_bp", _l("Give the daily late charge rate."))
    if p.late_charge_kind == LATE_FIXED and not p.late_charge_fixed:
        raise InvalidField("late_charge_fixed", _l("Give the fixed late charge."))


def _validate_quality(p):
    previous = 0
    for field in BAND_FIELDS:
        value = _int(p, field, 1, 3650, _l("Days past due are 1 to 3650."))
        if value <= previous:
            raise InvalidField(field, _l("Each quality class starts later than the one before it."))
        previous = value
    previous = 0
    for field in PROVISION_FIELDS:
        value = _int(p, field, 0, 10000, _l("A provision rate is 0 to 100%."))
        if value < previous:
            raise InvalidField(field, _l("A worse quality class cannot need a lower provision rate."))
        previous = value
