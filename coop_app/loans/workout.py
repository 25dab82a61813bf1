"""Loans in difficulty: restructuring (a new schedule for what is left, the old one kept as
history), write-off against the allowance, and recoveries after write-off.

Cash basis: interest not yet paid was never income, so a restructuring that drops the unpaid
interest of the superseded instalments needs no entry (the amount is recorded on the event);
a murabahah keeps its unpaid margin, spread over the new term, since a sale price cannot
grow. A written-off loan leaves the balance sheet; what is recovered later is income.
"""
import uuid
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, func, select, type_coerce, update

from coop_app.auth.models import MANAGER, RoleGrant
from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.models import JournalLine
from coop_app.ledger.posting import Line, check_not_future, check_open, find_by_key, post_entry
from coop_app.ledger.service import account_by_key, check_amount
from coop_app.money import ZERO, from_sen, to_money
from coop_app.loans import methods
from coop_app.loans.disbursement import money_account, release_pledge
from coop_app.loans.models import ACTIVE, LANCAR, WRITTEN_OFF, LoanInstallment, LoanPayment
from coop_app.loans.queries import STATUS_LABELS, add_event, get_loan, rupiah
from coop_app.loans.schedule import build_schedule

WRITE_OFF_ENTRY = "loan_write_off"
RECOVERY_ENTRY = "loan_recovery"
RECOVERY = "recovery"


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", _l("Give the reason."))
    if len(reason) > 300:
        raise InvalidField("reason", _l("The reason has at most 300 characters."))
    return reason


def _active(cooperative_id, loan_id, on):
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if loan.status != ACTIVE:
        raise DomainError(_l("Only an active loan can be restructured or written off; this loan is "
                             "%(status)s.", status=STATUS_LABELS[loan.status]))
    check_not_future(cooperative_id, on)
    if on < loan.disbursed_on:
        raise InvalidField("date", _l("The date cannot be before the disbursement (%(date)s).",
                                      date=loan.disbursed_on.isoformat()))
    return loan


# -- restructuring ---------------------------------------------------------------------------

def _open_rows(loan, superseded=False):
    return (LoanInstallment.loan_id == loan.id, LoanInstallment.superseded.is_(superseded),
            LoanInstallment.paid_on.is_(None))


def _unpaid_charge(loan, due_by=None, superseded=False):
    """Interest or margin not yet paid on the loan's open instalments (those due by `due_by`)."""
    sen = lambda column: type_coerce(column, BigInteger)  # noqa: E731
    query = select(func.coalesce(func.sum(sen(LoanInstallment.interest) - sen(LoanInstallment.paid_interest)
                                          - sen(LoanInstallment.waived_interest)), 0))
    query = query.where(*_open_rows(loan, superseded))
    if due_by is not None:
        query = query.where(LoanInstallment.due_date <= due_by)
    if superseded:
        query = query.where(LoanInstallment.version == loan.schedule_version - 1)
    return from_sen(db.session.execute(query).scalar())


