"""Ledger operations a person asks for: accounts, vouchers, manual entries, reversals, closing."""
import calendar
import re
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.cooperatives.clock import local_today
from coop_app.cooperatives.service import today_of
from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.money import MAX_AMOUNT, to_money
from coop_app.registry import registry
from coop_app.ledger import fiscal_year
from coop_app.ledger.chart import CHARTS, CONTROL_ACCOUNT_KEYS
from coop_app.ledger.models import (ACCOUNT_TYPES, EXPENSE, INCOME, GLAccount, JournalEntry,
                                    JournalLine, LedgerPeriod)
from coop_app.ledger.posting import Line, closed_through, find_by_key, post_entry

EXPENSE_VOUCHER = "expense_voucher"
INCOME_VOUCHER = "income_voucher"
MANUAL = "manual"
REVERSAL = "reversal"
CLOSING = fiscal_year.CLOSING
LEDGER_KINDS = (EXPENSE_VOUCHER, INCOME_VOUCHER, MANUAL, REVERSAL, CLOSING)

ACCOUNT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")

# -- chart of accounts -----------------------------------------------------------------

def install_chart(cooperative):
    """Give a new cooperative the chart of accounts of its type."""
    by_code = {}
    for code, name, name_en, type_, key, parent, is_group in CHARTS[cooperative.type]:
        account = GLAccount(cooperative_id=cooperative.id, code=code, name=name, name_en=name_en,
                            type=type_, system_key=key, is_group=is_group,
                            parent=by_code.get(parent))
        db.session.add(account)
        by_code[code] = account
    db.session.flush()
    return by_code


def account_by_key(cooperative_id, system_key):
    account = db.session.execute(
        select(GLAccount).where(GLAccount.cooperative_id == cooperative_id,
                                GLAccount.system_key == system_key)).scalar_one_or_none()
    if account is None:
        raise LookupError(f"cooperative {cooperative_id} has no account {system_key!r}")
    return account


def get_account(cooperative_id, account_id):
    account = db.session.execute(
        select(GLAccount).where(GLAccount.cooperative_id == cooperative_id,
                                GLAccount.id == account_id)).scalar_one_or_none()
    if account is None:
        raise NotFound(_l("Account not found."))
    return account


def accounts(cooperative_id, *, postable=None, types=None, under_key=None, active=True):
    query = select(GLAccount).where(GLAccount.cooperative_id == cooperative_id)
    if active is not None:
        query = query.where(GLAccount.active == active)
    if postable is not None:
        query = query.where(GLAccount.is_group == (not postable))
    if types:
        query = query.where(GLAccount.type.in_(types))
    if under_key:
        parent = account_by_key(cooperative_id, under_key)
        query = query.where(GLAccount.parent_id == parent.id)
    return db.session.execute(query.order_by(GLAccount.code)).scalars().all()


def cash_accounts(cooperative_id):
    """Cash and bank accounts: the children of the 'cash and cash equivalents' group."""
    return accounts(cooperative_id, postable=True, under_key="cash_and_bank")


def open_accounts(cooperative_id, types):
    """Accounts a voucher or manual entry may use: active, postable, not a control account."""
    return [a for a in accounts(cooperative_id, postable=True, types=types)
            if a.system_key not in CONTROL_ACCOUNT_KEYS]


def add_account(cooperative_id, code, name, type_, parent_id, name_en=None, is_group=False):
    code = (code or "").strip()
    name = (name or "").strip()
    if not ACCOUNT_CODE.match(code):
        raise DomainError(_l("An account code is 1 to 20 letters, digits, dots or dashes."))
    if not name or len(name) > 200:
        raise DomainError(_l("An account needs a name of at most 200 characters."))
    if type_ not in ACCOUNT_TYPES:
        raise DomainError(_l("Unknown account type."))
    parent = get_account(cooperative_id, parent_id)
    if not parent.is_group:
        raise DomainError(_l("The parent must be a group account."))
    if parent.type != type_:
        raise DomainError(_l("An account has the type of its group."))
    taken = db.session.execute(select(GLAccount.id).where(
        GLAccount.cooperative_id == cooperative_id, GLAccount.code == code)).first()
    if taken:
        raise DomainError(_l("Account code %(code)s is already used.", code=code))
    account = GLAccount(cooperative_id=cooperative_id, code=code, name=name,
                        name_en=(name_en or "").strip() or None, type=type_, parent_id=parent.id,
                        is_group=bool(is_group))
    db.session.add(account)
    db.session.flush()
    return account


