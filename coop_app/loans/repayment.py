"""Repayments: what is due, what paying off costs, and taking a payment in one entry, allocated
late charges -> interest or margin -> principal, instalment by instalment, oldest due first.
A payment first charges the days late up to its date that no month-end charged yet
(late_charges.py). Interest, margin and late charges are income when paid (cash basis; ta'zir
goes to the social fund). The reversal of a payment or of a disbursement is in reversal.py."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.posting import (IdempotencyConflict, Line, check_not_future, check_open, find_by_key,
                                     post_entry)
from coop_app.ledger.service import account_by_key, check_amount
from coop_app.members.models import Member
from coop_app.money import ZERO, to_money
from coop_app.savings import movements as savings
from coop_app.savings.models import MUDHARABAH as SAVINGS_MUDHARABAH, SUKARELA, WADIAH
from coop_app.loans import late_charges, methods, words
from coop_app.loans.disbursement import MONEY_SOURCES, money_account, release_pledge
from coop_app.loans.models import ACTIVE, EARLY_CURRENT, PAID_OFF, WRITTEN_OFF, Loan, LoanPayment
from coop_app.loans.queries import (add_event, get_loan, open_installments, rupiah, unpaid_interest,
                                    unpaid_principal)

REPAYMENT_ENTRY = "loan_repayment"
SAVINGS_SOURCE, REMITTANCE_SOURCE = "savings", "remittance"
# The member's savings a loan may be paid from.
PAYING_KINDS = (SUKARELA, WADIAH, SAVINGS_MUDHARABAH)


@dataclass(frozen=True)
class Due:
    penalty: Decimal  # late charges due: those charged before and `late_charge`
    interest: Decimal
    principal: Decimal
    total: Decimal
    late_charge: Decimal = ZERO  # charged on the date for the days late not charged yet


@dataclass(frozen=True)
class Quote:
    penalty: Decimal
    interest: Decimal
    principal: Decimal
    waived_interest: Decimal
    total: Decimal
    late_charge: Decimal = ZERO  # of `penalty`: charged on the date for the days late not charged yet


@dataclass
class Allocation:
    """How one payment settles a loan: rows are (instalment, principal, interest, waived);
    `charge` is the late charge for the days late up to the payment's date, owed with the
    loan's earlier late charges and paid first (`penalty`)."""
    loan: Loan
    penalty: Decimal = ZERO
    rows: list = field(default_factory=list)
    payoff: bool = False  # the whole debt by the product's early repayment rule
    charge: late_charges.Charge = late_charges.NO_CHARGE

    @property
    def interest(self):
        return sum((r[2] for r in self.rows), ZERO)

    @property
    def principal(self):
        return sum((r[1] for r in self.rows), ZERO)

    @property
    def waived(self):
        return sum((r[3] for r in self.rows), ZERO)

    @property
    def total(self):
        return self.penalty + self.interest + self.principal


# -- what is owed ----------------------------------------------------------------------------

def amount_due(loan, on):
    """Late charges (with those for the days late up to `on`) plus everything of the
    instalments falling due up to `on` still unpaid."""
    rows = open_installments(loan)
    charge = late_charges.charge_at(loan, rows, on).amount
    rows = [row for row in rows if row.due_date <= on]
    interest = sum((unpaid_interest(row) for row in rows), ZERO)
    principal = sum((unpaid_principal(row) for row in rows), ZERO)
    penalty = loan.penalty_due + charge
    return Due(penalty, interest, principal, penalty + interest + principal, charge)


def _payoff(loan, on, rows):
    """Settle everything on `on`. Under the current-period rule the interest or margin of the
    instalments after the one running on `on` is waived (for murabahah a muqasah discount)."""
    charge = late_charges.charge_at(loan, rows, on)
    allocation = Allocation(loan, loan.penalty_due + charge.amount, payoff=True, charge=charge)
    current_seen = False
    for row in rows:
        waive = ZERO
        if row.due_date >= on:
            if current_seen and loan.product.early_repayment_rule == EARLY_CURRENT:
                waive = unpaid_interest(row)
            current_seen = True
        allocation.rows.append((row, unpaid_principal(row), unpaid_interest(row) - waive, waive))
    return allocation


