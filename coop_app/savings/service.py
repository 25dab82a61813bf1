"""Savings: products, accounts, and every movement of a member's savings.

Each operation posts one journal entry through the posting service and changes the
accounts' balances and passbook lines in the same transaction. post_movements() is the one
place that does this; deposits, withdrawals, joining, remittances, interest and
settlements all describe their movements and hand them to it.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, func, select, type_coerce

from ..errors import DomainError, NotFound
from ..extensions import db
from ..ledger.models import JournalLine
from ..ledger.posting import Line, find_by_key, post_entry
from ..ledger.service import account_by_key, cash_accounts, check_amount
from ..money import ZERO, from_sen, to_money
from .models import (ACCOUNT_KEY, BERJANGKA, EQUITY_KINDS, MUDHARABAH, POKOK, SUKARELA, WADIAH,
                     WAJIB, SavingsAccount, SavingsProduct, SavingsTransaction)

DEPOSIT, WITHDRAWAL = "deposit", "withdrawal"

# (code, name, kind, settings) installed for a new cooperative; managers adjust them.
DEFAULT_PRODUCTS = {
    "ksp": [
        ("SP", "Simpanan Pokok", POKOK, dict(fixed_amount=Decimal("100000"), mandatory=True)),
        ("SW", "Simpanan Wajib", WAJIB, dict(fixed_amount=Decimal("20000"), mandatory=True)),
        ("SS", "Simpanan Sukarela", SUKARELA, dict(interest_rate_bp=300, min_balance=Decimal("10000"),
                                                    min_opening=Decimal("10000"))),
        ("SB12", "Simpanan Berjangka 12 Bulan", BERJANGKA,
         dict(interest_rate_bp=600, term_months=12, min_opening=Decimal("1000000"))),
    ],
    "kspps": [
        ("SP", "Simpanan Pokok", POKOK, dict(fixed_amount=Decimal("100000"), mandatory=True)),
        ("SW", "Simpanan Wajib", WAJIB, dict(fixed_amount=Decimal("20000"), mandatory=True)),
        ("WD", "Simpanan Wadiah", WADIAH, dict(min_balance=Decimal("10000"), min_opening=Decimal("10000"))),
        ("SM", "Simpanan Mudharabah", MUDHARABAH,
         dict(nisbah_member_pct=40, min_balance=Decimal("10000"), min_opening=Decimal("10000"))),
        ("SMB12", "Simpanan Berjangka Mudharabah 12 Bulan", BERJANGKA,
         dict(nisbah_member_pct=55, term_months=12, min_opening=Decimal("1000000"))),
    ],
}


@dataclass
class Movement:
    """One account's share of an operation: a signed amount (deposit positive)."""
    account: SavingsAccount
    amount: Decimal
    kind: str
    memo: str | None = None


def install_default_products(cooperative):
    for code, name, kind, settings in DEFAULT_PRODUCTS[cooperative.type]:
        db.session.add(SavingsProduct(cooperative_id=cooperative.id, code=code, name=name,
                                      kind=kind, **settings))
    db.session.flush()


def products(cooperative_id, active=True):
    query = select(SavingsProduct).where(SavingsProduct.cooperative_id == cooperative_id)
    if active is not None:
        query = query.where(SavingsProduct.active == active)
    return db.session.execute(query.order_by(SavingsProduct.code)).scalars().all()


