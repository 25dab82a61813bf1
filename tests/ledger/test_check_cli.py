"""`flask coop check-ledger`: OK on good books, a report and exit 1 on bad ones."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Date, DateTime, bindparam, text

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from tests.support.books import account_id

D = Decimal


def some_business(coop_id):
    ledger.post_manual_entry(coop_id, date(2025, 1, 2), "Hibah modal awal", [
        (account_id(coop_id, "bank"), D("25000000"), None, None),
        (account_id(coop_id, "grants"), None, D("25000000"), None)], "fund")
    ledger.post_manual_entry(coop_id, date(2025, 1, 3), "Tarik tunai", [
        (account_id(coop_id, "cash"), D("5000000"), None, None),
        (account_id(coop_id, "bank"), None, D("5000000"), None)], "cash")
    ledger.record_voucher(coop_id, INCOME_VOUCHER, date(2025, 1, 20), account_id(coop_id, "cash"),
                          account_id(coop_id, "other_income"), D("350000"), "Sewa tenda", "in")
    ledger.record_voucher(coop_id, EXPENSE_VOUCHER, date(2025, 1, 22), account_id(coop_id, "cash"),
                          account_id(coop_id, "office_expense"), D("125000.50"), "ATK", "out")


@pytest.fixture
def books(ctx, world):
    some_business(world.ksp_id)
    some_business(world.bmt_id)
    db.session.commit()
    return world


def smuggle(coop_id, lines, day=date(2025, 1, 25)):
    """Write an entry with raw SQL, past the services. On PostgreSQL the deferred balance
    trigger would refuse it at commit, so this transaction runs as a replica, as a broken
    tool or a manual repair might."""
    db.session.rollback()  # on SQLite the test's own session would hold the write lock
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        entry_id = conn.execute(text(
            "INSERT INTO journal_entries (cooperative_id, entry_date, posted_at, kind, memo, idempotency_key)"
            " VALUES (:coop, :day, :now, 'manual', 'diselundupkan', :key) RETURNING id"
        ).bindparams(bindparam("day", type_=Date), bindparam("now", type_=DateTime)),
            {"coop": coop_id, "day": day, "now": datetime(2025, 1, 25), "key": f"raw-{len(lines)}-{day}"}
        ).scalar()
        for account_id, sen in lines:
            conn.execute(text(
                "INSERT INTO journal_lines (entry_id, cooperative_id, account_id, amount)"
                " VALUES (:entry, :coop, :account, :sen)"),
                {"entry": entry_id, "coop": coop_id, "account": account_id, "sen": sen})
    return entry_id


def check(runner, *args):
    db.session.rollback()  # release the test session's transaction (SQLite's write lock)
    return runner.invoke(args=["coop", "check-ledger", *args])


def test_good_books_pass(books, runner):
    result = check(runner)
    assert result.exit_code == 0, result.output
    assert "Checked 8 entries and 16 lines of 2 cooperative(s)" in result.output
    assert "OK" in result.output


def test_one_cooperative(books, runner):
    result = check(runner, "--cooperative", "bmt-c")
    assert result.exit_code == 0, result.output
    assert "Checked 4 entries and 8 lines of 1 cooperative(s)" in result.output


def test_empty_books_pass(ctx, world, runner):
    result = check(runner)
    assert result.exit_code == 0 and "OK" in result.output
    assert "Checked 0 entries" in result.output


def test_an_unknown_cooperative_exits_2(books, runner):
    result = check(runner, "--cooperative", "NOPE")
    assert result.exit_code == 2
    assert "No cooperative with code NOPE" in result.output


def test_an_unbalanced_entry_is_reported(books, runner):
    ksp = books.ksp_id
    entry_id = smuggle(ksp, [(account_id(ksp, "cash"), 100_000), (account_id(ksp, "grants"), -99_999)])
    result = check(runner)
    assert result.exit_code == 1, result.output
    assert f"entry #{entry_id} does not balance: sum 0.01 over 2 line(s)" in result.output
    assert "trial balance of KSP-A is off by 0.01" in result.output
    assert "OK" not in result.output
    # The other cooperative's books are still fine.
    assert check(runner, "--cooperative", "BMT-C").exit_code == 0
    assert check(runner, "--cooperative", "KSP-A").exit_code == 1
    facts, problems = check_ledger(ksp)
    assert facts["entries"] == 5 and len(problems) == 2


def test_a_one_line_entry_and_a_lineless_entry_are_reported(books, runner):
    ksp = books.ksp_id
    single = smuggle(ksp, [(account_id(ksp, "cash"), 500)])
    smuggle(ksp, [], day=date(2025, 1, 26))
    result = check(runner)
    assert result.exit_code == 1
    assert f"entry #{single} does not balance: sum 5.00 over 1 line(s)" in result.output
    assert "1 entries have no lines" in result.output


def test_lines_on_a_group_account_are_reported(books, runner):
    ksp = books.ksp_id
    smuggle(ksp, [(account_id(ksp, "cash_and_bank"), 100), (account_id(ksp, "grants"), -100)])
    result = check(runner)
    assert result.exit_code == 1
    assert "1 lines are posted to group accounts" in result.output


def test_a_balanced_smuggled_entry_passes(books, runner):
    ksp = books.ksp_id
    smuggle(ksp, [(account_id(ksp, "cash"), 100), (account_id(ksp, "grants"), -100)])
    assert check(runner).exit_code == 0


def test_a_registered_sub_ledger_check_can_fail_the_books(books, runner, monkeypatch):
    from coop_app.registry import registry
    monkeypatch.setattr(registry(), "subledger_checks", [
        lambda cooperative_id: ["savings account S-1 holds 10.00 but its lines sum to 0.00"]])
    result = check(runner)
    assert result.exit_code == 1
    assert "savings account S-1 holds 10.00" in result.output
