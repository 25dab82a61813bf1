"""The voucher pages: an expense or income voucher posts balanced lines once per key, the
form offers only this cooperative's cash and counter accounts, and bad input is a message
while nothing is written."""
import re

import pytest

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from tests.ledger.pages import (
    BASE,
    TODAY,
    D,
    entry_id_from,
    get_entry,
    seed,
    voucher_data,
)
from tests.support.books import account_id_in, entry_count_in, entry_lines_in
from tests.support.web import english, form_key, text_of

# -- vouchers ---------------------------------------------------------------------------

def test_expense_voucher_posts_balanced_lines_and_shows_everywhere(app, client, auth, world):
    seed(app, world.ksp_id, "5000000")
    auth.login("treasurer")
    url = f"{BASE}/vouchers/expense"
    key = form_key(client, url)
    response = client.post(url, data=voucher_data(app, world, key=key))
    assert response.status_code == 302
    entry_id = entry_id_from(response)

    entry = get_entry(app, entry_id)
    assert (entry.kind, entry.memo, entry.entry_date, entry.idempotency_key) == (
        "expense_voucher", "Beli kertas dan tinta", TODAY, key)
    assert entry.created_by == world.user_id("treasurer")
    assert entry_lines_in(app, entry_id) == {"office_expense": D("1500000.00"), "cash": D("-1500000.00")}
    assert entry_count_in(app, world.ksp_id) == 2

    page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert "Rp1.500.000" in page and "Beli kertas dan tinta" in page and "Treasurer" in page

    journal = text_of(client.get(f"{BASE}/journal"))
    assert f'data-entry="{entry_id}"' in journal and "Beli kertas dan tinta" in journal
    assert "Rp1.500.000" in journal

    trial = text_of(client.get(f"{BASE}/trial-balance"))
    # cash 5.000.000 - 1.500.000 on the debit side; grants on the credit side
    assert re.search(r'data-account="1101">.*?Rp3\.500\.000', trial, re.S)
    assert re.search(r'data-account="5203">.*?Rp1\.500\.000', trial, re.S)
    assert re.search(r'id="tb-totals">.*?Rp5\.000\.000.*?Rp5\.000\.000', trial, re.S)
    assert 'text-bg-success" id="tb-status"' in trial


def test_income_voucher_in_english_with_sen(app, client, auth, world):
    auth.login("manager")
    english(client)
    data = voucher_data(app, world, "income", amount="250,000.50", description="Bank bonus")
    response = client.post(f"{BASE}/vouchers/income", data=data)
    assert response.status_code == 302
    entry_id = entry_id_from(response)
    assert entry_lines_in(app, entry_id) == {"cash": D("250000.50"), "other_income": D("-250000.50")}
    assert get_entry(app, entry_id).kind == "income_voucher"
    page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert "Rp250,000.50" in page and "Income voucher" in page and "Cash on hand" in page


def test_double_submission_posts_once(app, client, auth, world):
    seed(app, world.ksp_id)
    auth.login("treasurer")
    english(client)
    data = voucher_data(app, world, amount="200,000")
    first = client.post(f"{BASE}/vouchers/expense", data=data)
    second = client.post(f"{BASE}/vouchers/expense", data=data)
    assert first.status_code == second.status_code == 302
    assert entry_id_from(first) == entry_id_from(second)
    assert entry_count_in(app, world.ksp_id) == 2  # the seed and one voucher
    page = text_of(client.get(second.headers["Location"]))
    assert "already recorded" in page


def test_a_used_key_with_other_content_is_refused(app, client, auth, world):
    seed(app, world.ksp_id)
    auth.login("treasurer")
    english(client)
    data = voucher_data(app, world, amount="200,000")
    first_id = entry_id_from(client.post(f"{BASE}/vouchers/expense", data=data))
    data["amount"] = "300,000"
    response = client.post(f"{BASE}/vouchers/expense", data=data)
    assert response.status_code == 422
    assert f"already used for a different entry (#{first_id})" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 2
    assert entry_lines_in(app, first_id)["cash"] == D("-200000.00")


