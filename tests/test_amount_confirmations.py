"""Second thoughts before money moves (web/confirmations.py): a large amount (above the
cooperative's threshold and above ten times the account's largest movement) and the same
movement again within ten minutes come back with a warning and a box to tick (422, nothing
posted); sent again with the box ticked, they post. The idempotent replay of a submission key
is untouched. The manager keeps the threshold on the cooperative's settings page."""
import html
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalEntry
from coop_app.savings import movements
from coop_app.web.confirmations import History, is_large
from tests.loans.factory import fund
from tests.savings.helpers import add_member, open_with
from tests.support import key
from tests.support.books import cash, entry_count, savings_balance
from tests.support.web import english, text_of

D = Decimal
SAVINGS = "/c/KSP-A/savings"
TODAY = date(2026, 11, 18)  # the frozen clock's day in WIB (tests/conftest.py)
OPENED = date(2026, 10, 1)


@pytest.fixture
def saver(app, world):
    """Siti's sukarela account in KSP-A, opened with Rp1.000.000 (its largest movement)."""
    with app.app_context():
        siti = add_member(world.ksp_id, "2026.00001", "Siti Rahayu")
        account = open_with(world.ksp_id, siti.id, "SS", "1000000", OPENED)
        db.session.commit()
        return {"account": account.id, "member": siti.id, "cash": cash(world.ksp_id)}


def movement(saver, amount, **extra):
    return {"entry_date": TODAY.isoformat(), "money_account": saver["cash"], "amount": amount,
            "memo": "", "key": uuid.uuid4().hex, **extra}


def words(response):
    """The page's text with its entities read (cooperative&#39;s)."""
    return html.unescape(text_of(response))


def counts(app):
    with app.app_context():
        return entry_count()


def balance(app, account_id):
    with app.app_context():
        return savings_balance(account_id)


def entry_of(response):
    match = re.search(r"receipt=(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def expense_account(coop_id, code):
    return db.session.execute(db.select(GLAccount.id).where(
        GLAccount.cooperative_id == coop_id, GLAccount.code == code)).scalar_one()


def set_threshold(app, coop_id, rupiah):
    with app.app_context():
        db.session.get(Cooperative, coop_id).large_amount_sen = int(rupiah) * 100
        db.session.commit()


# -- the rule ------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, largest, large", [
    ("50000000", None, False),        # exactly the threshold is not above it
    ("50000000.01", None, True),      # a new account: above the threshold alone
    ("60000000", D("1000000"), True),
    ("60000000", D("6000000"), False),  # exactly ten times the largest is not above it
    ("60000000", D("5999999.99"), True),
    ("10000000", D("1"), False),      # ten million times the usual, but below the threshold
])
def test_the_rule_is_the_threshold_and_ten_times_the_largest(amount, largest, large):
    assert is_large(D(amount), 5_000_000_000, largest) is large


# -- a large amount ------------------------------------------------------------------------------

