"""Savings products: what a manager may set for each kind, refused with a clear message
otherwise, through the service and through the pages."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.savings import products
from coop_app.savings.models import SavingsProduct
from tests.support.books import coop, savings_product
from tests.support.web import english

D = Decimal
BASE = "/c/KSP-A/savings"


def data(**changes):
    values = dict(code="SSP", name="Simpanan Sukarela Plus", kind="sukarela", interest_rate_bp=350,
                  min_balance=D("25000"), min_opening=D("50000"))
    values.update(changes)
    return products.ProductData(**values)


def test_manager_creates_products_of_each_kind(sctx):
    s = sctx
    ksp, bmt = coop(s.ksp_id), coop(s.bmt_id)
    sukarela = products.create_product(ksp, data())
    berjangka = products.create_product(ksp, data(
        code="SB6", name="Deposito 6 bulan", kind="berjangka", interest_rate_bp=550,
        interest_method="lowest_monthly", min_balance=D(0), min_opening=D("500000"), term_months=6,
        early_withdrawal_allowed=True, early_withdrawal_penalty_bp=200))
    mudharabah = products.create_product(bmt, data(
        code="SMP", name="Mudharabah Plus", kind="mudharabah", interest_rate_bp=0,
        nisbah_member_pct=35))
    db.session.commit()
    assert (sukarela.interest_rate_bp, sukarela.min_balance, sukarela.min_opening) == (350, D("25000"), D("50000"))
    assert (berjangka.term_months, berjangka.early_withdrawal_penalty_bp, berjangka.interest_method) == (
        6, 200, "lowest_monthly")
    assert mudharabah.nisbah_member_pct == 35
    products.update_product(ksp, sukarela.id, data(name="Sukarela Plus", interest_rate_bp=400, active=False))
    db.session.commit()
    assert (sukarela.name, sukarela.interest_rate_bp, sukarela.active) == ("Sukarela Plus", 400, False)


BAD = [
    ({"code": "ss plus"}, "code", "capital letters"),
    ({"code": "SS"}, "code", "already used"),
    ({"name": " "}, "name", "name of at most 100"),
    ({"kind": "deposito"}, "kind", "Choose the kind"),
    ({"kind": "mudharabah", "nisbah_member_pct": 40, "interest_rate_bp": 0}, "kind", "sharia cooperatives"),
    ({"kind": "wajib", "fixed_amount": None, "mandatory": True, "period_months": 1}, "fixed_amount", "fixed amount"),
    ({"kind": "wajib", "fixed_amount": D(20000), "mandatory": True, "period_months": 2,
      "interest_rate_bp": 0, "min_balance": D(0), "min_opening": D(0)}, "period_months", "how often"),
    ({"kind": "pokok", "fixed_amount": D(50000), "mandatory": False, "interest_rate_bp": 0,
      "min_balance": D(0), "min_opening": D(0)}, "mandatory", "mandatory for every member"),
    ({"kind": "pokok", "fixed_amount": D(50000), "mandatory": True, "interest_rate_bp": 0,
      "min_balance": D(0), "min_opening": D(0)}, "kind", "already has an active pokok"),
    ({"fixed_amount": D(5000)}, "fixed_amount", "Only pokok and wajib"),
    ({"period_months": 1}, "period_months", "Only simpanan wajib"),
    ({"interest_rate_bp": 2401}, "interest_rate_bp", "between 0% and 24%"),
    ({"min_balance": D(-1)}, "min_balance", "zero or more"),
    ({"min_opening": D("1.001")}, "min_opening", "zero or more"),
    ({"interest_method": "fifo"}, "interest_method", "how interest"),
    ({"nisbah_member_pct": 40}, "nisbah_member_pct", "Only mudharabah"),
    ({"term_months": 12}, "term_months", "Only time deposits"),
    ({"kind": "berjangka", "term_months": None}, "term_months", "1 to 120 months"),
    ({"kind": "berjangka", "term_months": 121}, "term_months", "1 to 120 months"),
    ({"kind": "berjangka", "term_months": 12, "early_withdrawal_penalty_bp": 100}, "early_withdrawal_penalty_bp",
     "only when early withdrawal is allowed"),
    ({"kind": "berjangka", "term_months": 12, "early_withdrawal_allowed": True,
      "early_withdrawal_penalty_bp": 5001}, "early_withdrawal_penalty_bp", "between 0% and 50%"),
    ({"kind": "berjangka", "term_months": 12, "mandatory": True}, "mandatory", "cannot be mandatory"),
]


@pytest.mark.parametrize("changes, field, message", BAD)
def test_product_rules(sctx, changes, field, message):
    s = sctx
    before = db.session.execute(select(func.count()).select_from(SavingsProduct)).scalar()
    with pytest.raises(DomainError, match=message) as info:
        products.create_product(coop(s.ksp_id), data(**changes))
    assert getattr(info.value, "field", None) == field
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(SavingsProduct)).scalar() == before


def test_sharia_products_share_profit_instead_of_paying_interest(sctx):
    s = sctx
    bmt = coop(s.bmt_id)
    with pytest.raises(DomainError, match="pays no interest"):
        products.create_product(bmt, data(code="X1"))
    with pytest.raises(DomainError, match="nisbah is a whole percentage from 1 to 99"):
        products.create_product(bmt, data(code="X2", kind="mudharabah", interest_rate_bp=0))
    with pytest.raises(DomainError, match="nisbah is a whole percentage from 1 to 99"):
        products.create_product(bmt, data(code="X3", kind="berjangka", interest_rate_bp=0, term_months=6,
                                          nisbah_member_pct=100))
    wadiah = products.create_product(bmt, data(code="WD2", kind="wadiah", interest_rate_bp=0))
    assert wadiah.kind == "wadiah"
    db.session.rollback()


def test_code_and_kind_never_change(sctx):
    s = sctx
    sukarela = savings_product(s.ksp_id, "SS")
    with pytest.raises(DomainError, match="cannot change"):
        products.update_product(coop(s.ksp_id), sukarela.id, data(code="SS2", kind="sukarela"))
    db.session.rollback()
    with pytest.raises(DomainError, match="Savings product not found"):
        products.update_product(coop(s.ksp_id), savings_product(s.bmt_id, "SM").id, data(code="SM", kind="sukarela"))
    db.session.rollback()


# -- pages --------------------------------------------------------------------------------

def form_data(**changes):
    """The new-product form; its amounts have no separators, so they read the same on an
    Indonesian and an English screen."""
    values = {"code": "SSP", "name": "Simpanan Sukarela Plus", "kind": "sukarela", "fixed_amount": "",
              "period_months": "", "interest_rate": "3,5", "interest_method": "average_daily",
              "nisbah_member_pct": "", "min_balance": "25000", "min_opening": "50000",
              "term_months": "", "early_withdrawal_penalty": "", "active": "y"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_products_page_lists_settings_and_totals(app, client, auth, savers):
    from datetime import date

    from tests.savings.helpers import open_with
    with app.app_context():
        open_with(savers.ksp_id, savers.siti, "SS", "1500000", date(2025, 2, 1))
        open_with(savers.ksp_id, savers.budi, "SS", "250000", date(2025, 2, 1))
        db.session.commit()
    auth.login("auditor.jabar")
    page = client.get(f"{BASE}/products").get_data(as_text=True)
    row = re.search(r'<tr data-product="SS".*?</tr>', page, re.S).group(0)
    assert "3%" in row and "Rp1.750.000" in row and ">2</a>" in row
    assert "Simpanan Wajib" in page and "Rp20.000" in page
    assert "/savings/products/new" not in page  # auditors read only


def test_manager_creates_a_product_from_the_form(app, client, auth, savers):
    auth.login("manager")
    response = client.post(f"{BASE}/products/new", data=form_data())
    assert response.status_code == 302
    with app.app_context():
        created = savings_product(savers.ksp_id, "SSP")
        assert (created.interest_rate_bp, created.min_balance, created.min_opening, created.kind) == (
            350, D("25000"), D("50000"), "sukarela")


def test_manager_edits_a_product(app, client, auth, savers):
    auth.login("manager")
    with app.app_context():
        sukarela_id = savings_product(savers.ksp_id, "SS").id
    url = f"{BASE}/products/{sukarela_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="3"' in page and 'id="product-code">SS<' in page
    response = client.post(url, data=form_data(code=None, kind=None, name="Sukarela Harian",
                                               interest_rate="2,75", min_balance="5.000"))
    assert response.status_code == 302
    with app.app_context():
        edited = savings_product(savers.ksp_id, "SS")
        assert (edited.name, edited.interest_rate_bp, edited.min_balance) == ("Sukarela Harian", 275, D("5000"))


@pytest.mark.parametrize("changes, message", [
    (dict(code=""), "This field is required"),
    (dict(name="x" * 101), "At most 100 characters"),
    (dict(kind="mudharabah"), "Choose one of the listed options"),  # not offered to a KSP
    (dict(kind="tabungan"), "Choose one of the listed options"),
    (dict(interest_rate="tiga"), "Write a percentage like 3 or 3,5"),
    (dict(interest_rate="3,125"), "Write a percentage like 3 or 3,5"),
    (dict(interest_rate="30"), "between 0% and 24%"),
    (dict(min_balance="sepuluh ribu"), "That is not an amount"),
    (dict(min_opening="-5"), "The amount must be more than zero"),
    (dict(nisbah_member_pct="40,5"), "Enter a whole number"),
    (dict(term_months="12"), "Only time deposits"),
    (dict(period_months="7"), "Choose one of the listed options"),
    (dict(interest_method="fifo"), "Choose one of the listed options"),
    (dict(code="SS"), "Product code SS is already used"),
    (dict(fixed_amount="10000"), "Only pokok and wajib have a fixed amount"),
])
def test_product_form_bad_input(app, client, auth, savers, changes, message):
    auth.login("manager")
    english(client)
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(SavingsProduct)).scalar()
    response = client.post(f"{BASE}/products/new", data=form_data(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SavingsProduct)).scalar() == before


def test_edit_bad_input_and_foreign_products(app, client, auth, savers):
    auth.login("manager")
    english(client)
    with app.app_context():
        sukarela_id = savings_product(savers.ksp_id, "SS").id
        foreign_id = savings_product(savers.bmt_id, "SM").id
    response = client.post(f"{BASE}/products/{sukarela_id}/edit",
                           data=form_data(code=None, kind=None, interest_rate="99"))
    assert response.status_code == 422 and "between 0% and 24%" in response.get_data(as_text=True)
    with app.app_context():
        assert savings_product(savers.ksp_id, "SS").interest_rate_bp == 300
    assert client.get(f"{BASE}/products/{foreign_id}/edit").status_code == 404
    assert client.post(f"{BASE}/products/{foreign_id}/edit", data=form_data()).status_code == 404
    assert client.get(f"{BASE}/products/999999/accounts").status_code == 404


def test_only_managers_change_products(client, auth, savers):
    for user in ("treasurer", "auditor.all", "member"):
        auth.login(user)
        assert client.get(f"{BASE}/products/new").status_code == 403, user
        assert client.post(f"{BASE}/products/new", data=form_data()).status_code == 403, user
        auth.logout()
    auth.login("member")
    assert client.get(f"{BASE}/products").status_code == 403
    auth.logout()
    auth.login("other.manager")
    assert client.get(f"{BASE}/products").status_code == 404


def test_bmt_manager_sees_sharia_kinds(client, auth, savers):
    auth.login("bmt.manager")
    page = client.get("/c/BMT-C/savings/products/new").get_data(as_text=True)
    assert 'value="mudharabah"' in page and 'value="wadiah"' in page
    auth.logout()
    auth.login("manager")
    page = client.get(f"{BASE}/products/new").get_data(as_text=True)
    assert 'value="mudharabah"' not in page and 'value="sukarela"' in page
