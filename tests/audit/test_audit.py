"""The audit trail: written from every flush, shown to a cooperative's manager and auditors."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.auth.models import RoleGrant
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from coop_app.loans.models import LoanProduct
from coop_app.savings.models import SavingsProduct
from tests.support.web import client_for, require_ledger_views, table_column

EDIT = {"name": "KSP Sumber Rejeki Makmur", "village": "Juntinyuat", "kecamatan": "Juntinyuat",
        "kabupaten": "Kabupaten Indramayu", "province": "Jawa Barat", "founded_on": "2018-03-01",
        "fiscal_year_start_month": "1"}


def audit_rows(app, **where):
    with app.app_context():
        query = select(AuditLog).filter_by(**where).order_by(AuditLog.id)
        return [(row.action, row.table_name, row.row_id, row.before, row.after, row.actor_id)
                for row in db.session.scalars(query)]


def test_building_the_world_left_an_audit_trail(app, world):
    """Creating a cooperative, its chart and its role grants each wrote audit rows."""
    coop_rows = audit_rows(app, cooperative_id=world.ksp_id, table_name="cooperatives")
    assert len(coop_rows) == 1
    action, _, row_id, before, after, actor = coop_rows[0]
    assert (action, row_id, before, actor) == ("insert", world.ksp_id, None, None)
    assert after["code"] == "KSP-A" and after["name"] == "KSP Sumber Rejeki"
    assert after["founded_on"] == "2018-03-01"

    with app.app_context():
        account_ids = set(db.session.scalars(
            select(GLAccount.id).where(GLAccount.cooperative_id == world.ksp_id)))
    audited = [row[2] for row in audit_rows(app, cooperative_id=world.ksp_id, table_name="gl_accounts",
                                            action="insert")]
    assert sorted(audited) == sorted(account_ids) and len(account_ids) > 50

    grant_rows = audit_rows(app, cooperative_id=world.ksp_id, table_name="role_grants")
    users_by_id = {v: k for k, v in world.users.items()}
    granted = sorted((users_by_id[row[4]["user_id"]], row[4]["role"]) for row in grant_rows)
    assert granted == [("manager", "manager"), ("manager2", "manager"), ("member", "member"),
                       ("treasurer", "treasurer")]

    # users belong to no cooperative; their rows are audited without one, password redacted
    user_rows = audit_rows(app, table_name="users", cooperative_id=None)
    assert len(user_rows) == len(world.users)
    assert all(row[4]["password_hash"] == "***" for row in user_rows)


def test_editing_a_cooperative_is_audited_with_its_actor(app, client, auth, world):
    auth.login("admin")
    assert client.post(f"/admin/cooperatives/{world.ksp_id}/edit", data=EDIT).status_code == 302
    updates = audit_rows(app, cooperative_id=world.ksp_id, table_name="cooperatives", action="update")
    assert updates == [("update", "cooperatives", world.ksp_id, {"name": "KSP Sumber Rejeki"},
                        {"name": "KSP Sumber Rejeki Makmur"}, world.user_id("admin"))]


def test_saving_an_unchanged_cooperative_writes_no_audit_row(app, client, auth, world):
    auth.login("admin")
    unchanged = {**EDIT, "name": "KSP Sumber Rejeki"}
    assert client.post(f"/admin/cooperatives/{world.ksp_id}/edit", data=unchanged).status_code == 302
    assert audit_rows(app, table_name="cooperatives", action="update") == []


def test_role_changes_are_audited(app, client, auth, world):
    auth.login("admin")
    admin_id, member_id = world.user_id("admin"), world.user_id("member")
    client.post(f"/admin/users/{member_id}/grants", data={"role": "member", "cooperative_id": str(world.bmt_id)})
    with app.app_context():
        grant_id = db.session.scalar(select(RoleGrant.id).where(
            RoleGrant.user_id == member_id, RoleGrant.cooperative_id == world.bmt_id))
    client.post(f"/admin/grants/{grant_id}/revoke")
    rows = audit_rows(app, table_name="role_grants", row_id=grant_id)
    assert [(r[0], r[2], r[5]) for r in rows] == [("insert", grant_id, admin_id), ("delete", grant_id, admin_id)]
    assert rows[0][4]["cooperative_id"] == world.bmt_id and rows[1][3]["role"] == "member"
    with app.app_context():
        assert db.session.scalar(select(AuditLog.cooperative_id).where(
            AuditLog.table_name == "role_grants", AuditLog.row_id == grant_id,
            AuditLog.action == "delete")) == world.bmt_id


def test_a_refused_form_leaves_no_audit_row(app, client, auth, world):
    auth.login("admin")
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditLog.id)))
    response = client.post(f"/admin/cooperatives/{world.ksp_id}/edit",
                           data={**EDIT, "founded_on": (date.today() + timedelta(days=3)).isoformat()})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id))) == before


def test_manager_sees_the_admins_edit_on_the_audit_page(app, world):
    require_ledger_views(app)
    admin = client_for(app, "admin")
    admin.post(f"/admin/cooperatives/{world.ksp_id}/edit", data=EDIT)

    response = client_for(app, "manager").get("/c/KSP-A/audit/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    first = re.search(r'<tr class="audit-[a-z]+">.*?</tr>', page, re.S).group(0)  # newest first
    assert "Admin" in first and "Update" in first and ">Cooperative<" in first
    assert "KSP Sumber Rejeki → KSP Sumber Rejeki Makmur" in " ".join(re.sub(r"<[^>]+>", " ", first).split())
    assert "system" in page  # the rows written while setting up the world had no actor


def test_audit_page_shows_only_this_cooperative(app, world):
    require_ledger_views(app)
    admin = client_for(app, "admin")
    admin.post(f"/admin/cooperatives/{world.other_id}/edit",
               data={**EDIT, "name": "KSP Maju Terus", "village": "Tegalurung", "kecamatan": "Balongan",
                     "kabupaten": "Kabupaten Cirebon", "founded_on": "2019-01-01"})
    page = client_for(app, "auditor.jabar").get("/c/KSP-A/audit/?table=cooperatives").get_data(as_text=True)
    assert table_column(page, "audit-log", 3) == ["Cooperative"]  # KSP-A's own insert only
    assert "KSP Maju" not in page
    page = client_for(app, "auditor.jabar").get("/c/KSP-B/audit/?table=cooperatives").get_data(as_text=True)
    assert table_column(page, "audit-log", 2) == ["Update", "Insert"]


def test_manager_of_another_cooperative_gets_404(app, world):
    other = client_for(app, "other.manager")
    assert other.get("/c/KSP-A/audit/").status_code == 404
    assert other.get("/c/KSP-A/audit/?table=users").status_code == 404


def test_treasurer_and_member_may_not_read_the_trail(app, world):
    require_ledger_views(app)  # the 403 page of a staff user renders the books menu
    assert client_for(app, "treasurer").get("/c/KSP-A/audit/").status_code == 403
    assert client_for(app, "member").get("/c/KSP-A/audit/").status_code == 403


def test_audit_log_is_linked_only_for_those_who_may_read_it(app, world):
    require_ledger_views(app)
    link = 'href="/c/KSP-A/audit/"'
    assert link in client_for(app, "manager").get("/c/KSP-A/").get_data(as_text=True)
    assert link in client_for(app, "auditor.jabar").get("/c/KSP-A/").get_data(as_text=True)
    assert link not in client_for(app, "treasurer").get("/c/KSP-A/").get_data(as_text=True)


def test_audit_page_filters_and_pages(make_app, world):
    app = make_app(PAGE_SIZE=10)
    require_ledger_views(app)
    manager = client_for(app, "manager")

    page = manager.get("/c/KSP-A/audit/?table=role_grants").get_data(as_text=True)
    assert table_column(page, "audit-log", 3) == ["Roles"] * 4
    assert table_column(page, "audit-log", 1) == ["system"] * 4

    page = manager.get("/c/KSP-A/audit/").get_data(as_text=True)
    assert len(table_column(page, "audit-log", 3)) == 10
    with app.app_context():
        total = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.cooperative_id == world.ksp_id))
        accounts = db.session.scalar(select(func.count(GLAccount.id)).where(GLAccount.cooperative_id == world.ksp_id))
        products = db.session.scalar(select(func.count(SavingsProduct.id)).where(
            SavingsProduct.cooperative_id == world.ksp_id))
        products += db.session.scalar(select(func.count(LoanProduct.id)).where(
            LoanProduct.cooperative_id == world.ksp_id))
    # the cooperative, its chart, its default savings and loan products, its four role grants
    assert total == 1 + accounts + products + 4
    assert f"Page 1 of {-(-total // 10)}" in page
    # newest first: the last grant made while building the world leads
    assert table_column(page, "audit-log", 3)[0] == "Roles"

    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the filter's dates are Jakarta dates
    page = manager.get(f"/c/KSP-A/audit/?date_from={today}&date_to={today}").get_data(as_text=True)
    assert f"Page 1 of {-(-total // 10)}" in page
    tomorrow = today + timedelta(days=1)
    page = manager.get(f"/c/KSP-A/audit/?date_from={tomorrow}").get_data(as_text=True)
    assert table_column(page, "audit-log", 0) == []
    assert "No changes recorded for this filter." in page
    yesterday = today - timedelta(days=1)
    page = manager.get(f"/c/KSP-A/audit/?date_to={yesterday}").get_data(as_text=True)
    assert table_column(page, "audit-log", 0) == []


@pytest.mark.parametrize("query, message", [
    ("date_from=2024-02-30", "Not a valid date value."),
    ("date_from=2024-03-10&date_to=2024-03-01", "The end date is before the start date."),
    ("table=journal_lines", "Not a valid choice."),
    ("table=users%27%20OR%201=1", "Not a valid choice."),
])
def test_bad_audit_filter_is_a_message_not_an_error(app, world, query, message):
    require_ledger_views(app)
    response = client_for(app, "auditor.all").get(f"/c/KSP-A/audit/?{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert table_column(page, "audit-log", 0) == []


def test_audit_page_ignores_a_bad_page_number(app, world):
    require_ledger_views(app)
    manager = client_for(app, "manager")
    assert manager.get("/c/KSP-A/audit/?page=abc").status_code == 200
    page = manager.get("/c/KSP-A/audit/?page=999").get_data(as_text=True)
    assert table_column(page, "audit-log", 0) == []


def test_audit_time_is_shown_in_jakarta_time(app, world):
    """Rows are stored in UTC; the page shows Western Indonesian Time (UTC+7)."""
    require_ledger_views(app)
    with app.app_context():
        row = db.session.scalars(select(AuditLog).where(AuditLog.cooperative_id == world.ksp_id)
                                 .order_by(AuditLog.id.desc())).first()
        row.at = datetime(2024, 1, 31, 20, 30)  # 03:30 on 1 February in Jakarta
        db.session.commit()
    page = client_for(app, "manager").get("/c/KSP-A/audit/?date_from=2024-02-01&date_to=2024-02-01")
    text = page.get_data(as_text=True)
    when = table_column(text, "audit-log", 0)
    assert len(when) == 1 and "2/1/24" in when[0] and "3:30" in when[0]
    page = client_for(app, "manager").get("/c/KSP-A/audit/?date_from=2024-01-31&date_to=2024-01-31")
    assert table_column(page.get_data(as_text=True), "audit-log", 0) == []
