"""Reading loans: one loan, a member's loans, the schedule, what is overdue, and the history;
and the lists the pages show (the loan list, a loan's payments, events and journal entries,
the products' figures) as selects built from plain arguments, for any face to run, page or
serialise."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, func, or_, select, type_coerce

from coop_app.auth.models import User
from coop_app.errors import NotFound
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.members.models import Member
from coop_app.members.service import search_query
from coop_app.money import ZERO, from_sen
from coop_app.savings.movements import rupiah  # noqa: F401 (amounts in messages, one helper)
from coop_app.loans import methods
from coop_app.loans.methods import DEFERRED_MARGIN_KEY
from coop_app.loans.models import (ACTIVE, APPLIED, APPROVED, CANCELLED, PAID_OFF, REJECTED,
                                   WRITTEN_OFF, Loan, LoanEvent, LoanInstallment, LoanPayment)

STATUS_LABELS = {
    APPLIED: _l("awaiting a decision"), APPROVED: _l("approved"), REJECTED: _l("rejected"),
    ACTIVE: _l("active"), PAID_OFF: _l("paid off"), WRITTEN_OFF: _l("written off"),
    CANCELLED: _l("cancelled"),
}


@dataclass(frozen=True)
class Arrears:
    days_past_due: int
    overdue_installments: int
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty_due: Decimal
    total_overdue: Decimal


def get_loan(cooperative_id, loan_id, lock=False):
    query = select(Loan).where(Loan.cooperative_id == cooperative_id, Loan.id == loan_id)
    if lock:
        # PostgreSQL: hold the loan row (not its joined product) until commit.
        query = query.with_for_update(of=Loan).execution_options(populate_existing=True)
    loan = db.session.execute(query).scalar_one_or_none()
    if loan is None:
        raise NotFound(_l("Loan not found."))
    return loan


def member_loans(cooperative_id, member_id):
    return db.session.execute(select(Loan).where(
        Loan.cooperative_id == cooperative_id, Loan.member_id == member_id)
        .order_by(Loan.applied_on.desc(), Loan.id.desc())).scalars().all()


def installments(loan, include_superseded=False):
    query = select(LoanInstallment).where(LoanInstallment.loan_id == loan.id)
    if not include_superseded:
        query = query.where(LoanInstallment.superseded.is_(False))
    return db.session.execute(query.order_by(LoanInstallment.version, LoanInstallment.n)).scalars().all()


def open_installments(loan, lock=False):
    """The unsettled instalments of the current schedule, oldest due first."""
    query = (select(LoanInstallment)
             .where(LoanInstallment.loan_id == loan.id, LoanInstallment.superseded.is_(False),
                    LoanInstallment.paid_on.is_(None))
             .order_by(LoanInstallment.due_date, LoanInstallment.version, LoanInstallment.n))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalars().all()


def has_outstanding_loan(cooperative_id, member_id):
    """Whether the member has a loan approved or not yet repaid (a member cannot leave then)."""
    return db.session.execute(select(Loan.id).where(
        Loan.cooperative_id == cooperative_id, Loan.member_id == member_id,
        Loan.status.in_((APPROVED, ACTIVE))).limit(1)).first() is not None


def next_due(loan, on=None):
    """The first unsettled instalment, or None."""
    return db.session.execute(
        select(LoanInstallment)
        .where(LoanInstallment.loan_id == loan.id, LoanInstallment.superseded.is_(False),
               LoanInstallment.paid_on.is_(None))
        .order_by(LoanInstallment.due_date, LoanInstallment.n).limit(1)).scalar_one_or_none()


def unpaid_interest(row):
    return row.interest - row.paid_interest - row.waived_interest


def unpaid_principal(row):
    return row.principal - row.paid_principal


def arrears(loan, on):
    """What is overdue on `on`: instalments whose due date has passed, and late charges."""
    if not isinstance(on, date):
        raise TypeError(f"on must be a date, not {on!r}")
    overdue = [row for row in open_installments(loan) if row.due_date < on]
    principal = sum((unpaid_principal(row) for row in overdue), ZERO)
    interest = sum((unpaid_interest(row) for row in overdue), ZERO)
    days = (on - overdue[0].due_date).days if overdue else 0
    return Arrears(days, len(overdue), principal, interest, loan.penalty_due,
                   principal + interest + loan.penalty_due)


def add_event(loan, kind, on, user_id, note=None, entry_id=None, detail=None):
    event = LoanEvent(cooperative_id=loan.cooperative_id, loan_id=loan.id, kind=kind, event_date=on,
                      user_id=user_id, entry_id=entry_id, note=(note or None) and note[:300],
                      detail=detail)
    db.session.add(event)
    db.session.flush()
    return event


def events(loan):
    return db.session.execute(select(LoanEvent).where(LoanEvent.loan_id == loan.id)
                              .order_by(LoanEvent.event_date, LoanEvent.id)).scalars().all()


# -- the pages' lists (selects) --------------------------------------------------------------

# The loan list's instalment filter: active loans with an instalment due in the seven days
# from today on ("week"), or with one left unpaid past its due date ("overdue": in arrears).
DUE_WEEK, DUE_OVERDUE = "week", "overdue"
DUE_FILTERS = (DUE_WEEK, DUE_OVERDUE)
WEEK_DAYS = 7


def due_window(due, today):
    """The (first, last) due dates a `due` filter takes on `today`; None for either end: open."""
    if due == DUE_WEEK:
        return today, today + timedelta(days=WEEK_DAYS - 1)
    if due == DUE_OVERDUE:
        return None, today - timedelta(days=1)
    raise ValueError(due)


def with_due(query, cooperative_id, due, today):
    """Narrow a select of loans to the active ones with an unpaid instalment of the current
    schedule due in `due`'s window on `today`."""
    first, last = due_window(due, today)
    li = LoanInstallment
    installment = select(li.loan_id).where(
        li.cooperative_id == cooperative_id, li.superseded.is_(False), li.paid_on.is_(None),
        li.due_date <= last)
    if first is not None:
        installment = installment.where(li.due_date >= first)
    return query.where(Loan.status == ACTIVE, Loan.id.in_(installment))