def test_a_large_deposit_asks_first_and_posts_once_confirmed(app, client, auth, saver):
    auth.login("treasurer")
    url = f"{SAVINGS}/accounts/{saver['account']}/deposit"
    data = movement(saver, "60.000.000")
    before = counts(app)

    response = client.post(url, data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="confirm_large-warning"' in page
    assert "Rp60.000.000 (enam puluh juta rupiah)" in page
    assert "lebih dari sepuluh kali jumlah terbesar" in page and "(Rp1.000.000)" in page
    assert 'name="confirm_large" value="6000000000"' in page
    assert counts(app) == before and balance(app, saver["account"]) == D("1000000")

    # a box ticked for another amount confirms nothing
    response = client.post(url, data={**data, "amount": "70.000.000", "confirm_large": "6000000000"})
    assert response.status_code == 422 and "Rp70.000.000 (tujuh puluh juta rupiah)" in text_of(response)
    assert counts(app) == before

    response = client.post(url, data={**data, "confirm_large": "6000000000"})
    assert response.status_code == 302
    assert balance(app, saver["account"]) == D("61000000")
    assert counts(app) == before + 1


def test_a_deposit_within_ten_times_the_largest_posts_at_once(app, client, auth, world, saver):
    with app.app_context():
        movements.deposit(world.ksp_id, saver["account"], D("8000000"), OPENED, saver["cash"], key())
        db.session.commit()
    auth.login("treasurer")
    response = client.post(f"{SAVINGS}/accounts/{saver['account']}/deposit",
                           data=movement(saver, "75.000.000"))  # above Rp50 juta, below 10 x 8 juta
    assert response.status_code == 302
    assert balance(app, saver["account"]) == D("84000000")


def test_a_large_withdrawal_asks_in_english_with_the_words(app, client, auth, world, saver):
    with app.app_context():
        for _ in range(11):  # eleven deposits of Rp5 juta: the largest movement stays Rp5 juta
            movements.deposit(world.ksp_id, saver["account"], D("5000000"), OPENED, saver["cash"], key())
        db.session.commit()
    auth.login("treasurer")
    english(client)
    url = f"{SAVINGS}/accounts/{saver['account']}/withdraw"
    data = movement(saver, "51,000,000.50")
    before = counts(app)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert ("Rp51,000,000.50 (fifty-one million rupiah and fifty sen) is more than ten times the "
            "largest amount this account has moved so far (Rp5,000,000)") in text_of(response)
    assert "Yes, this amount is right" in text_of(response)
    assert counts(app) == before and balance(app, saver["account"]) == D("56000000")
    # confirmed, but more than the account holds: the service refuses, the box stays ticked
    too_much = {**data, "amount": "57,000,000", "confirm_large": "5700000000"}
    response = client.post(url, data=too_much)
    assert response.status_code == 422
    assert "can be withdrawn" in text_of(response)
    assert 'name="confirm_large" value="5700000000" id="confirm_large" checked' in text_of(response)
    assert counts(app) == before

    response = client.post(url, data={**data, "confirm_large": "5100000050"})
    assert response.status_code == 302
    assert balance(app, saver["account"]) == D("4999999.50")


def test_a_voucher_on_an_account_that_never_moved_asks_above_the_threshold_alone(app, client, auth, world):
    with app.app_context():
        fund(world.ksp_id, D("200000000"), on=OPENED)
        counter = expense_account(world.ksp_id, "5203")  # Beban Alat Tulis Kantor: nothing posted yet
        cash_id = cash(world.ksp_id)
        db.session.commit()
    auth.login("manager")
    english(client)
    url = "/c/KSP-A/ledger/vouchers/expense"
    data = {"entry_date": TODAY.isoformat(), "cash_account": cash_id, "counter_account": counter,
            "amount": "50,000,001", "description": "Kertas dan tinta setahun", "key": uuid.uuid4().hex}
    before = counts(app)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert ("Rp50,000,001 (fifty million one rupiah) is above Rp50,000,000, this cooperative's "
            "limit for large amounts, and this account has not moved any money before") in words(response)
    assert counts(app) == before
    assert client.post(url, data={**data, "confirm_large": "5000000100"}).status_code == 302
    assert counts(app) == before + 1
    # Rp50.000.000 exactly is not above the limit, and the account has moved money now
    assert client.post(url, data={**data, "amount": "50,000,000", "key": uuid.uuid4().hex}).status_code == 302


# -- the same movement again -----------------------------------------------------------------------

def test_a_second_identical_deposit_within_ten_minutes_asks_with_the_first_entry(app, client, auth, saver, clock):
    auth.login("treasurer")
    english(client)
    url = f"{SAVINGS}/accounts/{saver['account']}/deposit"
    first_data = movement(saver, "250,000")
    first = client.post(url, data=first_data)
    assert first.status_code == 302
    entry_id = entry_of(first)
    before = counts(app)

    # the same key again is the idempotent replay: the first entry, no question asked
    again = client.post(url, data=first_data)
    assert again.status_code == 302 and entry_of(again) == entry_id
    assert counts(app) == before

    # Back and send again: a new key, the same account, amount and kind
    clock.shift(timedelta(minutes=3))
    data = movement(saver, "250,000")
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(rf'Entry <a href="/c/KSP-A/ledger/entries/{entry_id}">#{entry_id}</a> was recorded a '
                     r"moment ago \(Rp250,000, by Treasurer, at 10:0\d WIB\)", page), page
    assert f'name="confirm_repeat" value="{entry_id}"' in page and "Yes, record another" in page
    assert counts(app) == before and balance(app, saver["account"]) == D("1250000")

    response = client.post(url, data={**data, "confirm_repeat": str(entry_id)})
    assert response.status_code == 302 and entry_of(response) != entry_id
    assert balance(app, saver["account"]) == D("1500000")


def test_what_is_not_the_same_movement_posts_at_once(app, client, auth, saver, clock):
    auth.login("treasurer")
    url = f"{SAVINGS}/accounts/{saver['account']}"
    assert client.post(f"{url}/deposit", data=movement(saver, "250.000")).status_code == 302
    # another amount, another kind: no question
    assert client.post(f"{url}/deposit", data=movement(saver, "250.001")).status_code == 302
    assert client.post(f"{url}/withdraw", data=movement(saver, "250.000")).status_code == 302
    # the same deposit eleven minutes later is no longer "a moment ago"
    clock.shift(timedelta(minutes=11))
    assert client.post(f"{url}/deposit", data=movement(saver, "250.000")).status_code == 302
    assert balance(app, saver["account"]) == D("1500001")


def test_a_reversed_deposit_is_not_asked_about(app, client, auth, world, saver):
    from coop_app.ledger.service import reverse_entry
    auth.login("treasurer")
    url = f"{SAVINGS}/accounts/{saver['account']}/deposit"
    entry_id = entry_of(client.post(url, data=movement(saver, "300.000")))
    with app.app_context():
        reverse_entry(world.ksp_id, entry_id, "Salah rekening", key(), created_by=world.user_id("manager"))
        db.session.commit()
    assert client.post(url, data=movement(saver, "300.000")).status_code == 302
    assert balance(app, saver["account"]) == D("1300000")


def test_a_second_identical_voucher_asks(app, client, auth, world):
    with app.app_context():
        fund(world.ksp_id, D("10000000"), on=OPENED)
        counter = expense_account(world.ksp_id, "5203")
        cash_id = cash(world.ksp_id)
        db.session.commit()
    auth.login("treasurer")
    url = "/c/KSP-A/ledger/vouchers/expense"

    def data():
        return {"entry_date": TODAY.isoformat(), "cash_account": cash_id, "counter_account": counter,
                "amount": "125.000", "description": "Kertas kuitansi", "key": uuid.uuid4().hex}
    first = client.post(url, data=data())
    assert first.status_code == 302
    entry_id = int(first.headers["Location"].rsplit("/", 1)[1])
    before = counts(app)
    repeated = data()
    response = client.post(url, data=repeated)
    assert response.status_code == 422
    assert f'#{entry_id}</a> baru saja dicatat (Rp125.000, oleh Treasurer, pukul 10:0' in text_of(response)
    assert counts(app) == before
    assert client.post(url, data={**repeated, "confirm_repeat": str(entry_id)}).status_code == 302
    assert counts(app) == before + 1


# -- loans ---------------------------------------------------------------------------------------

@pytest.fixture
def borrower(app, world):
    """Budi's approved loan of Rp10.000.000 in KSP-A (not yet disbursed), the till funded."""
    from coop_app.loans import application
    from coop_app.loans.application import ApplicationData
    from tests.loans.factory import add_member as add_borrower
    from tests.loans.factory import product
    with app.app_context():
        budi = add_borrower(world.ksp_id, "2026.00002", "Budi Santoso", gender="M")
        fund(world.ksp_id, D("100000000"), on=OPENED)
        loan = application.apply_loan(world.ksp_id, ApplicationData(
            budi.id, product(world.ksp_id, "PUF").id, D("10000000"), 10, "Modal warung", OPENED),
            world.user_id("treasurer"))
        application.approve_loan(world.ksp_id, loan.id, world.user_id("manager"), OPENED)
        db.session.commit()
        return loan.id


def test_a_disbursement_above_the_threshold_asks_first(app, client, auth, world, borrower):
    set_threshold(app, world.ksp_id, 5_000_000)  # the manager's own limit: Rp5 juta
    auth.login("treasurer")
    english(client)
    url = f"/c/KSP-A/loans/{borrower}/disburse"
    data = {"on": TODAY.isoformat(), "to": "cash", "key": uuid.uuid4().hex}
    before = counts(app)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert ("Rp10,000,000 (ten million rupiah) is above Rp5,000,000, this cooperative's limit for "
            "large amounts") in words(response)
    assert counts(app) == before
    assert client.post(url, data={**data, "confirm_large": "1000000000"}).status_code == 302
    with app.app_context():
        from coop_app.loans.models import Loan
        assert db.session.get(Loan, borrower).status == "active"
    assert counts(app) == before + 1


def test_a_second_identical_repayment_asks(app, client, auth, world, borrower):
    from coop_app.loans import disbursement
    from coop_app.loans.models import LoanPayment
    with app.app_context():
        disbursement.disburse_loan(world.ksp_id, borrower, world.user_id("treasurer"), OPENED)
        db.session.commit()
    auth.login("treasurer")
    url = f"/c/KSP-A/loans/{borrower}/repay"

    def data():
        return {"on": TODAY.isoformat(), "amount": "1.100.000", "source": "cash", "key": uuid.uuid4().hex}
    first_data = data()
    assert client.post(url, data=first_data).status_code == 302
    with app.app_context():
        first = db.session.execute(db.select(LoanPayment.entry_id)).scalar_one()
    # the same key: the replay, no question
    assert client.post(url, data=first_data).status_code == 302
    repeated = data()
    response = client.post(url, data=repeated)
    assert response.status_code == 422
    assert f'#{first}</a> baru saja dicatat (Rp1.100.000, oleh Treasurer' in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(LoanPayment)).scalar() == 1
    assert client.post(url, data={**repeated, "confirm_repeat": str(first)}).status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(LoanPayment)).scalar() == 2


