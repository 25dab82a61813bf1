"""The ledger's pages, through the test client: what each role sees and may do, the
numbers vouchers and manual entries put in the books, and bad input answered with a
message while nothing is written."""
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine, LedgerPeriod

D = Decimal
BASE = "/c/KSP-A/ledger"
TODAY = date.today()
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)


# -- helpers ----------------------------------------------------------------------------

def account_id(app, coop_id, key):
    with app.app_context():
        return ledger.account_by_key(coop_id, key).id


def entry_count(app, coop_id=None):
    with app.app_context():
        query = select(func.count()).select_from(JournalEntry)
        if coop_id is not None:
            query = query.where(JournalEntry.cooperative_id == coop_id)
        return db.session.execute(query).scalar()


def lines_of(app, entry_id):
    """{account system key or code: signed amount} of one entry."""
    with app.app_context():
        rows = db.session.execute(
            select(GLAccount.system_key, GLAccount.code, JournalLine.amount)
            .join(GLAccount, GLAccount.id == JournalLine.account_id)
            .where(JournalLine.entry_id == entry_id)).all()
        return {key or code: amount for key, code, amount in rows}


def _coop(coop_id):
    return db.session.get(Cooperative, coop_id)


def get_entry(app, entry_id):
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        db.session.expunge(entry)
        return entry


def seed(app, coop_id, amount="5000000", on=None, debit="cash", credit="grants"):
    """Money in the books through the service, as a manager's manual entry would put it."""
    with app.app_context():
        entry = ledger.post_manual_entry(
            coop_id, on or TODAY, "Hibah modal awal",
            [(ledger.account_by_key(coop_id, debit).id, D(amount), None, None),
             (ledger.account_by_key(coop_id, credit).id, None, D(amount), None)],
            uuid.uuid4().hex)
        db.session.commit()
        return entry.id


def entry_id_from(response):
    match = re.search(r"/ledger/entries/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def form_key(client, url):
    response = client.get(url)
    assert response.status_code == 200
    match = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', response.get_data(as_text=True))
    assert match, "the form carries a submission key"
    return match.group(1)


def english(client):
    client.post("/language", data={"lang": "en"})


def text_of(response):
    return response.get_data(as_text=True)


def voucher_data(app, world, direction="expense", **changes):
    counter = "office_expense" if direction == "expense" else "other_income"
    data = {"entry_date": TODAY.isoformat(),
            "cash_account": account_id(app, world.ksp_id, "cash"),
            "counter_account": account_id(app, world.ksp_id, counter),
            "amount": "1.500.000", "description": "Beli kertas dan tinta",
            "key": uuid.uuid4().hex}
    data.update(changes)
    return data


def manual_data(lines, memo="Koreksi saldo", on=None, key=None):
    """Form data of a manual entry; lines: (account id, debit text, credit text, memo)."""
    data = {"entry_date": (on or TODAY).isoformat(), "memo": memo, "key": key or uuid.uuid4().hex}
    for i, (account, debit, credit, note) in enumerate(lines):
        data[f"lines-{i}-account"] = "" if account is None else str(account)
        data[f"lines-{i}-debit"] = debit or ""
        data[f"lines-{i}-credit"] = credit or ""
        data[f"lines-{i}-memo"] = note or ""
    return data


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
    assert lines_of(app, entry_id) == {"office_expense": D("1500000.00"), "cash": D("-1500000.00")}
    assert entry_count(app, world.ksp_id) == 2

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
    assert lines_of(app, entry_id) == {"cash": D("250000.50"), "other_income": D("-250000.50")}
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
    assert entry_count(app, world.ksp_id) == 2  # the seed and one voucher
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
    assert response.status_code == 200
    assert f"already used for a different entry (#{first_id})" in text_of(response)
    assert entry_count(app, world.ksp_id) == 2
    assert lines_of(app, first_id)["cash"] == D("-200000.00")


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
    assert refused.status_code == 400 and entry_count(app) == 0
    form = text_of(client.get(f"{BASE}/vouchers/income"))
    data["csrf_token"] = token(form)
    assert client.post(f"{BASE}/vouchers/income", data=data).status_code == 302
    assert entry_count(app) == 1
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
    other_cash = account_id(app, world.other_id, "cash")
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
    assert response.status_code == 200
    assert message in text_of(response)
    assert entry_count(app, world.ksp_id) == 1


@pytest.mark.parametrize("amount", ["1,555", "abc", "-5", "0", "999999999999999999", "1.500.000,505"])
def test_voucher_bad_amount_in_indonesian(app, client, auth, world, amount):
    """In Indonesian a comma starts the sen: 1,555 has three decimals."""
    seed(app, world.ksp_id)
    auth.login("treasurer")
    response = client.post(f"{BASE}/vouchers/expense", data=voucher_data(app, world, amount=amount))
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="id">' in page
    assert re.search(r'name="amount"[^>]*value="[^"]*"', page) and "is-invalid" in page
    assert re.search(r'class="invalid-feedback">[^<]+<', page)
    assert entry_count(app, world.ksp_id) == 1


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
                        counter_account=account_id(app, world.ksp_id, key))
    response = client.post(f"{BASE}/vouchers/{direction}", data=data)
    assert response.status_code == 200
    assert "Choose one of the listed options" in text_of(response)
    assert entry_count(app, world.ksp_id) == 1