def loan_list(cooperative_id, status=None, product_id=None, text=None, due=None, today=None,
              purpose_kind=None):
    """(Loan, Member) rows of a cooperative's loans, newest application first: of a status, of a
    product, of a purpose kind, and of the members a text finds (name, NIK or number) or with
    that loan number;
    with `due` ("week" or "overdue") only the active loans with an instalment due this week or
    in arrears on `today` (the cooperative's date)."""
    query = (select(Loan, Member).join(Member, Member.id == Loan.member_id)
             .where(Loan.cooperative_id == cooperative_id))
    if due:
        query = with_due(query, cooperative_id, due, today)
    if status:
        query = query.where(Loan.status == status)
    if product_id:
        query = query.where(Loan.product_id == product_id)
    if purpose_kind:
        query = query.where(Loan.purpose_kind == purpose_kind)
    text = (text or "").strip()
    if text:
        matching = search_query(cooperative_id, text).with_only_columns(Member.id).order_by(None)
        query = query.where(or_(Loan.member_id.in_(matching), Loan.number == text))
    return query.order_by(Loan.applied_on.desc(), Loan.id.desc())


def loan_history(cooperative_id, loan_id):
    """(LoanEvent, the full name of its user or None) rows of a loan, oldest first."""
    return (select(LoanEvent, User.full_name).outerjoin(User, User.id == LoanEvent.user_id)
            .where(LoanEvent.cooperative_id == cooperative_id, LoanEvent.loan_id == loan_id)
            .order_by(LoanEvent.event_date, LoanEvent.id))


def loan_payments(cooperative_id, loan_id):
    """The LoanPayments of a loan (repayments and recoveries, reversed ones too), oldest first."""
    return (select(LoanPayment).where(LoanPayment.cooperative_id == cooperative_id,
                                      LoanPayment.loan_id == loan_id)
            .order_by(LoanPayment.paid_on, LoanPayment.id))


def loan_entries(cooperative_id, loan_id):
    """The JournalEntries of a loan: those with a line on it and those its history names."""
    on_lines = select(JournalLine.entry_id).where(JournalLine.cooperative_id == cooperative_id,
                                                  JournalLine.loan_id == loan_id)
    in_history = select(LoanEvent.entry_id).where(LoanEvent.loan_id == loan_id,
                                                  LoanEvent.entry_id.is_not(None))
    return (select(JournalEntry).where(JournalEntry.cooperative_id == cooperative_id,
                                       or_(JournalEntry.id.in_(on_lines), JournalEntry.id.in_(in_history)))
            .order_by(JournalEntry.entry_date, JournalEntry.id))


def user_names(user_ids):
    """(id, full name) rows of these users."""
    return select(User.id, User.full_name).where(User.id.in_(set(user_ids)))


def active_by_product(cooperative_id):
    """(product id, number of active loans, their principal outstanding) rows of a cooperative."""
    return (select(Loan.product_id, func.count(), func.coalesce(func.sum(Loan.principal_outstanding), 0))
            .where(Loan.cooperative_id == cooperative_id, Loan.status == ACTIVE)
            .group_by(Loan.product_id))


def deferred_margins(cooperative_id, loans):
    """{loan id: the margin still deferred} of these loans that have one (a murabahah): the
    credit of its lines on the deferred margin account. What the member still owes is the
    receivable at the sale price, its principal_outstanding (net of this margin) plus it."""
    ids = [loan.id for loan in loans if methods.of(loan.method).sale]
    if not ids:
        return {}
    rows = db.session.execute(
        select(JournalLine.loan_id, func.sum(type_coerce(JournalLine.amount, BigInteger)))
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == cooperative_id, JournalLine.loan_id.in_(ids),
               GLAccount.system_key == DEFERRED_MARGIN_KEY)
        .group_by(JournalLine.loan_id)).all()
    return {loan_id: from_sen(-sen) for loan_id, sen in rows if sen}
