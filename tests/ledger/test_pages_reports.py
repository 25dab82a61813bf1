"""The ledger's reports through their pages: the trial balance, an account's general ledger,
and the journal with its filters and pages."""
import re
import uuid
from datetime import date

import pytest

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from tests.ledger.pages import (
    BASE,
    TODAY,
    D,
    seed,
)
from tests.support.books import account_id_in
from tests.support.web import english, text_of

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
    cash = account_id_in(app, coop, "cash")
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
    grants = account_id_in(app, coop, "grants")
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
    cash = account_id_in(app, coop, "cash")
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
    assert shown(f"account={account_id_in(app, coop, 'cash')}") == sorted([grant, expense])
    assert shown(f"account={account_id_in(app, coop, 'bank')}&kind=manual") == []

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
    query = query.replace("OTHER", str(account_id_in(app, world.other_id, "cash")))
    auth.login("treasurer")
    english(client)
    response = client.get(f"{BASE}/journal?{query}")
    assert response.status_code == 200
    page = text_of(response)
    if message:
        assert message in page and "The filter was ignored" in page
    assert re.findall(r'<tr data-entry="(\d+)">', page) == [str(entry_id)]
    assert "<script>" not in page