def test_voucher_refuses_accounts_of_another_cooperative(app, client, auth, world):
    seed(app, world.ksp_id)
    auth.login("manager")
    english(client)
    for field, key in (("counter_account", "office_expense"), ("cash_account", "cash")):
        data = voucher_data(app, world, amount="1,000", **{field: account_id(app, world.other_id, key)})
        response = client.post(f"{BASE}/vouchers/expense", data=data)
        assert response.status_code == 200
        assert "Choose one of the listed options" in text_of(response)
    assert entry_count(app) == 1


def test_expense_beyond_the_cash_balance_is_refused(app, client, auth, world):
    seed(app, world.ksp_id, "1000000")
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/expense",
                           data=voucher_data(app, world, amount="1,000,000.01"))
    assert response.status_code == 200
    assert "does not hold enough money" in text_of(response)
    assert entry_count(app, world.ksp_id) == 1


def test_inactive_counter_account_is_not_offered(app, client, auth, world):
    transport = account_id(app, world.ksp_id, "transport_expense")
    with app.app_context():
        ledger.set_account_active(world.ksp_id, transport, False)
        db.session.commit()
    seed(app, world.ksp_id)
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/expense",
                           data=voucher_data(app, world, amount="1,000", counter_account=transport))
    assert response.status_code == 200 and "Choose one of the listed options" in text_of(response)
    assert entry_count(app, world.ksp_id) == 1


# -- manual entries ---------------------------------------------------------------------

def test_manual_entry_form_has_eight_lines_two_visible(client, auth, world):
    auth.login("manager")
    page = text_of(client.get(f"{BASE}/manual"))
    assert page.count('class="journal-line"') == 2
    assert page.count('class="journal-line d-none"') == 6
    assert "data-add-line" in page and "data-line-totals" in page
    assert page.count("data-debit") == 8 and page.count("data-credit") == 8
    assert "style=" not in page and "<script>" not in page


def test_balanced_manual_entry_posts_every_line(app, client, auth, world):
    coop = world.ksp_id
    cash, grants, other = (account_id(app, coop, k) for k in ("cash", "grants", "other_income"))
    auth.login("manager")
    data = manual_data([(cash, "2.000.000", "", "setoran"), (grants, "", "1.500.000", ""),
                        (other, "", "500.000", "jasa")], memo="Hibah dan jasa")
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 302
    entry_id = entry_id_from(response)
    assert lines_of(app, entry_id) == {"cash": D("2000000.00"), "grants": D("-1500000.00"),
                                       "other_income": D("-500000.00")}
    entry = get_entry(app, entry_id)
    assert (entry.kind, entry.memo, entry.created_by) == ("manual", "Hibah dan jasa",
                                                          world.user_id("manager"))


def test_unbalanced_manual_entry_says_by_how_much(app, client, auth, world):
    coop = world.ksp_id
    cash, grants = account_id(app, coop, "cash"), account_id(app, coop, "grants")
    auth.login("manager")
    english(client)
    data = manual_data([(cash, "1,000,000", "", ""), (grants, "", "900,000", "")])
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert "does not balance" in page and "100000.00" in page
    assert entry_count(app) == 0
    # what was typed stays on the form
    assert 'value="1,000,000"' in page and 'value="900,000"' in page


