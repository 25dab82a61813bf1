"""A loan's life up to the money leaving: application, the second person's decision, and the
one disbursement entry. Repayments are in repayment.py; the loan queries in queries.py."""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from coop_app.ledger.posting import IdempotencyConflict, Line, check_open, find_by_key, post_entry
from coop_app.ledger.service import account_balance, account_by_key
from coop_app.members.models import ACTIVE as MEMBER_ACTIVE, Member
from coop_app.money import ZERO, round_money, to_money
from coop_app.savings import movements as savings
from coop_app.savings.models import SUKARELA, WADIAH
from coop_app.loans.models import (ACTIVE, APPLIED, APPROVED, CANCELLED, MONTHLY, MURABAHAH,
                                   PAID_OFF, REJECTED, RECEIVABLE_KEY, WEEKLY, WRITTEN_OFF, Loan,
                                   LoanEvent, LoanInstallment)
from coop_app.loans.products import get_product
from coop_app.loans.terms import (check_enterprise, check_pledge, check_savings_multiple,
                                  murabahah_terms, next_number, nonnegative)
from coop_app.loans.queries import (STATUS_LABELS, Arrears, add_event, arrears,  # noqa: F401
                                    get_loan, has_outstanding_loan, installments, member_loans,
                                    next_due, rupiah)
from coop_app.loans.schedule import build_schedule

DISBURSEMENT_ENTRY = "loan_disbursement"
# The member's savings a loan may be paid out to.
PAYOUT_KINDS = (SUKARELA, WADIAH)
MONEY_SOURCES = ("cash", "bank")


# -- application -----------------------------------------------------------------------------

def apply_loan(cooperative_id, member_id, product_id, amount, term, purpose, applied_on, user_id,
               enterprise_id=None, pledged_account_id=None, pledged_amount=0,
               collateral_description=None, collateral_value=0, cost_price=None,
               down_payment=None, margin=None, goods_description=None, frequency=None,
               idempotency_key=None):
    """A treasurer's application for a member. For murabahah give cost_price (and any
    down_payment): the amount financed is their difference; the margin defaults to the
    product's yearly rate, flat on the amount financed. With an idempotency key, a second
    application under the same key returns the first loan (marked `replayed`)."""
    if idempotency_key:
        existing = _applied_under(cooperative_id, idempotency_key, member_id, product_id)
        if existing is not None:
            return existing
    product = get_product(cooperative_id, product_id, lock=True)  # numbers are per product
    if not product.active:
        raise InvalidField("product_id", _l("This loan product is no longer offered."))
    member = savings.get_member(cooperative_id, member_id)
    if member.status != MEMBER_ACTIVE:
        raise DomainError(_l("Loans are granted only to active members."))
    _check_date(applied_on, member.join_date, _l("The application cannot be dated before the "
                                                 "member joined (%(date)s).", date=member.join_date.isoformat()))
    murabahah = product.method == MURABAHAH
    amount, cost_price, down_payment, margin = murabahah_terms(
        murabahah, amount, cost_price, down_payment, margin, goods_description)
    if not product.min_amount <= amount <= product.max_amount:
        raise InvalidField("amount", _l("%(product)s lends from %(low)s to %(high)s.", product=product.name,
                                        low=rupiah(product.min_amount), high=rupiah(product.max_amount)))
    if isinstance(term, bool) or not isinstance(term, int) or not product.min_term <= term <= product.max_term:
        raise InvalidField("term", _l("The term of %(product)s is %(low)s to %(high)s instalments.",
                                      product=product.name, low=product.min_term, high=product.max_term))
    frequency = frequency or product.frequency
    if frequency not in (MONTHLY, WEEKLY):
        raise InvalidField("frequency", _l("Instalments are monthly or weekly."))
    if frequency == WEEKLY and product.frequency != WEEKLY:
        raise InvalidField("frequency", _l("This product is repaid monthly."))
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 300:
        raise InvalidField("purpose", _l("Describe the purpose of the loan (at most 300 characters)."))
    if enterprise_id is not None:
        check_enterprise(cooperative_id, member.id, enterprise_id)
    check_savings_multiple(product, member, amount)
    pledged_amount = check_pledge(cooperative_id, member.id, pledged_account_id, pledged_amount)
    collateral_description = (collateral_description or "").strip() or None
    collateral_value = nonnegative("collateral_value", collateral_value)
    if collateral_value and not collateral_description:
        raise InvalidField("collateral_description", _l("Describe the collateral."))
    if collateral_description and len(collateral_description) > 300:
        raise InvalidField("collateral_description", _l("The collateral description has at most "
                                                        "300 characters."))
    admin_fee = round_money(product.admin_fee_fixed + amount * product.admin_fee_bp / 10000)
    if admin_fee >= amount:
        raise InvalidField("amount", _l("The amount must be more than the admin fee of %(fee)s.",
                                        fee=rupiah(admin_fee)))
    loan = Loan(cooperative_id=cooperative_id, number=next_number(cooperative_id, product),
                member_id=member.id, product_id=product.id, enterprise_id=enterprise_id,
                purpose=purpose, method=product.method, amount=amount, rate_bp=product.rate_bp,
                term=term, frequency=frequency, grace_periods=product.grace_periods,
                rounding=product.rounding, goods_description=(goods_description or "").strip() or None,
                cost_price=cost_price, down_payment=down_payment, margin=margin, admin_fee=admin_fee,
                pledged_account_id=pledged_account_id if pledged_amount else None,
                pledged_amount=pledged_amount, collateral_description=collateral_description,
                collateral_value=collateral_value, status=APPLIED, applied_on=applied_on,
                applied_by=user_id, principal_outstanding=ZERO, application_key=idempotency_key)
    loan.product = product
    if murabahah and margin is None:
        loan.margin = preview_schedule(loan).total_interest
    else:
        preview_schedule(loan)  # a ScheduleError names the field at fault
    try:
        with db.session.begin_nested():  # a concurrent submit of the same key loses here
            db.session.add(loan)
    except IntegrityError:
        existing = idempotency_key and _applied_under(cooperative_id, idempotency_key, member_id,
                                                      product_id)
        if not existing:
            raise DomainError(_l("Another application was recorded at the same moment; "
                                 "submit this one again.")) from None
        return existing
    add_event(loan, "applied", applied_on, user_id, note=purpose)
    loan.replayed = False
    return loan


