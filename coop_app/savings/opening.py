"""Opening a member's savings account: its number, a time deposit's maturity date, and the
opening deposit taken in the same entry."""
import calendar
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict, Line, check_open, find_by_key
from coop_app.ledger.service import check_amount
from coop_app.members.models import ACTIVE
from coop_app.money import ZERO
from coop_app.savings.models import BERJANGKA, EQUITY_KINDS, POKOK, WAJIB, SavingsAccount
from coop_app.savings.products import get_product
from coop_app.savings.movements import (DEPOSIT, DEPOSIT_ENTRY, Movement, account_of_kind,
                                      get_account, get_member, money_account, post_movements,
                                      replayed_entry, rupiah)


def next_account_number(cooperative_id, product):
    count = db.session.execute(select(func.count()).select_from(SavingsAccount).where(
        SavingsAccount.cooperative_id == cooperative_id,
        SavingsAccount.product_id == product.id)).scalar()
    return f"{product.code}-{count + 1:06d}"


def add_months(day, months):
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def open_account(cooperative_id, member_id, product_id, opened_on, maturity_date=None):
    """Open a member's account; a time deposit matures `term_months` after opening."""
    product = get_product(cooperative_id, product_id)
    if not product.active:
        raise DomainError(_l("This savings product is no longer offered."))
    member = get_member(cooperative_id, member_id)
    if member.status != ACTIVE:
        raise DomainError(_l("Accounts are opened only for active members."))
    if not isinstance(opened_on, date) or opened_on < member.join_date:
        raise DomainError(_l("An account cannot be opened before the member joined."))
    if product.kind in (POKOK, WAJIB) and account_of_kind(cooperative_id, member_id, product.kind):
        raise DomainError(_l("The member already has this account."))
    if product.kind == BERJANGKA and maturity_date is None:
        maturity_date = add_months(opened_on, product.term_months or 0)
    account = SavingsAccount(cooperative_id=cooperative_id, member_id=member_id,
                             product_id=product.id, number=next_account_number(cooperative_id, product),
                             opened_on=opened_on, maturity_date=maturity_date, balance=ZERO, pledged=ZERO)
    db.session.add(account)
    db.session.flush()
    return account


def open_account_with_deposit(cooperative_id, member_id, product_id, opened_on, amount,
                              money_account_id, idempotency_key, created_by=None):
    """Open an account and take its opening deposit in the same entry (for a time deposit,
    its whole principal). Returns (account, entry); a retried submission returns the first."""
    amount = check_amount(amount)
    existing = find_by_key(cooperative_id, idempotency_key)
    if existing is not None:
        account_id = next((ln.savings_account_id for ln in existing.lines if ln.savings_account_id), None)
        account = get_account(cooperative_id, account_id) if account_id else None
        if account is None or account.product_id != product_id or account.member_id != member_id:
            raise IdempotencyConflict(_l("This submission key was already used for a different "
                                         "entry (#%(id)s).", id=existing.id))
        return account, replayed_entry(cooperative_id, idempotency_key, DEPOSIT_ENTRY, account.id, amount)
    product = get_product(cooperative_id, product_id)
    if product.kind == POKOK and amount != product.fixed_amount:
        raise DomainError(_l("Simpanan pokok is paid once, %(amount)s in all.",
                             amount=rupiah(product.fixed_amount)))
    if product.kind not in EQUITY_KINDS and amount < product.min_opening:
        raise DomainError(_l("The opening deposit must be at least %(amount)s.",
                             amount=rupiah(product.min_opening)))
    check_open(cooperative_id, opened_on)
    cash = money_account(cooperative_id, money_account_id)
    account = open_account(cooperative_id, member_id, product.id, opened_on)
    memo = f"Pembukaan {product.name} {account.number}"
    entry = post_movements(cooperative_id, opened_on, DEPOSIT_ENTRY, memo,
                           [Movement(account, amount, DEPOSIT)],
                           [Line(cash.id, amount, member_id=member_id)], idempotency_key, created_by)
    return account, entry
