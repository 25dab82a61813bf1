"""A member leaving: one settlement entry pays out pokok, wajib and voluntary savings and
closes the accounts; refused while savings are pledged; heirs receive a deceased member's."""
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.membership.leaving import resign_member, settlement_preview
from coop_app.savings import movements as savings
from coop_app.savings import opening
from coop_app.savings.models import SavingsProduct
from tests.members.helpers import D, register
from tests.support import in_english
from tests.support.books import cash, entry_count

LEFT = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py)


def open_sukarela(coop_id, member_id, amount):
    product = db.session.execute(select(SavingsProduct).where(
        SavingsProduct.cooperative_id == coop_id, SavingsProduct.kind == "sukarela")).scalar_one()
    account = opening.open_account(coop_id, member_id, product.id, date(2024, 3, 1))
    savings.deposit(coop_id, account.id, D(amount), date(2024, 3, 1), cash(coop_id), uuid.uuid4().hex)
    db.session.commit()
    return account


def test_resignation_pays_out_everything_in_one_entry(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)
    sukarela = open_sukarela(coop_id, member.id, "350000")
    cash_before = ledger.account_balance(coop_id, cash(coop_id))
    assert cash_before == D("470000.00")
    entries_before = entry_count(coop_id)

    entry = resign_member(coop_id, member.id, LEFT, cash(coop_id), "leave-1",
                          created_by=world.user_id("manager"))
    db.session.commit()

    assert entry_count(coop_id) == entries_before + 1
    assert (entry.kind, entry.entry_date, entry.created_by) == ("member_settlement", LEFT,
                                                                 world.user_id("manager"))
    lines = db.session.execute(
        select(GLAccount.system_key, JournalLine.amount)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry.id)).all()
    assert sorted(lines) == sorted([("cash", D("-470000.00")), ("simpanan_pokok", D("100000.00")),
                                    ("simpanan_wajib", D("20000.00")),
                                    ("simpanan_sukarela", D("350000.00"))])
    accounts = savings.member_accounts(coop_id, member.id)
    assert [(a.product.kind, a.balance, a.status, a.closed_on) for a in accounts] == [
        ("pokok", D("0.00"), "closed", LEFT), ("sukarela", D("0.00"), "closed", LEFT),
        ("wajib", D("0.00"), "closed", LEFT)]
    assert sukarela.id in {a.id for a in accounts}
    assert (member.status, member.left_on) == ("resigned", LEFT)
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("0.00")
    assert check_ledger()[1] == []


def test_a_retried_settlement_posts_nothing_new(ctx, world):
    member = register(world.ksp_id)
    first = resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "leave-1")
    db.session.commit()
    again = resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "leave-1")
    assert again.id == first.id and again.replayed is True
    assert entry_count(world.ksp_id) == 2
    with pytest.raises(DomainError) as caught:
        resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "leave-2")
    assert "already left" in in_english(caught.value)


def test_pledged_savings_refuse_the_settlement(ctx, world):
    member = register(world.ksp_id)
    sukarela = open_sukarela(world.ksp_id, member.id, "500000")
    sukarela.pledged = D("200000")
    db.session.commit()
    assert settlement_preview(world.ksp_id, member.id)[1:] == (D("620000.00"), D("200000.00"))
    with pytest.raises(DomainError) as caught:
        resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "leave-1")
    assert "pledged as loan collateral" in in_english(caught.value)
    db.session.rollback()
    assert entry_count(world.ksp_id) == 2
    db.session.expire_all()
    assert {a.status for a in savings.member_accounts(world.ksp_id, member.id)} == {"open"}
    assert savings.account_of_kind(world.ksp_id, member.id, "pokok").balance == D("100000.00")


def test_deceased_member_is_settled_with_the_heir(ctx, world):
    member = register(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "k", deceased=True)
    assert caught.value.field == "heir_name"
    db.session.rollback()
    entry = resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "k", deceased=True,
                          heir_name="Karta (suami)")
    db.session.commit()
    assert member.status == "deceased"
    assert "ahli waris Karta (suami)" in entry.memo


def test_not_enough_cash_refuses_the_payout(ctx, world):
    member = register(world.ksp_id)
    # the joining money went out again as an expense
    ledger.record_voucher(world.ksp_id, "expense_voucher", date.today(), cash(world.ksp_id),
                          ledger.account_by_key(world.ksp_id, "office_expense").id, D("50000"),
                          "ATK", "out")
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "k")
    assert "does not hold enough money" in in_english(caught.value)
    db.session.rollback()
    # the bank account is another matter: pay from the bank when it holds the money
    bank = ledger.account_by_key(world.ksp_id, "bank").id
    with pytest.raises(DomainError):
        resign_member(world.ksp_id, member.id, LEFT, bank, "k")
    db.session.rollback()
    assert db.session.execute(select(JournalEntry).where(
        JournalEntry.kind == "member_settlement")).first() is None


@pytest.mark.parametrize("left_on,field", [
    (LEFT + timedelta(days=1), "date"),  # the date rule of every money form (its view maps it to left_on)
    (date(2024, 1, 31), "left_on"),  # before joining on 1 February 2024
])
def test_bad_leaving_dates(ctx, world, left_on, field):
    member = register(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        resign_member(world.ksp_id, member.id, left_on, cash(world.ksp_id), "k")
    assert caught.value.field == field


def test_a_member_with_nothing_saved_leaves_without_an_entry(ctx, world):
    for product in db.session.execute(select(SavingsProduct).where(
            SavingsProduct.cooperative_id == world.ksp_id)).scalars():
        product.active = False  # no mandatory savings to open at joining
    db.session.commit()
    member = register(world.ksp_id)
    assert entry_count(world.ksp_id) == 0
    assert resign_member(world.ksp_id, member.id, LEFT, cash(world.ksp_id), "k") is None
    db.session.commit()
    assert (member.status, member.left_on, entry_count(world.ksp_id)) == ("resigned", LEFT, 0)