def payoff_quote(loan, on):
    """What paying the loan off on `on` costs, by the product's early repayment rule."""
    a = _payoff(loan, on, open_installments(loan))
    return Quote(a.penalty, a.interest, a.principal, a.waived, a.total, a.charge.amount)


def _in_order(loan, amount, rows, charge):
    """Allocate `amount` (at most the whole debt): late charges first (with `charge`, those
    for the days late up to the payment), then each instalment's interest and principal,
    oldest first; what is left pays the next instalments in advance."""
    left = amount
    allocation = Allocation(loan, min(left, loan.penalty_due + charge.amount), charge=charge)
    left -= allocation.penalty
    for row in rows:
        if not left:
            break
        interest = min(left, unpaid_interest(row))
        principal = min(left - interest, unpaid_principal(row))
        left -= interest + principal
        if interest or principal:
            allocation.rows.append((row, principal, interest, ZERO))
    if left:
        raise ValueError(f"{left} left over after allocating to loan {loan.id}")
    return allocation


def allocate(loan, amount, on, lock=False):
    """The allocation of `amount` paid on `on`; the whole payoff when it reaches the quote.
    Refuses an amount above the payoff, naming the most the loan can take."""
    rows = open_installments(loan, lock=lock)
    payoff = _payoff(loan, on, rows)
    if amount > payoff.total:
        raise InvalidField("amount", _l("%(amount)s is more than loan %(number)s owes: at most "
                                        "%(maximum)s pays it off on %(date)s.", amount=rupiah(amount),
                                        number=loan.number, maximum=rupiah(payoff.total),
                                        date=on.isoformat()))
    return payoff if amount == payoff.total else _in_order(loan, amount, rows, payoff.charge)


# -- journal lines ---------------------------------------------------------------------------

def credit_lines(allocation):
    """The lines a payment settles (everything but where the money comes from)."""
    loan = allocation.loan
    coop = loan.cooperative_id
    tag = dict(member_id=loan.member_id, loan_id=loan.id)
    lines = []

    def line(key, amount, memo):
        if amount:
            lines.append(Line(account_by_key(coop, key).id, amount, memo=memo, **tag))

    method = methods.of(loan.method)
    line(method.late_charge_key, -allocation.penalty, f"Ta'zir {loan.number} (dana sosial)"
         if method.sharia else f"Denda {loan.number}")
    if method.sale:
        # The receivable holds the sale price: it is credited with the margin too, and the
        # margin moves from deferred to earned. A muqasah discount clears it unearned.
        earned, waived = allocation.interest, allocation.waived
        line(method.receivable_key, -(allocation.principal + earned + waived), f"Angsuran {loan.number}")
        line(methods.DEFERRED_MARGIN_KEY, earned + waived, f"Margin {loan.number}")
        line(method.income_key, -earned, f"Margin {loan.number}")
    else:
        if method.income_key:
            line(method.income_key, -allocation.interest, f"Jasa {loan.number}")
        line(method.receivable_key, -allocation.principal, f"Angsuran pokok {loan.number}")
    return lines


# -- taking a payment ------------------------------------------------------------------------