def _manual_cases(app, world):
    coop = world.ksp_id
    cash, grants = account_id(app, coop, "cash"), account_id(app, coop, "grants")
    wajib = account_id(app, coop, "simpanan_wajib")
    foreign = account_id(app, world.other_id, "cash")
    group = account_id(app, coop, "cash_and_bank")
    return {
        "one line": ([(cash, "1,000", "", "")], "at least two lines"),
        "no lines": ([], "at least two lines"),
        "debit and credit": ([(cash, "1,000", "1,000", ""), (grants, "", "1,000", "")],
                             "either a debit or a credit"),
        "no amount": ([(cash, "", "", ""), (grants, "", "1,000", "")], "either a debit or a credit"),
        "amount without account": ([(None, "1,000", "", ""), (grants, "", "1,000", "")],
                                   "Choose an open detail account on every line"),
        "foreign account": ([(foreign, "1,000", "", ""), (grants, "", "1,000", "")],
                            "Choose one of the listed options"),
        "control account": ([(wajib, "1,000", "", ""), (grants, "", "1,000", "")],
                            "Choose one of the listed options"),
        "group account": ([(group, "1,000", "", ""), (grants, "", "1,000", "")],
                          "Choose one of the listed options"),
        "tampered account": ([("x", "1,000", "", ""), (grants, "", "1,000", "")],
                             "Choose one of the listed options"),
        "text amount": ([(cash, "abc", "", ""), (grants, "", "1,000", "")], "That is not an amount"),
        "negative amount": ([(cash, "-5", "", ""), (grants, "", "-5", "")], "more than zero"),
        "zero amount": ([(cash, "0", "", ""), (grants, "", "0", "")], "more than zero"),
        "three decimals": ([(cash, "1,555", "", ""), (grants, "", "1,555", "")], None),
        "sub-sen": ([(cash, "1.555", "", ""), (grants, "", "1.555", "")], "at most two decimals"),
        "huge": ([(cash, "999999999999999999", "", ""), (grants, "", "999999999999999999", "")],
                 "larger than any single transaction"),
    }


MANUAL_CASES = ["one line", "no lines", "debit and credit", "no amount", "amount without account",
                "foreign account", "control account", "group account", "tampered account",
                "text amount", "negative amount", "zero amount", "sub-sen", "huge"]


@pytest.mark.parametrize("case", MANUAL_CASES)
def test_manual_entry_bad_lines_are_refused(app, client, auth, world, case):
    lines, message = _manual_cases(app, world)[case]
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/manual", data=manual_data(lines))
    assert response.status_code == 200
    assert message in text_of(response)
    assert entry_count(app) == 0


@pytest.mark.parametrize("field,value,message", [
    ("memo", "", "Describe the entry"),
    ("memo", "   ", "Describe the entry"),
    ("entry_date", "2025-02-30", "not a date"),
    ("key", "", "The form is damaged"),
])
def test_manual_entry_bad_header_is_refused(app, client, auth, world, field, value, message):
    coop = world.ksp_id
    data = manual_data([(account_id(app, coop, "cash"), "1,000", "", ""),
                        (account_id(app, coop, "grants"), "", "1,000", "")])
    data[field] = value
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert entry_count(app) == 0


def test_manual_entry_in_indonesian_amounts(app, client, auth, world):
    """The default language reads 1.500.000,50 as one and a half million and fifty sen."""
    coop = world.ksp_id
    auth.login("manager")
    response = client.post(f"{BASE}/manual", data=manual_data(
        [(account_id(app, coop, "bank"), "1.500.000,50", "", ""),
         (account_id(app, coop, "grants"), "", "1.500.000,50", "")]))
    assert response.status_code == 302
    assert lines_of(app, entry_id_from(response)) == {"bank": D("1500000.50"),
                                                     "grants": D("-1500000.50")}


# -- reversal ---------------------------------------------------------------------------

def test_manager_reverses_an_entry_once(app, client, auth, world):
    entry_id = seed(app, world.ksp_id, "750000")
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert f'action="{BASE}/entries/{entry_id}/reverse"' in page
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.post(f"{BASE}/entries/{entry_id}/reverse",
                           data={"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": key})
    assert response.status_code == 302
    reversal_id = entry_id_from(response)
    assert reversal_id != entry_id
    reversal = get_entry(app, reversal_id)
    assert (reversal.kind, reversal.memo, reversal.reverses_id, reversal.created_by) == (
        "reversal", "Salah catat", entry_id, world.user_id("manager"))
    assert lines_of(app, reversal_id) == {"cash": D("-750000.00"), "grants": D("750000.00")}

    shown = text_of(client.get(response.headers["Location"]))
    assert f'href="{BASE}/entries/{entry_id}"' in shown and "was reversed by entry" in shown
    original = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert 'id="entry-reversed-by"' in original and f"#{reversal_id}" in original
    assert "/reverse" not in original  # no form on a reversed entry
    journal = text_of(client.get(f"{BASE}/journal"))
    assert f"Reversed by #{reversal_id}" in journal and f"Reverses #{entry_id}" in journal

    # the same submission again is harmless; a new one is refused
    again = client.post(f"{BASE}/entries/{entry_id}/reverse",
                        data={"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": key})
    assert again.status_code == 302 and entry_id_from(again) == reversal_id
    second = client.post(f"{BASE}/entries/{entry_id}/reverse",
                         data={"reason": "Lagi", "reversal_date": TODAY.isoformat(),
                               "key": uuid.uuid4().hex})
    assert second.status_code == 200
    assert f"already reversed by entry #{reversal_id}" in text_of(second)
    reversal_of_reversal = client.post(f"{BASE}/entries/{reversal_id}/reverse",
                                       data={"reason": "x", "reversal_date": TODAY.isoformat(),
                                             "key": uuid.uuid4().hex})
    assert reversal_of_reversal.status_code == 200
    assert "cannot itself be reversed" in text_of(reversal_of_reversal)
    assert entry_count(app) == 2


