"""Who may open which member, migrant and enterprise page: every role, checked on the server.
A member sees only their own member and enterprise pages; any other member does not exist."""
import pytest
from sqlalchemy import func, select

from coop_app.enterprises.models import Enterprise
from coop_app.extensions import db
from coop_app.members.models import Member, MigrantWorker
from tests.members.pages import BASE, member_form, register_form
from tests.support.web import text_of


def pages(p):
    return {
        "list": f"{BASE}/",
        "register": f"{BASE}/new",
        "detail": f"{BASE}/{p.budi}",
        "edit": f"{BASE}/{p.budi}/edit",
        "login": f"{BASE}/{p.budi}/login",
        "leave": f"{BASE}/{p.budi}/leave",
        "settings": f"{BASE}/settings",
        "import": f"{BASE}/import",
        "migrants": f"{BASE}/migrants",
        "migrant": f"{BASE}/migrants/{p.rohman}",
        "migrant_new": f"{BASE}/migrants/new",
        "migrant_edit": f"{BASE}/migrants/{p.rohman}/edit",
        "enterprises": "/c/KSP-A/enterprises/",
        "enterprise": f"/c/KSP-A/enterprises/{p.shop}",
        "enterprise_new": f"/c/KSP-A/enterprises/new/{p.budi}",
        "enterprise_edit": f"/c/KSP-A/enterprises/{p.shop}/edit",
    }


READ = ("list", "detail", "migrants", "migrant", "enterprises", "enterprise")
STAFF_WRITE = ("register", "edit", "import", "migrant_new", "migrant_edit", "enterprise_new",
               "enterprise_edit")
MANAGER_WRITE = ("login", "leave", "settings")


def row(read, staff, manager):
    return {**dict.fromkeys(READ, read), **dict.fromkeys(STAFF_WRITE, staff),
            **dict.fromkeys(MANAGER_WRITE, manager)}


MATRIX = {
    "manager": row(200, 200, 200),
    "treasurer": row(200, 200, 403),
    "auditor.all": row(200, 403, 403),
    "auditor.indramayu": row(200, 403, 403),
    # a member of KSP-A, but not Budi: Budi's pages do not exist for them
    "member": {**row(403, 403, 403), "detail": 404, "enterprise": 404},
    "other.manager": row(404, 404, 404),
    "auditor.ntb": row(404, 404, 404),
    "admin": row(404, 404, 404),
}


@pytest.mark.parametrize("username", sorted(MATRIX))
def test_member_pages_by_role(client, auth, people, username):
    assert auth.login(username).status_code == 302
    actual = {name: client.get(url).status_code for name, url in pages(people).items()}
    assert actual == MATRIX[username]


def test_anonymous_is_sent_to_login(client, people):
    for url in pages(people).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_member_sees_their_own_page_and_enterprise_only(client, auth, people):
    auth.login("member")
    own = client.get(f"{BASE}/{people.siti}")
    assert own.status_code == 200
    page = text_of(own)
    assert "Siti Aminah" in page and "Rp100.000" in page and "Rp20.000" in page
    assert 'id="member-history"' not in page            # the audit trail is for staff
    assert f'href="{BASE}/{people.siti}/edit"' not in page
    assert client.get(f"{BASE}/me").headers["Location"].endswith(f"{BASE}/{people.siti}")
    assert client.get(f"{BASE}/{people.budi}").status_code == 404
    assert client.get(f"/c/KSP-A/enterprises/{people.shop}").status_code == 404
    assert client.get(f"/c/KSP-B/members/{people.other}").status_code == 404


def test_a_member_without_a_record_has_no_me_page(client, auth, world, people):
    auth.login("member")
    with client.application.app_context():
        db.session.get(Member, people.siti).user_id = None
        db.session.commit()
    assert client.get(f"{BASE}/me").status_code == 404


def test_another_cooperatives_rows_are_404_inside_ours(client, auth, people):
    auth.login("manager")
    for url in (f"{BASE}/{people.other}", f"{BASE}/{people.other}/edit",
                f"{BASE}/{people.other}/leave", f"{BASE}/{people.other}/login",
                f"{BASE}/migrants/{people.other_migrant}",
                f"{BASE}/migrants/{people.other_migrant}/edit",
                f"/c/KSP-A/enterprises/{people.other_shop}",
                f"/c/KSP-A/enterprises/{people.other_shop}/edit",
                f"/c/KSP-A/enterprises/new/{people.other}",
                f"{BASE}/999999", f"{BASE}/migrants/999999"):
        assert client.get(url).status_code == 404, url


def counts(app):
    with app.app_context():
        return tuple(db.session.execute(select(func.count()).select_from(model)).scalar()
                     for model in (Member, MigrantWorker, Enterprise))


@pytest.mark.parametrize("username", ["auditor.all", "member"])
def test_readers_and_members_cannot_write(app, client, auth, world, people, username):
    auth.login(username)
    before = counts(app)
    posts = {
        f"{BASE}/new": register_form(app, world),
        f"{BASE}/{people.budi}/edit": member_form(name="Hacked"),
        f"{BASE}/{people.budi}/login": {"username": "x.y.z", "password": "rahasia-123",
                                        "confirm": "rahasia-123"},
        f"{BASE}/{people.budi}/leave": {"outcome": "resigned", "left_on": "2025-01-01"},
        f"{BASE}/settings": {"pattern": "{seq}"},
        f"{BASE}/import": {},
        f"{BASE}/import/confirm": {"file_hash": "0" * 64, "kind": "csv"},
        f"{BASE}/migrants/new": {"name": "X", "destination_country": "Y", "sector": "other"},
        f"{BASE}/migrants/{people.rohman}/edit": {"name": "X", "destination_country": "Y",
                                                   "sector": "other"},
        f"/c/KSP-A/enterprises/new/{people.budi}": {"name": "X"},
        f"/c/KSP-A/enterprises/{people.shop}/edit": {"name": "X"},
    }
    for url, form in posts.items():
        assert client.post(url, data=form).status_code == 403, url
    assert counts(app) == before
    with app.app_context():
        assert db.session.get(Member, people.budi).name == "Budi Santoso"