def set_account_active(cooperative_id, account_id, active):
    account = get_account(cooperative_id, account_id)
    if account.system_key in CONTROL_ACCOUNT_KEYS or account.system_key in ("cash", "shu_undistributed"):
        raise DomainError(_l("This account is used by the system and cannot be deactivated."))
    if not active and account_balance(cooperative_id, account.id) != 0:
        raise DomainError(_l("Only an account with a zero balance can be deactivated."))
    account.active = bool(active)
    db.session.flush()
    return account


def account_balance(cooperative_id, account_id, as_of=None):
    """Signed balance (debit positive) of one account, optionally up to a date."""
    query = (select(func.coalesce(func.sum(JournalLine.amount), 0))
             .where(JournalLine.cooperative_id == cooperative_id,
                    JournalLine.account_id == account_id))
    if as_of is not None:
        query = query.join(JournalEntry, JournalEntry.id == JournalLine.entry_id).where(
            JournalEntry.entry_date <= as_of)
    return to_money(Decimal(db.session.execute(query).scalar() or 0))


def _lock_account(account_id):
    """Serialise spending from one account (FOR UPDATE on PostgreSQL; SQLite's write
    transaction already holds the database)."""
    db.session.execute(select(GLAccount.id).where(GLAccount.id == account_id).with_for_update())


# -- amounts ---------------------------------------------------------------------------

def check_amount(amount):
    try:
        amount = to_money(amount)
    except (ValueError, TypeError):
        raise DomainError(_l("The amount must be a number exact to the sen.")) from None
    if amount <= 0:
        raise DomainError(_l("The amount must be more than zero."))
    if amount > MAX_AMOUNT:
        raise DomainError(_l("The amount is larger than any single transaction this system accepts."))
    return amount


# -- vouchers and manual entries ------------------------------------------------------

def record_voucher(cooperative_id, direction, entry_date, cash_account_id, counter_account_id,
                   amount, description, idempotency_key, created_by=None):
    """An expense voucher (bukti kas keluar) or income voucher (bukti kas masuk)."""
    if direction not in (EXPENSE_VOUCHER, INCOME_VOUCHER):
        raise ValueError(direction)
    amount = check_amount(amount)
    description = (description or "").strip()
    if not description:
        raise DomainError(_l("Describe what the money was for."))
    cash = get_account(cooperative_id, cash_account_id)
    if cash.id not in {a.id for a in cash_accounts(cooperative_id)}:
        raise DomainError(_l("Choose a cash or bank account."))
    counter = get_account(cooperative_id, counter_account_id)
    wanted = EXPENSE if direction == EXPENSE_VOUCHER else INCOME
    if counter.id not in {a.id for a in open_accounts(cooperative_id, [wanted])}:
        raise DomainError(_l("Choose an expense account.") if wanted == EXPENSE
                          else _l("Choose an income account."))
    if direction == EXPENSE_VOUCHER:
        _lock_account(cash.id)
        if find_by_key(cooperative_id, idempotency_key) is None and account_balance(cooperative_id, cash.id) < amount:
            raise DomainError(_l("%(account)s does not hold enough money for this payment.",
                                 account=cash.name))
        lines = [Line(counter.id, amount), Line(cash.id, -amount)]
    else:
        lines = [Line(cash.id, amount), Line(counter.id, -amount)]
    return post_entry(cooperative_id, entry_date, direction, description, lines,
                      idempotency_key, created_by=created_by)


def post_manual_entry(cooperative_id, entry_date, memo, rows, idempotency_key, created_by=None):
    """A manager's multi-line journal entry. `rows`: (account_id, debit, credit, memo)."""
    memo = (memo or "").strip()
    if not memo:
        raise DomainError(_l("Describe the entry."))
    allowed = {a.id: a for a in open_accounts(cooperative_id, ACCOUNT_TYPES)}
    lines = []
    for account_id, debit, credit, line_memo in rows:
        if account_id is None and not debit and not credit:
            continue
        if account_id not in allowed:
            raise DomainError(_l("Choose an open detail account on every line "
                                 "(savings and loan accounts are kept by their own pages)."))
        if bool(debit) == bool(credit):
            raise DomainError(_l("Each line has either a debit or a credit."))
        amount = check_amount(debit or credit)
        lines.append(Line(account_id, amount if debit else -amount, memo=line_memo or None))
    if len(lines) < 2:
        raise DomainError(_l("A journal entry needs at least two lines."))
    return post_entry(cooperative_id, entry_date, MANUAL, memo, lines, idempotency_key,
                      created_by=created_by)


# -- reversal -------------------------------------------------------------------------