def record_allocation(allocation, on, entry, source, user_id=None, savings_account_id=None,
                      remittance_id=None, kind=None):
    """Apply an allocation posted in `entry` to the instalments and the loan, and record the
    payment; the loan is paid off when nothing is left."""
    loan = allocation.loan
    charge = allocation.charge
    late_charges.mark_charged(charge)
    for row, principal, interest, waived in allocation.rows:
        row.paid_principal = to_money(row.paid_principal + principal)
        row.paid_interest = to_money(row.paid_interest + interest)
        row.waived_interest = to_money(row.waived_interest + waived)
        if row.paid_principal == row.principal and unpaid_interest(row) == 0:
            row.paid_on = on
    loan.penalty_due = to_money(loan.penalty_due + charge.amount - allocation.penalty)
    loan.principal_outstanding = to_money(loan.principal_outstanding - allocation.principal)
    db.session.flush()
    settles = loan.principal_outstanding == 0 and not open_installments(loan)
    # a payoff settles instalments before they fall due; paying the last one is a repayment
    early = allocation.payoff and any(row.due_date > on for row, *_ in allocation.rows)
    payment = LoanPayment(
        cooperative_id=loan.cooperative_id, loan_id=loan.id, paid_on=on, source=source,
        kind=kind or ("payoff" if early else "repayment"),
        amount=allocation.total, penalty=allocation.penalty, interest=allocation.interest,
        principal=allocation.principal, waived_interest=allocation.waived,
        allocation=[{"installment_id": row.id, "n": row.n, "principal": str(p), "interest": str(i),
                     "waived": str(w)} for row, p, i, w in allocation.rows],
        late_charge=charge.amount, late_charged=charge.as_json(), entry_id=entry.id, remittance_id=remittance_id, savings_account_id=savings_account_id,
        created_by=user_id)
    db.session.add(payment)
    db.session.flush()
    add_event(loan, "repayment", on, user_id, entry_id=entry.id,
              detail={"payment_id": payment.id, "amount": str(payment.amount),
                      "late_charge": str(payment.late_charge),
                      "penalty": str(payment.penalty), "interest": str(payment.interest),
                      "principal": str(payment.principal), "waived": str(payment.waived_interest)})
    if settles:
        release_pledge(loan)
        loan.status, loan.closed_on = PAID_OFF, on
        db.session.flush()
        add_event(loan, "paid_off", on, user_id, entry_id=entry.id)
    payment.replayed = False
    return payment


def repay_loan(cooperative_id, loan_id, amount, on, user_id, source="cash", savings_account_id=None,
               idempotency_key=None, money_account_id=None):
    """Take a repayment in cash, to the bank, or from the member's savings (a savings movement in
    the same entry). Paying exactly the payoff quote pays the loan off."""
    amount = check_amount(amount)
    loan = get_loan(cooperative_id, loan_id, lock=True)
    replayed = _replayed(loan, idempotency_key, amount)
    if replayed is not None:
        return replayed
    _check_payable(loan, on)
    allocation = allocate(loan, amount, on, lock=True)
    return _take(loan, allocation, on, user_id, source, savings_account_id, idempotency_key,
                 money_account_id)


def pay_off_loan(cooperative_id, loan_id, on, user_id, source="cash", savings_account_id=None,
                 idempotency_key=None, money_account_id=None):
    """Settle the whole loan at its payoff quote (interest waived by the product's rule)."""
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if idempotency_key and find_by_key(cooperative_id, idempotency_key) is not None:
        return _replayed(loan, idempotency_key, None)
    _check_payable(loan, on)
    allocation = _payoff(loan, on, open_installments(loan, lock=True))
    return _take(loan, allocation, on, user_id, source, savings_account_id, idempotency_key,
                 money_account_id)


def _check_payable(loan, on):
    if loan.status == PAID_OFF:
        raise DomainError(_l("Loan %(number)s is paid off: nothing is owed.", number=loan.number))
    if loan.status == WRITTEN_OFF:
        raise DomainError(_l("Loan %(number)s was written off: record money received as a recovery.",
                             number=loan.number))
    if loan.status != ACTIVE:
        raise DomainError(_l("Loan %(number)s has not been disbursed.", number=loan.number))
    if not isinstance(on, date):
        raise InvalidField("date", _l("Give the date."))
    check_not_future(loan.cooperative_id, on)
    last = db.session.execute(select(func.max(LoanPayment.paid_on)).where(
        LoanPayment.loan_id == loan.id, LoanPayment.reversed.is_(False))).scalar()
    earliest = max(d for d in (loan.disbursed_on, last) if d)
    if on < earliest:
        raise InvalidField("date", _l("A payment cannot be dated before %(date)s (the disbursement or "
                                      "the loan's last payment).", date=earliest.isoformat()))
    check_open(loan.cooperative_id, on)


def _replayed(loan, idempotency_key, amount):
    """The payment a retried submission already recorded, or None for a fresh key."""
    existing = find_by_key(loan.cooperative_id, idempotency_key) if idempotency_key else None
    if existing is None:
        return None
    payment = db.session.execute(select(LoanPayment).where(
        LoanPayment.entry_id == existing.id, LoanPayment.loan_id == loan.id)).scalar_one_or_none()
    if payment is None or (amount is not None and payment.amount != amount):
        raise IdempotencyConflict(_l("This submission key was already used for a different entry "
                                     "(#%(id)s).", id=existing.id))
    payment.replayed = True
    return payment


