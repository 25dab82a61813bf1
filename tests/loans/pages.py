"""Helpers of the loan page tests (pages, access, portal, documents): the borrowers' world of
tests/loans/factory.py with member logins and loans in each state made through the service
(the `lworld` fixture of tests/loans/conftest.py), and small readers of a loan's rows."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans import repayment
from coop_app.loans.models import Loan
from coop_app.members.models import Member
from coop_app.savings.models import SavingsAccount
from tests.conftest import PASSWORD
from tests.loans.factory import active_loan, build_borrowers, product

D = Decimal
KSP = "/c/KSP-A/loans"
BMT = "/c/BMT-C/loans"
PORTAL = "/c/KSP-A/me/loans"
DAY = date(2026, 3, 16)  # applications, approvals and disbursements of the seeded loans
PAID = date(2026, 4, 16)  # the first repayment


@dataclass
class LoanWorld:
    ksp_id: int
    bmt_id: int
    other_id: int
    siti: int  # KSP-A, the user "member"; sukarela `siti_ss` 5.000.000; enterprise `warung`
    budi: int  # KSP-A, the user "member2"; enterprise `bengkel`
    aminah: int  # BMT-C; wadiah `aminah_wd`
    siti_ss: int
    aminah_wd: int
    warung: int
    bengkel: int
    users: dict
    loans: dict = field(default_factory=dict)  # applied, active, budi, bmt
    payment: int = 0  # of loans["active"]

    def user_id(self, username):
        return self.users[username]


def build_loan_world():
    b = build_borrowers()
    member2 = users.create_user("member2", "Budi Santoso", PASSWORD)
    users.grant_role(member2.id, "member", cooperative_id=b.ksp_id)
    db.session.get(Member, b.siti).user_id = b.user_id("member")
    db.session.get(Member, b.budi).user_id = member2.id
    treasurer, manager = b.user_id("treasurer"), b.user_id("manager")
    applied = service.apply_loan(b.ksp_id, ApplicationData(b.siti, product(b.ksp_id, "PUF").id, D("5000000"), 12,
                                                           "Modal warung sembako", DAY, enterprise_id=b.warung),
                                 treasurer)
    active = active_loan(b.ksp_id, b.siti, "PUE", "10000000", 12, treasurer, manager, DAY,
                         enterprise_id=b.warung)
    payment = repayment.repay_loan(b.ksp_id, active.id, D("1000000"), PAID, treasurer)
    budi = active_loan(b.ksp_id, b.budi, "PUF", "3000000", 6, treasurer, manager, DAY)
    bmt = active_loan(b.bmt_id, b.aminah, "MBA", None, 12, b.user_id("bmt.treasurer"),
                      b.user_id("bmt.manager"), DAY, goods_description="Mesin jahit",
                      cost_price=D("6000000"), down_payment=D("1000000"))
    db.session.commit()
    world = LoanWorld(b.ksp_id, b.bmt_id, b.other_id, b.siti, b.budi, b.aminah, b.siti_ss,
                      b.aminah_wd, b.warung, b.bengkel, dict(b.users, member2=member2.id))
    world.loans = {"applied": applied.id, "active": active.id, "budi": budi.id, "bmt": bmt.id}
    world.payment = payment.id
    return world


# -- reading what comes back ------------------------------------------------------------------

def loan_row(app, loan_id):
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        db.session.expunge(loan)
        return loan


def pledged(app, account_id):
    with app.app_context():
        return db.session.get(SavingsAccount, account_id).pledged
