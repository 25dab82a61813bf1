"""The chart of accounts through the service: adding accounts and groups (codes, parents,
names), and deactivating an account (zero balance, system accounts stay active)."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.posting import Line, PostingError, post_entry
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from tests.ledger.helpers import voucher
from tests.support import in_english
from tests.support.books import account_id

D = Decimal


# -- the chart of accounts ----------------------------------------------------------------------

def test_add_account_under_a_group_of_the_same_type(ctx, world):
    ksp = world.ksp_id
    group = ledger.account_by_key(ksp, "admin_expenses")
    account = ledger.add_account(ksp, " 5211 ", " Beban Keamanan ", "expense", group.id,
                                 name_en="Security")
    db.session.commit()
    assert (account.code, account.name, account.name_en, account.parent_id, account.is_group,
            account.active, account.system_key) == (
        "5211", "Beban Keamanan", "Security", group.id, False, True, None)
    assert account.id in {a.id for a in ledger.open_accounts(ksp, ["expense"])}
    voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "1000", "in")
    paid = ledger.record_voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), account_id(ksp, "cash"), account.id,
                                 D("1000"), "Honor satpam", "out")
    assert paid.lines[0].account_id == account.id


def test_add_a_group_and_an_account_under_it(ctx, world):
    ksp = world.ksp_id
    parent = ledger.account_by_key(ksp, "expenses")
    group = ledger.add_account(ksp, "53", "Beban Non-Operasional", "expense", parent.id, is_group=True)
    child = ledger.add_account(ksp, "5301", "Beban Bunga Bank", "expense", group.id)
    assert child.parent_id == group.id and group.is_group
    with pytest.raises(PostingError):
        post_entry(ksp, date(2025, 1, 1), "manual", "", [Line(group.id, D("1")), Line(account_id(ksp, "cash"), D("-1"))], "g")


@pytest.mark.parametrize("code", ["", "   ", "52 11", "-5211", "5/211", "x" * 21, "kode!"])
def test_add_account_refuses_a_bad_code(ctx, world, code):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, code, "Nama", "expense", account_id(ksp, "admin_expenses"))
    assert "account code" in in_english(caught.value)


def test_add_account_refuses_a_used_code(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, "5201", "Gaji lagi", "expense", account_id(ksp, "admin_expenses"))
    assert "5201 is already used" in in_english(caught.value)
    # Codes are unique per cooperative only.
    ledger.add_account(ksp, "5299", "Beban X", "expense", account_id(ksp, "admin_expenses"))
    ledger.add_account(world.other_id, "5299", "Beban X", "expense", account_id(world.other_id, "admin_expenses"))


@pytest.mark.parametrize("parent_key, type_, text", [
    ("office_expense", "expense", "must be a group"),
    ("admin_expenses", "income", "type of its group"),
    ("current_assets", "liability", "type of its group"),
    ("admin_expenses", "bogus", "Unknown account type"),
])
def test_add_account_parent_rules(ctx, world, parent_key, type_, text):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, "9999", "Nama", type_, account_id(ksp, parent_key))
    assert text in in_english(caught.value)


def test_add_account_needs_a_parent_of_this_cooperative_and_a_name(ctx, world):
    with pytest.raises(NotFound):
        ledger.add_account(world.ksp_id, "5211", "Nama", "expense", account_id(world.other_id, "admin_expenses"))
    with pytest.raises(DomainError):
        ledger.add_account(world.ksp_id, "5211", "  ", "expense", account_id(world.ksp_id, "admin_expenses"))
    with pytest.raises(DomainError):
        ledger.add_account(world.ksp_id, "5211", "n" * 201, "expense", account_id(world.ksp_id, "admin_expenses"))


def test_set_account_active_needs_a_zero_balance(ctx, world):
    ksp = world.ksp_id
    prepaid = account_id(ksp, "prepaid")
    ledger.post_manual_entry(ksp, date(2025, 2, 1), "Sewa dibayar di muka", [
        (prepaid, D("1200000"), None, None), (account_id(ksp, "grants"), None, D("1200000"), None)], "p1")
    with pytest.raises(DomainError) as caught:
        ledger.set_account_active(ksp, prepaid, False)
    assert "zero balance" in in_english(caught.value)
    ledger.post_manual_entry(ksp, date(2025, 3, 1), "Beban sewa", [
        (account_id(ksp, "other_expense"), D("1200000"), None, None), (prepaid, None, D("1200000"), None)], "p2")
    account = ledger.set_account_active(ksp, prepaid, False)
    assert account.active is False
    assert prepaid not in {a.id for a in ledger.open_accounts(ksp, ["asset"])}
    with pytest.raises(DomainError):
        ledger.post_manual_entry(ksp, date(2025, 3, 2), "x", [
            (prepaid, D("1"), None, None), (account_id(ksp, "grants"), None, D("1"), None)], "p3")
    assert ledger.set_account_active(ksp, prepaid, True).active is True


@pytest.mark.parametrize("key", ["cash", "shu_undistributed", "simpanan_wajib", "loans_receivable"])
def test_system_accounts_stay_active(ctx, world, key):
    with pytest.raises(DomainError):
        ledger.set_account_active(world.ksp_id, account_id(world.ksp_id, key), False)