def _applied_under(cooperative_id, key, member_id, product_id):
    """The loan applied for under this submission key, or None; refused if the key was used
    for another member's or product's application."""
    loan = db.session.execute(select(Loan).where(Loan.cooperative_id == cooperative_id,
                                                 Loan.application_key == key)).scalar_one_or_none()
    if loan is None:
        return None
    if loan.member_id != member_id or loan.product_id != product_id:
        raise IdempotencyConflict(_l("This submission key was already used for application "
                                     "%(number)s.", number=loan.number))
    loan.replayed = True
    return loan


def preview_schedule(loan, start=None):
    """The loan's schedule if disbursed on `start` (default: its disbursement or application date)."""
    start = start or loan.disbursed_on or loan.applied_on
    if loan.method == MURABAHAH and loan.margin is not None:
        rate, margin = Decimal(0), loan.margin
    else:
        rate, margin = Decimal(loan.rate_bp) / 100, None
    return build_schedule(loan.method, loan.amount, rate, loan.term, start, loan.frequency,
                          loan.grace_periods, Decimal(loan.rounding), margin=margin)


def _check_date(day, earliest, too_early):
    if not isinstance(day, date):
        raise InvalidField("date", _l("Give the date."))
    if day > date.today():
        raise InvalidField("date", _l("The date cannot be in the future."))
    if earliest is not None and day < earliest:
        raise InvalidField("date", too_early)


# -- decision --------------------------------------------------------------------------------

def _decidable(cooperative_id, loan_id, user_id, on):
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if loan.status != APPLIED:
        raise DomainError(_l("Only an application awaiting a decision can be decided; this loan is "
                             "%(status)s.", status=STATUS_LABELS[loan.status]))
    if user_id == loan.applied_by:
        raise DomainError(_l("The officer who entered the application cannot decide on it: another "
                             "manager must (maker-checker)."))
    _check_date(on, loan.applied_on, _l("The decision cannot be dated before the application "
                                        "(%(date)s).", date=loan.applied_on.isoformat()))
    return loan


def _reason(reason, required):
    reason = (reason or "").strip() or None
    if required and not reason:
        raise InvalidField("reason", _l("Give the reason."))
    if reason and len(reason) > 300:
        raise InvalidField("reason", _l("The reason has at most 300 characters."))
    return reason