@pytest.mark.parametrize("field,value,message", [
    ("reason", "", "Give the reason for the reversal"),
    ("reason", "  ", "Give the reason for the reversal"),
    ("reversal_date", "31-12-2025", "not a date"),
    ("reversal_date", "2000-01-01", "cannot be dated before the entry"),
    ("key", "", "The form is damaged"),
])
def test_reversal_bad_input(app, client, auth, world, field, value, message):
    entry_id = seed(app, world.ksp_id, "750000")
    auth.login("manager")
    english(client)
    data = {"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": uuid.uuid4().hex,
            field: value}
    response = client.post(f"{BASE}/entries/{entry_id}/reverse", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert entry_count(app) == 1


def test_treasurer_and_auditor_cannot_reverse(app, client, auth, world):
    entry_id = seed(app, world.ksp_id)
    data = {"reason": "x", "reversal_date": TODAY.isoformat(), "key": uuid.uuid4().hex}
    for user in ("treasurer", "auditor.jabar"):
        auth.login(user)
        page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
        assert "/reverse" not in page
        assert client.post(f"{BASE}/entries/{entry_id}/reverse", data=data).status_code == 403
        auth.logout()
    assert entry_count(app) == 1


def test_entry_of_another_cooperative_is_404(app, client, auth, world):
    foreign = seed(app, world.other_id)
    auth.login("manager")
    assert client.get(f"{BASE}/entries/{foreign}").status_code == 404
    assert client.get(f"{BASE}/entries/999999").status_code == 404
    response = client.post(f"{BASE}/entries/{foreign}/reverse",
                           data={"reason": "x", "reversal_date": TODAY.isoformat(),
                                 "key": uuid.uuid4().hex})
    assert response.status_code == 404
    assert entry_count(app) == 1
    foreign_account = account_id(app, world.other_id, "cash")
    assert client.get(f"{BASE}/accounts/{foreign_account}").status_code == 404


# -- access -----------------------------------------------------------------------------

READ_PAGES = ["/accounts", "/journal", "/trial-balance", "/periods"]
WRITE_PAGES = ["/vouchers/expense", "/vouchers/income", "/manual", "/accounts/new"]


def test_member_gets_403_everywhere(app, client, auth, world):
    entry_id = seed(app, world.ksp_id)
    cash = account_id(app, world.ksp_id, "cash")
    auth.login("member")
    for path in READ_PAGES + WRITE_PAGES + [f"/entries/{entry_id}", f"/accounts/{cash}"]:
        assert client.get(BASE + path).status_code == 403, path
    for path in ["/vouchers/expense", "/manual", f"/entries/{entry_id}/reverse", "/periods/close",
                 "/accounts/new", f"/accounts/{cash}/active"]:
        assert client.post(BASE + path, data={"key": uuid.uuid4().hex}).status_code == 403, path
    assert entry_count(app) == 1


@pytest.mark.parametrize("user", ["other.manager", "bmt.treasurer", "auditor.ntb"])
def test_users_of_other_cooperatives_get_404(app, client, auth, world, user):
    entry_id = seed(app, world.ksp_id)
    auth.login(user)
    for path in READ_PAGES + WRITE_PAGES + [f"/entries/{entry_id}"]:
        assert client.get(BASE + path).status_code == 404, path
    assert client.post(f"{BASE}/vouchers/income",
                       data=voucher_data(app, world, "income")).status_code == 404
    assert entry_count(app) == 1


@pytest.mark.parametrize("user", ["auditor.all", "auditor.jabar", "auditor.indramayu"])
def test_auditors_read_but_never_see_or_use_a_write_form(app, client, auth, world, user):
    entry_id = seed(app, world.ksp_id)
    cash = account_id(app, world.ksp_id, "cash")
    auth.login(user)
    for path in READ_PAGES + [f"/entries/{entry_id}", f"/accounts/{cash}"]:
        response = client.get(BASE + path)
        assert response.status_code == 200, path
        assert 'method="post" action="/c/KSP-A/ledger' not in text_of(response), path
        assert "/vouchers/" not in text_of(response) and "/manual" not in text_of(response)
    for path in WRITE_PAGES:
        assert client.get(BASE + path).status_code == 403, path
    assert client.post(f"{BASE}/vouchers/income",
                       data=voucher_data(app, world, "income")).status_code == 403
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 403
    assert client.post(f"{BASE}/accounts/{cash}/active", data={"active": "0"}).status_code == 403
    assert entry_count(app) == 1


def test_treasurer_posts_vouchers_but_not_manual_entries(app, client, auth, world):
    auth.login("treasurer")
    assert client.get(f"{BASE}/vouchers/expense").status_code == 200
    assert client.get(f"{BASE}/manual").status_code == 403
    assert client.get(f"{BASE}/accounts/new").status_code == 403
    coop = world.ksp_id
    data = manual_data([(account_id(app, coop, "cash"), "1.000", "", ""),
                        (account_id(app, coop, "grants"), "", "1.000", "")])
    assert client.post(f"{BASE}/manual", data=data).status_code == 403
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 403
    assert entry_count(app) == 0
    periods = text_of(client.get(f"{BASE}/periods"))
    assert "/periods/close" not in periods


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"{BASE}/journal")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- reports ----------------------------------------------------------------------------

