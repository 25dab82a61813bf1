"""Accounts, deposits, withdrawals and reversals through the service layer: each one
balanced entry with its passbook line, the product's rules refusing what they must, with
nothing written."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict
from coop_app.ledger.service import reverse_entry
from coop_app.savings import movements as savings
from coop_app.savings import opening
from coop_app.savings.models import SavingsAccount
from tests.savings.helpers import open_with, passbook
from tests.support import key
from tests.support.books import assert_books_clean, bank, cash, entry_lines, savings_counts, savings_product

D = Decimal
DAY = date(2025, 3, 3)


def test_opening_an_account_takes_its_deposit_in_one_entry(sctx):
    s = sctx
    k = key()
    account, entry = opening.open_account_with_deposit(
        s.ksp_id, s.siti, savings_product(s.ksp_id, "SS").id, DAY, D("500000"), cash(s.ksp_id), k)
    db.session.commit()
    assert account.number == "SS-000001" and account.balance == D("500000.00")
    assert (entry.kind, entry.entry_date) == ("savings_deposit", DAY)
    assert entry_lines(entry.id) == {"cash": D("500000.00"), "simpanan_sukarela": D("-500000.00")}
    assert {ln.member_id for ln in entry.lines} == {s.siti}
    assert [ln.savings_account_id for ln in entry.lines if ln.amount < 0] == [account.id]
    assert passbook(account.id) == [("deposit", D("500000.00"), D("500000.00"))]
    before = savings_counts()
    again, replay = opening.open_account_with_deposit(
        s.ksp_id, s.siti, savings_product(s.ksp_id, "SS").id, DAY, D("500000"), cash(s.ksp_id), k)
    assert (again.id, replay.id, replay.replayed) == (account.id, entry.id, True)
    db.session.rollback()
    assert savings_counts() == before
    with pytest.raises(IdempotencyConflict):
        opening.open_account_with_deposit(s.ksp_id, s.siti, savings_product(s.ksp_id, "SS").id, DAY,
                                          D("600000"), cash(s.ksp_id), k)
    db.session.rollback()
    assert_books_clean()


def test_a_time_deposit_matures_after_its_term(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SB12", "5000000", date(2025, 1, 31), bank(s.ksp_id))
    db.session.commit()
    assert account.maturity_date == date(2026, 1, 31)
    assert account.balance == D("5000000.00")
    assert opening.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert opening.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert opening.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


@pytest.mark.parametrize("code, amount, day, message", [
    ("SB12", "999999", DAY, "at least Rp1.000.000"),
    ("SS", "9000", DAY, "at least Rp10.000"),
    ("SS", "50000", date(2023, 12, 31), "before the member joined"),
    ("SS", "50000", date(2099, 1, 1), "future"),
    ("SP", "100000", DAY, None),  # pokok exists already below
])
def test_opening_refusals_write_nothing(sctx, code, amount, day, message):
    s = sctx
    if code == "SP":
        open_with(s.ksp_id, s.siti, "SP", "100000", DAY)
        db.session.commit()
        message = "already has this account"
    before = savings_counts()
    with pytest.raises(DomainError, match=message):
        open_with(s.ksp_id, s.siti, code, amount, day)
    db.session.rollback()
    assert savings_counts() == before


def test_open_for_a_member_of_another_cooperative_is_not_found(sctx):
    s = sctx
    with pytest.raises(DomainError, match="Member not found"):
        open_with(s.ksp_id, s.aminah, "SS", "50000", DAY)
    db.session.rollback()


def test_deposits_and_withdrawals_move_cash_and_the_passbook(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    db.session.commit()
    deposit = savings.deposit(s.ksp_id, account.id, D("250000.50"), date(2025, 3, 10), bank(s.ksp_id), key())
    db.session.commit()
    assert entry_lines(deposit.id) == {"bank": D("250000.50"), "simpanan_sukarela": D("-250000.50")}
    withdrawal = savings.withdraw(s.ksp_id, account.id, D("450000"), date(2025, 3, 11), cash(s.ksp_id), key())
    db.session.commit()
    assert withdrawal.kind == "savings_withdrawal"
    assert entry_lines(withdrawal.id) == {"cash": D("-450000.00"), "simpanan_sukarela": D("450000.00")}
    assert passbook(account.id) == [
        ("deposit", D("500000.00"), D("500000.00")),
        ("deposit", D("250000.50"), D("750000.50")),
        ("withdrawal", D("-450000.00"), D("300000.50")),
    ]
    assert db.session.get(SavingsAccount, account.id).balance == D("300000.50")
    assert_books_clean()


def test_minimum_balance_is_kept(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    db.session.commit()
    with pytest.raises(DomainError, match=r"Only Rp490\.000 can be withdrawn"):
        savings.withdraw(s.ksp_id, account.id, D("490000.01"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    savings.withdraw(s.ksp_id, account.id, D("490000"), DAY, cash(s.ksp_id), key())
    db.session.commit()
    assert db.session.get(SavingsAccount, account.id).balance == D("10000.00")


def test_pledged_amount_is_blocked(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "1000000", DAY)
    account.pledged = D("600000")
    db.session.commit()
    assert savings.available_to_withdraw(account, DAY) == D("390000.00")
    with pytest.raises(DomainError, match=r"Rp600\.000 of this account is pledged"):
        savings.withdraw(s.ksp_id, account.id, D("400001"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    with pytest.raises(DomainError, match=r"Only Rp390\.000"):
        savings.withdraw(s.ksp_id, account.id, D("395000"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    savings.withdraw(s.ksp_id, account.id, D("390000"), DAY, cash(s.ksp_id), key())
    db.session.commit()
    assert db.session.get(SavingsAccount, account.id).balance == D("610000.00")


def test_pokok_and_wajib_are_returned_only_on_leaving(sctx):
    s = sctx
    pokok = open_with(s.ksp_id, s.siti, "SP", "100000", DAY)
    wajib = open_with(s.ksp_id, s.siti, "SW", "20000", DAY)
    db.session.commit()
    for account in (pokok, wajib):
        with pytest.raises(DomainError, match="only when the member leaves"):
            savings.withdraw(s.ksp_id, account.id, D("1000"), DAY, cash(s.ksp_id), key())
        db.session.rollback()
    with pytest.raises(DomainError, match=r"paid once, Rp100\.000"):
        savings.deposit(s.ksp_id, pokok.id, D("1"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    # wajib takes any amount (paying ahead is allowed)
    savings.deposit(s.ksp_id, wajib.id, D("60000"), DAY, cash(s.ksp_id), key())
    entry = savings.withdraw(s.ksp_id, wajib.id, D("80000"), DAY, cash(s.ksp_id), key(), leaving=True)
    db.session.commit()
    assert entry_lines(entry.id) == {"cash": D("-80000.00"), "simpanan_wajib": D("80000.00")}
    assert_books_clean()


def test_pokok_opens_with_exactly_its_amount(sctx):
    s = sctx
    with pytest.raises(DomainError, match=r"paid once, Rp100\.000"):
        open_with(s.ksp_id, s.siti, "SP", "50000", DAY)
    db.session.rollback()


def test_time_deposit_is_locked_until_maturity(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SB12", "2000000", date(2025, 10, 1))
    db.session.commit()
    with pytest.raises(DomainError, match="matures on 2026-10-01"):
        savings.withdraw(s.ksp_id, account.id, D("2000000"), date(2026, 9, 30), cash(s.ksp_id), key())
    db.session.rollback()
    with pytest.raises(DomainError, match="when it is opened"):
        savings.deposit(s.ksp_id, account.id, D("100000"), date(2025, 10, 2), cash(s.ksp_id), key())
    db.session.rollback()
    entry = savings.withdraw(s.ksp_id, account.id, D("2000000"), date(2026, 10, 1), cash(s.ksp_id), key())
    db.session.commit()
    assert entry_lines(entry.id) == {"cash": D("-2000000.00"), "simpanan_berjangka": D("2000000.00")}


def test_early_withdrawal_pays_the_penalty_to_fee_income(sctx):
    s = sctx
    berjangka = savings_product(s.ksp_id, "SB12")
    berjangka.early_withdrawal_allowed = True
    berjangka.early_withdrawal_penalty_bp = 150  # 1,5%
    db.session.commit()
    account = open_with(s.ksp_id, s.siti, "SB12", "3000000", date(2026, 6, 1))
    db.session.commit()
    assert account.maturity_date == date(2027, 6, 1)
    with pytest.raises(DomainError, match=r"withdrawn whole: Rp3\.000\.000"):
        savings.withdraw(s.ksp_id, account.id, D("1000000"), date(2026, 11, 2), cash(s.ksp_id), key())
    db.session.rollback()
    entry = savings.withdraw(s.ksp_id, account.id, D("3000000"), date(2026, 11, 2), cash(s.ksp_id), key())
    db.session.commit()
    # 3.000.000 x 1,5% = 45.000 penalty; the member receives 2.955.000
    assert entry_lines(entry.id) == {"simpanan_berjangka": D("3000000.00"), "cash": D("-2955000.00"),
                                  "fee_income": D("-45000.00")}
    assert passbook(account.id)[-1] == ("withdrawal", D("-3000000.00"), D("0.00"))
    assert_books_clean()


def test_a_withdrawal_cannot_overdraw_the_cash_box(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY, bank(s.ksp_id))
    db.session.commit()
    with pytest.raises(DomainError, match="does not hold enough money"):
        savings.withdraw(s.ksp_id, account.id, D("100000"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    savings.withdraw(s.ksp_id, account.id, D("100000"), DAY, bank(s.ksp_id), key())
    db.session.commit()


@pytest.mark.parametrize("change, message", [
    (dict(amount=D("0")), "more than zero"),
    (dict(amount=D("-5")), "more than zero"),
    (dict(amount=D("1.005")), "exact to the sen"),
    (dict(entry_date=date(2099, 1, 1)), "future"),
    (dict(entry_date=date(2025, 3, 2)), "before the account was opened"),
    (dict(money="fee_income"), "cash or bank"),
])
def test_bad_movements_are_refused_with_nothing_written(sctx, change, message):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    db.session.commit()
    before = savings_counts()
    from coop_app.ledger.service import account_by_key
    money = account_by_key(s.ksp_id, change.get("money", "cash")).id
    for operation in (savings.deposit, savings.withdraw):
        with pytest.raises(DomainError, match=message):
            operation(s.ksp_id, account.id, change.get("amount", D("1000")),
                      change.get("entry_date", DAY), money, key())
        db.session.rollback()
    assert savings_counts() == before


def test_closed_accounts_and_foreign_accounts_are_refused(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    foreign = open_with(s.bmt_id, s.aminah, "WD", "50000", DAY)
    db.session.commit()
    with pytest.raises(DomainError, match="Savings account not found"):
        savings.deposit(s.ksp_id, foreign.id, D("1000"), DAY, cash(s.ksp_id), key())
    db.session.rollback()
    account.status = "closed"
    db.session.commit()
    with pytest.raises(DomainError, match="closed"):
        savings.deposit(s.ksp_id, account.id, D("1000"), DAY, cash(s.ksp_id), key())
    db.session.rollback()


def test_a_retried_deposit_posts_once(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    db.session.commit()
    k = key()
    first = savings.deposit(s.ksp_id, account.id, D("1000"), DAY, cash(s.ksp_id), k)
    db.session.commit()
    before = savings_counts()
    again = savings.deposit(s.ksp_id, account.id, D("1000"), DAY, cash(s.ksp_id), k)
    assert (again.id, again.replayed) == (first.id, True)
    db.session.rollback()
    assert savings_counts() == before
    with pytest.raises(IdempotencyConflict):
        savings.withdraw(s.ksp_id, account.id, D("1000"), DAY, cash(s.ksp_id), k)
    db.session.rollback()
    assert db.session.get(SavingsAccount, account.id).balance == D("501000.00")


# -- reversal ---------------------------------------------------------------------------

def test_reversing_a_deposit_takes_it_back_out_with_a_passbook_line(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    deposit = savings.deposit(s.ksp_id, account.id, D("200000"), date(2025, 3, 5), cash(s.ksp_id), key())
    db.session.commit()
    reversal = reverse_entry(s.ksp_id, deposit.id, "Salah rekening", key(), reversal_date=date(2025, 3, 6))
    db.session.commit()
    assert entry_lines(reversal.id) == {"cash": D("-200000.00"), "simpanan_sukarela": D("200000.00")}
    assert db.session.get(SavingsAccount, account.id).balance == D("500000.00")
    assert passbook(account.id)[-1] == ("reversal", D("-200000.00"), D("500000.00"))
    assert_books_clean()


def test_reversing_a_withdrawal_puts_the_money_back(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "500000", DAY)
    withdrawal = savings.withdraw(s.ksp_id, account.id, D("300000"), DAY, cash(s.ksp_id), key())
    db.session.commit()
    reverse_entry(s.ksp_id, withdrawal.id, "Batal tarik", key(), reversal_date=DAY)
    db.session.commit()
    assert db.session.get(SavingsAccount, account.id).balance == D("500000.00")
    assert passbook(account.id)[-1] == ("reversal", D("300000.00"), D("500000.00"))
    assert_books_clean()


def test_reversing_a_deposit_already_withdrawn_is_refused(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "100000", DAY)
    deposit = savings.deposit(s.ksp_id, account.id, D("400000"), DAY, cash(s.ksp_id), key())
    savings.withdraw(s.ksp_id, account.id, D("450000"), DAY, cash(s.ksp_id), key())
    db.session.commit()
    before = savings_counts()
    with pytest.raises(DomainError, match=r"would overdraw savings account SS-000001: only Rp50\.000"):
        reverse_entry(s.ksp_id, deposit.id, "Salah catat", key(), reversal_date=DAY)
    db.session.rollback()
    assert savings_counts() == before
    assert db.session.get(SavingsAccount, account.id).balance == D("50000.00")
    assert_books_clean()


def test_reversal_handlers_are_registered_once_per_kind(app):
    from coop_app import create_app
    from coop_app.registry import EXTENSION
    from tests.conftest import _config
    another = create_app(_config("sqlite://"))  # a second app has its own registry
    REVERSAL_HANDLERS = another.extensions[EXTENSION].reversal_handlers
    assert REVERSAL_HANDLERS is not app.extensions[EXTENSION].reversal_handlers
    assert REVERSAL_HANDLERS["savings_deposit"] is savings.reverse_savings_entry
    assert REVERSAL_HANDLERS["savings_withdrawal"] is savings.reverse_savings_entry
