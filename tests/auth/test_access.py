"""Who may open which page: every role against every page family, checked on the server."""
import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from coop_app.auth.models import User
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from tests.support.web import require_ledger_views

ADMIN_PAGES = ("/admin/cooperatives", "/admin/cooperatives/new", "/admin/users", "/admin/users/new")
LEDGER_READ = ("journal", "trial_balance", "chart", "periods")
LEDGER_WRITE = ("voucher", "manual_entry")


def coop_pages(app, code):
    """{page name: URL} of the pages of one cooperative that exist today."""
    with app.test_request_context():
        pages = {
            "dashboard": url_for("coop.dashboard", coop_code=code),
            "audit": url_for("audit.log", coop_code=code),
            "journal": url_for("ledger.journal", coop_code=code),
            "trial_balance": url_for("ledger.trial_balance", coop_code=code),
            "chart": url_for("ledger.chart", coop_code=code),
            "periods": url_for("ledger.periods", coop_code=code),
            "voucher": url_for("ledger.voucher", coop_code=code, direction="expense"),
            "manual_entry": url_for("ledger.manual_entry", coop_code=code),
        }
    return pages


def expect(default, **overrides):
    """A row of the access matrix: every cooperative page gets `default` unless overridden."""
    row = dict.fromkeys(("dashboard", "audit", *LEDGER_READ, *LEDGER_WRITE), default)
    row.update(overrides)
    return row


READER = expect(200, voucher=403, manual_entry=403)  # an auditor: reads everything, writes nothing
HIDDEN = expect(404)  # no role in the cooperative: it does not exist for this user

# user -> cooperative code -> page -> status
MATRIX = {
    "manager": {"KSP-A": expect(200), "KSP-B": HIDDEN, "BMT-C": HIDDEN},
    "treasurer": {"KSP-A": expect(200, audit=403, manual_entry=403), "KSP-B": HIDDEN},
    "member": {"KSP-A": expect(403, dashboard=200), "KSP-B": HIDDEN},
    "other.manager": {"KSP-A": HIDDEN, "KSP-B": expect(200)},
    "bmt.treasurer": {"KSP-A": HIDDEN, "BMT-C": expect(200, audit=403, manual_entry=403)},
    "auditor.all": {"KSP-A": READER, "KSP-B": READER, "BMT-C": READER},
    "auditor.jabar": {"KSP-A": READER, "KSP-B": READER, "BMT-C": HIDDEN},
    "auditor.indramayu": {"KSP-A": READER, "KSP-B": HIDDEN, "BMT-C": HIDDEN},
    "auditor.ntb": {"KSP-A": HIDDEN, "BMT-C": READER},
    # the operator holds no role in any cooperative: no books, no members' data
    "admin": {"KSP-A": HIDDEN, "BMT-C": HIDDEN},
}


@pytest.mark.parametrize("username", sorted(MATRIX))
def test_cooperative_pages_by_role(app, client, auth, world, username):
    require_ledger_views(app)
    assert auth.login(username).status_code == 302
    for code, expected in MATRIX[username].items():
        pages = coop_pages(app, code)
        actual = {page: client.get(url).status_code for page, url in pages.items()}
        assert actual == expected, f"{username} in {code}"


def test_unknown_cooperative_is_404_for_everyone(client, auth, world):
    auth.login("auditor.all")
    assert client.get("/c/NOPE/").status_code == 404
    assert client.get("/c/NOPE/audit/").status_code == 404


@pytest.mark.parametrize("username", ["manager", "treasurer", "member", "auditor.all",
                                      "auditor.jabar", "other.manager"])
def test_only_admins_open_admin_pages(client, auth, world, username):
    auth.login(username)
    pages = (*ADMIN_PAGES, f"/admin/cooperatives/{world.ksp_id}/edit",
             f"/admin/users/{world.user_id('member')}")
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 403)


def test_admin_opens_admin_pages(client, auth, world):
    auth.login("admin")
    pages = (*ADMIN_PAGES, f"/admin/cooperatives/{world.ksp_id}/edit",
             f"/admin/users/{world.user_id('member')}")
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)