def test_trial_balance_numbers_and_as_of(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "10000000", on=date(2025, 1, 10))
    seed(app, coop, "2500000.50", on=date(2025, 2, 3), debit="office_expense", credit="cash")
    seed(app, coop, "400000", on=date(2025, 3, 1), debit="bank", credit="other_income")
    auth.login("auditor.indramayu")
    english(client)
    page = text_of(client.get(f"{BASE}/trial-balance?as_of=2025-02-28"))
    assert re.search(r'data-account="1101">.*?Rp7,499,999\.50', page, re.S)
    assert re.search(r'data-account="3104">.*?Rp10,000,000', page, re.S)
    assert re.search(r'data-account="5203">.*?Rp2,500,000\.50', page, re.S)
    assert 'data-account="1102"' not in page  # the bank receipt comes in March
    assert re.search(r'id="tb-totals">.*?Rp10,000,000</td>.*?Rp10,000,000</td>', page, re.S)
    assert "Balanced" in page

    later = text_of(client.get(f"{BASE}/trial-balance"))
    assert re.search(r'id="tb-totals">.*?Rp10,400,000</td>.*?Rp10,400,000</td>', later, re.S)


def test_trial_balance_bad_date_falls_back_to_today(app, client, auth, world):
    seed(app, world.ksp_id, "123456")
    auth.login("manager")
    english(client)
    response = client.get(f"{BASE}/trial-balance?as_of=2025-99-99")
    assert response.status_code == 200
    page = text_of(response)
    assert "not a date" in page and "The filter was ignored" in page
    assert re.search(r'id="tb-totals">.*?Rp123,456</td>.*?Rp123,456</td>', page, re.S)


def test_general_ledger_running_balance(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "1000000", on=date(2024, 12, 31))
    seed(app, coop, "500000", on=date(2025, 1, 5))
    seed(app, coop, "200000", on=date(2025, 1, 10), debit="office_expense", credit="cash")
    seed(app, coop, "50000.25", on=date(2025, 1, 20), debit="cash", credit="other_income")
    seed(app, coop, "999", on=date(2025, 2, 1))
    cash = account_id(app, coop, "cash")
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/accounts/{cash}?date_from=2025-01-01&date_to=2025-01-31"))
    assert re.search(r'id="opening">.*?Rp1,000,000</td>', page, re.S)
    balances = re.findall(r'<tr data-entry="\d+">.*?</tr>', page, re.S)
    assert len(balances) == 3
    assert [re.findall(r"Rp[\d,.]+", row)[-1] for row in balances] == [
        "Rp1,500,000", "Rp1,300,000", "Rp1,350,000.25"]
    assert re.search(r'id="closing">.*?Rp1,350,000\.25</td>', page, re.S)

    # a credit-normal account reads positive
    grants = account_id(app, coop, "grants")
    page = text_of(client.get(f"{BASE}/accounts/{grants}?date_from=2025-01-01&date_to=2025-01-31"))
    assert re.search(r'id="opening">.*?Rp1,000,000</td>', page, re.S)
    assert re.search(r'id="closing">.*?Rp1,500,000</td>', page, re.S)
    assert "-Rp" not in page

    # page 2 of 2 carries the running balance on
    app.config["PAGE_SIZE"] = 2
    page = text_of(client.get(f"{BASE}/accounts/{cash}?date_from=2025-01-01&date_to=2025-01-31&page=2"))
    rows = re.findall(r'<tr data-entry="\d+">.*?</tr>', page, re.S)
    assert len(rows) == 1 and "Rp1,350,000.25" in rows[0]
    assert "Page 2 of 2" in page


