"""check-ledger for savings: each savings account's balance equals its journal lines (one
GROUP BY query, whatever the number of accounts)."""
from sqlalchemy import BigInteger, func, select, type_coerce

from coop_app.extensions import db
from coop_app.ledger.models import JournalLine
from coop_app.money import from_sen
from coop_app.savings.models import SavingsAccount


def check_savings_subledger(cooperative_id=None):
    """check-ledger: every savings account's balance equals minus the sum of its lines."""
    sen = type_coerce(JournalLine.amount, BigInteger)
    lines = (select(JournalLine.savings_account_id.label("account_id"), func.sum(sen).label("total"))
             .where(JournalLine.savings_account_id.is_not(None))
             .group_by(JournalLine.savings_account_id).subquery())
    balance = type_coerce(SavingsAccount.balance, BigInteger)
    query = (select(SavingsAccount.id, SavingsAccount.number, balance, lines.c.total)
             .outerjoin(lines, lines.c.account_id == SavingsAccount.id)
             .where(balance != -func.coalesce(lines.c.total, 0)))
    if cooperative_id is not None:
        query = query.where(SavingsAccount.cooperative_id == cooperative_id)
    return [f"savings account {number} has balance {from_sen(bal)} but its lines sum to "
            f"{from_sen(-(total or 0))}" for _id, number, bal, total in db.session.execute(query)]
