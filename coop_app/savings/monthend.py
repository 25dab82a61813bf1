"""Month-end for savings: interest on sukarela and berjangka, mudharabah profit sharing by
nisbah, and the wadiah bonus, each posted set-based as one entry per product.

Average daily balances come from one SQL query over the passbook (savings_transactions): the
balance carried into the month, then each day's closing balance held until the next day with
a movement. The per-account amounts are computed by the pure calculators in interest.py
(see its rounding rule); the entry has one credit line per account plus the expense, and
the balances and passbook lines are changed by one INSERT ... SELECT and one UPDATE driven
by the entry's own lines, in the same transaction. The key "month-end:<code>:<YYYY-MM>"
and the savings_month_end_runs row make a second run of a month post nothing.
"""
import calendar
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import (BigInteger, Date, Integer, and_, case, cast, func, literal, select,
                        type_coerce, union_all)
from sqlalchemy.exc import IntegrityError

from coop_app.cooperatives.clock import local_today
from coop_app.audit.hooks import current_actor_id
from coop_app.audit.models import AuditLog
from coop_app.cooperatives.models import utcnow
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.ledger.posting import EntrySpec, Line, check_open, post_entries_batch
from coop_app.ledger.service import account_by_key, check_amount
from coop_app.money import ZERO, from_sen
from coop_app.savings import interest
from coop_app.savings.models import (ACCOUNT_KEY, BERJANGKA, LOWEST_MONTHLY, MUDHARABAH, SUKARELA,
                                     WADIAH, SavingsAccount, SavingsMonthEndRun, SavingsProduct,
                                     SavingsTransaction)

INTEREST, PROFIT_SHARING, WADIAH_BONUS = "interest", "profit_sharing", "wadiah_bonus"
ENTRY_KINDS = {INTEREST: "savings_interest", PROFIT_SHARING: "savings_profit_sharing",
               WADIAH_BONUS: "savings_wadiah_bonus"}
PASSBOOK_KINDS = {INTEREST: "interest", PROFIT_SHARING: "profit_share", WADIAH_BONUS: "bonus"}
EXPENSE_KEYS = {INTEREST: "savings_interest_expense", PROFIT_SHARING: "profit_sharing_expense",
                WADIAH_BONUS: "wadiah_bonus_expense"}
MEMO_WORDS = {INTEREST: "Bunga", PROFIT_SHARING: "Bagi hasil", WADIAH_BONUS: "Bonus"}
# What became of one product in a run.
POSTED, NOTHING_DUE, ALREADY_RUN, NOT_REQUESTED = "posted", "nothing_due", "already_run", "not_requested"


@dataclass
class AccountBalance:
    account_id: int
    member_id: int
    balance_days: Decimal  # sum of the closing balances of every day of the month (rupiah-days)
    lowest: Decimal  # lowest closing balance held for a day of the month


@dataclass
class ProductRun:
    product: SavingsProduct
    kind: str
    status: str
    accounts: int = 0
    total: Decimal = ZERO
    entry_id: int | None = None


def month_bounds(day):
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_key(product, period_end):
    return f"month-end:{product.code}:{period_end:%Y-%m}"


def distribution_of(cooperative, product):
    """What a product's savers receive at month end, if anything: interest (conventional
    sukarela and berjangka with a rate), a profit share (mudharabah, and a sharia time
    deposit with a nisbah) or a wadiah bonus."""
    if cooperative.type == "kspps":
        if product.kind == MUDHARABAH or (product.kind == BERJANGKA and product.nisbah_member_pct):
            return PROFIT_SHARING
        if product.kind == WADIAH:
            return WADIAH_BONUS
        return None
    if product.kind in (SUKARELA, BERJANGKA) and product.interest_rate_bp > 0:
        return INTEREST
    return None