def test_general_ledger_defaults_and_bad_dates(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "300000", on=TODAY)
    cash = account_id(app, coop, "cash")
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/accounts/{cash}"))
    assert f'value="{TODAY.replace(day=1).isoformat()}"' in page and f'value="{TODAY.isoformat()}"' in page
    assert re.search(r'id="closing">.*?Rp300,000</td>', page, re.S)
    for query in ("date_from=nonsense", "date_to=2025-13-01", "page=abc", "page=-3",
                  "date_from=2030-01-01&date_to=2020-01-01"):
        response = client.get(f"{BASE}/accounts/{cash}?{query}")
        assert response.status_code == 200, query
        assert re.search(r'id="closing">.*?Rp300,000</td>', text_of(response), re.S), query


def test_journal_filters_and_pagination(app, client, auth, world):
    coop = world.ksp_id
    grant = seed(app, coop, "1000000", on=date(2025, 1, 10))
    expense = seed(app, coop, "200000", on=date(2025, 2, 10), debit="office_expense", credit="cash")
    with app.app_context():
        voucher = ledger.record_voucher(coop, ledger.INCOME_VOUCHER, date(2025, 3, 10),
                                        ledger.account_by_key(coop, "bank").id,
                                        ledger.account_by_key(coop, "bank_income").id,
                                        D("7500"), "Jasa giro Maret", uuid.uuid4().hex)
        db.session.commit()
        voucher = voucher.id
    seed(app, world.other_id, "5000", on=date(2025, 1, 10))
    auth.login("manager")

    def shown(query=""):
        page = text_of(client.get(f"{BASE}/journal?{query}"))
        return sorted(int(i) for i in re.findall(r'<tr data-entry="(\d+)">', page))

    assert shown() == sorted([grant, expense, voucher])
    assert shown("date_from=2025-02-01") == sorted([expense, voucher])
    assert shown("date_to=2025-02-28&date_from=2025-02-01") == [expense]
    assert shown("kind=income_voucher") == [voucher]
    assert shown(f"account={account_id(app, coop, 'cash')}") == sorted([grant, expense])
    assert shown(f"account={account_id(app, coop, 'bank')}&kind=manual") == []

    app.config["PAGE_SIZE"] = 2
    first = text_of(client.get(f"{BASE}/journal"))
    assert len(re.findall(r'<tr data-entry="', first)) == 2 and "Halaman 1 dari 2" in first
    assert 'rel="next"' in first
    second = text_of(client.get(f"{BASE}/journal?page=2"))
    assert re.findall(r'<tr data-entry="(\d+)">', second) == [str(grant)]
    assert client.get(f"{BASE}/journal?page=99").status_code == 200


@pytest.mark.parametrize("query,message", [
    ("date_from=2025-02-31", "not a date"),
    ("date_to=tomorrow", "not a date"),
    ("account=abc", "Choose one of the listed options"),
    ("account=OTHER", "Choose one of the listed options"),
    ("account=999999", "Choose one of the listed options"),
    ("kind=<script>", "Choose one of the listed options"),
    ("page=x", None),
])
def test_journal_bad_filters_are_ignored_with_a_message(app, client, auth, world, query, message):
    entry_id = seed(app, world.ksp_id)
    seed(app, world.other_id)
    query = query.replace("OTHER", str(account_id(app, world.other_id, "cash")))
    auth.login("treasurer")
    english(client)
    response = client.get(f"{BASE}/journal?{query}")
    assert response.status_code == 200
    page = text_of(response)
    if message:
        assert message in page and "The filter was ignored" in page
    assert re.findall(r'<tr data-entry="(\d+)">', page) == [str(entry_id)]
    assert "<script>" not in page


# -- chart of accounts ------------------------------------------------------------------

def test_chart_shows_tree_balances_and_types(app, client, auth, world):
    seed(app, world.ksp_id, "2000000")
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/accounts"))
    assert re.search(r'data-account="1101">.*?account-depth-3.*?Cash on hand.*?Asset.*?Rp2,000,000', page, re.S)
    # groups sum their children: assets 2,000,000; equity on its credit side 2,000,000
    assert re.search(r'data-account="1">.*?ASSETS.*?Rp2,000,000', page, re.S)
    assert re.search(r'data-account="3">.*?EQUITY.*?Rp2,000,000', page, re.S)
    assert "add-account" not in page and "/active" not in page
    codes = re.findall(r'data-account="([^"]+)"', page)
    assert codes.index("110") < codes.index("1101") < codes.index("1102") < codes.index("1110")


