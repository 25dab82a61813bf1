"""What the approval page shows beside the decision, read-only: what the money is for (its
kind, and whether that is productive), the member's savings and what is pledged, wajib in
arrears, the member's other loans (current ones with their arrears and instalments, earlier
ones with how they ended), the enterprise financed, and the instalment
weighed against the monthly income the member stated when applying (and, for a family of a
migrant worker, against the remittances received a month on average).

The stated income is kept on the application's "applied" event (its detail), because the
loans table has no column for it yet.
"""
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, func, select, type_coerce

from coop_app.enterprises.service import get_enterprise, member_enterprises
from coop_app.extensions import db
from coop_app.loans import models as m
from coop_app.loans import queries
from coop_app.loans.models import Loan, LoanEvent
from coop_app.loans.terms import preview_schedule
from coop_app.money import ZERO, from_sen
from coop_app.savings.arrears import member_arrears
from coop_app.savings.models import Remittance
from coop_app.savings.movements import member_accounts

# Above this share of the stated income, the instalments are a warning: a household paying
# more than about a third of its income in instalments often falls behind.
RATIO_WARNING = Decimal(30)
WEEKS_A_MONTH = Decimal(52) / Decimal(12)
CURRENT = (m.APPLIED, m.APPROVED, m.ACTIVE)
INCOME_MONTHS = 12


@dataclass(frozen=True)
class OtherLoan:
    loan: Loan
    arrears: queries.Arrears | None  # active loans only
    monthly: Decimal | None  # its instalment a month, for an approved or active loan


@dataclass
class ApprovalContext:
    accounts: list
    savings_total: Decimal
    pledged_total: Decimal
    wajib_arrears: Decimal  # wajib overdue today (0 without a wajib account)
    current: list  # OtherLoan: the member's other applications and loans not closed
    earlier: list  # Loan: paid off, written off, rejected, cancelled
    enterprise: object  # the enterprise financed, or None
    other_enterprises: list
    instalment: Decimal  # this loan's largest instalment
    monthly: Decimal  # the same a month (weekly instalments times 52/12)
    others_monthly: Decimal  # the other approved and active loans' instalments a month
    stated_income: Decimal | None
    remittances_monthly: Decimal  # remittances received a month, on average over a year
    ratio: Decimal | None = None  # this instalment in percent of the stated income
    total_ratio: Decimal | None = None  # every instalment in percent of the stated income
    overdue_total: Decimal = ZERO  # overdue on the other loans today
    purpose_kind: str = m.OTHER_PURPOSE  # what the money is for (models.PURPOSE_KINDS)
    productive: bool = False  # working capital or investment: the programme's productive credit

    @property
    def over_threshold(self):
        return self.total_ratio is not None and self.total_ratio > RATIO_WARNING


def _percent(part, whole):
    return (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _monthly(amount, frequency):
    if frequency == m.WEEKLY:
        return (amount * WEEKS_A_MONTH).quantize(Decimal(1), ROUND_HALF_UP)
    return amount


def _largest(installments):
    return max((row.total for row in installments), default=ZERO)


def _open_instalment(loan):
    """An active loan's largest unpaid instalment (its current schedule)."""
    rows = queries.open_installments(loan)
    return max((row.principal + row.interest for row in rows), default=ZERO)


def stated_income(loan):
    """The monthly income the member stated on the application, or None."""
    details = db.session.execute(select(LoanEvent.detail).where(
        LoanEvent.loan_id == loan.id, LoanEvent.kind == "applied")
        .order_by(LoanEvent.id).limit(1)).scalar_one_or_none()
    if isinstance(details, dict) and details.get("stated_income"):
        return Decimal(details["stated_income"])
    return None


def remittances_monthly(cooperative_id, member_id, today):
    """The remittances the member received over the last twelve months, a month on average
    (reversed ones do not count)."""
    since = today - timedelta(days=365)
    total = db.session.execute(select(func.coalesce(func.sum(type_coerce(Remittance.amount_idr, BigInteger)), 0))
                               .where(Remittance.cooperative_id == cooperative_id,
                                      Remittance.member_id == member_id,
                                      Remittance.reversal_entry_id.is_(None),
                                      Remittance.received_on > since,
                                      Remittance.received_on <= today)).scalar()
    return (from_sen(total) / INCOME_MONTHS).quantize(Decimal(1), ROUND_HALF_UP)


def approval_context(loan, today):
    """The member's standing beside `loan`'s decision, on `today` (the cooperative's date)."""
    coop_id, member_id = loan.cooperative_id, loan.member_id
    accounts = [a for a in member_accounts(coop_id, member_id) if a.status == "open"]
    wajib = member_arrears(coop_id, member_id, today)
    others = [other for other in queries.member_loans(coop_id, member_id) if other.id != loan.id]
    current, earlier = [], []
    for other in others:
        if other.status not in CURRENT:
            earlier.append(other)
            continue
        arrears = queries.arrears(other, today) if other.status == m.ACTIVE else None
        if other.status == m.ACTIVE:
            monthly = _monthly(_open_instalment(other), other.frequency)
        elif other.status == m.APPROVED:
            monthly = _monthly(_largest(preview_schedule(other, start=today).installments), other.frequency)
        else:
            monthly = None  # another application not yet decided
        current.append(OtherLoan(other, arrears, monthly))
    enterprise = get_enterprise(coop_id, loan.enterprise_id) if loan.enterprise_id else None
    instalment = _largest(preview_schedule(loan, start=today).installments) \
        if loan.status in (m.APPLIED, m.APPROVED) else _open_instalment(loan)
    monthly = _monthly(instalment, loan.frequency)
    others_monthly = sum((o.monthly for o in current if o.monthly), ZERO)
    income = stated_income(loan)
    context = ApprovalContext(
        accounts=accounts, savings_total=sum((a.balance for a in accounts), ZERO),
        pledged_total=sum((a.pledged for a in accounts), ZERO),
        wajib_arrears=max(wajib.amount, ZERO) if wajib is not None else ZERO,
        current=current, earlier=earlier, enterprise=enterprise,
        other_enterprises=[e for e in member_enterprises(coop_id, member_id)
                           if e.active and e.id != loan.enterprise_id],
        instalment=instalment, monthly=monthly, others_monthly=others_monthly,
        stated_income=income, remittances_monthly=remittances_monthly(coop_id, member_id, today),
        overdue_total=sum((o.arrears.total_overdue for o in current if o.arrears), ZERO),
        purpose_kind=loan.purpose_kind, productive=loan.purpose_kind in m.PRODUCTIVE)
    if income:
        context.ratio = _percent(monthly, income)
        context.total_ratio = _percent(monthly + others_monthly, income)
    return context