def get_product(cooperative_id, product_id):
    product = db.session.execute(select(SavingsProduct).where(
        SavingsProduct.cooperative_id == cooperative_id, SavingsProduct.id == product_id)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound(_l("Savings product not found."))
    return product


def get_account(cooperative_id, account_id, lock=False):
    query = select(SavingsAccount).where(SavingsAccount.cooperative_id == cooperative_id,
                                         SavingsAccount.id == account_id)
    if lock:
        # PostgreSQL: hold the row until commit; SQLite's write transaction already does.
        query = query.with_for_update().execution_options(populate_existing=True)
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


def next_account_number(cooperative_id, product):
    count = db.session.execute(select(func.count()).select_from(SavingsAccount).where(
        SavingsAccount.cooperative_id == cooperative_id,
        SavingsAccount.product_id == product.id)).scalar()
    return f"{product.code}-{count + 1:06d}"


def open_account(cooperative_id, member_id, product_id, opened_on, maturity_date=None):
    product = get_product(cooperative_id, product_id)
    if not product.active:
        raise DomainError(_l("This savings product is no longer offered."))
    if product.kind in (POKOK, WAJIB) and account_of_kind(cooperative_id, member_id, product.kind):
        raise DomainError(_l("The member already has this account."))
    account = SavingsAccount(cooperative_id=cooperative_id, member_id=member_id,
                             product_id=product.id, number=next_account_number(cooperative_id, product),
                             opened_on=opened_on, maturity_date=maturity_date, balance=ZERO, pledged=ZERO)
    db.session.add(account)
    db.session.flush()
    return account


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


def available_to_withdraw(account, on_date, leaving=False):
    """What may be taken out now, by the product's rules."""
    product = account.product
    if product.kind in EQUITY_KINDS and not leaving:
        return ZERO
    if product.kind == BERJANGKA and not leaving and account.maturity_date and on_date < account.maturity_date \
            and not product.early_withdrawal_allowed:
        return ZERO
    floor = ZERO if leaving else product.min_balance
    return max(ZERO, to_money(account.balance - account.pledged - floor))


def deposit(cooperative_id, account_id, amount, entry_date, money_account_id, idempotency_key,
            created_by=None, memo=None):
    amount = check_amount(amount)
    account = get_account(cooperative_id, account_id, lock=True)
    if account.status != "open":
        raise DomainError(_l("This savings account is closed."))
    product = account.product
    if product.kind == POKOK and account.balance + amount > (product.fixed_amount or ZERO):
        raise DomainError(_l("Simpanan pokok is paid once, %(amount)s in all.",
                             amount=str(product.fixed_amount)))
    if account.balance == 0 and amount < product.min_opening and product.kind not in EQUITY_KINDS:
        raise DomainError(_l("The first deposit must be at least the product's minimum opening deposit."))
    cash = money_account(cooperative_id, money_account_id)
    memo = memo or f"Setoran {product.name} {account.number}"
    return post_movements(cooperative_id, entry_date, "savings_deposit", memo,
                          [Movement(account, amount, DEPOSIT)], [Line(cash.id, amount)],
                          idempotency_key, created_by)


def withdraw(cooperative_id, account_id, amount, entry_date, money_account_id, idempotency_key,
             created_by=None, memo=None):
    amount = check_amount(amount)
    account = get_account(cooperative_id, account_id, lock=True)
    if account.status != "open":
        raise DomainError(_l("This savings account is closed."))
    if find_by_key(cooperative_id, idempotency_key) is None:
        product = account.product
        if product.kind in EQUITY_KINDS:
            raise DomainError(_l("Simpanan pokok and wajib are returned only when the member leaves."))
        if amount > available_to_withdraw(account, entry_date):
            if product.kind == BERJANGKA and account.maturity_date and entry_date < account.maturity_date:
                raise DomainError(_l("This time deposit matures on %(date)s.",
                                     date=account.maturity_date.isoformat()))
            raise DomainError(_l("Only %(amount)s can be withdrawn (balance less pledged amount "
                                 "and minimum balance).",
                                 amount=str(available_to_withdraw(account, entry_date))))
    cash = money_account(cooperative_id, money_account_id)
    memo = memo or f"Penarikan {account.product.name} {account.number}"
    return post_movements(cooperative_id, entry_date, "savings_withdrawal", memo,
                          [Movement(account, -amount, WITHDRAWAL)], [Line(cash.id, -amount)],
                          idempotency_key, created_by)


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

