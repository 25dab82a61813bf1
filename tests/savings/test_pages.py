"""The account pages through the test client: opening, the passbook, deposit and
withdrawal forms, what each role may see and do, and bad input answered with a message
while nothing is written."""
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest

from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount
from tests.savings.helpers import open_with
from tests.support import key
from tests.support.books import bank, cash, savings_balance_in, savings_counts, savings_product
from tests.support.web import english, form_key, table_column

D = Decimal
BASE = "/c/KSP-A/savings"
DAY = date(2025, 3, 3)


def make_account(app, savers, member="siti", code="SS", amount="1000000", day=DAY):
    with app.app_context():
        account = open_with(savers.ksp_id, getattr(savers, member), code, amount, day)
        db.session.commit()
        return account.id


def ids(app, savers):
    with app.app_context():
        return {"cash": cash(savers.ksp_id), "bank": bank(savers.ksp_id),
                "ss": savings_product(savers.ksp_id, "SS").id, "sb": savings_product(savers.ksp_id, "SB12").id,
                "foreign_cash": cash(savers.bmt_id)}


def state(app):
    with app.app_context():
        return savings_counts()


def location_ids(response):
    match = re.search(r"/savings/accounts/(\d+)\?receipt=(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1)), int(match.group(2))


# -- opening -------------------------------------------------------------------------------

def open_data(app, savers, **changes):
    i = ids(app, savers)
    values = {"member_number": "2024.00002", "product": i["ss"], "opened_on": DAY.isoformat(),
              "amount": "750000", "money_account": i["cash"], "key": uuid.uuid4().hex}
    values.update(changes)
    return values


def test_treasurer_opens_an_account_and_is_offered_the_receipt(app, client, auth, savers):
    auth.login("treasurer")
    page = client.get(f"{BASE}/accounts/new?member_id={savers.budi}").get_data(as_text=True)
    assert 'value="2024.00002"' in page
    k = form_key(client, f"{BASE}/accounts/new")
    response = client.post(f"{BASE}/accounts/new", data=open_data(app, savers, key=k))
    assert response.status_code == 302
    account_id, entry_id = location_ids(response)
    assert savings_balance_in(app, account_id) == D("750000.00")
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        assert (entry.kind, entry.created_by, entry.idempotency_key) == (
            "savings_deposit", savers.user_id("treasurer"), k)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/savings/receipts/{entry_id}.pdf" in page and 'id="receipt-ready"' in page
    before = state(app)
    again = client.post(f"{BASE}/accounts/new", data=open_data(app, savers, key=k))
    assert location_ids(again) == (account_id, entry_id)
    assert state(app) == before


def test_opening_a_time_deposit_shows_its_maturity(app, client, auth, savers):
    auth.login("manager")
    i = ids(app, savers)
    response = client.post(f"{BASE}/accounts/new", data=open_data(
        app, savers, product=i["sb"], amount="2.000.000", opened_on="2025-01-31"))
    account_id, _entry = location_ids(response)
    page = client.get(f"{BASE}/accounts/{account_id}").get_data(as_text=True)
    assert re.search(r'id="account-maturity">[^<]*2026', page)
    assert "/withdraw" in page and "/deposit" not in page  # a time deposit takes no deposits


@pytest.mark.parametrize("changes, message", [
    (dict(member_number="9999.99999"), "No member of this cooperative has that member number"),
    (dict(member_number=""), "Give the member number"),
    (dict(amount=""), "Enter the amount"),
    (dict(amount="tujuh ratus"), "That is not an amount"),
    (dict(amount="5,000"), "at least Rp10,000"),
    (dict(amount="0"), "more than zero"),
    (dict(opened_on="31-01-2025"), "That is not a date"),
    (dict(opened_on="2099-01-01"), "is after today"),
    (dict(opened_on="2020-01-01"), "before the member joined"),
    (dict(product="999999"), "Choose one of the listed options"),
    (dict(product=""), "Choose the product"),
    (dict(money_account="foreign"), "Choose one of the listed options"),
    (dict(key="not a key!"), "The form is damaged"),
])
def test_open_account_bad_input(app, client, auth, savers, changes, message):
    auth.login("treasurer")
    english(client)
    if changes.get("money_account") == "foreign":
        changes["money_account"] = ids(app, savers)["foreign_cash"]
    before = state(app)
    response = client.post(f"{BASE}/accounts/new", data=open_data(app, savers, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert state(app) == before


def test_member_of_another_cooperative_cannot_be_used(app, client, auth, savers):
    auth.login("treasurer")
    english(client)
    # Aminah's number 2024.00001 exists in BMT-C; in KSP-A it is Siti's.
    response = client.post(f"{BASE}/accounts/new", data=open_data(app, savers, member_number="2024.00001"))
    account_id, _entry = location_ids(response)
    with app.app_context():
        assert db.session.get(SavingsAccount, account_id).member_id == savers.siti
    assert client.get(f"{BASE}/accounts/new?member_id={savers.aminah}").status_code == 404


# -- the account page ------------------------------------------------------------------------

def test_account_page_shows_balances_and_the_passbook(app, client, auth, savers):
    account_id = make_account(app, savers, amount="1000000")
    with app.app_context():
        savings.deposit(savers.ksp_id, account_id, D("250000"), date(2025, 3, 10), cash(savers.ksp_id), key())
        savings.withdraw(savers.ksp_id, account_id, D("100000"), date(2025, 3, 12), cash(savers.ksp_id), key())
        db.session.get(SavingsAccount, account_id).pledged = D("400000")
        db.session.commit()
    auth.login("treasurer")
    page = client.get(f"{BASE}/accounts/{account_id}").get_data(as_text=True)
    assert re.search(r'id="account-balance">Rp1\.150\.000<', page)
    assert re.search(r'id="account-pledged">Rp400\.000<', page)
    # 1.150.000 - 400.000 pledged - 10.000 minimum
    assert re.search(r'id="account-available">Rp740\.000<', page)
    assert table_column(page, "passbook", 5) == ["Rp1.150.000", "Rp1.250.000", "Rp1.000.000"]
    assert table_column(page, "passbook", 4) == ["Rp100.000", "", ""]
    assert "Siti Rahayu" in page and "/deposit" in page and "/withdraw" in page


def test_the_passbook_is_paginated(make_app, client, savers):
    app = make_app(PAGE_SIZE=2)
    client = app.test_client()
    account_id = make_account(app, savers, amount="100000")
    with app.app_context():
        for day in (4, 5, 6, 7):
            savings.deposit(savers.ksp_id, account_id, D(day * 1000), date(2025, 3, day), cash(savers.ksp_id), key())
        db.session.commit()
    client.post("/login", data={"username": "manager", "password": "rahasia-123"})
    first = client.get(f"{BASE}/accounts/{account_id}").get_data(as_text=True)
    assert table_column(first, "passbook", 5) == ["Rp122.000", "Rp115.000"]
    assert "Page 1 of 3" in first or "Halaman 1 dari 3" in first
    last = client.get(f"{BASE}/accounts/{account_id}?page=3").get_data(as_text=True)
    assert table_column(last, "passbook", 5) == ["Rp100.000"]


def test_members_see_only_their_own_accounts(app, client, auth, savers):
    siti_account = make_account(app, savers, "siti")
    budi_account = make_account(app, savers, "budi", amount="300000")
    auth.login("member")  # Siti
    page = client.get(f"{BASE}/accounts/{siti_account}").get_data(as_text=True)
    assert "Rp1.000.000" in page and "/deposit" not in page and "/withdraw" not in page
    assert client.get(f"{BASE}/accounts/{budi_account}").status_code == 404
    assert client.get(f"{BASE}/accounts/{siti_account}/deposit").status_code == 403
    auth.logout()
    auth.login("member2")  # Budi
    assert client.get(f"{BASE}/accounts/{budi_account}").status_code == 200
    assert client.get(f"{BASE}/accounts/{siti_account}").status_code == 404


def test_other_cooperatives_and_auditors(app, client, auth, savers):
    account_id = make_account(app, savers)
    with app.app_context():
        foreign = open_with(savers.bmt_id, savers.aminah, "WD", "50000", DAY)
        db.session.commit()
        foreign_id = foreign.id
    auth.login("other.manager")
    assert client.get(f"{BASE}/accounts/{account_id}").status_code == 404
    auth.logout()
    auth.login("auditor.ntb")
    assert client.get(f"{BASE}/accounts/{account_id}").status_code == 404
    auth.logout()
    auth.login("auditor.indramayu")
    page = client.get(f"{BASE}/accounts/{account_id}").get_data(as_text=True)
    assert "Rp1.000.000" in page and "/deposit" not in page
    assert client.get(f"{BASE}/accounts/{account_id}/deposit").status_code == 403
    assert client.post(f"{BASE}/accounts/{account_id}/withdraw", data={"amount": "1"}).status_code == 403
    auth.logout()
    auth.login("manager")
    assert client.get(f"{BASE}/accounts/{foreign_id}").status_code == 404
    assert client.get(f"{BASE}/accounts/{foreign_id}/deposit").status_code == 404
    assert client.post(f"{BASE}/accounts/{foreign_id}/withdraw", data={"amount": "1"}).status_code == 404


# -- deposits and withdrawals -------------------------------------------------------------

def movement_data(app, savers, **changes):
    values = {"entry_date": DAY.isoformat(), "money_account": ids(app, savers)["cash"],
              "amount": "1250000", "memo": "", "key": uuid.uuid4().hex}
    values.update(changes)
    return values


def test_deposit_and_withdrawal_forms(app, client, auth, savers):
    account_id = make_account(app, savers)
    auth.login("treasurer")
    response = client.post(f"{BASE}/accounts/{account_id}/deposit", data=movement_data(app, savers))
    assert location_ids(response)[0] == account_id
    assert savings_balance_in(app, account_id) == D("2250000.00")
    response = client.post(f"{BASE}/accounts/{account_id}/withdraw", data=movement_data(
        app, savers, amount="2.000.000,50", memo="Biaya sekolah"))
    _account, entry_id = location_ids(response)
    assert savings_balance_in(app, account_id) == D("249999.50")
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id).memo == "Biaya sekolah"


def test_a_double_clicked_withdrawal_is_paid_once(app, client, auth, savers):
    account_id = make_account(app, savers)
    auth.login("treasurer")
    k = form_key(client, f"{BASE}/accounts/{account_id}/withdraw")
    first = client.post(f"{BASE}/accounts/{account_id}/withdraw", data=movement_data(app, savers, amount="400.000", key=k))
    second = client.post(f"{BASE}/accounts/{account_id}/withdraw", data=movement_data(app, savers, amount="400.000", key=k))
    assert location_ids(first) == location_ids(second)
    assert savings_balance_in(app, account_id) == D("600000.00")


@pytest.mark.parametrize("path, changes, message", [
    ("deposit", dict(amount=""), "Enter the amount"),
    ("deposit", dict(amount="satu juta"), "That is not an amount"),
    ("deposit", dict(amount="1,000.005"), "at most two decimals"),
    ("deposit", dict(amount="1e9"), "That is not an amount"),
    ("deposit", dict(amount="2E5"), "That is not an amount"),
    ("deposit", dict(amount="1,000-"), "That is not an amount"),
    ("deposit", dict(amount="1.500"), "Did you mean 1,500?"),  # Indonesian thousands on an English screen
    ("deposit", dict(amount="0"), "more than zero"),
    ("deposit", dict(amount="200,000,000,000"), "larger than any single transaction"),
    ("deposit", dict(entry_date="2025-02-30"), "That is not a date"),
    ("deposit", dict(entry_date="2099-01-01"), "is after today"),
    ("deposit", dict(entry_date="2025-03-02"), "before the account was opened"),
    ("deposit", dict(money_account="999999"), "Choose one of the listed options"),
    ("deposit", dict(money_account=""), "Choose an account"),
    ("deposit", dict(memo="x" * 201), "At most 200 characters"),
    ("deposit", dict(key=""), "The form is damaged"),
    ("withdraw", dict(amount="995,000"), "Only Rp990,000 can be withdrawn"),
    ("withdraw", dict(amount="-5"), "more than zero"),
    ("withdraw", dict(money_account="bank", amount="500000"), "does not hold enough money"),
])
def test_movement_bad_input(app, client, auth, savers, path, changes, message):
    account_id = make_account(app, savers)
    if changes.get("money_account") == "bank":
        changes["money_account"] = ids(app, savers)["bank"]
    auth.login("manager")
    english(client)
    before = state(app)
    response = client.post(f"{BASE}/accounts/{account_id}/{path}", data=movement_data(app, savers, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert state(app) == before
    assert savings_balance_in(app, account_id) == D("1000000.00")


def test_thousands_typed_the_english_way_on_an_indonesian_screen_are_not_rp50(app, client, auth, savers):
    account_id = make_account(app, savers)
    auth.login("treasurer")
    before = state(app)
    response = client.post(f"{BASE}/accounts/{account_id}/deposit",
                           data=movement_data(app, savers, amount="50,000"))
    assert response.status_code == 422
    assert "Maksud Anda 50.000?" in response.get_data(as_text=True)
    assert state(app) == before
    response = client.post(f"{BASE}/accounts/{account_id}/deposit",
                           data=movement_data(app, savers, amount="50.000"))
    assert response.status_code == 302
    assert savings_balance_in(app, account_id) == D("1050000.00")


def test_pokok_and_wajib_refuse_withdrawals_on_the_form(app, client, auth, savers):
    wajib_id = make_account(app, savers, code="SW", amount="20000")
    auth.login("manager")
    english(client)
    page = client.get(f"{BASE}/accounts/{wajib_id}").get_data(as_text=True)
    assert "/withdraw" not in page
    response = client.post(f"{BASE}/accounts/{wajib_id}/withdraw", data=movement_data(app, savers, amount="10000"))
    assert response.status_code == 422
    assert "returned only when the member leaves" in response.get_data(as_text=True)


def test_early_withdrawal_form_warns_of_the_penalty(app, client, auth, savers):
    with app.app_context():
        berjangka = savings_product(savers.ksp_id, "SB12")
        berjangka.early_withdrawal_allowed, berjangka.early_withdrawal_penalty_bp = True, 200
        db.session.commit()
    account_id = make_account(app, savers, code="SB12", amount="5000000", day=date(2026, 6, 1))
    auth.login("manager")
    page = client.get(f"{BASE}/accounts/{account_id}/withdraw").get_data(as_text=True)
    assert re.search(r'id="early-penalty">[^<]*Rp100\.000', page)


def test_forms_need_the_staff_role(app, client, auth, savers):
    account_id = make_account(app, savers)
    auth.login("member")
    for url in (f"{BASE}/accounts/new", f"{BASE}/accounts/{account_id}/deposit",
                f"{BASE}/accounts/{account_id}/withdraw"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=movement_data(app, savers)).status_code == 403, url
    assert savings_balance_in(app, account_id) == D("1000000.00")
    auth.logout()
    assert client.get(f"{BASE}/accounts/{account_id}").status_code == 302  # to the login page
