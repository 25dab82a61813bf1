"""check-ledger for loans: each loan's outstanding principal and provision equal its journal
lines, the allowance account equals the provisions, and the schedule agrees with the loan.
A few GROUP BY queries, whatever the number of loans."""
from sqlalchemy import BigInteger, and_, func, or_, select, type_coerce

from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalLine
from coop_app.money import from_sen
from coop_app.loans.methods import DEFERRED_MARGIN_KEY, RECEIVABLE_KEYS
from coop_app.loans.models import ACTIVE, PAID_OFF, WRITTEN_OFF, Loan, LoanInstallment

# Lines on these accounts are the loan's principal (murabahah: sale price less deferred margin).
PRINCIPAL_KEYS = tuple(sorted(set(RECEIVABLE_KEYS) | {DEFERRED_MARGIN_KEY}))
ALLOWANCE_KEY = "loan_allowance"


def _sen(column):
    return type_coerce(column, BigInteger)


def _scoped(query, column, cooperative_id):
    return query if cooperative_id is None else query.where(column == cooperative_id)


def _per_loan(keys, cooperative_id):
    """Sum of sen per loan of the lines on accounts with these system keys."""
    return _scoped(
        select(JournalLine.loan_id.label("loan_id"), func.sum(_sen(JournalLine.amount)).label("total"))
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(GLAccount.system_key.in_(keys), JournalLine.loan_id.is_not(None))
        .group_by(JournalLine.loan_id), JournalLine.cooperative_id, cooperative_id).subquery()


def check_loans_subledger(cooperative_id=None):
    problems = []
    principal = _per_loan(PRINCIPAL_KEYS, cooperative_id)
    allowance = _per_loan((ALLOWANCE_KEY,), cooperative_id)
    lines_principal = func.coalesce(principal.c.total, 0)
    lines_allowance = -func.coalesce(allowance.c.total, 0)
    outstanding, provision = _sen(Loan.principal_outstanding), _sen(Loan.provision)
    rows = db.session.execute(_scoped(
        select(Loan.number, Loan.status, outstanding, lines_principal, provision, lines_allowance)
        .outerjoin(principal, principal.c.loan_id == Loan.id)
        .outerjoin(allowance, allowance.c.loan_id == Loan.id)
        .where(or_(outstanding != lines_principal, provision != lines_allowance,
                   and_(Loan.status.in_((PAID_OFF, WRITTEN_OFF)), outstanding != 0))),
        Loan.cooperative_id, cooperative_id)).all()
    for number, status, out, out_lines, prov, prov_lines in rows:
        if out != out_lines:
            problems.append(f"loan {number} has principal outstanding {from_sen(out)} but its lines "
                            f"sum to {from_sen(out_lines)}")
        if prov != prov_lines:
            problems.append(f"loan {number} has provision {from_sen(prov)} but its allowance lines "
                            f"sum to {from_sen(prov_lines)}")
        if status in (PAID_OFF, WRITTEN_OFF) and out:
            problems.append(f"loan {number} is {status} but still has {from_sen(out)} outstanding")

    untagged = db.session.execute(_scoped(
        select(func.count()).select_from(JournalLine)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(GLAccount.system_key.in_(PRINCIPAL_KEYS + (ALLOWANCE_KEY,)), JournalLine.loan_id.is_(None)),
        JournalLine.cooperative_id, cooperative_id)).scalar()
    if untagged:
        problems.append(f"{untagged} lines on loan accounts name no loan")

    gl = _scoped(
        select(JournalLine.cooperative_id.label("coop"), func.sum(_sen(JournalLine.amount)).label("total"))
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(GLAccount.system_key == ALLOWANCE_KEY).group_by(JournalLine.cooperative_id),
        JournalLine.cooperative_id, cooperative_id).subquery()
    held = _scoped(
        select(Loan.cooperative_id.label("coop"), func.sum(provision).label("total"))
        .group_by(Loan.cooperative_id), Loan.cooperative_id, cooperative_id).subquery()
    for coop, gl_total, loans_total in db.session.execute(
            select(held.c.coop, -func.coalesce(gl.c.total, 0), held.c.total)
            .outerjoin(gl, gl.c.coop == held.c.coop)
            .where(-func.coalesce(gl.c.total, 0) != held.c.total)).all():
        problems.append(f"the loan allowance of cooperative {coop} is {from_sen(gl_total)} but the "
                        f"loans' provisions sum to {from_sen(loans_total)}")

    unpaid = _scoped(
        select(LoanInstallment.loan_id.label("loan_id"),
               func.sum(_sen(LoanInstallment.principal) - _sen(LoanInstallment.paid_principal)).label("total"))
        .where(LoanInstallment.superseded.is_(False)).group_by(LoanInstallment.loan_id),
        LoanInstallment.cooperative_id, cooperative_id).subquery()
    scheduled = func.coalesce(unpaid.c.total, 0)
    for number, out, left in db.session.execute(_scoped(
            select(Loan.number, outstanding, scheduled)
            .outerjoin(unpaid, unpaid.c.loan_id == Loan.id)
            .where(Loan.status == ACTIVE, outstanding != scheduled),
            Loan.cooperative_id, cooperative_id)).all():
        problems.append(f"loan {number} has principal outstanding {from_sen(out)} but its schedule "
                        f"leaves {from_sen(left)} unpaid")
    return problems
