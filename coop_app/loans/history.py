"""What a loan moved before, for the money forms' second thoughts (web.confirmations): its
largest earlier movement (the disbursement, the payments) and the same repayment recorded a
moment ago. Read-only. A loan not yet disbursed has moved no money: its disbursement is
large above the cooperative's threshold alone."""
from sqlalchemy import func, select

from coop_app.cooperatives.clock import utc_now
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import find_by_key
from coop_app.loans.models import ACTIVE, PAID_OFF, WRITTEN_OFF, LoanPayment
from coop_app.loans.repayment import REPAYMENT_ENTRY
from coop_app.money import to_money
from coop_app.web.confirmations import Earlier, History, recent_since


def of_loan(loan, amount, key=None, kind=REPAYMENT_ENTRY):
    """A repayment (or, with the loan's amount, a disbursement) of `amount` on `loan`."""
    if key and find_by_key(loan.cooperative_id, key) is not None:
        return History(replay=True)
    sizes = []
    if loan.disbursement_entry_id and loan.status in (ACTIVE, PAID_OFF, WRITTEN_OFF):
        sizes.append(loan.amount)
    paid = db.session.execute(select(func.max(LoanPayment.amount)).where(
        LoanPayment.cooperative_id == loan.cooperative_id, LoanPayment.loan_id == loan.id,
        LoanPayment.reversed.is_(False))).scalar()
    if paid is not None:
        sizes.append(paid)
    amount = to_money(amount)
    row = db.session.execute(
        select(JournalEntry).join(LoanPayment, LoanPayment.entry_id == JournalEntry.id).where(
            LoanPayment.cooperative_id == loan.cooperative_id, LoanPayment.loan_id == loan.id,
            LoanPayment.reversed.is_(False), LoanPayment.amount == amount,
            JournalEntry.kind == kind, JournalEntry.posted_at >= recent_since(utc_now()))
        .order_by(JournalEntry.posted_at.desc(), JournalEntry.id.desc()).limit(1)).scalars().first()
    recent = None if row is None else Earlier(row.id, amount, row.creator.full_name if row.creator else "",
                                              row.posted_at)
    return History(largest=max((to_money(s) for s in sizes), default=None), recent=recent)
