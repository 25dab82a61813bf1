"""What a member (or staff, for a member) reads of savings accounts: the passbook lines with
their running balance, statements for a period, and the member's share of one entry.

Every query starts from the cooperative and, for a member, from the member: an id that is
not theirs is NotFound, never filtered out afterwards.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, and_, false, func, select, true, type_coerce

from coop_app.cooperatives.service import today_of
from coop_app.errors import NotFound
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.members.models import Member
from coop_app.money import from_sen
from coop_app.savings.models import Remittance, SavingsAccount, SavingsTransaction
from coop_app.savings.movements import member_accounts as accounts_of  # noqa: F401  (a member's accounts)


def member_for_user(cooperative_id, user_id):
    """The member record of a logged-in member in this cooperative, or None."""
    return db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.user_id == user_id)).scalar_one_or_none()


def account_for(cooperative_id, account_id, member_id=None):
    """One savings account of the cooperative; with member_id, only if it is that member's."""
    query = select(SavingsAccount).where(SavingsAccount.cooperative_id == cooperative_id,
                                         SavingsAccount.id == account_id)
    if member_id is not None:
        query = query.where(SavingsAccount.member_id == member_id)
    account = db.session.execute(query).scalar_one_or_none()
    if account is None:
        raise NotFound(_l("Savings account not found."))
    return account


@dataclass
class Statement:
    opening: Decimal
    rows: list
    total_rows: int
    closing: Decimal
    total_in: Decimal
    total_out: Decimal


def account_lines(account, date_from=None, date_to=None, page=None, per_page=None,
                  newest_first=False):
    """An account's passbook lines in a period with the running balance (computed in SQL
    over the account's whole history, in date order), the opening and closing balances and
    the period's deposits and withdrawals. Rows: date, entry id, kind, memo, debit (money
    out), credit (money in), balance."""
    sen = type_coerce(SavingsTransaction.__table__.c.amount, BigInteger)
    running = func.sum(sen).over(order_by=(SavingsTransaction.txn_date, SavingsTransaction.id))
    history = (select(SavingsTransaction.id.label("id"), SavingsTransaction.txn_date.label("txn_date"),
                      SavingsTransaction.entry_id.label("entry_id"), SavingsTransaction.kind.label("kind"),
                      SavingsTransaction.memo.label("memo"), sen.label("amount"),
                      running.label("running"))
               .where(SavingsTransaction.cooperative_id == account.cooperative_id,
                      SavingsTransaction.account_id == account.id)).subquery()
    in_period = []
    if date_from is not None:
        in_period.append(history.c.txn_date >= date_from)
    if date_to is not None:
        in_period.append(history.c.txn_date <= date_to)
    period = and_(true(), *in_period)

    def money_in(condition):
        return func.coalesce(func.sum(history.c.amount).filter(condition), 0)

    before = history.c.txn_date < date_from if date_from is not None else false()
    opening, total_in, total_out, count = db.session.execute(select(
        money_in(before),
        money_in(and_(period, history.c.amount > 0)),
        -money_in(and_(period, history.c.amount < 0)),
        func.count().filter(period),
    )).one()
    opening, total_in, total_out = from_sen(opening), from_sen(total_in), from_sen(total_out)

    order = (history.c.txn_date.desc(), history.c.id.desc()) if newest_first \
        else (history.c.txn_date, history.c.id)
    query = select(history).where(period).order_by(*order)
    if per_page:
        query = query.limit(per_page).offset((max(page or 1, 1) - 1) * per_page)
    rows = []
    for r in db.session.execute(query):
        amount = from_sen(r.amount)
        rows.append({"txn_date": r.txn_date, "entry_id": r.entry_id, "kind": r.kind,
                     "memo": r.memo or "", "credit": amount if amount > 0 else None,
                     "debit": -amount if amount < 0 else None, "balance": from_sen(r.running)})
    return Statement(opening=opening, rows=rows, total_rows=count,
                     closing=opening + total_in - total_out, total_in=total_in, total_out=total_out)


def member_entry(cooperative_id, member_id, entry_id):
    """One journal entry as the member sees it: their savings movements in it and their
    remittance, if it is one. NotFound unless the entry has a line of this member."""
    entry = db.session.execute(
        select(JournalEntry).where(
            JournalEntry.cooperative_id == cooperative_id, JournalEntry.id == entry_id,
            select(JournalLine.id).where(JournalLine.entry_id == JournalEntry.id,
                                         JournalLine.member_id == member_id).exists())
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound(_l("Transaction not found."))
    movements = db.session.execute(
        select(SavingsTransaction, SavingsAccount)
        .join(SavingsAccount, SavingsAccount.id == SavingsTransaction.account_id)
        .where(SavingsTransaction.cooperative_id == cooperative_id,
               SavingsTransaction.entry_id == entry.id,
               SavingsAccount.member_id == member_id)
        .order_by(SavingsTransaction.id)).all()
    remittance = db.session.execute(select(Remittance).where(
        Remittance.cooperative_id == cooperative_id, Remittance.entry_id == entry.id,
        Remittance.member_id == member_id)).scalar_one_or_none()
    return entry, movements, remittance


def default_period(account, today=None):
    """A statement's period when none is asked for: from the account's opening to today."""
    return account.opened_on, today or today_of(account.cooperative_id)

