"""Lists of the savings pages as queries: a product's accounts and an account's passbook
lines. Each takes plain arguments and returns a SQLAlchemy select, for a page (or an API) to
run a page of."""
from sqlalchemy import BigInteger, case, func, select, type_coerce

from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.members.models import Member
from coop_app.money import from_sen
from coop_app.savings.models import SavingsAccount, SavingsTransaction


def product_accounts(cooperative_id, product_id):
    """(account, member) rows of a product's accounts, by account number."""
    return (select(SavingsAccount, Member)
            .join(Member, Member.id == SavingsAccount.member_id)
            .where(SavingsAccount.cooperative_id == cooperative_id,
                   SavingsAccount.product_id == product_id)
            .order_by(SavingsAccount.number))


def passbook_lines(cooperative_id, account_id):
    """An account's savings transactions, newest first."""
    # In the order recorded, as a printed passbook: each line's balance follows the one before.
    return (select(SavingsTransaction)
            .where(SavingsTransaction.cooperative_id == cooperative_id,
                   SavingsTransaction.account_id == account_id)
            .order_by(SavingsTransaction.id.desc()))


def balances_at(cooperative_id, days):
    """{day: what the members hold in savings at the close of that day (Decimal)}: minus the
    sum of the journal lines on savings accounts dated up to it, the figure check-ledger
    keeps equal to the accounts' balances. One scan, one conditional sum per day."""
    days = list(days)
    if not days:
        return {}
    amount = type_coerce(JournalLine.amount, BigInteger)
    sums = [func.coalesce(func.sum(case((JournalEntry.entry_date <= day, amount), else_=0)), 0)
            for day in days]
    row = db.session.execute(
        select(*sums).select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == cooperative_id,
               JournalLine.savings_account_id.is_not(None),
               JournalEntry.entry_date <= max(days))).one()
    return {day: from_sen(-int(sen)) for day, sen in zip(days, row)}