def restructure_loan(cooperative_id, loan_id, user_id, on, term, rate_bp=None, grace=0, reason=None):
    """Replace the unpaid instalments with a new schedule (version + 1) for the principal
    still owed, starting on `on`. The old rows stay, marked superseded."""
    loan = _active(cooperative_id, loan_id, on)
    reason = _reason(reason)
    if isinstance(term, bool) or not isinstance(term, int) or term < 1:
        raise InvalidField("term", _l("Give the new number of instalments."))
    if loan.principal_outstanding <= 0:
        raise DomainError(_l("Nothing is left to restructure on this loan."))
    margin = None
    method = methods.of(loan.method)
    if method.sale:
        if rate_bp is not None and rate_bp != loan.rate_bp:
            raise InvalidField("rate_bp", _l("A murabahah sale price cannot change: the unpaid margin "
                                             "is spread over the new term."))
        rate_bp, margin = loan.rate_bp, _unpaid_charge(loan)
        rate = Decimal(0)
    else:
        rate_bp = loan.rate_bp if rate_bp is None else rate_bp
        if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or rate_bp < 0:
            raise InvalidField("rate_bp", _l("Give the new yearly rate."))
        rate = Decimal(rate_bp) / 100
    schedule = build_schedule(method.schedule_rule, loan.principal_outstanding, rate, term, on,
                              loan.frequency, grace, Decimal(loan.rounding), margin=margin)
    old = {"version": loan.schedule_version, "term": loan.term, "rate_bp": loan.rate_bp,
           "grace": loan.grace_periods}
    db.session.execute(update(LoanInstallment).where(*_open_rows(loan)).values(superseded=True)
                       .execution_options(synchronize_session=False))
    loan.schedule_version += 1
    for row in schedule.installments:
        db.session.add(LoanInstallment(
            cooperative_id=cooperative_id, loan_id=loan.id, version=loan.schedule_version, n=row.n,
            due_date=row.due_date, principal=row.principal, interest=row.interest, total=row.total,
            balance_after=row.balance))
    loan.term, loan.rate_bp, loan.grace_periods = term, rate_bp, grace
    # The class recorded now is held until the new instalments are paid on time (month-end).
    loan.restructured_class = loan.quality if loan.quality != LANCAR else None
    db.session.flush()
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, LoanInstallment) and obj.loan_id == loan.id:
            db.session.expire(obj, ["superseded"])
    add_event(loan, "restructured", on, user_id, note=reason, detail={
        "old": old, "new": {"version": loan.schedule_version, "term": term, "rate_bp": rate_bp,
                            "grace": grace},
        "principal": str(loan.principal_outstanding), "class_held": loan.restructured_class,
        "interest_dropped": str(ZERO if margin is not None else _unpaid_charge(loan, due_by=on,
                                                                               superseded=True))})
    return loan


# -- write-off -------------------------------------------------------------------------------

def _require_manager(cooperative_id, user_id):
    grant = db.session.execute(select(RoleGrant.id).where(
        RoleGrant.user_id == user_id, RoleGrant.role == MANAGER,
        RoleGrant.cooperative_id == cooperative_id)).first()
    if grant is None:
        raise DomainError(_l("Only a manager of the cooperative can write a loan off."))


def _loan_balance(loan, key):
    """The loan's own lines on one GL account (signed, debit positive)."""
    account_id = account_by_key(loan.cooperative_id, key).id
    sen = db.session.execute(select(func.coalesce(func.sum(type_coerce(JournalLine.amount, BigInteger)), 0))
                             .where(JournalLine.cooperative_id == loan.cooperative_id,
                                    JournalLine.loan_id == loan.id,
                                    JournalLine.account_id == account_id)).scalar()
    return account_id, from_sen(sen)


def write_off_loan(cooperative_id, loan_id, user_id, on, reason):
    """Take a loan off the balance sheet (hapus buku): the allowance held for it covers what
    it can, provision expense the rest. One entry; the pledge is released."""
    _require_manager(cooperative_id, user_id)
    loan = _active(cooperative_id, loan_id, on)
    reason = _reason(reason)
    check_open(cooperative_id, on)
    if loan.principal_outstanding <= 0:
        raise DomainError(_l("Nothing is left to write off on this loan."))
    tag = dict(member_id=loan.member_id, loan_id=loan.id)
    method = methods.of(loan.method)
    receivable_id, receivable = _loan_balance(loan, method.receivable_key)
    lines = [Line(receivable_id, -receivable, memo=f"Hapus buku {loan.number}", **tag)]
    net = receivable
    if method.sale:
        deferred_id, deferred = _loan_balance(loan, methods.DEFERRED_MARGIN_KEY)  # a credit: negative
        if deferred:
            lines.append(Line(deferred_id, -deferred, memo=f"Margin ditangguhkan {loan.number}", **tag))
        net += deferred
    if net != loan.principal_outstanding:
        raise AssertionError(f"loan {loan.id}: outstanding {loan.principal_outstanding} != lines {net}")
    allowance_id, allowance = _loan_balance(loan, "loan_allowance")  # a credit: negative
    if allowance:
        lines.append(Line(allowance_id, -allowance, memo=f"PPAP {loan.number}", **tag))
    rest = net + allowance  # what the allowance does not cover (negative: more than covered)
    if rest:
        lines.append(Line(account_by_key(cooperative_id, "provision_expense").id, rest,
                          memo=f"Hapus buku {loan.number}"))
    entry = post_entry(cooperative_id, on, WRITE_OFF_ENTRY, f"Hapus buku pinjaman {loan.number}: {reason}"[:500],
                       lines, f"{WRITE_OFF_ENTRY}:{loan.id}", created_by=user_id)
    release_pledge(loan)
    detail = {"principal": str(net), "provision": str(-allowance), "expense": str(rest),
              "penalty_due": str(loan.penalty_due)}
    loan.status, loan.closed_on, loan.written_off_amount = WRITTEN_OFF, on, net
    loan.principal_outstanding, loan.provision, loan.penalty_due = ZERO, ZERO, ZERO
    db.session.flush()
    add_event(loan, "written_off", on, user_id, note=reason, entry_id=entry.id, detail=detail)
    return loan


