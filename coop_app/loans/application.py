"""A loan's life up to the money leaving: the application and the second person's decision
(approve or reject), or its cancellation. The disbursement and the pledge of savings are in
disbursement.py, repayments in repayment.py, the schedule a loan's terms give in terms.py and
the loan queries in queries.py."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict
from coop_app.members.models import ACTIVE as MEMBER_ACTIVE, Member
from coop_app.money import ZERO, round_money
from coop_app.savings import movements as savings
from coop_app.loans import methods
from coop_app.loans.disbursement import block_pledge, release_pledge
from coop_app.loans.models import (APPLIED, APPROVED, CANCELLED, MONTHLY, OTHER_PURPOSE, PURPOSE_KINDS,
                                   REJECTED, WEEKLY, Loan)
from coop_app.loans.products import get_product
from coop_app.loans.queries import STATUS_LABELS, add_event, get_loan, rupiah
from coop_app.loans.terms import (check_date, check_enterprise, check_pledge, check_savings_multiple,
                                  next_number, nonnegative, preview_schedule, sale_terms)


# -- application -----------------------------------------------------------------------------

@dataclass
class ApplicationData:
    """What a treasurer fills in for a member's application. For a sale (murabahah) give the
    goods and their cost_price (and any down_payment): the amount financed is their difference
    (amount may be None); the margin defaults to the product's yearly rate, flat on the amount
    financed. The frequency defaults to the product's."""
    member_id: int
    product_id: int
    amount: Decimal | None
    term: int
    purpose: str
    applied_on: date
    enterprise_id: int | None = None
    pledged_account_id: int | None = None
    pledged_amount: Decimal = ZERO
    collateral_description: str | None = None
    collateral_value: Decimal = ZERO
    cost_price: Decimal | None = None
    down_payment: Decimal | None = None
    margin: Decimal | None = None
    goods_description: str | None = None
    frequency: str | None = None
    # The household's monthly income as the member states it (kept on the application's
    # event: the approval page weighs the instalment against it).
    stated_income: Decimal | None = None
    # What the money is for (models.PURPOSE_KINDS). The form always asks; callers that do not
    # say (imports, scripts) record "other", as the column's default does.
    purpose_kind: str = OTHER_PURPOSE


def apply_loan(cooperative_id, data: ApplicationData, user_id, idempotency_key=None):
    """A treasurer's application for a member (InvalidField names the ApplicationData field at
    fault). With an idempotency key, a second application under the same key returns the
    first loan (marked `replayed`)."""
    member_id, product_id = data.member_id, data.product_id
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
    check_date(cooperative_id, data.applied_on, member.join_date, _l("The application cannot be dated before the "
                                                     "member joined (%(date)s).",
                                                     date=member.join_date.isoformat()))
    sale = methods.of(product.method).sale
    amount, cost_price, down_payment, margin = sale_terms(
        sale, data.amount, data.cost_price, data.down_payment, data.margin, data.goods_description)
    if not product.min_amount <= amount <= product.max_amount:
        raise InvalidField("amount", _l("%(product)s lends from %(low)s to %(high)s.", product=product.name,
                                        low=rupiah(product.min_amount), high=rupiah(product.max_amount)))
    term = data.term
    if isinstance(term, bool) or not isinstance(term, int) or not product.min_term <= term <= product.max_term:
        raise InvalidField("term", _l("The term of %(product)s is %(low)s to %(high)s instalments.",
                                      product=product.name, low=product.min_term, high=product.max_term))
    frequency = data.frequency or product.frequency
    if frequency not in (MONTHLY, WEEKLY):
        raise InvalidField("frequency", _l("Instalments are monthly or weekly."))
    if frequency == WEEKLY and product.frequency != WEEKLY:
        raise InvalidField("frequency", _l("This product is repaid monthly."))
    purpose = (data.purpose or "").strip()
    if not purpose or len(purpose) > 300:
        raise InvalidField("purpose", _l("Describe the purpose of the loan (at most 300 characters)."))
    if data.purpose_kind not in PURPOSE_KINDS:
        raise InvalidField("purpose_kind", _l("Choose the kind of purpose: working capital, investment, "
                                              "consumption, education or other."))
    if data.enterprise_id is not None:
        check_enterprise(cooperative_id, member.id, data.enterprise_id)
    check_savings_multiple(product, member, amount)
    pledged_amount = check_pledge(cooperative_id, member.id, data.pledged_account_id, data.pledged_amount)
    collateral_description = (data.collateral_description or "").strip() or None
    collateral_value = nonnegative("collateral_value", data.collateral_value)
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
                member_id=member.id, product_id=product.id, enterprise_id=data.enterprise_id,
                purpose=purpose, purpose_kind=data.purpose_kind, method=product.method, amount=amount,
                rate_bp=product.rate_bp, term=term, frequency=frequency, grace_periods=product.grace_periods,
                rounding=product.rounding,
                goods_description=(data.goods_description or "").strip() or None,
                cost_price=cost_price, down_payment=down_payment, margin=margin, admin_fee=admin_fee,
                pledged_account_id=data.pledged_account_id if pledged_amount else None,
                pledged_amount=pledged_amount, collateral_description=collateral_description,
                collateral_value=collateral_value, status=APPLIED, applied_on=data.applied_on,
                applied_by=user_id, principal_outstanding=ZERO, application_key=idempotency_key)
    loan.product = product
    if sale and margin is None:
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
    add_event(loan, "applied", data.applied_on, user_id, note=purpose,
              detail={"stated_income": str(data.stated_income)} if data.stated_income else None)
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


# -- decision --------------------------------------------------------------------------------

def _decidable(cooperative_id, loan_id, user_id, on):
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if loan.status != APPLIED:
        raise DomainError(_l("Only an application awaiting a decision can be decided; this loan is "
                             "%(status)s.", status=STATUS_LABELS[loan.status]))
    if user_id == loan.applied_by:
        raise DomainError(_l("The officer who entered the application cannot decide on it: another "
                             "manager must (maker-checker)."))
    check_date(cooperative_id, on, loan.applied_on, _l("The decision cannot be dated before the application "
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
    check_date(cooperative_id, on, loan.applied_on, _l("The cancellation cannot be dated before the application "
                                       "(%(date)s).", date=loan.applied_on.isoformat()))
    release_pledge(loan)
    loan.status, loan.closed_on = CANCELLED, on
    db.session.flush()
    add_event(loan, "cancelled", on, user_id, note=reason)
    return loan