def test_non_admin_posts_to_admin_pages_are_refused_and_write_nothing(app, client, auth, world):
    auth.login("manager")
    manager_id = world.user_id("manager")
    posts = {
        "/admin/cooperatives/new": {"code": "KSP-X", "type": "ksp", "name": "X", "village": "X",
                                    "kecamatan": "X", "kabupaten": "X", "province": "X",
                                    "founded_on": "2020-01-01", "fiscal_year_start_month": "1"},
        f"/admin/cooperatives/{world.ksp_id}/edit": {
            "name": "Taken over", "village": "X", "kecamatan": "X", "kabupaten": "X",
            "province": "X", "founded_on": "2020-01-01", "fiscal_year_start_month": "1"},
        "/admin/users/new": {"username": "sneaky", "full_name": "Sneaky", "password": "long-enough-1",
                             "confirm": "long-enough-1"},
        f"/admin/users/{manager_id}/grants": {"role": "admin"},
        f"/admin/users/{world.user_id('admin')}": {"full_name": "Admin", "new_password": "hijacked-123",
                                                   "confirm": "hijacked-123", "active": "y"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    with app.app_context():
        grant_ids = [g.id for g in db.session.get(User, manager_id).grants]
    assert client.post(f"/admin/grants/{grant_ids[0]}/revoke").status_code == 403

    with app.app_context():
        assert db.session.scalar(select(func.count(Cooperative.id))) == 3
        assert db.session.get(Cooperative, world.ksp_id).name == "KSP Sumber Rejeki"
        assert db.session.scalar(select(User.id).where(User.username == "sneaky")) is None
        manager = db.session.get(User, manager_id)
        assert not manager.is_admin
        assert [g.id for g in manager.grants] == grant_ids
        assert db.session.get(User, world.user_id("admin")).check_password("rahasia-123")


@pytest.mark.parametrize("path", ["/", "/c/KSP-A/", "/c/KSP-A/audit/", "/c/BMT-C/",
                                  *ADMIN_PAGES, "/account/password"])
def test_anonymous_is_sent_to_login(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_anonymous_is_sent_to_login_from_ledger_pages(app, client, world):
    require_ledger_views(app)
    for url in coop_pages(app, "KSP-A").values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_anonymous_admin_post_is_sent_to_login_and_writes_nothing(app, client, world):
    response = client.post("/admin/users/new", data={"username": "ghost", "full_name": "Ghost",
                                                     "password": "long-enough-1", "confirm": "long-enough-1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "ghost")) is None


def _home_codes(client):
    page = client.get("/").get_data(as_text=True)
    return set(re.findall(r'href="/c/([A-Z0-9-]+)/"', page))


@pytest.mark.parametrize("username, codes", [
    ("auditor.jabar", {"KSP-A", "KSP-B"}),
    ("auditor.all", {"KSP-A", "KSP-B", "BMT-C"}),
    ("admin", set()),
])
def test_home_lists_exactly_the_cooperatives_a_user_may_see(client, auth, world, username, codes):
    auth.login(username)
    assert client.get("/").status_code == 200
    assert _home_codes(client) == codes


@pytest.mark.parametrize("username, code", [
    ("auditor.indramayu", "KSP-A"), ("auditor.ntb", "BMT-C"), ("member", "KSP-A"),
    ("other.manager", "KSP-B"),
])
def test_home_of_a_single_cooperative_user_goes_straight_to_it(client, auth, world, username, code):
    auth.login(username)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{code}/"


def test_a_user_holding_two_roles_gets_both(app, client, auth, world):
    """A manager of KSP-A who is also a member of BMT-C: staff in one, member in the other."""
    require_ledger_views(app)
    from coop_app.auth.service import grant_role
    with app.app_context():
        grant_role(world.user_id("manager"), "member", cooperative_id=world.bmt_id)
        db.session.commit()
    auth.login("manager")
    assert _home_codes(client) == {"KSP-A", "BMT-C"}
    assert client.get("/c/KSP-A/audit/").status_code == 200
    assert client.get("/c/BMT-C/").status_code == 200
    assert client.get("/c/BMT-C/audit/").status_code == 403
    assert client.get(coop_pages(app, "BMT-C")["journal"]).status_code == 403
