"""A member leaving the cooperative (resigning, or deceased with heirs receiving): one
settlement entry pays out every savings balance and the accounts are closed.
"""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import DomainError, InvalidField, NotFound
from ..extensions import db
from ..ledger.models import GLAccount
from ..ledger.posting import Line, check_open, find_by_key
from ..ledger.service import account_balance
from ..savings import service as savings
from ..savings.models import SavingsAccount
from .models import ACTIVE, DECEASED, RESIGNED, Member

SETTLEMENT = "settlement"  # the passbook kind of a leaving member's payout
SETTLEMENT_KIND = "member_settlement"  # the journal kind


def resign_member(cooperative_id, member_id, left_on, money_account_id, idempotency_key,
                  created_by=None, deceased=False, heir_name=None):
    """Settle with a leaving (or deceased) member in one journal entry.

    Every savings balance is paid out (pokok and wajib too: equity may be withdrawn on
    leaving), the accounts are closed, and the member's status and leaving date are set.
    Refused while any savings are pledged as collateral. (Outstanding loans do not exist
    yet; the loans module adds its own refusal here.) Returns the settlement entry, or None
    when there was nothing to pay out; a retried submission returns the first entry.
    """
    existing = find_by_key(cooperative_id, idempotency_key)
    if existing is not None and existing.kind == SETTLEMENT_KIND and \
            {line.member_id for line in existing.lines} == {member_id}:
        existing.replayed = True
        return existing
    member = db.session.execute(
        select(Member).where(Member.cooperative_id == cooperative_id, Member.id == member_id)
        .with_for_update(of=Member).execution_options(populate_existing=True)).scalar_one_or_none()
    if member is None:
        raise NotFound(_l("Member not found."))
    if member.status != ACTIVE:
        raise DomainError(_l("This member has already left the cooperative."))
    if not isinstance(left_on, date) or left_on > date.today():
        raise InvalidField("left_on", _l("The leaving date cannot be in the future."))
    if left_on < member.join_date:
        raise InvalidField("left_on", _l("The leaving date is before the member joined."))
    heir_name = (heir_name or "").strip()
    if deceased and not heir_name:
        raise InvalidField("heir_name", _l("Name the heir who receives the savings."))
    if len(heir_name) > 200:
        raise InvalidField("heir_name", _l("At most %(max)d characters.", max=200))
    check_open(cooperative_id, left_on)
    account_ids = db.session.execute(select(SavingsAccount.id).where(
        SavingsAccount.cooperative_id == cooperative_id, SavingsAccount.member_id == member.id,
        SavingsAccount.status == "open").order_by(SavingsAccount.id)).scalars().all()
    accounts = [savings.get_account(cooperative_id, account_id, lock=True) for account_id in account_ids]
    if any(account.pledged > 0 for account in accounts):
        raise DomainError(_l("Savings of this member are pledged as loan collateral; settle the "
                             "loan and release the pledge before the member leaves."))
    movements = []
    for account in accounts:
        payable = savings.available_to_withdraw(account, left_on, leaving=True)
        if payable != account.balance:  # nothing pledged, no floor when leaving
            raise DomainError(_l("Savings account %(number)s cannot be paid out in full.",
                                 number=account.number))
        if payable > 0:
            movements.append(savings.Movement(account, -payable, SETTLEMENT))
    entry = None
    if movements:
        cash = savings.money_account(cooperative_id, money_account_id)
        total = -sum(move.amount for move in movements)
        # Serialise payouts from this cash account (FOR UPDATE on PostgreSQL; SQLite's write
        # transaction already holds the database), then make sure it holds the money.
        db.session.execute(select(GLAccount.id).where(GLAccount.id == cash.id).with_for_update())
        if account_balance(cooperative_id, cash.id) < total:
            raise DomainError(_l("%(account)s does not hold enough money for this payment.",
                                 account=cash.name))
        if deceased:
            memo = f"Anggota {member.member_number} {member.name} meninggal dunia; simpanan " \
                   f"dibayarkan kepada ahli waris {heir_name}"
        else:
            memo = f"Pengunduran diri anggota {member.member_number} {member.name}"
        entry = savings.post_movements(
            cooperative_id, left_on, SETTLEMENT_KIND, memo[:200], movements,
            [Line(cash.id, -total, member_id=member.id)], idempotency_key, created_by)
    for account in accounts:
        account.status = "closed"
        account.closed_on = left_on
    member.status = DECEASED if deceased else RESIGNED
    member.left_on = left_on
    db.session.flush()
    return entry


def settlement_preview(cooperative_id, member_id):
    """(accounts, total, pledged) a settlement would pay out, for the confirmation page."""
    accounts = [a for a in savings.member_accounts(cooperative_id, member_id) if a.status == "open"]
    total = sum((a.balance for a in accounts), Decimal("0.00"))
    pledged = sum((a.pledged for a in accounts), Decimal("0.00"))
    return accounts, total, pledged

