"""Loan products: the defaults a new cooperative gets, and a manager's edits validated."""
from decimal import Decimal

import pytest
from flask import g
from flask_babel import force_locale

from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.loans import products
from coop_app.loans.models import LoanProduct

D = Decimal


@pytest.fixture
def pw(app, world):
    with app.app_context(), force_locale("en"):
        g.actor_id = None
        yield world
        db.session.rollback()


def minimal(**fields):
    return dict(dict(code="PM", name="Pinjaman Mikro", method="flat", rate_bp=1800,
                     max_amount=D("5000000")), **fields)


def test_defaults_per_cooperative_type(pw):
    ksp = products.list_products(pw.ksp_id)
    assert [(p.code, p.method) for p in ksp] == [("PUA", "annuity"), ("PUE", "effective"), ("PUF", "flat")]
    bmt = products.list_products(pw.bmt_id)
    assert [(p.code, p.method) for p in bmt] == [("MBA", "murabahah"), ("MDA", "mudharabah"), ("QH", "qardh")]
    flat = products.get_product(pw.ksp_id, ksp[2].id)
    assert (flat.rate_bp, flat.admin_fee_bp, flat.late_charge_kind, flat.rounding) == (1200, 100, "daily_pct", 1)
    assert (flat.dpk_from_days, flat.kl_from_days, flat.diragukan_from_days, flat.macet_from_days) == \
        (1, 91, 121, 181)
    assert (flat.provision_lancar_bp, flat.provision_dpk_bp, flat.provision_kl_bp,
            flat.provision_diragukan_bp, flat.provision_macet_bp) == (50, 300, 1000, 5000, 10000)
    murabahah, mudharabah, qardh = bmt
    assert (murabahah.late_charge_kind, murabahah.late_charge_fixed) == ("fixed", D("25000"))
    assert (qardh.rate_bp, qardh.admin_fee_bp, qardh.late_charge_kind) == (0, 0, "none")
    assert mudharabah.nisbah_coop_pct == 40
    with pytest.raises(NotFound, match="Loan product not found"):
        products.get_product(pw.other_id, flat.id)


def test_create_and_update(pw):
    product = products.create_product(pw.ksp_id, **minimal(code=" pm-1 ", rounding=100, frequency="weekly",
                                                           max_term=52, max_savings_multiple=5))
    assert (product.code, product.rounding, product.frequency, product.min_amount) == ("PM-1", 100, "weekly", 0)
    assert product.early_repayment_rule == "current_period" and product.active
    products.update_product(pw.ksp_id, product.id, rate_bp=2400, active=False)
    assert product.rate_bp == 2400
    assert product not in products.list_products(pw.ksp_id)
    assert product in products.list_products(pw.ksp_id, active=False)
    assert len(products.list_products(pw.ksp_id, active=None)) == 4
    with pytest.raises(TypeError):
        products.create_product(pw.ksp_id, **minimal(colour="red"))


def test_a_refused_update_leaves_the_product_unchanged(pw):
    flat = products.list_products(pw.ksp_id)[2]
    with pytest.raises(InvalidField):
        products.update_product(pw.ksp_id, flat.id, rate_bp=1500, rounding=7)
    assert (flat.rate_bp, flat.rounding) == (1200, 1)


@pytest.mark.parametrize("fields, field, message", [
    (dict(code=""), "code", "1 to 20 capital letters"),
    (dict(code="PUF"), "code", "Product code PUF is already used"),
    (dict(name=" "), "name", "needs a name"),
    (dict(method="murabahah"), "method", "A KSP lends with flat, effective or annuity"),
    (dict(method="compound"), "method", "A KSP lends"),
    (dict(rate_bp=10001), "rate_bp", "0 to 100%"),
    (dict(rate_bp=D("12.5")), "rate_bp", "0 to 100%"),
    (dict(nisbah_coop_pct=40), "nisbah_coop_pct", "Only mudharabah"),
    (dict(min_term=0), "min_term", "shortest term"),
    (dict(min_term=12, max_term=6), "max_term", "at least the shortest"),
    (dict(max_term=361), "max_term", "at most 360"),
    (dict(max_amount=D("0")), "max_amount", "more than zero"),
    (dict(min_amount=D("6000000")), "min_amount", "cannot be above the largest"),
    (dict(min_amount=D("-1")), "min_amount", "cannot be negative"),
    (dict(min_amount=D("0.001")), "min_amount", "exact to the sen"),
    (dict(max_amount=D("100000000001")), "max_amount", "larger than any loan"),
    (dict(frequency="daily"), "frequency", "monthly or weekly"),
    (dict(grace_periods=1), "grace_periods", "shorter than the shortest term"),
    (dict(admin_fee_bp=1001), "admin_fee_bp", "at most 10%"),
    (dict(late_charge_kind="daily_pct"), "late_charge_daily_bp", "Give the daily late charge"),
    (dict(late_charge_kind="fixed"), "late_charge_fixed", "Give the fixed late charge"),
    (dict(late_charge_kind="weekly"), "late_charge_kind", "how late payment is charged"),
    (dict(late_charge_daily_bp=101), "late_charge_daily_bp", "at most 1% a day"),
    (dict(rounding=10), "rounding", "Rp1, Rp100 or Rp1,000"),
    (dict(early_repayment_rule="never"), "early_repayment_rule", "how early repayment"),
    (dict(max_savings_multiple=0), "max_savings_multiple", "1 to 100"),
    (dict(kl_from_days=1), "kl_from_days", "starts later than the one before"),
    (dict(dpk_from_days=0), "dpk_from_days", "1 to 3650"),
    (dict(macet_from_days=100), "macet_from_days", "starts later"),
    (dict(provision_dpk_bp=20), "provision_dpk_bp", "cannot need a lower provision rate"),
    (dict(provision_macet_bp=10001), "provision_macet_bp", "0 to 100%"),
    (dict(active=None), "active", "offered"),
])
def test_conventional_product_refusals(pw, fields, field, message):
    with pytest.raises(InvalidField, match=message) as refused:
        products.create_product(pw.ksp_id, **minimal(**fields))
    assert refused.value.field == field


@pytest.mark.parametrize("fields, field, message", [
    (dict(method="flat"), "method", "KSPPS/BMT finances with murabahah, qardh or mudharabah"),
    (dict(method="qardh", rate_bp=100), "rate_bp", "benevolent"),
    (dict(method="mudharabah"), "nisbah_coop_pct", "nisbah"),
    (dict(method="mudharabah", nisbah_coop_pct=100), "nisbah_coop_pct", "1 to 99%"),
])
def test_sharia_product_refusals(pw, fields, field, message):
    with pytest.raises(InvalidField, match=message) as refused:
        products.create_product(pw.bmt_id, **minimal(**dict(dict(method="murabahah"), **fields)))
    assert refused.value.field == field


def test_sharia_products(pw):
    qardh = products.create_product(pw.bmt_id, **minimal(code="QH2", method="qardh", rate_bp=0))
    mudharabah = products.create_product(pw.bmt_id, **minimal(code="MD2", method="mudharabah",
                                                              nisbah_coop_pct=35))
    assert (qardh.method, mudharabah.nisbah_coop_pct) == ("qardh", 35)
    assert db.session.execute(db.select(db.func.count()).select_from(LoanProduct).where(
        LoanProduct.cooperative_id == pw.bmt_id)).scalar() == 5