# -- the manager's setting -------------------------------------------------------------------------

def test_the_manager_sets_the_threshold_and_the_forms_follow_it(app, client, auth, world, saver):
    auth.login("manager")
    page = client.get("/c/KSP-A/settings")
    assert page.status_code == 200 and 'value="50.000.000"' in text_of(page)
    assert 'id="nav-settings"' in text_of(page)
    refused = client.post("/c/KSP-A/settings", data={"large_amount": "1.000"})
    assert refused.status_code == 422
    assert "dari Rp100.000 sampai Rp100.000.000.000" in text_of(refused)
    with app.app_context():
        assert db.session.get(Cooperative, world.ksp_id).large_amount_sen == 5_000_000_000
    assert client.post("/c/KSP-A/settings", data={"large_amount": "5.000.000"}).status_code == 302
    with app.app_context():
        assert db.session.get(Cooperative, world.ksp_id).large_amount_sen == 500_000_000
    # Rp10.000.001 is above the new limit and above ten times the account's Rp1.000.000
    response = client.post(f"{SAVINGS}/accounts/{saver['account']}/deposit",
                           data=movement(saver, "10.000.001"))
    assert response.status_code == 422 and "confirm_large" in text_of(response)


def test_only_the_manager_reaches_the_settings(client, auth, world):
    auth.login("treasurer")
    assert client.get("/c/KSP-A/settings").status_code == 403
    assert client.post("/c/KSP-A/settings", data={"large_amount": "1.000.000"}).status_code == 403
    auth.logout()
    auth.login("other.manager")
    assert client.get("/c/KSP-A/settings").status_code == 404