def month_end_products(cooperative):
    """(product, distribution) of every product that pays something at month end."""
    products = db.session.execute(select(SavingsProduct).where(
        SavingsProduct.cooperative_id == cooperative.id).order_by(SavingsProduct.code)).scalars()
    return [(p, distribution_of(cooperative, p)) for p in products if distribution_of(cooperative, p)]


def runs(cooperative_id, limit=60):
    return db.session.execute(
        select(SavingsMonthEndRun).where(SavingsMonthEndRun.cooperative_id == cooperative_id)
        .order_by(SavingsMonthEndRun.period_end.desc(), SavingsMonthEndRun.id.desc())
        .limit(limit)).scalars().all()


# -- balances over a month (SQL) -----------------------------------------------------------

def _days_between(later, earlier):
    if db.session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier  # PostgreSQL: date - date is a whole number of days


def month_balances(cooperative_id, product_id, start, end):
    """Every open account of a product with its balance-days and lowest balance in
    [start, end], from one query over the passbook (window functions, no Python loop)."""
    st, sa = SavingsTransaction, SavingsAccount
    amount = type_coerce(st.amount, BigInteger)
    in_product = and_(sa.cooperative_id == cooperative_id, sa.product_id == product_id,
                      sa.status == "open", sa.opened_on <= end)
    carried = (select(st.account_id, func.sum(amount).label("balance"))
               .join(sa, sa.id == st.account_id).where(in_product, st.txn_date < start)
               .group_by(st.account_id).subquery())
    # Change points: the balance carried into the first day, then each day's movements.
    opening = (select(sa.id.label("account_id"), sa.member_id.label("member_id"),
                      literal(start, Date).label("day"), literal(0).label("ord"),
                      func.coalesce(carried.c.balance, 0).label("delta"))
               .select_from(sa).outerjoin(carried, carried.c.account_id == sa.id).where(in_product))
    movements = (select(st.account_id, sa.member_id, st.txn_date, literal(1), func.sum(amount))
                 .join(sa, sa.id == st.account_id)
                 .where(in_product, st.txn_date >= start, st.txn_date <= end)
                 .group_by(st.account_id, sa.member_id, st.txn_date))
    points = union_all(opening, movements).subquery()
    window = dict(partition_by=points.c.account_id, order_by=(points.c.day, points.c.ord))
    running = select(
        points.c.account_id, points.c.member_id, points.c.day,
        func.sum(points.c.delta).over(rows=(None, 0), **window).label("balance"),
        func.lead(points.c.day, 1, literal(end + timedelta(days=1), Date), type_=Date)
        .over(**window).label("next_day"),
    ).subquery()
    held = _days_between(running.c.next_day, running.c.day)
    rows = db.session.execute(
        select(running.c.account_id, running.c.member_id,
               func.sum(running.c.balance * held), func.min(case((held > 0, running.c.balance))))
        .group_by(running.c.account_id, running.c.member_id).order_by(running.c.account_id)).all()
    return [AccountBalance(account_id, member_id, Decimal(int(balance_days or 0)) / 100,
                           from_sen(int(lowest or 0)))
            for account_id, member_id, balance_days, lowest in rows]


# -- amounts per account (pure calculators) ------------------------------------------------

def amounts_due(product, distribution, balances, days, basis=None):
    """{account_id: amount} for one product's month (zero amounts dropped)."""
    if distribution == INTEREST:
        if product.interest_method == LOWEST_MONTHLY:
            amounts = {b.account_id: interest.interest_on_lowest(b.lowest, product.interest_rate_bp, days)
                       for b in balances}
        else:
            amounts = {b.account_id: interest.interest_on_balance_days(b.balance_days,
                                                                      product.interest_rate_bp)
                       for b in balances}
    else:
        # Shares follow the average balances; within one month they are balance-days / days,
        # so the balance-days themselves are the weights.
        weights = {b.account_id: b.balance_days for b in balances}
        if distribution == PROFIT_SHARING:
            amounts = interest.profit_shares(weights, basis, product.nisbah_member_pct)
        else:
            amounts = interest.pro_rata(basis, weights)
    return {account_id: amount for account_id, amount in amounts.items() if amount > 0}


