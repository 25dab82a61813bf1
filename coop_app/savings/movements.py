"""Savings: accounts, and every movement of a member's savings.

Each operation posts one journal entry through the posting service and changes the
accounts' balances and passbook lines in the same transaction. post_movements() is the one
place that does this; deposits, withdrawals, opening deposits (opening.py), joining,
remittances, interest and settlements all describe their movements and hand them to it.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from coop_app.ledger.posting import IdempotencyConflict, Line, check_open, find_by_key, post_entry
from coop_app.ledger.service import (account_balance, account_by_key,
                                     cash_accounts, check_amount)
from coop_app.members.models import Member
from coop_app.members.service import get_member  # noqa: F401  (savings.movements.get_member: one lookup)
from coop_app.money import ZERO, format_money, round_money, to_money
from coop_app.savings.models import (ACCOUNT_KEY, BERJANGKA, EQUITY_KINDS, POKOK, SavingsAccount,
                                     SavingsProduct, SavingsTransaction)

# Passbook line kinds (SavingsTransaction.kind).
DEPOSIT, WITHDRAWAL, REVERSAL = "deposit", "withdrawal", "reversal"
# Journal entry kinds of this module's own operations: they print receipts and reverse.
DEPOSIT_ENTRY, WITHDRAWAL_ENTRY = "savings_deposit", "savings_withdrawal"


@dataclass
class Movement:
    """One account's share of an operation: a signed amount (deposit positive)."""
    account: SavingsAccount
    amount: Decimal
    kind: str
    memo: str | None = None


def get_account(cooperative_id, account_id, lock=False):
    query = select(SavingsAccount).where(SavingsAccount.cooperative_id == cooperative_id,
                                         SavingsAccount.id == account_id)
    if lock:
        # PostgreSQL: hold the row until commit (only this table's row: the product is
        # joined in); SQLite's write transaction already holds the database.
        query = query.with_for_update(of=SavingsAccount).execution_options(populate_existing=True)
    account = db.session.execute(query).scalar_one_or_none()
    if account is None:
        raise NotFound(_l("Savings account not found."))
    return account


def member_accounts(cooperative_id, member_id):
    return db.session.execute(
        select(SavingsAccount).join(SavingsProduct)
        .where(SavingsAccount.cooperative_id == cooperative_id, SavingsAccount.member_id == member_id)
        .order_by(SavingsProduct.code, SavingsAccount.id)).scalars().all()


def account_of_kind(cooperative_id, member_id, kind):
    """The member's open account of a product kind (pokok, wajib...), or None."""
    return db.session.execute(
        select(SavingsAccount).join(SavingsProduct)
        .where(SavingsAccount.cooperative_id == cooperative_id,
               SavingsAccount.member_id == member_id, SavingsProduct.kind == kind,
               SavingsAccount.status == "open")
        .order_by(SavingsAccount.id).limit(1)).scalar_one_or_none()


def member_by_number(cooperative_id, number):
    member = db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.member_number == (number or "").strip())
    ).scalar_one_or_none()
    if member is None:
        raise DomainError(_l("No member of this cooperative has that member number."))
    return member


def member_id_of_user(cooperative_id, user_id):
    """The member record of a user with the member role here, or None."""
    return db.session.execute(select(Member.id).where(
        Member.cooperative_id == cooperative_id, Member.user_id == user_id)).scalar()


def money_account(cooperative_id, account_id):
    """The cash or bank GL account money comes from or goes to."""
    allowed = {a.id: a for a in cash_accounts(cooperative_id)}
    if account_id not in allowed:
        raise DomainError(_l("Choose a cash or bank account."))
    return allowed[account_id]


def post_movements(cooperative_id, entry_date, kind, memo, movements, other_lines,
                   idempotency_key, created_by=None):
    """Post one entry for savings movements plus their counter lines, and apply them.

    The accounts must already be locked by the caller (get_account(lock=True)). A replayed
    key returns the first entry and changes nothing.
    """
    lines = []
    for move in movements:
        control = account_by_key(cooperative_id, ACCOUNT_KEY[move.account.product.kind])
        # Savings are owed to the member: a deposit credits the control account.
        lines.append(Line(control.id, -move.amount, memo=move.memo, member_id=move.account.member_id,
                          savings_account_id=move.account.id))
    lines.extend(other_lines)
    entry = post_entry(cooperative_id, entry_date, kind, memo, lines, idempotency_key,
                       created_by=created_by)
    if entry.replayed:
        return entry
    for move in movements:
        account = move.account
        account.balance = to_money(account.balance + move.amount)
        if account.balance < 0:
            raise DomainError(_l("The account does not hold enough money."))
        db.session.add(SavingsTransaction(
            cooperative_id=cooperative_id, account_id=account.id, entry_id=entry.id,
            txn_date=entry_date, kind=move.kind, amount=move.amount,
            balance_after=account.balance, memo=move.memo or memo))
    db.session.flush()
    return entry


