"""The money leaving: the one disbursement entry of an approved loan (cash, bank or the
member's savings), the cash or bank account money moves through, and the pledge of savings
(blocked from the approval, released when the loan closes or is cancelled). The reversal of a
disbursement is in reversal.py."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from coop_app.ledger.posting import IdempotencyConflict, Line, check_open, find_by_key, post_entry
from coop_app.ledger.service import account_balance, account_by_key
from coop_app.members.models import ACTIVE as MEMBER_ACTIVE, Member
from coop_app.money import ZERO, to_money
from coop_app.savings import movements as savings
from coop_app.savings.models import SUKARELA, WADIAH
from coop_app.loans import methods, words
from coop_app.loans.models import (ACTIVE, APPROVED, PAID_OFF, WRITTEN_OFF, LoanEvent,
                                   LoanInstallment)
from coop_app.loans.queries import STATUS_LABELS, add_event, get_loan, rupiah
from coop_app.loans.terms import check_date, preview_schedule

DISBURSEMENT_ENTRY = "loan_disbursement"
# The member's savings a loan may be paid out to.
PAYOUT_KINDS = (SUKARELA, WADIAH)
MONEY_SOURCES = ("cash", "bank")


# -- the pledge ------------------------------------------------------------------------------

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
    check_date(cooperative_id, on, loan.decided_on, _l("The disbursement cannot be dated before the approval "
                                       "(%(date)s).", date=loan.decided_on.isoformat()))
    check_open(cooperative_id, on)
    member = db.session.get(Member, loan.member_id)
    if member.status != MEMBER_ACTIVE:
        raise DomainError(_l("Loans are granted only to active members."))
    schedule = preview_schedule(loan, start=on)
    method = methods.of(loan.method)
    margin = (loan.margin or ZERO) if method.sale else ZERO
    net = to_money(loan.amount - loan.admin_fee)
    tag = dict(member_id=member.id, loan_id=loan.id)
    lines = [Line(account_by_key(cooperative_id, method.receivable_key).id, loan.amount + margin,
                  memo=f"Pinjaman {loan.number}", **tag)]
    if margin:
        lines.append(Line(account_by_key(cooperative_id, methods.DEFERRED_MARGIN_KEY).id, -margin,
                          memo=f"Margin ditangguhkan {loan.number}", **tag))
    if loan.admin_fee:
        lines.append(Line(account_by_key(cooperative_id, "fee_income").id, -loan.admin_fee,
                          memo=f"Biaya administrasi {loan.number}", **tag))
    noun = words.noun_id(method.sharia)  # pembiayaan at a KSPPS/BMT
    memo = f"Pencairan {noun} {loan.number} {member.member_number} {member.name}"[:500]
    key = idempotency_key or f"{DISBURSEMENT_ENTRY}:{loan.id}:{_disbursements(loan) + 1}"
    if to == "savings":
        account = _payout_account(loan, savings_account_id)
        savings.check_movement_date(account, on)
        entry = savings.post_movements(
            cooperative_id, on, DISBURSEMENT_ENTRY, memo,
            [savings.Movement(account, net, DISBURSEMENT_ENTRY, memo=f"Pencairan {noun} {loan.number}")],
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