# -- running a month -----------------------------------------------------------------------

def check_basis(distribution, basis):
    """The manager's amount for a product: distributable income or a bonus total."""
    if basis is None:
        return None
    basis = check_amount(basis)
    if distribution == WADIAH_BONUS and basis != basis.to_integral_value():
        raise DomainError(_l("A wadiah bonus is given in whole rupiah."))
    return basis


def check_month_end(cooperative, day, amounts=None, today=None):
    """Refuse, before anything is done, a month-end that cannot run: a month not yet
    ended, a closed month, a declared amount that is not one. Returns the month's bounds."""
    start, end = month_bounds(day)
    if end >= (today or local_today(cooperative)):
        raise DomainError(_l("The month of %(date)s has not ended yet.", date=day.isoformat()))
    check_open(cooperative.id, end)  # a closed month takes no interest, even when none is due
    for product, distribution in month_end_products(cooperative):
        check_basis(distribution, (amounts or {}).get(product.id))
    return start, end


def run_month_end(cooperative, day, amounts=None, run_by=None, today=None):
    """Pay the month of `day` to every product that pays something. `amounts` maps a
    product id to the manager's distributable income (mudharabah) or bonus total (wadiah);
    a product without one is left for later. Returns a ProductRun per product."""
    start, end = check_month_end(cooperative, day, amounts, today)
    amounts = amounts or {}
    db.session.flush()
    return [_run_product(cooperative, product, distribution, start, end,
                         check_basis(distribution, amounts.get(product.id)), run_by)
            for product, distribution in month_end_products(cooperative)]


def _entry_id(cooperative_id, key):
    """The id of the entry posted under `key`, or None. Only the id: loading the entry
    would load its lines too, one per account of the product."""
    return db.session.execute(select(JournalEntry.id).where(
        JournalEntry.cooperative_id == cooperative_id,
        JournalEntry.idempotency_key == key)).scalar_one_or_none()


def _done(cooperative, product, end, distribution):
    """The ProductRun of a month already run for this product, or None."""
    run = db.session.execute(select(
        SavingsMonthEndRun.accounts, SavingsMonthEndRun.total, SavingsMonthEndRun.entry_id).where(
        SavingsMonthEndRun.cooperative_id == cooperative.id,
        SavingsMonthEndRun.product_id == product.id,
        SavingsMonthEndRun.period_end == end)).one_or_none()
    if run is not None:
        return ProductRun(product, distribution, ALREADY_RUN, run.accounts, run.total, run.entry_id)
    entry_id = _entry_id(cooperative.id, month_key(product, end))
    if entry_id is not None:
        return ProductRun(product, distribution, ALREADY_RUN, entry_id=entry_id)
    return None


def _run_product(cooperative, product, distribution, start, end, basis, run_by):
    done = _done(cooperative, product, end, distribution)
    if done is not None:
        return done
    if distribution != INTEREST and basis is None:
        return ProductRun(product, distribution, NOT_REQUESTED)
    # Hold the product's accounts (PostgreSQL) so no deposit slips in between the
    # computation and the update, and a second run of the same month waits here and then
    # finds the first; SQLite's write transaction already holds the database.
    db.session.execute(select(SavingsAccount.id).where(
        SavingsAccount.cooperative_id == cooperative.id, SavingsAccount.product_id == product.id)
        .order_by(SavingsAccount.id).with_for_update())
    done = _done(cooperative, product, end, distribution)
    if done is not None:
        return done
    balances = month_balances(cooperative.id, product.id, start, end)
    credits = amounts_due(product, distribution, balances, (end - start).days + 1, basis)
    total = sum(credits.values(), ZERO)
    entry_id = None
    if credits:
        entry_id = _post(cooperative.id, product, distribution, end, credits,
                         {b.account_id: b.member_id for b in balances}, run_by)
        if entry_id is None:  # the key was posted meanwhile: that run stands
            return _done(cooperative, product, end, distribution)
    try:
        # A savepoint: a run of the same month committed meanwhile (a product with no
        # account to lock) loses here without spoiling the other products' work.
        with db.session.begin_nested():
            db.session.add(SavingsMonthEndRun(
                cooperative_id=cooperative.id, product_id=product.id, period_end=end,
                kind=distribution, basis_amount=basis, accounts=len(credits), total=total,
                entry_id=entry_id, run_by=run_by))
    except IntegrityError:
        return _done(cooperative, product, end, distribution)
    return ProductRun(product, distribution, POSTED if credits else NOTHING_DUE, len(credits), total,
                      entry_id)


