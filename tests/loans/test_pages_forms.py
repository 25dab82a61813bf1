"""Bad input on every loan form: the page answers 422 with the message (next to its field or
at the top) and nothing is written: rows of journal, loans, instalments, payments, events,
products and savings are counted before and after."""
from datetime import date, timedelta

import pytest

from coop_app.extensions import db
from coop_app.loans import application as service
from tests.loans.pages import BMT, KSP
from tests.support.books import loan_counts_in, loan_product
from tests.support.web import form_key, login_as

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs
FUTURE = (TODAY + timedelta(days=2)).isoformat()


def refused(app, client, url, data, message):
    before = loan_counts_in(app)
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, (url, data)
    assert message in page, (message, url, data)
    assert loan_counts_in(app) == before


# -- products -------------------------------------------------------------------------------------

PRODUCT = {"code": "PMK", "name": "Pinjaman Mikro", "method": "flat", "rate": "12", "min_term": "1",
           "max_term": "24", "min_amount": "100,000", "max_amount": "10,000,000",
           "frequency": "monthly", "grace_periods": "0", "admin_fee_fixed": "0", "admin_fee": "1",
           "late_charge_kind": "none", "late_charge_daily": "", "late_charge_fixed": "",
           "rounding": "1", "early_repayment_rule": "all_remaining", "max_savings_multiple": "",
           "dpk_from_days": "1", "kl_from_days": "91", "diragukan_from_days": "121",
           "macet_from_days": "181", "provision_lancar": "0,5", "provision_dpk": "3",
           "provision_kl": "10", "provision_diragukan": "50", "provision_macet": "100", "active": "y"}