def _take(loan, allocation, on, user_id, source, savings_account_id, idempotency_key, money_account_id):
    member = db.session.get(Member, loan.member_id)
    noun = words.noun_id(methods.of(loan.method).sharia)  # pembiayaan at a KSPPS/BMT
    memo = f"Angsuran {noun} {loan.number} {member.member_number} {member.name}"[:500]
    key = idempotency_key or f"{REPAYMENT_ENTRY}:{loan.id}:{_payments(loan) + 1}"
    lines = credit_lines(allocation)
    amount = allocation.total
    if source == SAVINGS_SOURCE:
        account = _paying_account(loan, savings_account_id, amount, on, allocation)
        entry = savings.post_movements(
            loan.cooperative_id, on, REPAYMENT_ENTRY, memo,
            [savings.Movement(account, -amount, REPAYMENT_ENTRY, memo=f"Angsuran {noun} {loan.number}")],
            lines, key, created_by=user_id)
        savings_account_id = account.id
    elif source in MONEY_SOURCES:
        cash = money_account(loan.cooperative_id, source, money_account_id)
        entry = post_entry(loan.cooperative_id, on, REPAYMENT_ENTRY, memo,
                           [Line(cash.id, amount, memo=memo[:200], member_id=member.id, loan_id=loan.id)]
                           + lines, key, created_by=user_id)
        savings_account_id = None
    else:
        raise InvalidField("source", _l("Take the payment in cash, to the bank or from the member's "
                                        "savings."))
    return record_allocation(allocation, on, entry, source, user_id, savings_account_id)


def _payments(loan):
    return db.session.execute(select(func.count()).select_from(LoanPayment).where(
        LoanPayment.loan_id == loan.id)).scalar()


def _paying_account(loan, savings_account_id, amount, on, allocation):
    if savings_account_id is None:
        raise InvalidField("savings_account_id", _l("Choose the savings account to pay from."))
    account = savings.get_account(loan.cooperative_id, savings_account_id, lock=True)
    if account.member_id != loan.member_id or account.status != "open" \
            or account.product.kind not in PAYING_KINDS:
        raise InvalidField("savings_account_id", _l("A loan is paid only from the member's own open "
                                                    "sukarela, wadiah or mudharabah savings."))
    savings.check_movement_date(account, on)
    pledged = account.pledged
    if account.id == loan.pledged_account_id and allocation.principal == loan.principal_outstanding:
        pledged -= loan.pledged_amount  # the payment ends the loan, and with it this pledge
    free = max(ZERO, account.balance - max(pledged, ZERO) - account.product.min_balance)
    if amount > free:
        raise InvalidField("amount", _l("Only %(free)s can be taken from savings account %(number)s "
                                        "(the balance less pledged amounts and the minimum balance).",
                                        free=rupiah(free), number=account.number))
    return account


# -- remittances -----------------------------------------------------------------------------

def instalment_lines(cooperative_id, member_id, available, on):
    """For a remittance's allocation: pay what is due up to `on` on the member's active loans,
    oldest loan first, up to `available`. Returns (lines, apply, amount): the credit lines to
    post with the remittance, their total, and apply(entry, remittance_id=None) to call once
    the entry is posted (it records the payments; it does nothing for a replayed entry)."""
    left = to_money(available)
    allocations = []
    loan_ids = db.session.execute(select(Loan.id).where(
        Loan.cooperative_id == cooperative_id, Loan.member_id == member_id, Loan.status == ACTIVE)
        .order_by(Loan.disbursed_on, Loan.id)).scalars().all()
    for loan_id in loan_ids:
        if left <= 0:
            break
        loan = get_loan(cooperative_id, loan_id, lock=True)
        pay = min(left, amount_due(loan, on).total)
        if pay > 0:
            allocations.append(allocate(loan, pay, on, lock=True))
            left -= pay
    lines = [line for allocation in allocations for line in credit_lines(allocation)]
    amount = sum((a.total for a in allocations), ZERO)

    def apply(entry, remittance_id=None):
        if getattr(entry, "replayed", False):
            return []
        return [record_allocation(a, on, entry, REMITTANCE_SOURCE, entry.created_by,
                                  remittance_id=remittance_id) for a in allocations]

    return lines, apply, amount
