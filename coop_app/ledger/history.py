"""What an account moved before, for the money forms' second thoughts (web.confirmations):
its largest earlier movement and the same movement recorded a moment ago. Read-only.

An account here is what a journal line names: a member's savings account
(`savings_account_id`) or a ledger account (`account_id`, a voucher's expense or income
account). Entries that were reversed, and the reversals themselves, are no movement: a
mistake undone neither sets the usual size nor counts as recorded.
"""
from sqlalchemy import func, select

from coop_app.cooperatives.clock import utc_now
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.ledger.posting import find_by_key
from coop_app.money import to_money
from coop_app.web.confirmations import Earlier, History, recent_since


def of_savings_account(cooperative_id, savings_account_id, kind, amount, key=None):
    """A deposit or withdrawal of `amount` on a savings account: its history."""
    return _history(cooperative_id, JournalLine.savings_account_id == savings_account_id,
                    kind, amount, key)


def of_account(cooperative_id, account_id, kind, amount, key=None, kinds=None):
    """A voucher of `amount` on a ledger account: its history (`kinds`: only entries of these
    kinds set the account's usual size, e.g. vouchers and manual entries, not the
    year-end's closing entry that sums a whole year)."""
    return _history(cooperative_id, JournalLine.account_id == account_id, kind, amount, key, kinds)


def _standing(cooperative_id):
    """Entries that count as movements: neither reversed nor reversals."""
    reversed_ids = select(JournalEntry.reverses_id).where(
        JournalEntry.cooperative_id == cooperative_id, JournalEntry.reverses_id.is_not(None))
    return (JournalEntry.cooperative_id == cooperative_id, JournalEntry.reverses_id.is_(None),
            JournalEntry.id.not_in(reversed_ids))


def _history(cooperative_id, subject, kind, amount, key, kinds=None):
    if key and find_by_key(cooperative_id, key) is not None:
        return History(replay=True)
    standing = _standing(cooperative_id)
    sizes = select(func.max(JournalLine.amount), func.min(JournalLine.amount)).join(
        JournalEntry, JournalEntry.id == JournalLine.entry_id).where(
        JournalLine.cooperative_id == cooperative_id, subject, *standing)
    if kinds is not None:
        sizes = sizes.where(JournalEntry.kind.in_(kinds))
    most, least = db.session.execute(sizes).one()
    largest = None if most is None else max(abs(to_money(most)), abs(to_money(least)))
    amount = to_money(amount)
    entry = db.session.execute(
        select(JournalEntry).join(JournalLine, JournalLine.entry_id == JournalEntry.id).where(
            JournalLine.cooperative_id == cooperative_id, subject, *standing,
            JournalEntry.kind == kind, JournalLine.amount.in_([amount, -amount]),
            JournalEntry.posted_at >= recent_since(utc_now()))
        .order_by(JournalEntry.posted_at.desc(), JournalEntry.id.desc()).limit(1)
    ).scalars().first()
    recent = None
    if entry is not None:
        recent = Earlier(entry.id, amount, entry.creator.full_name if entry.creator else "",
                         entry.posted_at)
    return History(largest=largest, recent=recent)
