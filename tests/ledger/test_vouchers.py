"""Income and expense vouchers through the service: cash moves, never overdrawn, against a
counter account of the right kind, of this cooperative, for a sane amount and a description."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from tests.ledger.helpers import fund, voucher
from tests.support import in_english
from tests.support.books import account_id, balance, journal_counts

D = Decimal


# -- vouchers ---------------------------------------------------------------------------------

def test_income_and_expense_vouchers_move_cash(ctx, world):
    ksp = world.ksp_id
    income = voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "350000", "in")
    expense = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 2), "office_expense", "125000.50", "out")
    db.session.commit()
    assert income.kind == "income_voucher" and expense.kind == "expense_voucher"
    assert income.memo == "Uraian transaksi"
    assert [(ln.account_id, ln.amount) for ln in expense.lines] == [
        (account_id(ksp, "office_expense"), D("125000.50")), (account_id(ksp, "cash"), D("-125000.50"))]
    assert balance(ksp, "cash") == D("224999.50")
    assert balance(ksp, "other_income") == D("-350000")


def test_an_expense_voucher_cannot_overdraw_cash(ctx, world):
    ksp = world.ksp_id
    fund(ksp, "100000")
    before = journal_counts()
    with pytest.raises(DomainError) as caught:
        voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000.01", "out")
    assert "does not hold enough money" in in_english(caught.value)
    assert journal_counts() == before
    # The bank is another account: its balance does not pay for cash.
    with pytest.raises(DomainError):
        voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "bank_charges", "1", "out-bank", cash="bank")
    spent = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000", "out")
    db.session.commit()
    assert balance(ksp, "cash") == 0
    # A retried submission of the voucher that emptied the cash is a replay, not a refusal.
    again = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000", "out")
    assert again.id == spent.id and again.replayed


@pytest.mark.parametrize("direction, counter", [
    (EXPENSE_VOUCHER, "other_income"),
    (EXPENSE_VOUCHER, "prepaid"),
    (EXPENSE_VOUCHER, "simpanan_wajib"),
    (EXPENSE_VOUCHER, "loans_receivable"),
    (EXPENSE_VOUCHER, "admin_expenses"),  # a group
    (INCOME_VOUCHER, "office_expense"),
    (INCOME_VOUCHER, "simpanan_sukarela"),
    (INCOME_VOUCHER, "interest_receivable"),
    (INCOME_VOUCHER, "grants"),
])
def test_the_counter_account_of_a_voucher(ctx, world, direction, counter):
    ksp = world.ksp_id
    fund(ksp, "1000000")
    before = journal_counts()
    with pytest.raises(DomainError) as caught:
        voucher(ksp, direction, date(2025, 2, 1), counter, "1000", "v")
    wanted = "expense" if direction == EXPENSE_VOUCHER else "income"
    assert f"Choose an {wanted} account" in in_english(caught.value)
    assert journal_counts() == before


@pytest.mark.parametrize("cash", ["loans_receivable", "prepaid", "simpanan_wajib", "cash_and_bank"])
def test_a_voucher_pays_from_cash_or_bank_only(ctx, world, cash):
    with pytest.raises(DomainError) as caught:
        voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "1000", "v", cash=cash)
    assert "cash or bank" in in_english(caught.value)
    assert journal_counts() == (0, 0)


@pytest.mark.parametrize("amount", [D("0"), D("-5000"), D("1000.005"), 1000.0, "abc",
                                    D("100000000000.01")])
def test_a_voucher_amount_must_be_sane(ctx, world, amount):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.record_voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), account_id(ksp, "cash"),
                              account_id(ksp, "other_income"), amount, "uraian", "v")
    assert journal_counts() == (0, 0)


def test_a_voucher_needs_a_description(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.record_voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), account_id(ksp, "cash"),
                              account_id(ksp, "other_income"), D("1000"), "  ", "v")


def test_a_voucher_uses_accounts_of_its_own_cooperative(ctx, world):
    with pytest.raises(NotFound):
        ledger.record_voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), account_id(world.other_id, "cash"),
                              account_id(world.ksp_id, "other_income"), D("1000"), "uraian", "v")
    with pytest.raises(NotFound):
        ledger.record_voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), account_id(world.ksp_id, "cash"),
                              account_id(world.other_id, "other_income"), D("1000"), "uraian", "v")
