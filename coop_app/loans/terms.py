"""A loan's terms: checked before a loan is recorded (amounts, a sale's cost price, down
payment and margin, the financed enterprise, the limit by the member's savings, the pledge,
the dates of its steps), its number, and the schedule they give (preview_schedule, which the
application, the disbursement and the pages share)."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.ledger.posting import check_not_future
from coop_app.enterprises.models import Enterprise
from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.service import check_amount
from coop_app.money import ZERO, to_money
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount
from coop_app.loans import methods
from coop_app.loans.models import Loan
from coop_app.loans.queries import rupiah
from coop_app.loans.schedule import build_schedule


def nonnegative(field, value):
    try:
        value = to_money(value or 0)
    except (ValueError, TypeError):
        raise InvalidField(field, _l("Amounts are exact to the sen: at most two decimals.")) from None
    if value < 0:
        raise InvalidField(field, _l("The amount cannot be negative."))
    return value


def field_amount(field, value):
    try:
        return check_amount(value)
    except DomainError as error:
        raise InvalidField(field, error.message) from None


def sale_terms(sale, amount, cost_price, down_payment, margin, goods):
    """(amount financed, cost price, down payment, margin) of an application; only a sale
    (murabahah) has the last three, and its amount is the cost price less the down payment."""
    if not sale:
        if cost_price is not None or down_payment is not None or margin is not None:
            raise InvalidField("cost_price", _l("Only murabahah financing has a cost price, down "
                                                "payment and margin."))
        return field_amount("amount", amount), None, None, None
    if not (goods or "").strip() or len(goods.strip()) > 300:
        raise InvalidField("goods_description", _l("Describe the goods the cooperative buys for the "
                                                   "member (at most 300 characters)."))
    if cost_price is not None:
        cost_price = field_amount("cost_price", cost_price)
        down_payment = nonnegative("down_payment", down_payment)
        if down_payment >= cost_price:
            raise InvalidField("down_payment", _l("The down payment must be less than the cost price."))
        financed = cost_price - down_payment
        if amount is not None and to_money(amount) != financed:
            raise InvalidField("amount", _l("The amount financed is the cost price less the down "
                                            "payment: %(amount)s.", amount=rupiah(financed)))
        amount = financed
    elif down_payment:
        raise InvalidField("cost_price", _l("Give the cost price with the down payment."))
    if margin is not None:
        margin = nonnegative("margin", margin)
    return field_amount("amount", amount), cost_price, down_payment, margin


def check_enterprise(cooperative_id, member_id, enterprise_id):
    enterprise = db.session.execute(select(Enterprise).where(
        Enterprise.cooperative_id == cooperative_id, Enterprise.id == enterprise_id)).scalar_one_or_none()
    if enterprise is None or enterprise.member_id != member_id:
        raise InvalidField("enterprise_id", _l("The loan can finance only an enterprise of this member."))
    if not enterprise.active:
        raise InvalidField("enterprise_id", _l("This enterprise is no longer active."))


def member_savings_total(cooperative_id, member_id):
    return to_money(db.session.execute(select(func.coalesce(func.sum(SavingsAccount.balance), 0)).where(
        SavingsAccount.cooperative_id == cooperative_id, SavingsAccount.member_id == member_id,
        SavingsAccount.status == "open")).scalar() or 0)


def check_savings_multiple(product, member, amount):
    if product.max_savings_multiple is None:
        return
    held = member_savings_total(member.cooperative_id, member.id)
    limit = held * product.max_savings_multiple
    if amount > limit:
        raise InvalidField("amount", _l("With savings of %(savings)s this member can borrow at most "
                                        "%(limit)s (%(times)s times their savings).",
                                        savings=rupiah(held), limit=rupiah(limit),
                                        times=product.max_savings_multiple))


def check_pledge(cooperative_id, member_id, account_id, amount):
    amount = nonnegative("pledged_amount", amount)
    if not amount:
        return ZERO
    if account_id is None:
        raise InvalidField("pledged_account_id", _l("Choose the savings account pledged."))
    account = savings.get_account(cooperative_id, account_id)
    if account.member_id != member_id or account.status != "open":
        raise InvalidField("pledged_account_id", _l("Only an open savings account of the member can "
                                                    "be pledged."))
    free = account.balance - account.pledged
    if amount > free:
        raise InvalidField("pledged_amount", _l("Only %(free)s of savings account %(number)s is free "
                                                "to pledge.", free=rupiah(max(free, ZERO)),
                                                number=account.number))
    return amount


def next_number(cooperative_id, product):
    count = db.session.execute(select(func.count()).select_from(Loan).where(
        Loan.cooperative_id == cooperative_id, Loan.product_id == product.id)).scalar()
    return f"{product.code}-{count + 1:06d}"


def check_date(cooperative_id, day, earliest, too_early):
    """A step's date: given, not after the cooperative's today, and not before `earliest`
    (then `too_early`)."""
    check_not_future(cooperative_id, day)
    if earliest is not None and day < earliest:
        raise InvalidField("date", too_early)


def preview_schedule(loan, start=None):
    """The loan's schedule if disbursed on `start` (default: its disbursement or application date)."""
    start = start or loan.disbursed_on or loan.applied_on
    method = methods.of(loan.method)
    if method.sale and loan.margin is not None:
        rate, margin = Decimal(0), loan.margin
    else:
        rate, margin = Decimal(loan.rate_bp) / 100, None
    return build_schedule(method.schedule_rule, loan.amount, rate, loan.term, start, loan.frequency,
                          loan.grace_periods, Decimal(loan.rounding), margin=margin)
