"""What a member has to pay, read-only, for the top of their home page: the next instalment
of each of their active loans (and what is already overdue on it), and the simpanan wajib
they can pay now (this month's payment included), on the cooperative's today."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_app.loans import queries as loan_queries
from coop_app.loans.models import ACTIVE
from coop_app.money import ZERO
from coop_app.savings.arrears import member_arrears


@dataclass
class InstalmentDue:
    loan: object
    due_date: date
    amount: Decimal  # what remains of that instalment
    overdue: Decimal  # everything past due today, late charges included
    days_late: int


@dataclass
class Dues:
    instalments: list
    wajib: Decimal  # payable now
    wajib_overdue: Decimal  # of which past its month
    wajib_account_id: int | None

    @property
    def nothing(self):
        return not self.instalments and self.wajib <= 0


def member_dues(cooperative_id, member_id, today):
    instalments = []
    for loan in loan_queries.member_loans(cooperative_id, member_id):
        if loan.status != ACTIVE:
            continue
        row = loan_queries.next_due(loan)
        if row is None:
            continue
        owed = loan_queries.arrears(loan, today)
        instalments.append(InstalmentDue(
            loan, row.due_date, loan_queries.unpaid_principal(row) + loan_queries.unpaid_interest(row),
            owed.total_overdue, owed.days_past_due))
    instalments.sort(key=lambda due: due.due_date)
    payable = member_arrears(cooperative_id, member_id, today, payable=True)
    overdue = member_arrears(cooperative_id, member_id, today)
    return Dues(instalments,
                max(payable.amount, ZERO) if payable else ZERO,
                max(overdue.amount, ZERO) if overdue else ZERO,
                payable.account_id if payable else None)
