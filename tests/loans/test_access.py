"""Who may open each loan page, action and PDF: treasurer, manager, auditor, member, a manager
of another cooperative (404: it does not exist for them), anonymous (to the login page);
a role not allowed gets 403 and, posting, writes nothing."""
import pytest

from tests.loans.pages import BMT, KSP, PORTAL
from tests.support.books import loan_counts_in

ALL = ("treasurer", "manager", "auditor.all", "member", "other.manager", "bmt.manager")
READERS = {"treasurer", "manager", "auditor.all"}
STAFF = {"treasurer", "manager"}
MANAGER = {"manager"}
MEMBER = {"member"}

# (path, who may): {loan}, {applied}, {payment}, {siti} are filled from the world.
PAGES = [
    ("/", READERS), ("/products", READERS), ("/products/new", MANAGER),
    ("/products/{product}/edit", MANAGER), ("/simulate", STAFF), ("/apply", STAFF),
    ("/apply/{siti}", STAFF), ("/{loan}", READERS), ("/{loan}/agreement.pdf", READERS),
    ("/{loan}/schedule.pdf", READERS), ("/{loan}/payments/{payment}/receipt.pdf", READERS),
    ("/{applied}/approve", MANAGER), ("/{applied}/reject", MANAGER), ("/{applied}/cancel", STAFF),
    ("/{applied}/disburse", STAFF), ("/{loan}/repay", STAFF), ("/{loan}/payoff", STAFF),
    ("/{loan}/restructure", MANAGER), ("/{loan}/write-off", MANAGER), ("/{loan}/recovery", STAFF),
]
PORTAL_PAGES = ["/", "/{loan}", "/{loan}/agreement.pdf", "/{loan}/schedule.pdf",
                "/{loan}/payments/{payment}/receipt.pdf", "/simulate"]
ACTIONS = [("/products/new", MANAGER), ("/products/{product}/edit", MANAGER),
           ("/apply/{siti}", STAFF), ("/{applied}/approve", MANAGER), ("/{applied}/reject", MANAGER),
           ("/{applied}/cancel", STAFF), ("/{applied}/disburse", STAFF), ("/{loan}/repay", STAFF),
           ("/{loan}/payoff", STAFF), ("/{loan}/restructure", MANAGER), ("/{loan}/write-off", MANAGER),
           ("/{loan}/recovery", STAFF)]


def fill(path, w):
    return path.format(loan=w.loans["active"], applied=w.loans["applied"], payment=w.payment,
                       siti=w.siti, product=1)


def expected(user, allowed):
    if user in ("other.manager", "bmt.manager"):
        return 404
    return 200 if user in allowed else 403


@pytest.mark.parametrize("user", ALL)
def test_page_access_matrix(app, client, auth, lworld, user):
    auth.login(user)
    for path, allowed in PAGES:
        url = KSP + fill(path, lworld)
        assert client.get(url).status_code == expected(user, allowed), (user, url)
    for path in PORTAL_PAGES:
        url = PORTAL + fill(path, lworld)
        assert client.get(url).status_code == expected(user, MEMBER), (user, url)


@pytest.mark.parametrize("user", ["auditor.all", "member", "other.manager", "treasurer"])
def test_posting_without_the_role_writes_nothing(app, client, auth, lworld, user):
    auth.login(user)
    before = loan_counts_in(app)
    for path, allowed in ACTIONS:
        if user in allowed:
            continue
        url = KSP + fill(path, lworld)
        status = client.post(url, data={"on": "2026-11-01", "reason": "x", "amount": "1000",
                                        "source": "cash", "to": "cash", "key": "a" * 32}).status_code
        assert status == expected(user, allowed), (user, url)
    assert loan_counts_in(app) == before


def test_anonymous_goes_to_the_login_page(app, client, lworld):
    for path, _allowed in PAGES:
        response = client.get(KSP + fill(path, lworld))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.get(PORTAL + "/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_ids_of_another_cooperative_are_404(app, client, auth, lworld):
    """A KSP-A manager asking for the BMT's loan or product through KSP-A's URLs."""
    auth.login("manager")
    bmt_loan = lworld.loans["bmt"]
    for path in (f"/{bmt_loan}", f"/{bmt_loan}/agreement.pdf", f"/{bmt_loan}/repay",
                 f"/{bmt_loan}/approve", f"/{bmt_loan}/payments/1/receipt.pdf",
                 f"/{lworld.loans['active']}/payments/999/receipt.pdf", "/products/4/edit",
                 f"/apply/{lworld.aminah}", "/999999"):
        assert client.get(KSP + path).status_code == 404, path
    assert client.get(f"{BMT}/{bmt_loan}").status_code == 404  # no role at BMT-C


def test_a_regional_auditor_reads_only_their_region(app, client, auth, lworld):
    auth.login("auditor.ntb")
    assert client.get(f"{BMT}/{lworld.loans['bmt']}").status_code == 200
    assert client.get(f"{KSP}/{lworld.loans['active']}").status_code == 404
