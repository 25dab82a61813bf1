"""The operator's pages: cooperatives, users and roles, as an admin uses them."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.auth.models import RoleGrant, User
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from tests.support.web import english, require_ledger_views, table_column
from tests.conftest import PASSWORD

NEW_COOP = {
    "code": "KSP-JNT", "type": "ksp", "name": "KSP Sejahtera Juntinyuat", "province_code": "32",
    "kabupaten_code": "32.12", "kecamatan_code": "32.12.11", "village_code": "32.12.11.2010",  # Juntikebon
    "founded_on": "2021-05-17", "fiscal_year_start_month": "1",
}


@pytest.fixture
def admin(client, auth, world):
    """The client, logged in as the admin and reading English."""
    assert auth.login("admin").status_code == 302
    english(client)
    return client


def counts(app):
    """How many rows of each kind exist: a refused form must leave all of them unchanged."""
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Cooperative, GLAccount, User, RoleGrant, AuditLog)}


def grants_of(app, username):
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        return sorted((g.role, g.cooperative.code if g.cooperative else None, g.scope_province,
                       g.scope_kabupaten) for g in user.grants)


# --- cooperatives ---------------------------------------------------------------------------

def test_cooperative_list_shows_every_cooperative(admin, world):
    page = admin.get("/admin/cooperatives").get_data(as_text=True)
    assert table_column(page, "cooperatives", 0) == ["BMT-C", "KSP-A", "KSP-B"]
    assert table_column(page, "cooperatives", 2) == ["KSPPS/BMT", "KSP", "KSP"]
    assert table_column(page, "cooperatives", 6) == ["Nusa Tenggara Barat", "Jawa Barat", "Jawa Barat"]
    assert table_column(page, "cooperatives", 3) == ["Suralaga", "Juntinyuat", "Weru Kidul"]


def test_cooperative_list_search(admin, world):
    page = admin.get("/admin/cooperatives?q=cirebon").get_data(as_text=True)
    assert table_column(page, "cooperatives", 0) == ["KSP-B"]
    page = admin.get("/admin/cooperatives?q=100%25").get_data(as_text=True)  # a literal %
    assert table_column(page, "cooperatives", 0) == []


def test_create_cooperative_installs_its_chart(app, admin, world):
    response = admin.post("/admin/cooperatives/new", data=NEW_COOP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/cooperatives"
    page = admin.get("/admin/cooperatives").get_data(as_text=True)
    assert "Cooperative KSP-JNT created with its chart of accounts." in page
    assert "KSP-JNT" in table_column(page, "cooperatives", 0)
    with app.app_context():
        coop = db.session.execute(select(Cooperative).where(Cooperative.code == "KSP-JNT")).scalar_one()
        assert (coop.name, coop.type, coop.village, coop.founded_on, coop.fiscal_year_start_month) == (
            "KSP Sejahtera Juntinyuat", "ksp", "Juntikebon", date(2021, 5, 17), 1)
        accounts = select(func.count(GLAccount.id)).where(GLAccount.cooperative_id == coop.id)
        assert db.session.scalar(accounts) > 50
        cash = db.session.execute(select(GLAccount).where(
            GLAccount.cooperative_id == coop.id, GLAccount.system_key == "cash")).scalar_one()
        assert cash.type == "asset"


def test_create_sharia_cooperative_gets_the_sharia_chart(app, admin, world):
    data = {**NEW_COOP, "code": "bmt-jnt", "type": "kspps", "fiscal_year_start_month": "7"}
    assert admin.post("/admin/cooperatives/new", data=data).status_code == 302
    with app.app_context():
        coop = db.session.execute(select(Cooperative).where(Cooperative.code == "BMT-JNT")).scalar_one()
        assert coop.is_sharia and coop.fiscal_year_start_month == 7
        keys = set(db.session.scalars(select(GLAccount.system_key).where(
            GLAccount.cooperative_id == coop.id, GLAccount.system_key.is_not(None))))
        ksp_keys = set(db.session.scalars(select(GLAccount.system_key).where(
            GLAccount.cooperative_id == world.ksp_id, GLAccount.system_key.is_not(None))))
        assert "cash" in keys
        assert keys != ksp_keys


def test_duplicate_cooperative_code_is_refused(app, admin, world):
    before = counts(app)
    response = admin.post("/admin/cooperatives/new", data={**NEW_COOP, "code": "ksp-a"})
    assert response.status_code == 422
    assert "Cooperative code KSP-A is already used." in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required."),
    ("name", "   ", "This field is required."),
    ("name", "x" * 201, "Field cannot be longer than 200 characters."),
    ("village_code", "", "Choose the desa from the official list."),
    ("village_code", "32.12.11.9999", "Choose the desa from the official list."),
    ("code", "KSP A", "The code is 2 to 20 capital letters, digits or dashes."),
    ("code", "K", "The code is 2 to 20 capital letters, digits or dashes."),
    ("code", "-KSP", "The code is 2 to 20 capital letters, digits or dashes."),
    ("code", "", "This field is required."),
    ("type", "bank", "Not a valid choice."),
    ("founded_on", (date.today() + timedelta(days=1)).isoformat(),
     "The founding date must be a real date, not in the future."),
    ("founded_on", "1850-01-01", "The founding date must be a real date, not in the future."),
    ("founded_on", "2020-02-30", "Not a valid date value."),
    ("founded_on", "", "This field is required."),
    ("fiscal_year_start_month", "13", "A month from 1 to 12."),
    ("fiscal_year_start_month", "0", "A month from 1 to 12."),
    ("fiscal_year_start_month", "1.5", "Not a valid integer value."),
    ("fiscal_year_start_month", "", "This field is required."),
])
def test_bad_cooperative_fields_are_refused_with_a_message(app, admin, world, field, value, message):
    before = counts(app)
    response = admin.post("/admin/cooperatives/new", data={**NEW_COOP, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert '<option selected value="32.12">Kabupaten Indramayu</option>' in page  # what was chosen is kept
    assert counts(app) == before


def test_edit_cooperative_changes_name_and_place_not_code_or_type(app, admin, world):
    url = f"/admin/cooperatives/{world.ksp_id}/edit"
    page = admin.get(url).get_data(as_text=True)
    assert 'value="KSP Sumber Rejeki"' in page
    assert 'name="code"' not in page
    data = {**NEW_COOP, "name": "KSP Sumber Rejeki Makmur", "code": "HACKED", "type": "kspps",
            "fiscal_year_start_month": "4"}
    response = admin.post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        coop = db.session.get(Cooperative, world.ksp_id)
        assert (coop.code, coop.type, coop.name, coop.village, coop.fiscal_year_start_month) == (
            "KSP-A", "ksp", "KSP Sumber Rejeki Makmur", "Juntikebon", 4)


def test_bad_cooperative_edit_is_refused(app, admin, world):
    url = f"/admin/cooperatives/{world.ksp_id}/edit"
    before = counts(app)
    response = admin.post(url, data={**NEW_COOP, "name": "Changed", "village_code": "32.12.99.2001"})
    assert response.status_code == 422
    assert "Choose the desa from the official list." in response.get_data(as_text=True)
    future = (date.today() + timedelta(days=30)).isoformat()
    response = admin.post(url, data={**NEW_COOP, "name": "Changed", "founded_on": future})
    assert response.status_code == 422
    assert "The founding date must be a real date, not in the future." in response.get_data(as_text=True)
    assert counts(app) == before
    with app.app_context():
        assert db.session.get(Cooperative, world.ksp_id).name == "KSP Sumber Rejeki"


def test_edit_of_a_missing_cooperative_is_404(admin, world):
    assert admin.get("/admin/cooperatives/9999/edit").status_code == 404
    assert admin.post("/admin/cooperatives/9999/edit", data=NEW_COOP).status_code == 404


# --- users ----------------------------------------------------------------------------------

def test_user_list_shows_roles_and_where(admin, world):
    page = admin.get("/admin/users").get_data(as_text=True)
    usernames = table_column(page, "users", 0)
    roles = dict(zip(usernames, table_column(page, "users", 2), strict=True))
    assert usernames == sorted(usernames) and len(usernames) == 12
    assert roles["manager"] == "Manager: KSP-A"
    assert roles["bmt.treasurer"] == "Treasurer: BMT-C"
    assert roles["auditor.jabar"] == "Auditor: Jawa Barat"
    assert roles["auditor.indramayu"] == "Auditor: Kabupaten Indramayu, Jawa Barat"
    assert roles["auditor.all"] == "Auditor: everything"
    assert roles["admin"] == "Administrator: everything"


def test_user_list_search_and_pages(make_app, world):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    english(client)
    page = client.get("/admin/users?q=AUDITOR").get_data(as_text=True)
    assert table_column(page, "users", 0) == ["auditor.all", "auditor.indramayu", "auditor.jabar",
                                              "auditor.ntb"]
    page = client.get("/admin/users?q=Jabar").get_data(as_text=True)  # full name "Auditor Jabar"
    assert table_column(page, "users", 0) == ["auditor.jabar"]
    page = client.get("/admin/users?q=_").get_data(as_text=True)  # a literal _, not a wildcard
    assert table_column(page, "users", 0) == []

    first = client.get("/admin/users").get_data(as_text=True)
    third = client.get("/admin/users?page=3").get_data(as_text=True)
    assert table_column(first, "users", 0) == ["admin", "auditor.all", "auditor.indramayu",
                                               "auditor.jabar", "auditor.ntb"]
    assert "Page 1 of 3" in first
    assert table_column(third, "users", 0) == ["other.manager", "treasurer"]
    assert client.get("/admin/users?page=abc").status_code == 200


def test_create_user(app, admin, world):
    response = admin.post("/admin/users/new", data={
        "username": "Siti.Kasir", "full_name": "Siti Aminah", "password": "kas-desa-2024",
        "confirm": "kas-desa-2024"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "siti.kasir")).scalar_one()
        assert user.full_name == "Siti Aminah" and user.active and user.grants == []
        assert user.password_hash.startswith("scrypt:")
        assert response.headers["Location"] == f"/admin/users/{user.id}"
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "User siti.kasir created. Now grant them a role." in page


@pytest.mark.parametrize("data, message", [
    ({"username": "manager"}, "Username manager is already taken."),
    ({"username": "MANAGER"}, "Username manager is already taken."),
    ({"password": "short", "confirm": "short"}, "A password has at least 10 characters."),
    ({"confirm": "something-else"}, "The passwords do not match."),
    ({"username": "a b"}, "A username is 3 to 64 lowercase letters"),
    ({"username": ""}, "This field is required."),
    ({"full_name": ""}, "This field is required."),
    ({"password": "", "confirm": ""}, "This field is required."),
])
def test_bad_new_user_is_refused(app, admin, world, data, message):
    before = counts(app)
    form = {"username": "new.user", "full_name": "New User", "password": "long-enough-1",
            "confirm": "long-enough-1", **data}
    response = admin.post("/admin/users/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(app) == before


def test_edit_user_name_password_and_active(app, admin, auth, world):
    url = f"/admin/users/{world.user_id('treasurer')}"
    response = admin.post(url, data={"full_name": "Bu Treasurer", "new_password": "baru-sekali-1",
                                     "confirm": "baru-sekali-1"})  # active unticked
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, world.user_id("treasurer"))
        assert (user.full_name, user.active) == ("Bu Treasurer", False)
        assert user.check_password("baru-sekali-1")
    page = admin.get(url).get_data(as_text=True)
    assert "User treasurer saved." in page and "inactive" in page

    other = app.test_client()
    assert other.post("/login", data={"username": "treasurer", "password": "baru-sekali-1"}).status_code == 200
    assert admin.post(url, data={"full_name": "Bu Treasurer", "active": "y"}).status_code == 302
    assert other.post("/login", data={"username": "treasurer", "password": "baru-sekali-1"}).status_code == 302


def test_edit_user_refuses_a_short_password_and_changes_nothing(app, admin, world):
    url = f"/admin/users/{world.user_id('member')}"
    response = admin.post(url, data={"full_name": "Renamed", "active": "y", "new_password": "short",
                                     "confirm": "short"})
    assert response.status_code == 422
    assert "A password has at least 10 characters." in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, world.user_id("member"))
        assert user.full_name == "Member"
        assert user.check_password(PASSWORD)


def test_admin_cannot_deactivate_self(app, admin, world):
    response = admin.post(f"/admin/users/{world.user_id('admin')}", data={"full_name": "Admin"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.user_id("admin")).active
    assert admin.get("/admin/users").status_code == 200  # still logged in


def test_edit_of_a_missing_user_is_404(admin, world):
    assert admin.get("/admin/users/9999").status_code == 404
    assert admin.post("/admin/users/9999/grants", data={"role": "admin"}).status_code == 404
    assert admin.post("/admin/grants/9999/revoke").status_code == 404


# --- roles ----------------------------------------------------------------------------------

def _new_user(admin, username="ani"):
    response = admin.post("/admin/users/new", data={
        "username": username, "full_name": username.title(), "password": "long-enough-1",
        "confirm": "long-enough-1"})
    assert response.status_code == 302
    return response.headers["Location"]  # the user's page


def test_grant_a_role_in_a_cooperative_opens_it(app, admin, world):
    user_url = _new_user(admin)
    ani = app.test_client()
    ani.post("/login", data={"username": "ani", "password": "long-enough-1"})
    assert ani.get("/c/KSP-B/").status_code == 404

    response = admin.post(f"{user_url}/grants", data={"role": "member", "cooperative_id": str(world.other_id)})
    assert response.status_code == 302
    assert response.headers["Location"] == user_url
    assert grants_of(app, "ani") == [("member", "KSP-B", None, None)]
    page = admin.get(user_url).get_data(as_text=True)
    assert "Role Member granted to ani." in page
    assert table_column(page, "grants", 0) == ["Member"]
    assert table_column(page, "grants", 1) == ["KSP-B"]

    assert ani.get("/").headers["Location"] == "/c/KSP-B/"
    assert ani.get("/c/KSP-B/").status_code == 200
    assert ani.get("/c/KSP-A/").status_code == 404


def test_granted_treasurer_opens_the_dashboard_and_books(app, admin, world):
    require_ledger_views(app)
    user_url = _new_user(admin)
    assert admin.post(f"{user_url}/grants",
                      data={"role": "treasurer", "cooperative_id": str(world.other_id)}).status_code == 302
    ani = app.test_client()
    ani.post("/login", data={"username": "ani", "password": "long-enough-1"})
    page = ani.get("/c/KSP-B/")
    assert page.status_code == 200
    assert "KSP Maju Bersama" in page.get_data(as_text=True)
    assert ani.get("/c/KSP-B/audit/").status_code == 403
    assert ani.get("/c/KSP-A/").status_code == 404


@pytest.mark.parametrize("data, grant", [
    ({"role": "auditor", "scope_province": "32"}, ("auditor", None, "32", None)),
    ({"role": "auditor", "scope_province": " 32 ", "scope_kabupaten": "32.09"}, ("auditor", None, "32", "32.09")),
    # a kabupaten/kota names its province
    ({"role": "auditor", "scope_kabupaten": "32.09"}, ("auditor", None, "32", "32.09")),
    ({"role": "auditor"}, ("auditor", None, None, None)),
    # a cooperative chosen for an auditor, or a region for a manager, is not kept
    ({"role": "auditor", "cooperative_id": "1"}, ("auditor", None, None, None)),
    ({"role": "manager", "cooperative_id": "1", "scope_province": "51"}, ("manager", "KSP-A", None, None)),
    ({"role": "admin"}, ("admin", None, None, None)),
])
def test_grant_roles_of_every_scope(app, admin, world, data, grant):
    assert world.ksp_id == 1
    user_url = _new_user(admin)
    assert admin.post(f"{user_url}/grants", data=data).status_code == 302
    assert grants_of(app, "ani") == [grant]


def test_granted_auditor_sees_the_cooperatives_of_the_region(app, admin, world):
    user_url = _new_user(admin)
    admin.post(f"{user_url}/grants", data={"role": "auditor", "scope_province": "32",
                                           "scope_kabupaten": "32.09"})  # Kabupaten Cirebon
    ani = app.test_client()
    ani.post("/login", data={"username": "ani", "password": "long-enough-1"})
    assert ani.get("/").headers["Location"] == "/c/KSP-B/"
    assert ani.get("/c/KSP-A/").status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"role": "auditor", "scope_province": "52", "scope_kabupaten": "32.09"},
     "Kabupaten Cirebon is not in the chosen province."),
    ({"role": "auditor", "scope_province": "32", "scope_kabupaten": "32.99"},
     "32.99 is not a kabupaten/kota of the official list."),
    ({"role": "treasurer"}, "Choose the cooperative for this role."),
    ({"role": "treasurer", "cooperative_id": "9999"}, "Not a valid choice."),
    ({"role": "treasurer", "cooperative_id": "abc"}, "Invalid Choice: could not coerce."),
    ({"role": "owner", "cooperative_id": "1"}, "Not a valid choice."),
    ({"role": "manager", "cooperative_id": "1"}, "The user already holds this role."),
    ({"role": "auditor", "scope_province": "x" * 101}, "x" * 101 + " is not a province of the official list."),
])
def test_bad_grant_is_refused(app, admin, world, data, message):
    before = counts(app)
    response = admin.post(f"/admin/users/{world.user_id('manager')}/grants", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(app) == before
    assert grants_of(app, "manager") == [("manager", "KSP-A", None, None)]


def test_revoke_a_role_closes_the_cooperative(app, admin, auth, world):
    with app.app_context():
        grant_id = db.session.execute(select(RoleGrant.id).where(
            RoleGrant.user_id == world.user_id("member"))).scalar_one()
    member = app.test_client()
    member.post("/login", data={"username": "member", "password": PASSWORD})
    assert member.get("/c/KSP-A/").status_code == 200

    response = admin.post(f"/admin/grants/{grant_id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{world.user_id('member')}"
    assert "Role Member of member revoked." in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert grants_of(app, "member") == []
    assert member.get("/c/KSP-A/").status_code == 404
    assert admin.post(f"/admin/grants/{grant_id}/revoke").status_code == 404


def test_admin_cannot_remove_own_admin_role(app, admin, world):
    with app.app_context():
        grant_id = db.session.execute(select(RoleGrant.id).where(
            RoleGrant.user_id == world.user_id("admin"))).scalar_one()
    response = admin.post(f"/admin/grants/{grant_id}/revoke")
    assert response.status_code == 422
    assert "You cannot remove your own admin role." in response.get_data(as_text=True)
    assert grants_of(app, "admin") == [("admin", None, None, None)]
    assert admin.get("/admin/users").status_code == 200


def test_admin_can_remove_another_admin(app, admin, world):
    user_url = _new_user(admin, "second.admin")
    admin.post(f"{user_url}/grants", data={"role": "admin"})
    with app.app_context():
        grant_id = db.session.execute(select(RoleGrant.id).join(User).where(
            User.username == "second.admin")).scalar_one()
    assert admin.post(f"/admin/grants/{grant_id}/revoke").status_code == 302
    assert grants_of(app, "second.admin") == []


def _csrf_token(page):
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_admin_forms_need_the_csrf_token(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "admin", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    # logging in starts a fresh session, with a fresh token
    token = _csrf_token(client.get("/admin/cooperatives/new").get_data(as_text=True))
    before = counts(app)
    assert client.post("/admin/cooperatives/new", data=NEW_COOP).status_code == 400
    assert client.post(f"/admin/users/{world.user_id('manager')}/grants",
                       data={"role": "admin"}).status_code == 400
    assert counts(app) == before
    assert client.post("/admin/cooperatives/new", data={**NEW_COOP, "csrf_token": token}).status_code == 302