def _post(cooperative_id, product, distribution, end, credits, members, run_by):
    control = account_by_key(cooperative_id, ACCOUNT_KEY[product.kind]).id
    expense = account_by_key(cooperative_id, EXPENSE_KEYS[distribution]).id
    memo = f"{MEMO_WORDS[distribution]} {product.name} {format_date(end, 'MMMM yyyy', locale='id')}"
    lines = [Line(control, -amount, member_id=members[account_id], savings_account_id=account_id)
             for account_id, amount in credits.items()]
    lines.append(Line(expense, sum(credits.values(), ZERO)))
    key = month_key(product, end)
    posted = post_entries_batch(cooperative_id, [EntrySpec(
        entry_date=end, kind=ENTRY_KINDS[distribution], memo=memo, lines=lines, idempotency_key=key,
        created_by=run_by)])
    if not posted:
        return None
    entry_id = _entry_id(cooperative_id, key)
    _apply(cooperative_id, entry_id, end, PASSBOOK_KINDS[distribution], memo[:200])
    return entry_id


def _apply(cooperative_id, entry_id, day, passbook_kind, memo):
    """Passbook lines and balances from the entry's own lines: one INSERT ... SELECT, one
    UPDATE, and the audit rows of the balances changed."""
    jl, sa, st = JournalLine.__table__, SavingsAccount.__table__, SavingsTransaction.__table__
    line = type_coerce(jl.c.amount, BigInteger)  # signed sen; a credit to the member is negative
    balance = type_coerce(sa.c.balance, BigInteger)
    ours = and_(jl.c.entry_id == entry_id, jl.c.savings_account_id.is_not(None))
    conn = db.session.connection()
    conn.execute(st.insert().from_select(
        ["cooperative_id", "account_id", "entry_id", "txn_date", "kind", "amount", "balance_after", "memo"],
        select(jl.c.cooperative_id, jl.c.savings_account_id, jl.c.entry_id, literal(day, Date),
               literal(passbook_kind), -line, balance - line, literal(memo))
        .join_from(jl, sa, sa.c.id == jl.c.savings_account_id).where(ours)))
    # UPDATE ... FROM the entry's lines (one pass over them, joined to the accounts): a
    # correlated subquery per account let PostgreSQL, whose statistics know an entry as a
    # few lines, look each account's line up among all of the entry's: O(n^2), 12 s for
    # 10,000 accounts.
    conn.execute(sa.update().where(sa.c.id == jl.c.savings_account_id, ours)
                 .values(balance=balance - line))
    changed = conn.execute(select(sa.c.id, balance, line)
                           .join_from(jl, sa, sa.c.id == jl.c.savings_account_id).where(ours)).all()
    actor, now = current_actor_id(), utcnow()
    conn.execute(AuditLog.__table__.insert(), [
        {"cooperative_id": cooperative_id, "actor_id": actor, "at": now, "action": "update",
         "table_name": "savings_accounts", "row_id": account_id,
         "before": {"balance": str(from_sen(after + amount))}, "after": {"balance": str(from_sen(after))}}
        for account_id, after, amount in changed])
    # Accounts already loaded in this session now hold stale balances.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, SavingsAccount):
            db.session.expire(obj, ["balance"])
