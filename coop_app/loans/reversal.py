"""Undoing a loan's entries when a manager reverses them in the ledger: a repayment (only the
loan's latest, undone exactly as it was allocated, with the late charge it charged) or a
disbursement (only before any repayment); create_app puts REVERSAL_HANDLERS into the registry."""
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.money import ZERO, to_money
from coop_app.savings import movements as savings
from coop_app.loans import late_charges
from coop_app.loans.models import (ACTIVE, APPROVED, LANCAR, PAID_OFF, Loan, LoanInstallment,
                                   LoanPayment)
from coop_app.loans.disbursement import DISBURSEMENT_ENTRY, block_pledge
from coop_app.loans.queries import STATUS_LABELS, add_event, get_loan
from coop_app.loans.repayment import REPAYMENT_ENTRY


def reverse_payments_of_entry(original, reversal):
    """Undo every loan payment recorded with `original` (a repayment, or a remittance that paid
    instalments: the remittance's own handler calls this too)."""
    payments = db.session.execute(select(LoanPayment).where(
        LoanPayment.entry_id == original.id, LoanPayment.reversed.is_(False))
        .order_by(LoanPayment.id.desc())).scalars().all()
    for payment in payments:
        _reverse_payment(payment, reversal)
    db.session.flush()
    return payments


def _reverse_payment(payment, reversal):
    loan = get_loan(payment.cooperative_id, payment.loan_id, lock=True)
    latest = db.session.execute(select(func.max(LoanPayment.id)).where(
        LoanPayment.loan_id == loan.id, LoanPayment.reversed.is_(False))).scalar()
    if latest != payment.id:
        raise DomainError(_l("Only the latest payment of loan %(number)s can be reversed; reverse the "
                             "later payments first.", number=loan.number))
    if loan.status not in (ACTIVE, PAID_OFF):
        raise DomainError(_l("Loan %(number)s is %(status)s: its payments can no longer be reversed.",
                             number=loan.number, status=STATUS_LABELS[loan.status]))
    rows = {row.id: row for row in db.session.execute(select(LoanInstallment).where(
        LoanInstallment.loan_id == loan.id).with_for_update()).scalars()}
    allocation = payment.allocation or []
    if isinstance(allocation, str):  # a driver that hands JSON back as text
        allocation = json.loads(allocation)
    for part in allocation:
        row = rows.get(part["installment_id"])
        if row is None or row.superseded:
            raise DomainError(_l("Loan %(number)s was restructured after this payment; it can no "
                                 "longer be reversed.", number=loan.number))
        row.paid_principal = to_money(row.paid_principal - to_money(part["principal"]))
        row.paid_interest = to_money(row.paid_interest - to_money(part["interest"]))
        row.waived_interest = to_money(row.waived_interest - to_money(part.get("waived", "0")))
        row.paid_on = None
    # The late charge it charged comes off again and its days are uncharged once more.
    loan.penalty_due = to_money(loan.penalty_due + payment.penalty - late_charges.undo(payment, rows))
    loan.principal_outstanding = to_money(loan.principal_outstanding + payment.principal)
    payment.reversed = True
    if loan.status == PAID_OFF:
        loan.status, loan.closed_on = ACTIVE, None
        block_pledge(loan)
    add_event(loan, "reversed", reversal.entry_date, reversal.created_by, note=reversal.memo,
              entry_id=reversal.id, detail={"payment_id": payment.id, "amount": str(payment.amount)})


def reverse_repayment(original, reversal):
    # Money paid from savings goes back first, so a pledge re-blocked on that account finds it.
    savings.reverse_savings_entry(original, reversal)
    reverse_payments_of_entry(original, reversal)


def reverse_disbursement(original, reversal):
    """Back to approved (pledge still blocked), the schedule deleted: the loan may be paid out
    again. Refused once anything has happened to the loan since."""
    loan = db.session.execute(select(Loan).where(Loan.disbursement_entry_id == original.id)
                              .with_for_update(of=Loan)).scalar_one_or_none()
    if loan is None:
        raise DomainError(_l("No loan was paid out by this entry."))
    paid = db.session.execute(select(func.count()).select_from(LoanPayment).where(
        LoanPayment.loan_id == loan.id, LoanPayment.reversed.is_(False))).scalar()
    if paid:
        raise DomainError(_l("Loan %(number)s has repayments: reverse them before its disbursement.",
                             number=loan.number))
    if loan.status != ACTIVE or loan.provision != ZERO or loan.schedule_version != 1:
        raise DomainError(_l("Loan %(number)s has been provisioned, restructured or closed since it "
                             "was paid out; its disbursement can no longer be reversed.",
                             number=loan.number))
    savings.reverse_savings_entry(original, reversal)
    db.session.execute(delete(LoanInstallment).where(LoanInstallment.loan_id == loan.id))
    loan.status, loan.disbursed_on, loan.disbursed_by, loan.disbursement_entry_id = APPROVED, None, None, None
    loan.principal_outstanding = loan.penalty_due = ZERO
    loan.days_past_due, loan.quality = 0, LANCAR
    db.session.flush()
    add_event(loan, "reversed", reversal.entry_date, reversal.created_by, note=reversal.memo,
              entry_id=reversal.id, detail={"disbursement_entry_id": original.id})


# Filled into the registry by create_app.
REVERSAL_HANDLERS = {REPAYMENT_ENTRY: reverse_repayment, DISBURSEMENT_ENTRY: reverse_disbursement}
