"""Reversing a registration (only while nothing else was recorded for the member) and a
settlement (the member is active again with their accounts and balances back)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.members.models import Member
from coop_app.membership.leaving import resign_member
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsTransaction
from tests.members.helpers import D, register
from tests.members.test_leaving import open_sukarela
from tests.support import in_english, key
from tests.support.books import cash, entry_count

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs


def joining_entry(coop_id, member_id):
    return db.session.execute(select(JournalEntry).join(JournalLine).where(
        JournalEntry.cooperative_id == coop_id, JournalEntry.kind == "member_joining",
        JournalLine.member_id == member_id).limit(1)).scalar_one()


def lines(entry_id):
    return sorted(db.session.execute(
        select(GLAccount.system_key, JournalLine.amount)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id)).all())


def standing(coop_id, member_id):
    """[(kind, balance, status, closed_on, last passbook line (kind, amount, balance after))]"""
    rows = []
    for account in savings.member_accounts(coop_id, member_id):
        last = db.session.execute(select(SavingsTransaction).where(
            SavingsTransaction.account_id == account.id)
            .order_by(SavingsTransaction.id.desc()).limit(1)).scalar_one_or_none()
        rows.append((account.product.kind, account.balance, account.status, account.closed_on,
                     (last.kind, last.amount, last.balance_after) if last else None))
    return rows


def passbook_lines():
    return db.session.execute(select(func.count()).select_from(SavingsTransaction)).scalar()


# -- a registration --------------------------------------------------------------------------

def test_reversing_a_registration_returns_pokok_and_wajib_and_closes_the_member(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)  # pokok 100.000 and the first wajib 20.000, in cash
    entry = joining_entry(coop_id, member.id)
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("120000.00")

    reversal = ledger.reverse_entry(coop_id, entry.id, "Pendaftaran ganda", key(),
                                    created_by=world.user_id("manager"))
    db.session.commit()

    assert lines(reversal.id) == [("cash", D("-120000.00")), ("simpanan_pokok", D("100000.00")),
                                  ("simpanan_wajib", D("20000.00"))]
    db.session.expire_all()
    assert standing(coop_id, member.id) == [
        ("pokok", D("0.00"), "closed", TODAY, ("reversal", D("-100000.00"), D("0.00"))),
        ("wajib", D("0.00"), "closed", TODAY, ("reversal", D("-20000.00"), D("0.00")))]
    member = db.session.get(Member, member.id)
    assert (member.status, member.left_on) == ("cancelled", TODAY)
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("0.00")
    assert check_ledger()[1] == []


def test_a_cancelled_registrant_can_be_registered_again_with_the_same_nik(ctx, world):
    coop_id = world.ksp_id
    first = register(coop_id)
    ledger.reverse_entry(coop_id, joining_entry(coop_id, first.id).id, "Salah kategori", key())
    db.session.commit()

    again = register(coop_id, phone="081300000001")
    assert again.nik == first.nik and again.member_number != first.member_number
    assert (again.status, db.session.get(Member, first.id).status) == ("active", "cancelled")
    # a second standing membership of the same person is refused, by the service ...
    with pytest.raises(InvalidField) as refused:
        register(coop_id)
    assert in_english(refused.value) == "A member with this NIK is already registered."
    db.session.rollback()
    # ... and by the database's own index
    clone = {c.name: getattr(again, c.name) for c in Member.__table__.columns
             if c.name not in ("id", "member_number", "user_id")}
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Member(member_number="X-1", **clone))
    db.session.rollback()
    assert check_ledger()[1] == []


def test_a_registration_is_reversed_only_while_nothing_else_was_recorded(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)
    entry = joining_entry(coop_id, member.id)
    sukarela = open_sukarela(coop_id, member.id, "350000")
    deposit = db.session.execute(select(SavingsTransaction.entry_id).where(
        SavingsTransaction.account_id == sukarela.id)).scalar_one()
    before = entry_count(), passbook_lines()
    with pytest.raises(DomainError) as refused:
        ledger.reverse_entry(coop_id, entry.id, "Pendaftaran ganda", key())
    assert in_english(refused.value) == (
        f"The registration of member {member.member_number} cannot be reversed: entry #{deposit} "
        "was recorded for the member since. Reverse that first, or let the member leave instead.")
    db.session.rollback()
    assert (entry_count(), passbook_lines()) == before
    assert db.session.get(Member, member.id).status == "active"

    # once the deposit is reversed, nothing of the member's stands but the registration
    ledger.reverse_entry(coop_id, deposit, "Salah catat", key())
    db.session.commit()
    ledger.reverse_entry(coop_id, entry.id, "Pendaftaran ganda", key())
    db.session.commit()
    db.session.expire_all()
    assert [(kind, balance, status) for kind, balance, status, _on, _last in
            standing(coop_id, member.id)] == [("pokok", D("0.00"), "closed"),
                                               ("sukarela", D("0.00"), "closed"),
                                               ("wajib", D("0.00"), "closed")]
    assert db.session.get(Member, member.id).status == "cancelled"
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("0.00")
    assert check_ledger()[1] == []


def test_the_registration_of_a_member_who_left_is_not_reversed(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)
    entry = joining_entry(coop_id, member.id)
    resign_member(coop_id, member.id, TODAY, cash(coop_id), key())
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        ledger.reverse_entry(coop_id, entry.id, "Salah", key())
    assert "is no longer active" in in_english(refused.value)
    db.session.rollback()
    assert check_ledger()[1] == []


# -- a settlement ---------------------------------------------------------------------------

def test_reversing_a_settlement_reactivates_the_member_and_reopens_the_accounts(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)
    open_sukarela(coop_id, member.id, "350000")
    left = TODAY - timedelta(days=1)
    settlement = resign_member(coop_id, member.id, left, cash(coop_id), key())
    db.session.commit()
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("0.00")

    reversal = ledger.reverse_entry(coop_id, settlement.id, "Anggota batal keluar", key())
    db.session.commit()

    assert lines(reversal.id) == [("cash", D("470000.00")), ("simpanan_pokok", D("-100000.00")),
                                  ("simpanan_sukarela", D("-350000.00")),
                                  ("simpanan_wajib", D("-20000.00"))]
    db.session.expire_all()
    assert standing(coop_id, member.id) == [
        ("pokok", D("100000.00"), "open", None, ("reversal", D("100000.00"), D("100000.00"))),
        ("sukarela", D("350000.00"), "open", None, ("reversal", D("350000.00"), D("350000.00"))),
        ("wajib", D("20000.00"), "open", None, ("reversal", D("20000.00"), D("20000.00")))]
    member = db.session.get(Member, member.id)
    assert (member.status, member.left_on) == ("active", None)
    assert ledger.account_balance(coop_id, cash(coop_id)) == D("470000.00")
    assert check_ledger()[1] == []
    # the member carries on: a deposit, and later a leaving again
    sukarela = savings.account_of_kind(coop_id, member.id, "sukarela")
    savings.deposit(coop_id, sukarela.id, D("50000"), TODAY, cash(coop_id), key())
    again = resign_member(coop_id, member.id, TODAY, cash(coop_id), key())
    db.session.commit()
    assert sorted(lines(again.id))[0] == ("cash", D("-520000.00"))
    assert check_ledger()[1] == []


def test_a_settlement_that_is_not_the_members_leaving_is_not_reversed(ctx, world):
    coop_id = world.ksp_id
    member = register(coop_id)
    settlement = resign_member(coop_id, member.id, TODAY, cash(coop_id), key())
    db.session.commit()
    db.session.get(Member, member.id).left_on = TODAY - timedelta(days=3)  # recorded otherwise
    db.session.commit()
    before = entry_count(), passbook_lines()
    with pytest.raises(DomainError) as refused:
        ledger.reverse_entry(coop_id, settlement.id, "Batal keluar", key())
    assert in_english(refused.value) == (
        f"This settlement cannot be reversed: member {member.member_number} is not recorded as "
        f"having left on {TODAY.isoformat()}.")
    db.session.rollback()
    assert (entry_count(), passbook_lines()) == before
    assert {a.status for a in savings.member_accounts(coop_id, member.id)} == {"closed"}


def test_reversal_handlers_are_registered(app):
    from coop_app.membership import leaving
    from coop_app.registry import registry
    from coop_app.remittances import recording as remittance
    with app.app_context():
        REVERSAL_HANDLERS = registry().reversal_handlers
        assert REVERSAL_HANDLERS["member_joining"] is leaving.reverse_joining
        assert REVERSAL_HANDLERS["member_settlement"] is leaving.reverse_settlement
        assert REVERSAL_HANDLERS["remittance"] is remittance.reverse_remittance
