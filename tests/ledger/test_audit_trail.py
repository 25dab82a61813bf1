"""The ledger in the audit trail: accounts are audited with their actor, journal rows carry
their author instead."""
from decimal import Decimal

from flask import g
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from tests.ledger.helpers import fund
from tests.support.books import account_id

D = Decimal


# -- audit ---------------------------------------------------------------------------------

def _account_audit(account_id):
    return db.session.execute(select(AuditLog).where(
        AuditLog.table_name == "gl_accounts", AuditLog.row_id == account_id)
        .order_by(AuditLog.id)).scalars().all()


def test_a_new_account_leaves_an_audit_row_with_its_actor(ctx, world):
    ksp = world.ksp_id
    g.actor_id = world.user_id("manager")
    account = ledger.add_account(ksp, "5211", "Beban Keamanan", "expense", account_id(ksp, "admin_expenses"))
    ledger.set_account_active(ksp, account.id, False)
    db.session.commit()
    rows = _account_audit(account.id)
    # One row per change, however many apps this process has built.
    assert [(r.action, r.actor_id, r.cooperative_id) for r in rows] == [
        ("insert", world.user_id("manager"), ksp), ("update", world.user_id("manager"), ksp)]
    insert, update = rows
    assert insert.before is None and insert.at is not None
    assert insert.after["code"] == "5211" and insert.after["type"] == "expense"
    assert insert.after["name"] == "Beban Keamanan" and insert.after["active"] is True
    assert (update.before, update.after) == ({"active": True}, {"active": False})


def test_journal_rows_are_not_audited_but_carry_their_author(ctx, world):
    g.actor_id = world.user_id("manager")
    entry = fund(world.ksp_id, "1000")
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(AuditLog).where(
        AuditLog.table_name.in_(["journal_entries", "journal_lines"]))).scalar() == 0
    assert entry.posted_at is not None