def get_entry(cooperative_id, entry_id):
    entry = db.session.execute(
        select(JournalEntry).where(JournalEntry.cooperative_id == cooperative_id,
                                   JournalEntry.id == entry_id)).scalar_one_or_none()
    if entry is None:
        raise NotFound(_l("Journal entry not found."))
    return entry


def reverse_entry(cooperative_id, entry_id, reason, idempotency_key, created_by=None,
                  reversal_date=None):
    """Post the mirror of an entry, linked to it, with who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for the reversal."))
    entry = get_entry(cooperative_id, entry_id)
    # Two managers reversing the same entry at once queue here (FOR UPDATE on PostgreSQL;
    # SQLite's write transaction already holds the database), and the second sees the first.
    db.session.execute(select(JournalEntry.id).where(JournalEntry.id == entry.id).with_for_update())
    # A query, not entry.reversed_by: that backref is not refreshed by a reversal posted
    # earlier in this same transaction.
    reversed_by = db.session.execute(
        select(JournalEntry).where(JournalEntry.reverses_id == entry.id)).scalar_one_or_none()
    if reversed_by is not None:
        if reversed_by.idempotency_key == idempotency_key:
            reversed_by.replayed = True
            return reversed_by
        raise DomainError(_l("This entry was already reversed by entry #%(id)s.",
                             id=reversed_by.id))
    if entry.reverses_id is not None:
        raise DomainError(_l("A reversal cannot itself be reversed; post a new entry instead."))
    if entry.kind == CLOSING:
        raise DomainError(_l("A period-closing entry cannot be reversed."))
    has_subledger = any(ln.savings_account_id or ln.loan_id for ln in entry.lines)
    # How to undo the sub-ledger change of an entry of this kind: the registry's
    # reversal_handlers, filled by the packages that keep sub-ledgers (the ledger knows
    # nothing of savings or loans).
    handler = registry().reversal_handlers.get(entry.kind)
    if has_subledger and handler is None:
        raise DomainError(_l("This entry belongs to a savings or loan transaction; "
                             "reverse it from that transaction."))
    reversal_date = reversal_date or today_of(cooperative_id)
    if reversal_date < entry.entry_date:
        raise DomainError(_l("A reversal cannot be dated before the entry it reverses."))
    lines = [Line(ln.account_id, -ln.amount, memo=ln.memo, member_id=ln.member_id,
                  savings_account_id=ln.savings_account_id, loan_id=ln.loan_id)
             for ln in entry.lines]
    reversal = post_entry(cooperative_id, reversal_date, REVERSAL, reason, lines,
                          idempotency_key, created_by=created_by, reverses_id=entry.id)
    if handler is not None and not reversal.replayed:
        handler(entry, reversal)
    return reversal


# -- period close ---------------------------------------------------------------------

def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_period_to_close(cooperative):
    last = closed_through(cooperative.id)
    if last is None:
        return None
    return month_end(last + timedelta(days=1))


def is_fiscal_year_end(cooperative, period_end):
    return period_end.month % 12 + 1 == cooperative.fiscal_year_start_month


def close_period(cooperative, period_end, closed_by=None, today=None):
    """Close the books up to a month end. At the fiscal year end, income and expense are
    closed into undistributed SHU by a closing entry dated that day; a close may not pass an
    earlier year end whose closing is missing or wrong."""
    today = today or local_today(cooperative)
    if period_end != month_end(period_end):
        raise DomainError(_l("A period closes at the end of a month."))
    if period_end >= today:
        raise DomainError(_l("A month can be closed only after it has ended."))
    expected = next_period_to_close(cooperative)
    if expected is not None and period_end != expected:
        if period_end <= closed_through(cooperative.id):
            raise DomainError(_l("This period is already closed."))
        raise DomainError(_l("Close the months in order: the next one to close is %(date)s.",
                             date=expected.isoformat()))
    # Every fiscal year ended before this month is closed into SHU first, and only then
    # the year ending with this month (each from its own lines: ledger/fiscal_year.py).
    fiscal_year.refuse_unclosed_years(cooperative, period_end)
    closing_entry = None
    if is_fiscal_year_end(cooperative, period_end):
        closing_entry = fiscal_year.close_year(cooperative, period_end, closed_by, today)
    period = LedgerPeriod(cooperative_id=cooperative.id, period_end=period_end,
                          closed_by=closed_by,
                          closing_entry_id=closing_entry.id if closing_entry else None)
    db.session.add(period)
    db.session.flush()
    return period


def periods(cooperative_id):
    return db.session.execute(
        select(LedgerPeriod).where(LedgerPeriod.cooperative_id == cooperative_id)
        .order_by(LedgerPeriod.period_end.desc())).scalars().all()