def approve_loan(cooperative_id, loan_id, user_id, on, reason=None):
    """A second person approves; the pledged savings are blocked from then on."""
    loan = _decidable(cooperative_id, loan_id, user_id, on)
    reason = _reason(reason, False)
    member = db.session.get(Member, loan.member_id)
    if member.status != MEMBER_ACTIVE:
        raise DomainError(_l("Loans are granted only to active members."))
    block_pledge(loan)
    loan.status, loan.decided_on, loan.decided_by, loan.decision_reason = APPROVED, on, user_id, reason
    db.session.flush()
    add_event(loan, "approved", on, user_id, note=reason)
    return loan


def reject_loan(cooperative_id, loan_id, user_id, on, reason):
    loan = _decidable(cooperative_id, loan_id, user_id, on)
    reason = _reason(reason, True)
    loan.status, loan.decided_on, loan.decided_by, loan.decision_reason = REJECTED, on, user_id, reason
    loan.closed_on = on
    db.session.flush()
    add_event(loan, "rejected", on, user_id, note=reason)
    return loan


def cancel_loan(cooperative_id, loan_id, user_id, on, reason):
    """Withdraw an application or an approved loan not yet paid out; the pledge is released."""
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if loan.status not in (APPLIED, APPROVED):
        raise DomainError(_l("Only a loan not yet disbursed can be cancelled; this loan is %(status)s.",
                             status=STATUS_LABELS[loan.status]))
    reason = _reason(reason, True)
    _check_date(on, loan.applied_on, _l("The cancellation cannot be dated before the application "
                                        "(%(date)s).", date=loan.applied_on.isoformat()))
    release_pledge(loan)
    loan.status, loan.closed_on = CANCELLED, on
    db.session.flush()
    add_event(loan, "cancelled", on, user_id, note=reason)
    return loan


def block_pledge(loan):
    if not loan.pledged_amount:
        return
    account = savings.get_account(loan.cooperative_id, loan.pledged_account_id, lock=True)
    free = account.balance - account.pledged
    if account.status != "open" or loan.pledged_amount > free:
        raise DomainError(_l("Only %(free)s of savings account %(number)s is free to pledge now; the "
                             "loan asks for %(amount)s.", free=rupiah(max(free, ZERO)),
                             number=account.number, amount=rupiah(loan.pledged_amount)))
    account.pledged = to_money(account.pledged + loan.pledged_amount)


def release_pledge(loan):
    """Unblock the pledged savings. Call it before the loan leaves approved/active (paid off,
    written off, cancelled): the status says whether the pledge is still held."""
    if not loan.pledged_amount or loan.status not in (APPROVED, ACTIVE):
        return
    account = savings.get_account(loan.cooperative_id, loan.pledged_account_id, lock=True)
    account.pledged = max(ZERO, to_money(account.pledged - loan.pledged_amount))


# -- disbursement ----------------------------------------------------------------------------