def test_a_replayed_key_is_never_asked(app, client, auth, saver):
    """A large deposit posted once confirmed: its key sent again is the replay, not a question."""
    auth.login("treasurer")
    url = f"{SAVINGS}/accounts/{saver['account']}/deposit"
    data = movement(saver, "60.000.000", confirm_large="6000000000")
    first = client.post(url, data=data)
    assert first.status_code == 302
    unticked = {k: v for k, v in data.items() if k != "confirm_large"}
    again = client.post(url, data=unticked)
    assert again.status_code == 302 and entry_of(again) == entry_of(first)
    assert balance(app, saver["account"]) == D("61000000")
    with app.app_context():  # the opening deposit and this one
        assert db.session.execute(db.select(db.func.count()).select_from(JournalEntry).where(
            JournalEntry.kind == "savings_deposit")).scalar() == 2


def test_history_of_a_key_already_posted_is_a_replay(app, world, saver):
    from coop_app.ledger import history
    with app.app_context():
        k = key()
        movements.deposit(world.ksp_id, saver["account"], D("700000"), TODAY, saver["cash"], k)
        db.session.commit()
        assert history.of_savings_account(world.ksp_id, saver["account"], "savings_deposit",
                                          D("700000"), k) == History(replay=True)
        seen = history.of_savings_account(world.ksp_id, saver["account"], "savings_deposit",
                                          D("700000"), key())
        assert seen.largest == D("1000000") and seen.recent.amount == D("700000")