def test_manager_adds_an_account_and_uses_it(app, client, auth, world):
    coop = world.ksp_id
    admin_group = account_id(app, coop, "admin_expenses")
    auth.login("manager")
    english(client)
    assert "add-account" in text_of(client.get(f"{BASE}/accounts"))
    response = client.post(f"{BASE}/accounts/new", data={
        "code": "5211", "name": "Beban Internet", "name_en": "Internet", "type": "expense",
        "parent": admin_group})
    assert response.status_code == 302
    with app.app_context():
        account = db.session.execute(select(GLAccount).where(
            GLAccount.cooperative_id == coop, GLAccount.code == "5211")).scalar_one()
        assert (account.name, account.name_en, account.type, account.parent_id, account.is_group,
                account.active) == ("Beban Internet", "Internet", "expense", admin_group, False, True)
        new_id = account.id
    chart = text_of(client.get(f"{BASE}/accounts"))
    assert "Account 5211 was added" in chart and re.search(r'data-account="5211">.*?Internet', chart, re.S)
    assert f'value="{new_id}"' in text_of(client.get(f"{BASE}/vouchers/expense"))


@pytest.mark.parametrize("changes,message", [
    ({"code": "5201"}, "already used"),
    ({"code": "!!"}, "letters, digits, dots or dashes"),
    ({"code": ""}, "This field is required"),
    ({"code": "x" * 21}, "At most 20 characters"),
    ({"name": ""}, "This field is required"),
    ({"type": "income"}, "the type of its group"),
    ({"type": "cash"}, "Choose one of the listed options"),
    ({"parent": "OFFICE"}, "Choose one of the listed options"),
    ({"parent": "OTHER"}, "Choose one of the listed options"),
    ({"parent": "abc"}, "Choose one of the listed options"),
])
def test_add_account_bad_input(app, client, auth, world, changes, message):
    coop = world.ksp_id
    data = {"code": "5211", "name": "Beban Internet", "type": "expense",
            "parent": account_id(app, coop, "admin_expenses")}
    data.update(changes)
    if data["parent"] == "OFFICE":
        data["parent"] = account_id(app, coop, "office_expense")  # not a group
    if data["parent"] == "OTHER":
        data["parent"] = account_id(app, world.other_id, "admin_expenses")
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(GLAccount)).scalar()
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/accounts/new", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(GLAccount)).scalar() == before


def test_deactivate_and_activate_an_account(app, client, auth, world):
    coop = world.ksp_id
    transport = account_id(app, coop, "transport_expense")
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/accounts/{transport}/active", data={"active": "0"},
                           follow_redirects=True)
    assert "is now inactive" in text_of(response)
    with app.app_context():
        assert db.session.get(GLAccount, transport).active is False
    assert f'value="{transport}"' not in text_of(client.get(f"{BASE}/vouchers/expense"))
    client.post(f"{BASE}/accounts/{transport}/active", data={"active": "1"})
    with app.app_context():
        assert db.session.get(GLAccount, transport).active is True


def test_deactivation_refusals(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "1000", debit="bank", credit="grants")
    bank, cash = account_id(app, coop, "bank"), account_id(app, coop, "cash")
    auth.login("manager")
    english(client)
    for account, message in ((bank, "zero balance"), (cash, "used by the system")):
        page = text_of(client.post(f"{BASE}/accounts/{account}/active", data={"active": "0"},
                                   follow_redirects=True))
        assert message in page
    page = text_of(client.post(f"{BASE}/accounts/{bank}/active", data={"active": "maybe"},
                               follow_redirects=True))
    assert "The form is damaged" in page
    with app.app_context():
        assert db.session.get(GLAccount, bank).active and db.session.get(GLAccount, cash).active
    foreign = account_id(app, world.other_id, "transport_expense")
    assert client.post(f"{BASE}/accounts/{foreign}/active", data={"active": "0"}).status_code == 404
    with app.app_context():
        assert db.session.get(GLAccount, foreign).active is True


# -- periods ----------------------------------------------------------------------------