def disburse_loan(cooperative_id, loan_id, user_id, on, to="cash", savings_account_id=None,
                  idempotency_key=None, money_account_id=None):
    """Pay an approved loan out, in one entry: the receivable (murabahah: at the sale price,
    the margin deferred), the admin fee to income, and the rest in cash, to the bank or to
    the member's sukarela/wadiah savings. The schedule starts on `on`."""
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if idempotency_key:
        existing = find_by_key(cooperative_id, idempotency_key)
        if existing is not None:
            if existing.id != loan.disbursement_entry_id:
                raise IdempotencyConflict(_l("This submission key was already used for a different "
                                             "entry (#%(id)s).", id=existing.id))
            loan.replayed = True
            return loan
    if loan.status in (ACTIVE, PAID_OFF, WRITTEN_OFF):
        raise DomainError(_l("This loan was already disbursed on %(date)s.",
                             date=loan.disbursed_on.isoformat()))
    if loan.status != APPROVED:
        raise DomainError(_l("Only an approved loan can be disbursed; this loan is %(status)s.",
                             status=STATUS_LABELS[loan.status]))
    _check_date(on, loan.decided_on, _l("The disbursement cannot be dated before the approval "
                                        "(%(date)s).", date=loan.decided_on.isoformat()))
    check_open(cooperative_id, on)
    member = db.session.get(Member, loan.member_id)
    if member.status != MEMBER_ACTIVE:
        raise DomainError(_l("Loans are granted only to active members."))
    schedule = preview_schedule(loan, start=on)
    margin = (loan.margin or ZERO) if loan.method == MURABAHAH else ZERO
    net = to_money(loan.amount - loan.admin_fee)
    tag = dict(member_id=member.id, loan_id=loan.id)
    lines = [Line(account_by_key(cooperative_id, RECEIVABLE_KEY[loan.method]).id, loan.amount + margin,
                  memo=f"Pinjaman {loan.number}", **tag)]
    if margin:
        lines.append(Line(account_by_key(cooperative_id, "deferred_margin").id, -margin,
                          memo=f"Margin ditangguhkan {loan.number}", **tag))
    if loan.admin_fee:
        lines.append(Line(account_by_key(cooperative_id, "fee_income").id, -loan.admin_fee,
                          memo=f"Biaya administrasi {loan.number}", **tag))
    memo = f"Pencairan pinjaman {loan.number} {member.member_number} {member.name}"[:500]
    key = idempotency_key or f"{DISBURSEMENT_ENTRY}:{loan.id}:{_disbursements(loan) + 1}"
    if to == "savings":
        account = _payout_account(loan, savings_account_id)
        savings.check_movement_date(account, on)
        entry = savings.post_movements(
            cooperative_id, on, DISBURSEMENT_ENTRY, memo,
            [savings.Movement(account, net, DISBURSEMENT_ENTRY, memo=f"Pencairan pinjaman {loan.number}")],
            lines, key, created_by=user_id)
    elif to in MONEY_SOURCES:
        cash = money_account(cooperative_id, to, money_account_id)
        db.session.execute(select(GLAccount.id).where(GLAccount.id == cash.id).with_for_update())
        if account_balance(cooperative_id, cash.id) < net:
            raise DomainError(_l("%(account)s does not hold the %(amount)s this disbursement pays out.",
                                 account=cash.name, amount=rupiah(net)))
        lines.append(Line(cash.id, -net, memo=memo[:200], **tag))
        entry = post_entry(cooperative_id, on, DISBURSEMENT_ENTRY, memo, lines, key, created_by=user_id)
    else:
        raise InvalidField("to", _l("Pay the loan out in cash, to the bank or to the member's savings."))
    for row in schedule.installments:
        db.session.add(LoanInstallment(
            cooperative_id=cooperative_id, loan_id=loan.id, version=loan.schedule_version, n=row.n,
            due_date=row.due_date, principal=row.principal, interest=row.interest, total=row.total,
            balance_after=row.balance))
    loan.status, loan.disbursed_on, loan.disbursed_by = ACTIVE, on, user_id
    loan.disbursement_entry_id, loan.principal_outstanding = entry.id, loan.amount
    db.session.flush()
    add_event(loan, "disbursed", on, user_id, entry_id=entry.id,
              detail={"to": to, "net": str(net), "admin_fee": str(loan.admin_fee)})
    loan.replayed = False
    return loan


def money_account(cooperative_id, source, money_account_id=None):
    """The cash or bank GL account: the one chosen, or the cooperative's main one."""
    if money_account_id is not None:
        return savings.money_account(cooperative_id, money_account_id)
    return account_by_key(cooperative_id, source)


def _disbursements(loan):
    return db.session.execute(select(func.count()).select_from(LoanEvent).where(
        LoanEvent.loan_id == loan.id, LoanEvent.kind == "disbursed")).scalar()


def _payout_account(loan, savings_account_id):
    if savings_account_id is None:
        found = [account for kind in PAYOUT_KINDS
                 if (account := savings.account_of_kind(loan.cooperative_id, loan.member_id, kind))]
        if not found:
            raise InvalidField("savings_account_id", _l("The member has no sukarela or wadiah "
                                                        "savings account to receive the loan."))
        savings_account_id = found[0].id
    account = savings.get_account(loan.cooperative_id, savings_account_id, lock=True)
    if account.member_id != loan.member_id or account.status != "open" \
            or account.product.kind not in PAYOUT_KINDS:
        raise InvalidField("savings_account_id", _l("A loan is paid out only to the member's own open "
                                                    "sukarela or wadiah savings."))
    return account