# -- recovery --------------------------------------------------------------------------------

def record_recovery(cooperative_id, loan_id, amount, on, user_id, source="cash", idempotency_key=None):
    """Money received on a written-off loan: Dr cash or bank, Cr recovery income, at most
    what was written off and not yet recovered. Returns the LoanPayment."""
    amount = check_amount(amount)
    if source not in ("cash", "bank"):
        raise InvalidField("source", _l("A recovery is received in cash or at the bank."))
    loan = get_loan(cooperative_id, loan_id, lock=True)
    if idempotency_key:
        existing = find_by_key(cooperative_id, idempotency_key)
        if existing is not None:
            payment = db.session.execute(select(LoanPayment).where(
                LoanPayment.entry_id == existing.id, LoanPayment.loan_id == loan.id)).scalar_one_or_none()
            if payment is not None and payment.amount == amount:
                payment.replayed = True
                return payment
    if loan.status != WRITTEN_OFF:
        raise DomainError(_l("Only a written-off loan has recoveries; repay this loan instead."))
    if on < loan.closed_on:
        raise InvalidField("date", _l("A recovery cannot be dated before the write-off (%(date)s).",
                                      date=loan.closed_on.isoformat()))
    left = loan.written_off_amount - loan.recovered_amount
    if amount > left:
        raise InvalidField("amount", _l("At most %(amount)s of this loan is left to recover.",
                                        amount=rupiah(left)))
    tag = dict(member_id=loan.member_id, loan_id=loan.id)
    memo = f"Pemulihan pinjaman dihapusbuku {loan.number}"
    entry = post_entry(cooperative_id, on, RECOVERY_ENTRY, memo, [
        Line(money_account(cooperative_id, source).id, amount, memo=memo, **tag),
        Line(account_by_key(cooperative_id, "recovery_income").id, -amount, memo=memo, **tag),
    ], idempotency_key or f"{RECOVERY_ENTRY}:{loan.id}:{uuid.uuid4().hex}", created_by=user_id)
    payment = LoanPayment(cooperative_id=cooperative_id, loan_id=loan.id, paid_on=on, source=source,
                          kind=RECOVERY, amount=amount, entry_id=entry.id, created_by=user_id)
    db.session.add(payment)
    loan.recovered_amount = to_money(loan.recovered_amount + amount)
    db.session.flush()
    add_event(loan, "recovery", on, user_id, entry_id=entry.id, detail={"amount": str(amount)})
    payment.replayed = False
    return payment


def reverse_recovery(entry, reversal):
    """A reversal handler (the registry's reversal_handlers): a recovery reversed from the journal no longer counts."""
    payment = db.session.execute(select(LoanPayment).where(LoanPayment.entry_id == entry.id)).scalar_one()
    loan = get_loan(entry.cooperative_id, payment.loan_id, lock=True)
    payment.reversed = True
    loan.recovered_amount = to_money(loan.recovered_amount - payment.amount)
    db.session.flush()
    add_event(loan, "reversed", reversal.entry_date, reversal.created_by, entry_id=reversal.id,
              note=reversal.memo[:300], detail={"payment_id": payment.id, "kind": RECOVERY})


REVERSAL_HANDLERS = {RECOVERY_ENTRY: reverse_recovery}  # filled into the registry by create_app