def test_close_a_period_then_its_dates_are_refused(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "1000000", on=LAST_MONTH_END)
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/periods"))
    assert "No period has been closed yet" in page
    assert page.count("<option ") == 24 and f'value="{LAST_MONTH_END.isoformat()}"' in page
    assert "data-confirm" in page

    response = client.post(f"{BASE}/periods/close", data={"period_end": LAST_MONTH_END.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        period = db.session.execute(select(LedgerPeriod).where(
            LedgerPeriod.cooperative_id == coop)).scalar_one()
        assert (period.period_end, period.closed_by) == (LAST_MONTH_END, world.user_id("manager"))
    page = text_of(client.get(f"{BASE}/periods"))
    assert "The books are closed up to" in page
    assert LAST_MONTH_END.strftime("%B") in page

    before = entry_count(app)
    in_closed = voucher_data(app, world, "income", amount="10,000", entry_date=LAST_MONTH_END.isoformat())
    response = client.post(f"{BASE}/vouchers/income", data=in_closed)
    assert response.status_code == 200
    assert f"closed up to {LAST_MONTH_END.isoformat()}" in text_of(response)
    expense = voucher_data(app, world, amount="10,000", entry_date=LAST_MONTH_END.isoformat())
    assert "closed up to" in text_of(client.post(f"{BASE}/vouchers/expense", data=expense))
    manual = manual_data([(account_id(app, coop, "cash"), "1,000", "", ""),
                          (account_id(app, coop, "grants"), "", "1,000", "")], on=LAST_MONTH_END)
    assert "closed up to" in text_of(client.post(f"{BASE}/manual", data=manual))
    assert entry_count(app) == before

    # the same month again is refused; today's date still posts
    again = client.post(f"{BASE}/periods/close", data={"period_end": LAST_MONTH_END.isoformat()})
    assert again.status_code == 200 and "Choose one of the listed options" in text_of(again)
    ok = client.post(f"{BASE}/vouchers/income", data=voucher_data(app, world, "income", amount="10,000"))
    assert ok.status_code == 302 and entry_count(app) == before + 1


def test_reversal_dated_in_a_closed_period_is_refused(app, client, auth, world):
    coop = world.ksp_id
    entry_id = seed(app, coop, "1000000", on=LAST_MONTH_END)
    with app.app_context():
        ledger.close_period(_coop(coop), LAST_MONTH_END)
        db.session.commit()
    before = entry_count(app)
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/entries/{entry_id}/reverse", data={
        "reason": "Salah", "reversal_date": LAST_MONTH_END.isoformat(), "key": uuid.uuid4().hex})
    assert response.status_code == 200 and "closed up to" in text_of(response)
    assert entry_count(app) == before


@pytest.mark.parametrize("value", ["abc", "", (TODAY.replace(day=28) + timedelta(days=4)).isoformat(),
                                   "2020-01-15", "1990-12-31"])
def test_close_period_bad_input(app, client, auth, world, value):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/periods/close", data={"period_end": value})
    assert response.status_code == 200
    page = text_of(response)
    assert "Choose one of the listed options" in page or "This field is required" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(LedgerPeriod)).scalar() == 0


def test_next_period_is_the_only_choice_after_the_first_close(app, client, auth, world):
    two_months_ago = LAST_MONTH_END.replace(day=1) - timedelta(days=1)
    with app.app_context():
        ledger.close_period(_coop(world.ksp_id), two_months_ago)
        db.session.commit()
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/periods"))
    assert page.count("<option ") == 1 and f'value="{LAST_MONTH_END.isoformat()}"' in page
    skipped = client.post(f"{BASE}/periods/close", data={"period_end": two_months_ago.isoformat()})
    assert skipped.status_code == 200 and "Choose one of the listed options" in text_of(skipped)
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 302


# -- languages --------------------------------------------------------------------------

@pytest.mark.parametrize("path", READ_PAGES + WRITE_PAGES)
def test_pages_render_in_both_languages(app, client, auth, world, path):
    entry_id = seed(app, world.ksp_id)
    auth.login("manager")
    indonesian = client.get(BASE + path)
    assert indonesian.status_code == 200
    assert '<html lang="id">' in text_of(indonesian)
    english(client)
    response = client.get(BASE + path)
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="en">' in page
    assert "style=" not in page and "<script>" not in page
    assert client.get(f"{BASE}/entries/{entry_id}").status_code == 200


def test_account_names_follow_the_language(app, client, auth, world):
    auth.login("manager")
    client.post("/language", data={"lang": "id"})
    page = text_of(client.get(f"{BASE}/accounts"))
    assert "Kas dan Setara Kas" in page and "Cash and cash equivalents" not in page
    english(client)
    page = text_of(client.get(f"{BASE}/accounts"))
    assert "Chart of accounts" in page and "Cash and cash equivalents" in page
    assert "Asset" in page and "Inactive" not in page