def test_forms_carry_the_csrf_token_when_protection_is_on(make_app, world):
    """Production checks CSRF (tests usually switch it off): the pages' forms carry the token."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    def token(page):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = text_of(client.get("/login"))
    client.post("/login", data={"username": "manager", "password": "rahasia-123",
                                "csrf_token": token(login)})
    data = voucher_data(app, world, "income", amount="10.000")
    refused = client.post(f"{BASE}/vouchers/income", data=data)
    assert refused.status_code == 400 and entry_count_in(app) == 0
    form = text_of(client.get(f"{BASE}/vouchers/income"))
    data["csrf_token"] = token(form)
    assert client.post(f"{BASE}/vouchers/income", data=data).status_code == 302
    assert entry_count_in(app) == 1
    chart = text_of(client.get(f"{BASE}/accounts"))
    assert re.search(r'/active">\s*<input type="hidden" name="csrf_token" value="[^"]+">', chart)


def test_unknown_voucher_direction_is_404(client, auth, world):
    auth.login("treasurer")
    assert client.get(f"{BASE}/vouchers/transfer").status_code == 404


def test_voucher_form_shows_only_own_cash_and_counter_accounts(app, client, auth, world):
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/vouchers/expense"))
    assert "Cash on hand" in page and "Office supplies" in page
    assert "Loan interest income" not in page          # an income account
    assert "Mandatory savings" not in page             # a control account
    other_cash = account_id_in(app, world.other_id, "cash")
    assert f'value="{other_cash}"' not in page


# -- bad input: voucher -----------------------------------------------------------------

VOUCHER_CASES = [
    ("amount", "abc", "That is not an amount"),
    ("amount", "-5", "more than zero"),
    ("amount", "0", "more than zero"),
    ("amount", "1.555", "at most two decimals"),
    ("amount", "999999999999999999", "larger than any single transaction"),
    ("amount", "", "Enter the amount"),
    ("entry_date", "2025-02-30", "not a date"),
    ("entry_date", "yesterday", "not a date"),
    ("entry_date", "", "This field is required"),
    ("description", "", "Describe what the money was for"),
    ("description", "   ", "Describe what the money was for"),
    ("description", "x" * 501, "At most 500 characters"),
    ("counter_account", "abc", "Choose one of the listed options"),
    ("counter_account", "999999", "Choose one of the listed options"),
    ("counter_account", "", "Choose an account"),
    ("cash_account", "1 OR 1=1", "Choose one of the listed options"),
    ("key", "not a key!", "The form is damaged"),
]


@pytest.mark.parametrize("direction", ["expense", "income"])
@pytest.mark.parametrize("field,value,message", VOUCHER_CASES)
def test_voucher_bad_input_is_a_message_and_nothing_is_written(app, client, auth, world, direction,
                                                               field, value, message):
    seed(app, world.ksp_id)
    auth.login("treasurer")
    english(client)
    data = voucher_data(app, world, direction, amount="1,500,000")
    data[field] = value
    response = client.post(f"{BASE}/vouchers/{direction}", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1


@pytest.mark.parametrize("amount", ["1,555", "abc", "-5", "0", "999999999999999999", "1.500.000,505"])
def test_voucher_bad_amount_in_indonesian(app, client, auth, world, amount):
    """In Indonesian a comma starts the sen: 1,555 has three decimals."""
    seed(app, world.ksp_id)
    auth.login("treasurer")
    response = client.post(f"{BASE}/vouchers/expense", data=voucher_data(app, world, amount=amount))
    assert response.status_code == 422
    page = text_of(response)
    assert '<html lang="id">' in page
    assert re.search(r'name="amount"[^>]*value="[^"]*"', page) and "is-invalid" in page
    assert re.search(r'class="invalid-feedback">[^<]+<', page)
    assert entry_count_in(app, world.ksp_id) == 1


@pytest.mark.parametrize("direction,key", [
    ("expense", "cash"),                  # the cash account as its own counter account
    ("expense", "other_income"),          # an income account on an expense voucher
    ("income", "office_expense"),         # an expense account on an income voucher
    ("expense", "simpanan_wajib"),        # a control account kept by the savings module
    ("income", "loans_receivable"),
])
def test_voucher_refuses_a_counter_account_not_offered(app, client, auth, world, direction, key):
    seed(app, world.ksp_id)
    auth.login("manager")
    english(client)
    data = voucher_data(app, world, direction, amount="1,000",
                        counter_account=account_id_in(app, world.ksp_id, key))
    response = client.post(f"{BASE}/vouchers/{direction}", data=data)
    assert response.status_code == 422
    assert "Choose one of the listed options" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1


def test_voucher_refuses_accounts_of_another_cooperative(app, client, auth, world):
    seed(app, world.ksp_id)
    auth.login("manager")
    english(client)
    for field, key in (("counter_account", "office_expense"), ("cash_account", "cash")):
        data = voucher_data(app, world, amount="1,000", **{field: account_id_in(app, world.other_id, key)})
        response = client.post(f"{BASE}/vouchers/expense", data=data)
        assert response.status_code == 422
        assert "Choose one of the listed options" in text_of(response)
    assert entry_count_in(app) == 1


def test_expense_beyond_the_cash_balance_is_refused(app, client, auth, world):
    seed(app, world.ksp_id, "1000000")
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/expense",
                           data=voucher_data(app, world, amount="1,000,000.01"))
    assert response.status_code == 422
    assert "does not hold enough money" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1


def test_inactive_counter_account_is_not_offered(app, client, auth, world):
    transport = account_id_in(app, world.ksp_id, "transport_expense")
    with app.app_context():
        ledger.set_account_active(world.ksp_id, transport, False)
        db.session.commit()
    seed(app, world.ksp_id)
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/expense",
                           data=voucher_data(app, world, amount="1,000", counter_account=transport))
    assert response.status_code == 422 and "Choose one of the listed options" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1
