"""A member leaving the cooperative (resigning, or deceased with heirs receiving): one
settlement entry pays out every savings balance and the accounts are closed. Also how the
ledger undoes a settlement, or a registration made in error, when a manager reverses it.
"""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.ledger.posting import Line, check_open, find_by_key
from coop_app.ledger.service import account_balance
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount, SavingsTransaction
from coop_app.members.models import ACTIVE, CANCELLED, DECEASED, RESIGNED, Member
from coop_app.membership.joining import JOINING_KIND

SETTLEMENT = "settlement"  # the passbook kind of a leaving member's payout
SETTLEMENT_KIND = "member_settlement"  # the journal kind


def resign_member(cooperative_id, member_id, left_on, money_account_id, idempotency_key,
                  created_by=None, deceased=False, heir_name=None):
    """Settle with a leaving (or deceased) member in one journal entry.

    Every savings balance is paid out (pokok and wajib too: equity may be withdrawn on
    leaving), the accounts are closed, and the member's status and leaving date are set.
    Refused while the member has a loan outstanding (or approved and not yet paid out) or
    any savings pledged as collateral. Returns the settlement entry, or None
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
    check_open(cooperative_id, left_on)  # the settlement posts on that date
    if left_on < member.join_date:
        raise InvalidField("left_on", _l("The leaving date is before the member joined."))
    heir_name = (heir_name or "").strip()
    if deceased and not heir_name:
        raise InvalidField("heir_name", _l("Name the heir who receives the savings."))
    if len(heir_name) > 200:
        raise InvalidField("heir_name", _l("At most %(max)d characters.", max=200))
    from coop_app.loans.queries import has_outstanding_loan  # loans build on members, not the reverse
    if has_outstanding_loan(cooperative_id, member.id):
        raise DomainError(_l("This member has a loan outstanding; it must be repaid, written off "
                             "or cancelled before the member leaves."))
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


# -- reversals ------------------------------------------------------------------------------

def _member_of(original, wanted):
    """The one member an entry belongs to, locked; DomainError(`wanted`) otherwise."""
    member_ids = {line.member_id for line in original.lines if line.member_id}
    if len(member_ids) != 1:
        raise DomainError(wanted)
    return db.session.execute(
        select(Member).where(Member.cooperative_id == original.cooperative_id,
                             Member.id == member_ids.pop())
        .with_for_update(of=Member).execution_options(populate_existing=True)).scalar_one()


def _standing_entries(entry_ids):
    """SQL condition on JournalEntry: not one of `entry_ids`, not a reversal, not reversed
    (a pair of an entry and its reversal changed nothing)."""
    reversal = JournalEntry.__table__.alias("reversal")
    return (JournalEntry.id.not_in(entry_ids) & JournalEntry.reverses_id.is_(None)
            & ~select(reversal.c.id).where(reversal.c.reverses_id == JournalEntry.id).exists())


def reverse_joining(original, reversal):
    """A reversal handler (the registry's reversal_handlers): undo a registration made in error. Only while nothing else was
    recorded for the member (any other entry of theirs still standing, or any movement of
    their savings outside the registration, refuses it). The pokok and wajib taken go back
    out of the accounts with passbook lines, every account of the member is closed, and the
    registration is cancelled on the reversal's date: the record stays for the books, and
    the person's NIK is free to be registered again."""
    coop_id = original.cooperative_id
    member = _member_of(original, _l("This registration entry does not belong to one member; "
                                     "it cannot be reversed."))
    if member.status != ACTIVE:
        raise DomainError(_l("Member %(number)s is no longer active; their registration cannot "
                             "be reversed.", number=member.member_number))
    done = (original.id, reversal.id)
    later = db.session.execute(
        select(JournalEntry.id).join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalLine.cooperative_id == coop_id, JournalLine.member_id == member.id,
               _standing_entries(done))
        .order_by(JournalEntry.id).limit(1)).scalar()
    if later is None:
        later = db.session.execute(
            select(JournalEntry.id)
            .join(SavingsTransaction, SavingsTransaction.entry_id == JournalEntry.id)
            .join(SavingsAccount, SavingsAccount.id == SavingsTransaction.account_id)
            .where(SavingsAccount.cooperative_id == coop_id, SavingsAccount.member_id == member.id,
                   _standing_entries(done))
            .order_by(JournalEntry.id).limit(1)).scalar()
    if later is not None:
        raise DomainError(_l(
            "The registration of member %(number)s cannot be reversed: entry #%(id)s was recorded "
            "for the member since. Reverse that first, or let the member leave instead.",
            number=member.member_number, id=later))
    savings.reverse_savings_entry(original, reversal)
    for account in savings.member_accounts(coop_id, member.id):
        if account.status == "open":
            account.status = "closed"
            account.closed_on = reversal.entry_date
    member.status = CANCELLED
    member.left_on = reversal.entry_date
    db.session.flush()


def reverse_settlement(original, reversal):
    """A reversal handler (the registry's reversal_handlers): undo a member's leaving. The member is active again, the accounts
    the settlement closed are reopened and the balances it paid out are put back, each with
    a passbook line. Refused unless this settlement is the member's current leaving."""
    member = _member_of(original, _l("This settlement entry does not belong to one member; it "
                                     "cannot be reversed."))
    if member.status == ACTIVE or member.left_on != original.entry_date:
        raise DomainError(_l("This settlement cannot be reversed: member %(number)s is not "
                             "recorded as having left on %(date)s.",
                             number=member.member_number, date=original.entry_date.isoformat()))
    closed = db.session.execute(
        select(SavingsAccount).where(SavingsAccount.cooperative_id == original.cooperative_id,
                                     SavingsAccount.member_id == member.id,
                                     SavingsAccount.status == "closed",
                                     SavingsAccount.closed_on == original.entry_date)
        .with_for_update(of=SavingsAccount)).scalars().all()
    for account in closed:
        account.status = "open"
        account.closed_on = None
    savings.reverse_savings_entry(original, reversal)
    member.status = ACTIVE
    member.left_on = None
    db.session.flush()


# The ledger calls these when a manager reverses a registration's or a settlement's entry.
# Filled into the registry by create_app.
REVERSAL_HANDLERS = {JOINING_KIND: reverse_joining, SETTLEMENT_KIND: reverse_settlement}
