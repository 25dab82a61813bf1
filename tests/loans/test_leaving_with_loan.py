"""A member with a loan outstanding cannot leave; once it is repaid, they can."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.service import account_by_key
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans import repayment
from coop_app.members.models import Member
from coop_app.membership import leaving
from tests.loans.factory import active_loan
from tests.support import key
from tests.support.books import loan_product

D = Decimal


def _entries():
    return db.session.execute(db.select(db.func.count()).select_from(JournalEntry)).scalar()


def test_an_outstanding_loan_stops_the_settlement_until_it_is_repaid(lw):
    cash = account_by_key(lw.ksp_id, "cash").id
    loan = active_loan(lw.ksp_id, lw.siti, "PUF", "3000000", 3, lw.user_id("treasurer"),
                       lw.user_id("manager"), date(2022, 2, 1))
    before = _entries()
    with pytest.raises(DomainError, match="loan outstanding"):
        leaving.resign_member(lw.ksp_id, lw.siti, date(2022, 3, 10), cash, key())
    assert _entries() == before
    assert db.session.get(Member, lw.siti).status == "active"

    quote = repayment.payoff_quote(loan, date(2022, 3, 10))
    repayment.pay_off_loan(lw.ksp_id, loan.id, date(2022, 3, 10), lw.user_id("treasurer"))
    assert quote.total > D("3000000")
    entry = leaving.resign_member(lw.ksp_id, lw.siti, date(2022, 3, 10), cash, key())
    assert entry is not None
    assert db.session.get(Member, lw.siti).status == "resigned"


def test_an_approved_loan_not_yet_paid_out_also_stops_it(lw):
    cash = account_by_key(lw.ksp_id, "cash").id
    loan = service.apply_loan(lw.ksp_id, ApplicationData(lw.siti, loan_product(lw.ksp_id, "PUF").id, D("2000000"), 6,
                                                         "Modal warung", date(2022, 2, 1)), lw.user_id("treasurer"))
    service.approve_loan(lw.ksp_id, loan.id, lw.user_id("manager"), date(2022, 2, 2))
    with pytest.raises(DomainError, match="loan outstanding"):
        leaving.resign_member(lw.ksp_id, lw.siti, date(2022, 3, 10), cash, key())
    service.cancel_loan(lw.ksp_id, loan.id, lw.user_id("manager"), date(2022, 2, 3), "Anggota mundur")
    assert leaving.resign_member(lw.ksp_id, lw.siti, date(2022, 3, 10), cash, key()) is not None