def test_a_manager_creates_and_edits_a_product(app, client, auth, lworld):
    login_as(client, "manager")
    data = dict(PRODUCT, provision_lancar="0.5", late_charge_kind="daily_pct", late_charge_daily="0.1",
                max_savings_multiple="5")
    response = client.post(f"{KSP}/products/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        made = loan_product(lworld.ksp_id, "PMK")
        assert (made.rate_bp, made.admin_fee_bp, made.late_charge_daily_bp, made.provision_lancar_bp,
                made.max_savings_multiple, made.max_amount) == (1200, 100, 10, 50, 5, 10000000)
        product_id = made.id
    page = client.get(f"{KSP}/products/{product_id}/edit").get_data(as_text=True)
    assert 'value="Pinjaman Mikro"' in page and 'value="0.1"' in page
    edit = dict(data, name="Pinjaman Mikro Usaha", rate="15", method="annuity")
    del edit["code"]
    assert client.post(f"{KSP}/products/{product_id}/edit", data=edit).status_code == 302
    with app.app_context():
        made = loan_product(lworld.ksp_id, "PMK")
        assert (made.name, made.rate_bp, made.method) == ("Pinjaman Mikro Usaha", 1500, "annuity")


@pytest.mark.parametrize("changes, message", [
    (dict(code=""), "This field is required."),
    (dict(code="PUF"), "Product code PUF is already used."),
    (dict(code="bad code!"), "capital letters, digits or dashes"),
    (dict(method="murabahah"), "Choose one of the listed options"),
    (dict(method=""), "Choose the method."),
    (dict(rate="dua belas"), "Write a percentage like 3 or 3,5"),
    (dict(rate="150"), "The rate is 0 to 100% a year."),
    (dict(max_amount=""), "Enter the amount."),
    (dict(max_amount="sepuluh"), "That is not an amount"),
    (dict(min_amount="20,000,000"), "The smallest amount cannot be above the largest."),
    (dict(min_term="12", max_term="6"), "The longest term is at least the shortest"),
    (dict(min_term="x"), "Enter a whole number."),
    (dict(grace_periods="3"), "The grace period is shorter than the shortest term."),
    (dict(late_charge_kind="daily_pct"), "Give the daily late charge rate."),
    (dict(late_charge_kind="fixed"), "Give the fixed late charge."),
    (dict(kl_from_days="1"), "Each quality class starts later than the one before it."),
    (dict(provision_kl="2"), "A worse quality class cannot need a lower provision rate."),
    (dict(nisbah_coop_pct="40"), "Only mudharabah financing has a profit-sharing ratio"),
    (dict(rounding="7"), "Choose one of the listed options"),
    (dict(frequency="daily"), "Choose one of the listed options"),
])
def test_new_product_bad_input(app, client, auth, lworld, changes, message):
    login_as(client, "manager")
    refused(app, client, f"{KSP}/products/new", dict(PRODUCT, **changes), message)


@pytest.mark.parametrize("changes, message", [
    (dict(name=""), "This field is required."),
    (dict(rate="101"), "The rate is 0 to 100% a year."),
    (dict(method="qardh"), "Choose one of the listed options"),
    (dict(macet_from_days="100"), "Each quality class starts later"),
])
def test_edit_product_bad_input_changes_nothing(app, client, auth, lworld, changes, message):
    login_as(client, "manager")
    with app.app_context():
        puf = loan_product(lworld.ksp_id, "PUF")
        product_id, name, rate = puf.id, puf.name, puf.rate_bp
    data = dict(PRODUCT, **changes)
    del data["code"]
    refused(app, client, f"{KSP}/products/{product_id}/edit", data, message)
    with app.app_context():
        puf = loan_product(lworld.ksp_id, "PUF")
        assert (puf.name, puf.rate_bp) == (name, rate)


def test_bmt_products_are_sharia(app, client, auth, lworld):
    login_as(client, "bmt.manager")
    data = dict(PRODUCT, code="QH2", method="qardh", rate="5")
    refused(app, client, f"{BMT}/products/new", data, "A qardh loan is benevolent")
    refused(app, client, f"{BMT}/products/new", dict(data, method="mudharabah", rate="18"),
            "The cooperative&#39;s share of the profit (nisbah) is 1 to 99%.")
    assert client.post(f"{BMT}/products/new", data=dict(data, method="mudharabah", rate="18",
                                                         nisbah_coop_pct="35")).status_code == 302


# -- simulation --------------------------------------------------------------------------------------

def simulate(client, base, **args):
    return client.get(f"{base}/simulate", query_string=args)


def test_simulation_of_the_worked_examples(app, client, auth, lworld):
    login_as(client, "treasurer")
    from tests.support.web import table_column
    with app.app_context():
        puf = loan_product(lworld.ksp_id, "PUF").id
    # L1: 90.000.000 at 12% flat over 36 months: 3.400.000 = 2.500.000 + 900.000
    page = simulate(client, KSP, product=puf, amount="90,000,000", term="36",
                    start="2026-01-31").get_data(as_text=True)
    assert set(table_column(page, "schedule", 4)) == {"Rp3,400,000"}
    assert table_column(page, "schedule", 1)[:3] == ["Feb 28, 2026", "Mar 31, 2026", "Apr 30, 2026"]
    # L3: annuity 10.000.000 at 12% over 12 months: 888.488 a month (rounded)
    page = simulate(client, KSP, method="annuity", rate="12", amount="10,000,000", term="12",
                    start="2026-01-15").get_data(as_text=True)
    assert table_column(page, "schedule", 4)[0] == "Rp888,488"
    # rounding to Rp1.000
    page = simulate(client, KSP, method="flat", rate="12", amount="10,000,000", term="12",
                    start="2026-01-15", rounding="1000").get_data(as_text=True)
    assert table_column(page, "schedule", 4)[0] == "Rp933,000"
    # outside the product's limits: computed, with a note
    page = simulate(client, KSP, product=puf, amount="200,000,000", term="48",
                    start="2026-01-15").get_data(as_text=True)
    assert page.count("data-note") == 2
    login_as(client, "bmt.treasurer")
    with app.app_context():
        mba = loan_product(lworld.bmt_id, "MBA").id
    # M2: 90.000.000 financed with a margin of 18.000.000 over 24 months: 4.500.000
    page = simulate(client, BMT, product=mba, amount="90,000,000", term="24", margin="18,000,000",
                    start="2026-01-15").get_data(as_text=True)
    assert set(table_column(page, "schedule", 4)) == {"Rp4,500,000"}
    assert set(table_column(page, "schedule", 3)) == {"Rp750,000"}
    # M1: 16.000.000 at 10% a year for 3 years: margin 4.800.000
    page = simulate(client, BMT, product=mba, amount="16,000,000", term="36",
                    start="2026-01-15").get_data(as_text=True)
    assert "interest or margin Rp4,800,000" in page


@pytest.mark.parametrize("base, args, message", [
    (KSP, dict(amount="abc", term="12", method="flat", rate="12"), "That is not an amount"),
    (KSP, dict(amount="1,000,000", term="0", method="flat", rate="12"), "The term is 1 to 360"),
    (KSP, dict(amount="1,000,000", term="", method="flat", rate="12"), "This field is required."),
    (KSP, dict(amount="1,000,000", term="12"), "Choose a product or a method."),
    (KSP, dict(amount="1,000,000", term="12", method="flat", rate="200"), "from 0 to 100"),
    (KSP, dict(amount="1,000,000", term="12", method="flat", rate="12", grace="12"), "The grace period"),
    (KSP, dict(amount="1,000,000", term="12", method="murabahah"), "Choose one of the listed options"),
    (KSP, dict(amount="1,000,000", term="12", method="flat", start="31-01-2026"), "That is not a date"),
    (KSP, dict(amount="1,000,000", term="12", product="999999"), "Choose one of the listed options"),
    (BMT, dict(amount="1,000,000", term="12", method="qardh", rate="5"), "A qardh loan is benevolent"),
    (BMT, dict(amount="1,000,000", term="12", method="mudharabah", margin="100,000"),
     "Only murabahah financing has a margin amount."),
])
def test_simulation_bad_input(app, client, auth, lworld, base, args, message):
    login_as(client, "manager" if base == KSP else "bmt.manager")
    args.setdefault("start", "2026-01-15")
    before = loan_counts_in(app)
    response = simulate(client, base, **args)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert loan_counts_in(app) == before


# -- the application ------------------------------------------------------------------------------

def application(app, client, w, **changes):
    with app.app_context():
        puf = loan_product(w.ksp_id, "PUF").id
    url = f"{KSP}/apply/{w.siti}"
    data = {"product": puf, "amount": "5,000,000", "term": "12", "purpose": "Modal warung",
            "purpose_kind": "working_capital", "enterprise": w.warung, "applied_on": TODAY.isoformat(),
            "pledged_account": "",
            "pledged_amount": "", "collateral_description": "", "collateral_value": "",
            "key": form_key(client, url)}
    for name, value in changes.items():
        data[name] = value(w) if callable(value) else value
    return url, data


@pytest.mark.parametrize("changes, message", [
    (dict(product=""), "Choose the product."),
    (dict(product="999999"), "Choose one of the listed options"),
    (dict(amount="lima juta"), "That is not an amount"),
    (dict(amount="200,000,000"), "lends from Rp500,000 to Rp100,000,000"),
    (dict(term="48"), "is 1 to 36 instalments"),
    (dict(term=""), "This field is required."),
    (dict(purpose=""), "Say what the loan is for."),
    (dict(enterprise=lambda w: w.bengkel), "Choose one of the listed options"),
    (dict(pledged_account=lambda w: w.siti_ss, pledged_amount="99,000,000"), "free to pledge"),
    (dict(pledged_amount="1,000,000"), "Choose the savings account pledged."),
    (dict(collateral_value="5,000,000"), "Describe the collateral."),
    (dict(applied_on=FUTURE), "is after today (2026-11-18)"),
    (dict(applied_on="2021-01-01"), "before the member joined"),
    (dict(applied_on="kemarin"), "That is not a date"),
    (dict(key="not a key!"), "The form is damaged"),
])
def test_application_bad_input(app, client, auth, lworld, changes, message):
    login_as(client, "treasurer")
    url, data = application(app, client, lworld, **changes)
    refused(app, client, url, data, message)
    # the preview refuses the same way
    if "key" not in changes:
        refused(app, client, url, dict(data, preview="1"), message)


def test_application_for_a_member_of_another_cooperative_is_404(app, client, auth, lworld):
    login_as(client, "treasurer")
    assert client.get(f"{KSP}/apply/{lworld.aminah}").status_code == 404
    assert client.post(f"{KSP}/apply/{lworld.aminah}", data={}).status_code == 404


@pytest.mark.parametrize("changes, message", [
    (dict(goods_description=""), "Describe the goods"),
    (dict(down_payment="10,000,000"), "The down payment must be less than the cost price."),
    (dict(cost_price="", down_payment="1,000,000", amount=""), "Give the cost price with the down payment."),
])
def test_murabahah_application_bad_input(app, client, auth, lworld, changes, message):
    login_as(client, "bmt.treasurer")
    with app.app_context():
        mba = loan_product(lworld.bmt_id, "MBA").id
    url = f"{BMT}/apply/{lworld.aminah}"
    data = {"product": mba, "term": "12", "purpose": "Modal jahit", "purpose_kind": "investment",
            "goods_description": "Mesin jahit",
            "cost_price": "6,000,000", "down_payment": "1,000,000", "applied_on": TODAY.isoformat(),
            "key": form_key(client, url)}
    refused(app, client, url, dict(data, **changes), message)


# -- actions -------------------------------------------------------------------------------------------

def approved(app, w):
    """The seeded application, approved by a second manager."""
    with app.app_context():
        service.approve_loan(w.ksp_id, w.loans["applied"], w.user_id("manager2"), TODAY)
        db.session.commit()
    return w.loans["applied"]


ACTIONS = [
    # (user, loan, action, form data, message)
    ("manager", "applied", "approve", dict(on="2026-03-01"), "before the application"),
    ("manager", "applied", "approve", dict(on="gestern"), "That is not a date"),
    ("manager", "applied", "approve", dict(on=FUTURE), "is after today (2026-11-18)"),
    ("manager", "active", "approve", dict(on=TODAY.isoformat()), "Only an application awaiting a decision"),
    ("manager", "applied", "reject", dict(on=TODAY.isoformat(), reason=""), "Give the reason."),
    ("treasurer", "applied", "cancel", dict(on=TODAY.isoformat(), reason=""), "Give the reason."),
    ("treasurer", "active", "cancel", dict(on=TODAY.isoformat(), reason="Salah input"),
     "Only a loan not yet disbursed can be cancelled"),
    ("treasurer", "applied", "disburse", dict(on=TODAY.isoformat(), to="cash"), "Only an approved loan"),
    ("treasurer", "approved", "disburse", dict(on=TODAY.isoformat(), to=""), "Choose how it is paid out."),
    ("treasurer", "approved", "disburse", dict(on=TODAY.isoformat(), to="savings", savings_account="999999"),
     "Choose one of the listed options"),
    ("treasurer", "approved", "disburse", dict(on=FUTURE, to="cash"), "is after today (2026-11-18)"),
    ("treasurer", "active", "repay", dict(on=TODAY.isoformat(), amount="99,000,000", source="cash"),
     "is more than loan PUE-000001 owes: at most"),
    ("treasurer", "active", "repay", dict(on=TODAY.isoformat(), amount="0", source="cash"), "more than zero"),
    ("treasurer", "active", "repay", dict(on=TODAY.isoformat(), amount="", source="cash"), "Enter the amount."),
    ("treasurer", "active", "repay", dict(on=FUTURE, amount="100,000", source="cash"),
     "is after today (2026-11-18)"),
    ("treasurer", "active", "repay", dict(on="2026-04-01", amount="100,000", source="cash"),
     "cannot be dated before"),
    ("treasurer", "active", "repay", dict(on=TODAY.isoformat(), amount="6,000,000", source="savings",
                                          savings_account="siti_ss"), "can be taken from savings account"),
    ("treasurer", "active", "repay", dict(on=TODAY.isoformat(), amount="100,000", source="gold"),
     "Choose one of the listed options"),
    ("treasurer", "applied", "repay", dict(on=TODAY.isoformat(), amount="100,000", source="cash"),
     "has not been disbursed"),
    ("treasurer", "applied", "payoff", dict(on=TODAY.isoformat(), source="cash", quoted_total="1"),
     "has not been disbursed"),
    ("manager", "active", "restructure", dict(on=TODAY.isoformat(), term="", reason="Banjir"),
     "This field is required."),
    ("manager", "active", "restructure", dict(on=TODAY.isoformat(), term="0", reason="Banjir"),
     "Give the new number of instalments."),
    ("manager", "active", "restructure", dict(on=TODAY.isoformat(), term="12", reason=""), "Give the reason."),
    ("manager", "applied", "restructure", dict(on=TODAY.isoformat(), term="12", reason="Banjir"),
     "Only an active loan can be restructured"),
    ("manager", "active", "write-off", dict(on=TODAY.isoformat(), reason=""), "Give the reason."),
    ("manager", "applied", "write-off", dict(on=TODAY.isoformat(), reason="Macet"),
     "Only an active loan can be restructured or written off"),
    ("treasurer", "active", "recovery", dict(on=TODAY.isoformat(), amount="100,000", source="cash"),
     "Only a written-off loan has recoveries"),
    ("treasurer", "active", "recovery", dict(on=TODAY.isoformat(), amount="100,000", source="savings"),
     "Choose one of the listed options"),
]


@pytest.mark.parametrize("user, which, action, data, message", ACTIONS)
def test_action_bad_input(app, client, auth, lworld, user, which, action, data, message):
    loan_id = approved(app, lworld) if which == "approved" else lworld.loans[which]
    login_as(client, user)
    url = f"{KSP}/{loan_id}/{action}"
    data = dict(data, key=form_key(client, url))
    if data.get("savings_account") == "siti_ss":
        data["savings_account"] = lworld.siti_ss
    refused(app, client, url, data, message)


def test_a_damaged_submission_key_is_refused(app, client, auth, lworld):
    login_as(client, "treasurer")
    url = f"{KSP}/{lworld.loans['active']}/repay"
    refused(app, client, url, dict(on=TODAY.isoformat(), amount="100,000", source="cash", key="x!"),
            "The form is damaged")
