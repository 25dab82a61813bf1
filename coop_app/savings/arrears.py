"""Simpanan wajib in arrears: the payments due since joining times the fixed amount, less the
wajib paid, computed in SQL for every member at once or for one member, and collected in
one entry.

A payment is due on joining and then every `period_months` months. A month's payment may be
made until that month's last day: it is in arrears only once its month has ended (on the
1st nobody is behind for the month just begun), while what a member can pay now, and what a
collection or a remittance takes, includes it. What was paid is the sum of the wajib
account's passbook lines up to the day (so a reversed deposit counts as unpaid again).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Integer, and_, case, cast, extract, func, select, type_coerce

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict, Line, find_by_key
from coop_app.members.models import ACTIVE, Member
from coop_app.money import from_sen
from coop_app.savings.models import WAJIB, SavingsAccount, SavingsProduct, SavingsTransaction
from coop_app.savings.movements import (DEPOSIT, DEPOSIT_ENTRY, Movement, account_of_kind,
                                      check_account_open, check_movement_date, get_account,
                                      get_member, money_account, post_movements)


@dataclass
class Arrears:
    member_id: int
    member_number: str
    member_name: str
    join_date: date
    account_id: int
    account_number: str
    fixed_amount: Decimal
    payments_due: int
    due: Decimal
    paid: Decimal
    amount: Decimal  # in arrears (negative: paid in advance)


def _arrears_columns(cooperative_id, as_of, member_id=None, payable=False):
    """The arrears query: every member's wajib account, or with member_id only that member's.
    With `payable`, the payment of as_of's own month counts as well. What was paid is summed
    over those wajib accounts' own passbook lines, never over the whole cooperative's."""
    # Per account, through its passbook index (account, date): the same few index reads in
    # every plan, where a grouped subquery joined back can be re-read for every account when
    # PostgreSQL's statistics are stale (after a bulk import).
    paid = (select(func.sum(type_coerce(SavingsTransaction.amount, BigInteger)))
            .where(SavingsTransaction.account_id == SavingsAccount.id,
                   SavingsTransaction.txn_date <= as_of)
            .correlate(SavingsAccount).scalar_subquery())
    joined = (cast(extract("year", Member.join_date), Integer) * 12
              + cast(extract("month", Member.join_date), Integer))
    months = (as_of.year * 12 + as_of.month) - joined
    period = func.coalesce(SavingsProduct.period_months, 1)
    payments = months // period + 1
    if not payable:
        # The payment of as_of's own month is not overdue before the month ends (the
        # joining month's is: it is paid on joining).
        payments = payments - case((and_(months > 0, months - (months // period) * period == 0), 1),
                                   else_=0)
    fixed = type_coerce(SavingsProduct.fixed_amount, BigInteger)
    paid_sen = func.coalesce(paid, 0)
    due = payments * fixed
    columns = (Member.id, Member.member_number, Member.name, Member.join_date, SavingsAccount.id,
               SavingsAccount.number, fixed.label("fixed"), payments.label("payments"),
               due.label("due"), paid_sen.label("paid"), (due - paid_sen).label("arrears"))
    query = (select(*columns).select_from(SavingsAccount)
             .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
             .join(Member, Member.id == SavingsAccount.member_id)
             .where(SavingsAccount.cooperative_id == cooperative_id, SavingsProduct.kind == WAJIB,
                    SavingsAccount.status == "open", Member.status == ACTIVE,
                    Member.join_date <= as_of, SavingsProduct.fixed_amount > 0))
    if member_id is not None:
        query = query.where(SavingsAccount.member_id == member_id)
    return query, due - paid_sen


def _arrears(row):
    return Arrears(row[0], row[1], row[2], row[3], row[4], row[5], from_sen(row.fixed),
                   int(row.payments), from_sen(row.due), from_sen(row.paid), from_sen(row.arrears))


def arrears_list(cooperative_id, as_of, page=1, per_page=50):
    """Members in arrears on `as_of`, largest first: (rows of the page, how many members,
    the total in arrears). Counted and summed in SQL."""
    query, arrears = _arrears_columns(cooperative_id, as_of)
    query = query.where(arrears > 0)
    listed = query.subquery()
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(listed.c.arrears), 0))).one()
    rows = db.session.execute(query.order_by(arrears.desc(), Member.member_number)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return [_arrears(row) for row in rows], count, from_sen(total)


def member_arrears(cooperative_id, member_id, as_of, payable=False):
    """One member's wajib standing on `as_of`, or None without an open wajib account: what is
    overdue, or with `payable` what can be paid now (this month's payment included)."""
    query, _arrears_sen = _arrears_columns(cooperative_id, as_of, member_id, payable)
    row = db.session.execute(query.order_by(SavingsAccount.id).limit(1)).first()
    return _arrears(row) if row is not None else None


def collect_wajib(cooperative_id, member_id, entry_date, money_account_id, idempotency_key,
                  created_by=None):
    """Take all the wajib a member can pay on `entry_date` (this month's included) in one entry."""
    member = get_member(cooperative_id, member_id)
    wajib = account_of_kind(cooperative_id, member.id, WAJIB)
    if wajib is None:
        raise DomainError(_l("This member has no open simpanan wajib account."))
    account = get_account(cooperative_id, wajib.id, lock=True)
    existing = find_by_key(cooperative_id, idempotency_key)
    if existing is not None:
        if existing.kind != DEPOSIT_ENTRY or not any(
                line.savings_account_id == account.id for line in existing.lines):
            raise IdempotencyConflict(_l("This submission key was already used for a different "
                                         "entry (#%(id)s).", id=existing.id))
        existing.replayed = True
        return existing
    check_account_open(account)
    check_movement_date(account, entry_date)
    standing = member_arrears(cooperative_id, member.id, entry_date, payable=True)
    if standing is None or standing.amount <= 0:
        raise DomainError(_l("Nothing is due: this member's simpanan wajib is paid up."))
    cash = money_account(cooperative_id, money_account_id)
    memo = f"Setoran simpanan wajib tertunggak {member.member_number} {member.name}"[:200]
    return post_movements(cooperative_id, entry_date, DEPOSIT_ENTRY, memo,
                          [Movement(account, standing.amount, DEPOSIT)],
                          [Line(cash.id, standing.amount, member_id=member.id)],
                          idempotency_key, created_by)
