"""Lists of the savings pages as queries: a product's accounts and an account's passbook
lines. Each takes plain arguments and returns a SQLAlchemy select, for a page (or an API) to
run a page of."""
from sqlalchemy import select

from coop_app.members.models import Member
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
