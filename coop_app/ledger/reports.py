"""Reports are queries over journal lines: balances, trial balance, ledgers, the journal."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, and_, func, select, type_coerce

from coop_app.cooperatives.clock import local_today
from coop_app.extensions import db
from coop_app.money import ZERO, from_sen
from coop_app.ledger.models import (ASSET, DEBIT_NORMAL, EXPENSE, INCOME, GLAccount, JournalEntry,
                                    JournalLine)


@dataclass
class TrialBalanceRow:
    account: GLAccount
    debit: Decimal
    credit: Decimal


def balances_by_account(cooperative_id, as_of=None, date_from=None, exclude_kinds=()):
    """{account_id: signed balance} from one GROUP BY over the lines."""
    query = (select(JournalLine.account_id, func.sum(JournalLine.amount))
             .where(JournalLine.cooperative_id == cooperative_id)
             .group_by(JournalLine.account_id))
    if as_of is not None or date_from is not None or exclude_kinds:
        query = query.join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        if as_of is not None:
            query = query.where(JournalEntry.entry_date <= as_of)
        if date_from is not None:
            query = query.where(JournalEntry.entry_date >= date_from)
        if exclude_kinds:
            query = query.where(JournalEntry.kind.not_in(exclude_kinds))
    return {account_id: total for account_id, total in db.session.execute(query) if total}


def trial_balance(cooperative_id, as_of):
    """Rows for every account with a balance at `as_of`, and the two column totals."""
    balances = balances_by_account(cooperative_id, as_of)
    accounts = db.session.execute(
        select(GLAccount).where(GLAccount.id.in_(balances)).order_by(GLAccount.code)).scalars()
    rows = []
    for account in accounts:
        amount = balances[account.id]
        rows.append(TrialBalanceRow(account, amount if amount > 0 else ZERO,
                                    -amount if amount < 0 else ZERO))
    total_debit = sum((r.debit for r in rows), ZERO)
    total_credit = sum((r.credit for r in rows), ZERO)
    return rows, total_debit, total_credit


def journal_query(cooperative_id, date_from=None, date_to=None, account_id=None, kind=None):
    query = select(JournalEntry).where(JournalEntry.cooperative_id == cooperative_id)
    if date_from:
        query = query.where(JournalEntry.entry_date >= date_from)
    if date_to:
        query = query.where(JournalEntry.entry_date <= date_to)
    if kind:
        query = query.where(JournalEntry.kind == kind)
    if account_id:
        query = query.where(JournalEntry.id.in_(
            select(JournalLine.entry_id).where(JournalLine.account_id == account_id)))
    return query.order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())


def journal_kinds(cooperative_id):
    """The kinds of entry this cooperative's journal holds (for the journal's filter)."""
    return db.session.execute(
        select(JournalEntry.kind).where(JournalEntry.cooperative_id == cooperative_id)
        .distinct()).scalars().all()


def reversals_of(cooperative_id, entry_ids):
    """{entry id: id of the entry reversing it} for a page of entries, in one query."""
    if not entry_ids:
        return {}
    return dict(db.session.execute(
        select(JournalEntry.reverses_id, JournalEntry.id)
        .where(JournalEntry.cooperative_id == cooperative_id,
               JournalEntry.reverses_id.in_(entry_ids))).all())


def opening_balance(cooperative_id, account_id, before):
    total = db.session.execute(
        select(func.coalesce(func.sum(JournalLine.amount), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == cooperative_id, JournalLine.account_id == account_id,
               JournalEntry.entry_date < before)).scalar()
    return Decimal(total).quantize(Decimal("0.01")) if total else ZERO


def general_ledger(cooperative_id, account_id, date_from, date_to, page=1, per_page=50):
    """One account's lines in date order with a running balance computed in SQL.

    Returns (opening, rows, total_rows, closing); rows are dicts with date, entry id, kind,
    memo, debit, credit and balance (signed: debit positive).
    """
    opening = opening_balance(cooperative_id, account_id, date_from)
    sen = type_coerce(JournalLine.__table__.c.amount, BigInteger)  # raw sen, summed exactly
    running = func.sum(sen).over(
        order_by=(JournalEntry.entry_date, JournalEntry.id, JournalLine.id))
    inner = (
        select(JournalEntry.entry_date.label("entry_date"), JournalEntry.id.label("entry_id"),
               JournalLine.id.label("line_id"),
               JournalEntry.kind.label("kind"), JournalEntry.memo.label("memo"),
               JournalLine.memo.label("line_memo"),
               sen.label("amount"), running.label("running"))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == cooperative_id, JournalLine.account_id == account_id,
               and_(JournalEntry.entry_date >= date_from, JournalEntry.entry_date <= date_to))
    ).subquery()
    total_rows = db.session.execute(select(func.count()).select_from(inner)).scalar()
    result = db.session.execute(
        select(inner).order_by(inner.c.entry_date, inner.c.entry_id, inner.c.line_id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    rows = []
    for r in result:
        amount = from_sen(r.amount)
        rows.append({
            "entry_date": r.entry_date, "entry_id": r.entry_id, "kind": r.kind,
            "memo": r.line_memo or r.memo,
            "debit": amount if amount > 0 else None, "credit": -amount if amount < 0 else None,
            "balance": opening + from_sen(r.running),
        })
    closing = opening + (from_sen(db.session.execute(
        select(func.coalesce(func.sum(inner.c.amount), 0))).scalar()))
    return opening, rows, total_rows, closing


def natural(account, signed):
    """A balance as people read it: positive on the account's normal side."""
    return signed if account.type in DEBIT_NORMAL else -signed


def fiscal_year_start(cooperative, day):
    start = date(day.year, cooperative.fiscal_year_start_month, 1)
    return start if start <= day else date(day.year - 1, cooperative.fiscal_year_start_month, 1)


def dashboard_summary(cooperative, today=None):
    """Cash, assets and this fiscal year's income, expense and surplus, plus recent entries."""
    cooperative_id = cooperative.id
    today = today or local_today(cooperative)
    balances = balances_by_account(cooperative_id, today)
    accounts = {a.id: a for a in db.session.execute(
        select(GLAccount).where(GLAccount.cooperative_id == cooperative_id)).scalars()}
    cash = sum((v for k, v in balances.items()
                if accounts[k].parent is not None and accounts[k].parent.system_key == "cash_and_bank"), ZERO)
    assets = sum((v for k, v in balances.items() if accounts[k].type == ASSET), ZERO)
    year_start = fiscal_year_start(cooperative, today)
    year = balances_by_account(cooperative_id, today, date_from=year_start, exclude_kinds=("closing",))
    income = -sum((v for k, v in year.items() if accounts[k].type == INCOME), ZERO)
    expense = sum((v for k, v in year.items() if accounts[k].type == EXPENSE), ZERO)
    recent = db.session.execute(journal_query(cooperative_id).limit(10)).scalars().all()
    return {"cash": cash, "assets": assets, "income": income, "expense": expense,
            "surplus": income - expense, "recent": recent, "today": today,
            "year_start": year_start}
