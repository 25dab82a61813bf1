"""Every list that takes ?page= answers a page number past any end, a negative one and one that
is no number with a page (200) or a 404, never a server error: the argument is read within
bounds before it reaches the query's OFFSET.

Each list is asked for by a user allowed to see it (the first page answers 200), in the
remitting families' world (tests/remittances/helpers.py: members with savings, a linked member
login, migrant workers)."""
import pytest

from tests.support.books import account_id, savings_product
from tests.support.web import login_as

PAGES = ["99999999999999999999", "-3", "abc"]  # past any end, negative, no number


# (name, user, url of the list built from the families' world inside an app context)
LISTS = [
    ("journal", "manager", lambda f: "/c/KSP-A/ledger/journal"),
    ("account ledger", "manager", lambda f: f"/c/KSP-A/ledger/accounts/{account_id(f.ksp_id, 'cash')}"),
    ("audit log", "manager", lambda f: "/c/KSP-A/audit/"),
    ("admin users", "admin", lambda f: "/admin/users"),
    ("admin cooperatives", "admin", lambda f: "/admin/cooperatives"),
    ("members", "manager", lambda f: "/c/KSP-A/members/"),
    ("migrants", "manager", lambda f: "/c/KSP-A/members/migrants"),
    ("enterprises", "manager", lambda f: "/c/KSP-A/enterprises/"),
    ("savings product accounts", "manager",
     lambda f: f"/c/KSP-A/savings/products/{savings_product(f.ksp_id, 'SS').id}/accounts"),
    ("savings account passbook", "manager",
     lambda f: f"/c/KSP-A/savings/accounts/{f.accounts[('siti', 'SS')]}"),
    ("wajib arrears", "manager", lambda f: "/c/KSP-A/savings/arrears"),
    ("remittances", "manager", lambda f: "/c/KSP-A/remittances/"),
    ("loans", "manager", lambda f: "/c/KSP-A/loans/"),
    ("portfolio loans", "manager", lambda f: "/c/KSP-A/portfolio/loans"),
    ("programme portfolio loans", "auditor.all", lambda f: "/portfolio/loans"),
    ("portal account", "member", lambda f: f"/c/KSP-A/me/accounts/{f.accounts[('siti', 'SS')]}"),
    ("portal remittances", "member", lambda f: "/c/KSP-A/me/remittances"),
]


# One test a list, asking for each bad page in turn: the world is built once a list.
@pytest.mark.parametrize("name,user,url_of", LISTS, ids=[name.replace(" ", "-") for name, _u, _f in LISTS])
def test_a_bad_page_argument_is_never_a_server_error(app, client, families, name, user, url_of):
    with app.app_context():
        url = url_of(families)
    login_as(client, user)
    first = client.get(url)
    assert first.status_code == 200, f"{user} cannot see {name} at {url} ({first.status_code})"
    for page in PAGES:
        response = client.get(f"{url}?page={page}")
        assert response.status_code in (200, 404), \
            f"{name}: {url}?page={page} answered {response.status_code}"
