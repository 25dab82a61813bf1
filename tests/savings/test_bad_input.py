"""Bad input on the savings, remittance and member portal pages never gives a 500: ids past
the database's integers, pages past any list, NUL bytes and empty strings in forms and
filters are a 404 or a message, and nothing is written."""
import uuid

import pytest

from coop_app.ledger.check import check_ledger
from tests.remittances.helpers import build_families
from tests.support.books import cash

HUGE_IDS = ("2147483648", "9223372036854775808", "99999999999999999999999")
BASE = "/c/KSP-A"


@pytest.fixture
def fam(app):
    with app.app_context():
        families = build_families()
        families.cash = cash(families.ksp_id)
        return families


def staff_pages(f):
    account, member = f.accounts[("siti", "SS")], f.siti
    return [f"{BASE}/savings/accounts/{{id}}", f"{BASE}/savings/accounts/{{id}}/deposit",
            f"{BASE}/savings/accounts/{{id}}/withdraw", f"{BASE}/savings/arrears/{{id}}/collect",
            f"{BASE}/savings/products/{{id}}/accounts", f"{BASE}/savings/products/{{id}}/edit",
            f"{BASE}/savings/receipts/{{id}}.pdf", f"{BASE}/remittances/{{id}}",
            f"{BASE}/remittances/{{id}}/receipt.pdf", f"{BASE}/remittances/accounts/{{id}}",
            f"{BASE}/remittances/accounts/{{id}}/passbook.pdf",
            f"{BASE}/remittances/accounts/{{id}}/statement.pdf",
            f"{BASE}/remittances/allocation/{{id}}", f"{BASE}/remittances/new/{{id}}",
            f"{BASE}/members/{{id}}"], account, member


def test_huge_and_odd_ids_in_urls_are_not_found(client, auth, fam):
    pages, _account, _member = staff_pages(fam)
    auth.login("manager")
    for page in pages:
        for bad in HUGE_IDS:
            response = client.get(page.format(id=bad))
            assert response.status_code == 404, (page, bad, response.status_code)
        for bad in ("abc", "-1", "1.5", "%00", "0x10"):
            response = client.get(page.format(id=bad))
            assert response.status_code == 404, (page, bad, response.status_code)
    auth.logout()
    auth.login("member")
    for page in ("/me/accounts/{id}", "/me/accounts/{id}/passbook.pdf",
                 "/me/accounts/{id}/statement.pdf", "/me/entries/{id}", "/me/remittances/{id}",
                 "/me/remittances/{id}/receipt.pdf"):
        for bad in (*HUGE_IDS, "abc", "-1"):
            response = client.get(f"{BASE}{page.format(id=bad)}")
            assert response.status_code == 404, (page, bad, response.status_code)


@pytest.mark.parametrize("query", [
    "page=99999999999999999999", "page=9223372036854775807", "page=-3", "page=abc", "page=",
    "page=%00", "member_id=99999999999999999999", "member_id=%00", "receipt=99999999999999999999",
    "receipt=abc", "date_from=%00", "date_to=99999-01-01", "date_from=2025-02-30",
    "member=%00", "member=", "q=%00", "q=" + "x" * 500, "as_of=%00", "as_of=0001-01-01",
    "as_of=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31",
])
def test_odd_query_strings_on_lists_are_answered(client, auth, fam, query):
    account = fam.accounts[("siti", "SS")]
    staff = [f"{BASE}/savings/products", f"{BASE}/savings/accounts/new",
             f"{BASE}/savings/accounts/{account}", f"{BASE}/savings/arrears",
             f"{BASE}/savings/month-end", f"{BASE}/savings/products/1/accounts",
             f"{BASE}/remittances/", f"{BASE}/remittances/new",
             f"{BASE}/remittances/accounts/{account}",
             f"{BASE}/remittances/accounts/{account}/statement.pdf"]
    auth.login("manager")
    for page in staff:
        response = client.get(f"{page}?{query}")
        assert response.status_code in (200, 302, 404, 422), (page, query, response.status_code)
    auth.logout()
    auth.login("member")
    for page in ("/me/", f"/me/accounts/{account}", "/me/remittances",
                 f"/me/accounts/{account}/statement.pdf"):
        response = client.get(f"{BASE}{page}?{query}")
        assert response.status_code in (200, 302, 404, 422), (page, query, response.status_code)


def post_cases(f):
    """(url, good form data) of every form of these pages a treasurer or manager posts."""
    account, member = f.accounts[("siti", "SS")], f.siti
    return [
        (f"{BASE}/savings/accounts/{account}/deposit",
         {"entry_date": "2025-03-15", "money_account": f.cash, "amount": "10000", "memo": "x"}),
        (f"{BASE}/savings/accounts/{account}/withdraw",
         {"entry_date": "2025-03-15", "money_account": f.cash, "amount": "10000", "memo": "x"}),
        (f"{BASE}/savings/accounts/new",
         {"member_number": "2025.00001", "product": "3", "opened_on": "2025-03-15",
          "amount": "50000", "money_account": f.cash}),
        (f"{BASE}/savings/arrears/{member}/collect",
         {"entry_date": "2025-03-15", "money_account": f.cash}),
        (f"{BASE}/savings/products/new",
         {"code": "SX", "name": "Simpanan X", "kind": "sukarela", "interest_rate": "3",
          "min_balance": "0", "min_opening": "0"}),
        (f"{BASE}/savings/products/1/edit", {"name": "Simpanan Pokok", "fixed_amount": "100000"}),
        (f"{BASE}/savings/month-end", {"period_end": "2025-01-31"}),
        (f"{BASE}/remittances/new/{member}",
         {"migrant_worker": f.ahmad, "channel": "bank", "currency": "IDR", "amount_idr": "100000",
          "received_on": "2025-03-15", "reference": "TRX-1", "money_account": f.cash,
          "country": "Malaysia"}),
        (f"{BASE}/remittances/allocation/{member}",
         {"savings_account": account, "savings_pct": "30", "pay_wajib_due": "y"}),
        (f"{BASE}/members/new",
         {"nik": "3212015705900099", "name": "Sri Wahyuni", "gender": "F", "birth_date": "1990-05-17",
          "address": "Desa Juntinyuat", "phone": "", "category": "family", "migrant": f.ahmad,
          "relationship": "spouse", "join_date": "2025-03-15", "money_account": f.cash}),
        (f"{BASE}/members/{f.wati}/leave",
         {"outcome": "resigned", "left_on": "2025-03-15", "money_account": f.cash, "heir_name": ""}),
    ]


@pytest.mark.parametrize("bad", ["abc\x00def", "", "   ", "99999999999999999999999", "2147483648",
                                 "1e999", "x" * 3000])
def test_odd_values_in_every_field_of_every_form_are_answered(app, client, auth, fam, bad):
    auth.login("manager")
    for url, data in post_cases(fam):
        for field in data:
            response = client.post(url, data=dict(data, key=uuid.uuid4().hex, **{field: bad}))
            assert response.status_code in (200, 302, 404, 422), (url, field, response.status_code)
        response = client.post(url, data=dict(data, key=bad))
        assert response.status_code in (200, 302, 404, 422), (url, "key", response.status_code)
    with app.app_context():
        # a post whose odd field was optional went through whole; nothing is half-written
        assert check_ledger()[1] == []