# -- rules of a movement -------------------------------------------------------------------

def rupiah(amount):
    """An amount for a message, in the reader's locale (services run outside requests too)."""
    locale = str(get_locale() or "id") if has_request_context() else "id"
    return format_money(amount, locale)


def check_movement_date(account, entry_date):
    if not isinstance(entry_date, date):
        raise DomainError(_l("Give the date of the transaction."))
    check_open(account.cooperative_id, entry_date)
    if entry_date < account.opened_on:
        raise DomainError(_l("The date is before the account was opened (%(date)s).",
                             date=account.opened_on.isoformat()))


def check_account_open(account):
    if account.status != "open":
        raise DomainError(_l("This savings account is closed."))


def replayed_entry(cooperative_id, idempotency_key, kind, account_id, change):
    """The entry a retried submission already posted, or None for a fresh key.

    `change` is the signed change of the account's balance the submission asks for; the
    same key for anything else is refused.
    """
    existing = find_by_key(cooperative_id, idempotency_key)
    if existing is None:
        return None
    moved = sum((-line.amount for line in existing.lines if line.savings_account_id == account_id), ZERO)
    if existing.kind != kind or moved != change:
        raise IdempotencyConflict(_l(
            "This submission key was already used for a different entry (#%(id)s).", id=existing.id))
    existing.replayed = True
    return existing


def _check_cash(cooperative_id, cash, payout):
    """Money paid out must be there: lock the cash or bank account, then read its balance."""
    db.session.execute(select(GLAccount.id).where(GLAccount.id == cash.id).with_for_update())
    if account_balance(cooperative_id, cash.id) < payout:
        raise DomainError(_l("%(account)s does not hold enough money for this withdrawal.",
                             account=cash.name))


def available_to_withdraw(account, on_date, leaving=False):
    """What may be taken out now, by the product's rules."""
    product = account.product
    if product.kind in EQUITY_KINDS and not leaving:
        return ZERO
    if product.kind == BERJANGKA and not leaving and not matured(account, on_date) \
            and not product.early_withdrawal_allowed:
        return ZERO
    floor = ZERO if leaving else product.min_balance
    return max(ZERO, to_money(account.balance - account.pledged - floor))


def matured(account, on_date):
    return account.maturity_date is None or on_date >= account.maturity_date


def early_withdrawal_penalty(account, amount):
    """A time deposit broken before maturity pays the product's penalty, half up to Rp1."""
    return round_money(to_money(amount) * account.product.early_withdrawal_penalty_bp / 10000)


def check_withdrawal(account, amount, on_date, leaving=False):
    """Refuse a withdrawal the product does not allow; return the penalty it carries."""
    product = account.product
    if product.kind in EQUITY_KINDS and not leaving:
        raise DomainError(_l("Simpanan pokok and wajib are returned only when the member leaves."))
    if amount > account.balance - account.pledged and account.pledged > 0:
        raise DomainError(_l("%(amount)s of this account is pledged as loan collateral and cannot be "
                             "withdrawn; at most %(free)s can be.", amount=rupiah(account.pledged),
                             free=rupiah(max(ZERO, account.balance - account.pledged))))
    if product.kind == BERJANGKA and not leaving and not matured(account, on_date):
        if not product.early_withdrawal_allowed:
            raise DomainError(_l("This time deposit matures on %(date)s; it cannot be withdrawn before.",
                                 date=account.maturity_date.isoformat()))
        if amount != account.balance:
            raise DomainError(_l("Before maturity a time deposit is withdrawn whole: %(amount)s.",
                                 amount=rupiah(account.balance)))
        return early_withdrawal_penalty(account, amount)
    available = available_to_withdraw(account, on_date, leaving)
    if amount > available:
        raise DomainError(_l("Only %(amount)s can be withdrawn (the balance less any pledged amount "
                             "and the minimum balance of %(minimum)s).", amount=rupiah(available),
                             minimum=rupiah(ZERO if leaving else product.min_balance)))
    return ZERO


