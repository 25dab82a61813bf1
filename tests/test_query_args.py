"""Every query argument a page reads (dates, ids, numbers, filters) answers bad values with
a page (200), a refusal (400, 422) or a 404, never a server error: the first and last days a
date can have, days that do not exist, numbers past any id, negative ones and no numbers.
(?page= is tests/test_page_args.py; the login's ?next= is tests/auth/test_next.py.)

Each page is asked for by a user allowed to see it, in the remitting families' world."""
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.loans.models import LoanProduct
from tests.support.books import account_id
from tests.support.web import login_as

DATES = ["0001-01-01", "9999-12-31", "31/12/9999", "2024-02-30", "abc", "-1", "1" * 40]
NUMBERS = ["99999999999999999999", "2147483648", "-1", "0", "abc", "1e9"]

def loan_product_id(coop_id):
    return db.session.execute(select(LoanProduct.id).where(LoanProduct.cooperative_id == coop_id)
                              .order_by(LoanProduct.id).limit(1)).scalar_one()


SIMULATION = {"method": "annuity", "amount": "5000000", "rate": "12", "term": "12",
              "start": "2025-01-10"}

# (name, user, url of the page, {argument: bad values}[, the other arguments])
PAGES = [
    ("journal", "manager", lambda f: "/c/KSP-A/ledger/journal",
     {"date_from": DATES, "date_to": DATES, "account": NUMBERS, "kind": ["nope"]}),
    ("account ledger", "manager", lambda f: f"/c/KSP-A/ledger/accounts/{account_id(f.ksp_id, 'cash')}",
     {"date_from": DATES, "date_to": DATES}),
    ("trial balance", "manager", lambda f: "/c/KSP-A/ledger/trial-balance", {"as_of": DATES}),
    ("audit log", "manager", lambda f: "/c/KSP-A/audit/",
     {"date_from": DATES, "date_to": DATES, "table": ["nope"]}),
    ("remittances", "manager", lambda f: "/c/KSP-A/remittances/",
     {"date_from": DATES, "date_to": DATES}),
    ("wajib arrears", "manager", lambda f: "/c/KSP-A/savings/arrears", {"as_of": DATES}),
    ("loans", "manager", lambda f: "/c/KSP-A/loans/", {"product": NUMBERS, "status": ["nope"]}),
    ("portfolio", "manager", lambda f: "/c/KSP-A/portfolio/",
     {"as_of": DATES, "date_from": DATES, "date_to": DATES, "par": NUMBERS}),
    ("portfolio loans", "manager", lambda f: "/c/KSP-A/portfolio/loans",
     {"as_of": DATES, "date_to": DATES, "par": NUMBERS, "coop": ["NOPE"]}),
    ("programme portfolio", "auditor.all", lambda f: "/portfolio/",
     {"as_of": DATES, "coop": ["NOPE"]}),
    ("register a member", "manager", lambda f: "/c/KSP-A/members/new", {"migrant": NUMBERS}),
    ("loan simulation", "manager", lambda f: "/c/KSP-A/loans/simulate",
     {"term": NUMBERS + ["999999999"], "start": DATES, "amount": NUMBERS, "rate": NUMBERS,
      "product": NUMBERS, "method": ["nope"]}, SIMULATION),
    ("portal loan simulation", "member", lambda f: "/c/KSP-A/me/loans/simulate",
     {"term": ["999999999", "0"], "start": DATES, "amount": NUMBERS, "product": NUMBERS},
     lambda f: {"product": loan_product_id(f.ksp_id), "amount": "5000000", "term": "12",
                "start": "2025-01-10"}),
    ("admin users", "admin", lambda f: "/admin/users", {"q": ["x" * 500, "%", "\\"]}),
    ("portal remittances", "member", lambda f: "/c/KSP-A/me/remittances",
     {"date_from": DATES, "date_to": DATES}),
]


@pytest.mark.parametrize("name,user,url_of,arguments,others",
                         [(*page, {})[:5] for page in PAGES],
                         ids=[name.replace(" ", "-") for name, *_rest in PAGES])
def test_a_bad_query_argument_is_never_a_server_error(app, client, families, name, user, url_of,
                                                      arguments, others):
    with app.app_context():
        url = url_of(families)
        others = others(families) if callable(others) else others
    login_as(client, user)
    first = client.get(f"{url}?{urlencode(others)}" if others else url)
    assert first.status_code == 200, f"{user} cannot see {name} at {url} ({first.status_code})"
    bad = []
    for argument, values in arguments.items():
        for value in values:
            response = client.get(f"{url}?{urlencode({**others, argument: value})}")
            if response.status_code >= 500:
                bad.append(f"{argument}={value!r}: {response.status_code}")
    assert not bad, f"{name} at {url}: " + "; ".join(bad)
