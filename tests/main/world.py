"""A working day at KSP-A on the frozen date (Wednesday 18 November 2026, WIB), for the home
pages' task lists and charts: the remitting families of tests/remittances/helpers.py, with

- Wati's application waiting for a decision (Rp2.000.000),
- Budi's loan approved and not paid out (Rp3.000.000),
- Siti's loan paid out on 10 August 2026 (Rp6.000.000 over 12 months, flat), nothing repaid:
  its instalments of 10 September, 10 October and 10 November are overdue,
- Dewi's loan paid out on 20 October 2026 (Rp3.000.000): its first instalment falls due on
  20 November, within the week,
- Siti behind with simpanan wajib (she paid only the joining month, January 2025), Budi and
  Wati paid up on 1 November 2026,
- remittances received for Siti in September (Rp2.000.000) and October 2026 (Rp1.500.000
  and a reversed one of Rp9.000.000, which does not count).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

from coop_app.extensions import db
from coop_app.ledger.service import reverse_entry
from coop_app.loans import application, disbursement
from coop_app.loans.application import ApplicationData
from coop_app.savings.arrears import collect_wajib
from tests.loans.factory import add_member, fund
from tests.remittances.helpers import build_families, record
from tests.support import key
from tests.support.books import cash, loan_product

TODAY = date(2026, 11, 18)


@dataclass
class Day:
    families: object
    ksp_id: int
    bmt_id: int
    applied: int  # loan ids
    approved: int
    overdue: int
    due_soon: int
    dewi: int
    users: dict

    def user_id(self, username):
        return self.users[username]


def _apply(coop_id, member_id, amount, on, user_id, code="PUF", term=12):
    return application.apply_loan(coop_id, ApplicationData(
        member_id, loan_product(coop_id, code).id, D(amount), term, "Modal warung", on), user_id)


def build_day():
    f = build_families()
    ksp, treasurer, manager = f.ksp_id, f.user_id("treasurer"), f.user_id("manager")
    fund(ksp, D("100000000"), on=date(2025, 1, 2))
    applied = _apply(ksp, f.wati, "2000000", date(2026, 11, 16), treasurer)
    approved = _apply(ksp, f.budi, "3000000", date(2026, 11, 12), treasurer)
    application.approve_loan(ksp, approved.id, manager, date(2026, 11, 13))
    overdue = _apply(ksp, f.siti, "6000000", date(2026, 8, 5), treasurer)
    application.approve_loan(ksp, overdue.id, manager, date(2026, 8, 6))
    disbursement.disburse_loan(ksp, overdue.id, treasurer, date(2026, 8, 10))
    dewi = add_member(ksp, "2025.00004", "Dewi Lestari", joined=date(2025, 2, 3))
    due_soon = _apply(ksp, dewi.id, "3000000", date(2026, 10, 15), treasurer)
    application.approve_loan(ksp, due_soon.id, manager, date(2026, 10, 16))
    disbursement.disburse_loan(ksp, due_soon.id, treasurer, date(2026, 10, 20))
    for member_id in (f.budi, f.wati):
        collect_wajib(ksp, member_id, date(2026, 11, 1), cash(ksp), key(), treasurer)
    record(f, received_on=date(2026, 9, 14), amount_idr=D("2000000"))
    record(f, received_on=date(2026, 10, 2), amount_idr=D("1500000"))
    wrong = record(f, received_on=date(2026, 10, 5), amount_idr=D("9000000"))
    db.session.flush()
    reverse_entry(ksp, wrong.entry_id, "Salah nominal", key(), created_by=manager)
    db.session.commit()
    return Day(f, ksp, f.bmt_id, applied.id, approved.id, overdue.id, due_soon.id, dewi.id, f.users)