# -- operations ----------------------------------------------------------------------------

def deposit(cooperative_id, account_id, amount, entry_date, money_account_id, idempotency_key,
            created_by=None, memo=None):
    amount = check_amount(amount)
    account = get_account(cooperative_id, account_id, lock=True)
    replayed = replayed_entry(cooperative_id, idempotency_key, DEPOSIT_ENTRY, account.id, amount)
    if replayed is not None:
        return replayed
    check_account_open(account)
    check_movement_date(account, entry_date)
    product = account.product
    if product.kind == BERJANGKA:
        raise DomainError(_l("A time deposit takes its money when it is opened; open a new deposit "
                             "instead."))
    if product.kind == POKOK and account.balance + amount > (product.fixed_amount or ZERO):
        raise DomainError(_l("Simpanan pokok is paid once, %(amount)s in all.",
                             amount=rupiah(product.fixed_amount or ZERO)))
    if account.balance == 0 and amount < product.min_opening and product.kind not in EQUITY_KINDS:
        raise DomainError(_l("The first deposit must be at least %(amount)s.",
                             amount=rupiah(product.min_opening)))
    cash = money_account(cooperative_id, money_account_id)
    memo = memo or f"Setoran {product.name} {account.number}"
    return post_movements(cooperative_id, entry_date, DEPOSIT_ENTRY, memo,
                          [Movement(account, amount, DEPOSIT)],
                          [Line(cash.id, amount, member_id=account.member_id)],
                          idempotency_key, created_by)


def withdraw(cooperative_id, account_id, amount, entry_date, money_account_id, idempotency_key,
             created_by=None, memo=None, leaving=False):
    """Pay savings out in cash or to the bank. A time deposit broken early pays the product's
    penalty to fee income: the member receives the balance less the penalty."""
    amount = check_amount(amount)
    account = get_account(cooperative_id, account_id, lock=True)
    replayed = replayed_entry(cooperative_id, idempotency_key, WITHDRAWAL_ENTRY, account.id, -amount)
    if replayed is not None:
        return replayed
    check_account_open(account)
    check_movement_date(account, entry_date)
    penalty = check_withdrawal(account, amount, entry_date, leaving)
    cash = money_account(cooperative_id, money_account_id)
    _check_cash(cooperative_id, cash, amount - penalty)
    other = [Line(cash.id, -(amount - penalty), member_id=account.member_id)]
    if penalty:
        other.append(Line(account_by_key(cooperative_id, "fee_income").id, -penalty,
                          memo="Penalti pencairan sebelum jatuh tempo", member_id=account.member_id))
    memo = memo or f"Penarikan {account.product.name} {account.number}"
    return post_movements(cooperative_id, entry_date, WITHDRAWAL_ENTRY, memo,
                          [Movement(account, -amount, WITHDRAWAL)], other, idempotency_key, created_by)


def reverse_savings_entry(original, reversal):
    """A reversal handler (the registry's reversal_handlers): undo a deposit's or withdrawal's change of the account balances,
    with a passbook line; refused if the money has already gone (the account would go below
    zero or below its pledged amount)."""
    for line in original.lines:
        if not line.savings_account_id:
            continue
        account = get_account(original.cooperative_id, line.savings_account_id, lock=True)
        # The original moved the balance by -line.amount (a deposit credits the control account).
        change = to_money(line.amount)
        after = to_money(account.balance + change)
        if after < 0:
            raise DomainError(_l("Reversing this entry would overdraw savings account %(number)s: "
                                 "only %(balance)s is left in it.", number=account.number,
                                 balance=rupiah(account.balance)))
        if after < account.pledged:
            raise DomainError(_l("Reversing this entry would take savings account %(number)s below "
                                 "its pledged amount of %(pledged)s.", number=account.number,
                                 pledged=rupiah(account.pledged)))
        account.balance = after
        db.session.add(SavingsTransaction(
            cooperative_id=account.cooperative_id, account_id=account.id, entry_id=reversal.id,
            txn_date=reversal.entry_date, kind=REVERSAL, amount=change, balance_after=after,
            memo=f"Koreksi #{original.id}: {reversal.memo}"[:200]))
    db.session.flush()


# The ledger calls these when a manager reverses one of this module's entries (assigning
# again when create_app runs twice changes nothing).
# Filled into the registry by create_app.
REVERSAL_HANDLERS = {DEPOSIT_ENTRY: reverse_savings_entry, WITHDRAWAL_ENTRY: reverse_savings_entry}
