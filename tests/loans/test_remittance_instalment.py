"""A remittance pays the instalment due on the member's loans, in the same entry as its
savings share and payout, when the standing allocation says so; reversing it undoes both."""
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.service import account_by_key
from coop_app.loans.models import LoanPayment
from coop_app.members.migrants import create_migrant
from coop_app.remittances import recording as remittances
from coop_app.savings import movements as savings
from tests.loans.factory import active_loan
from tests.support import key
from tests.support.books import assert_books_clean, entry_lines

D = Decimal


def _setup(lw, pay_instalment_due=True):
    loan = active_loan(lw.ksp_id, lw.siti, "PUF", "12000000", 12, lw.user_id("treasurer"),
                       lw.user_id("manager"), date(2022, 2, 1))
    sender = create_migrant(lw.ksp_id, "Slamet Riyadi", "Taiwan", "manufacturing")
    remittances.set_allocation(lw.ksp_id, lw.siti, lw.siti_ss, savings_pct=10,
                               pay_instalment_due=pay_instalment_due)
    return loan, sender


def _remit(lw, sender, amount, on, reference):
    return remittances.record_remittance(
        lw.ksp_id, lw.siti, remittances.RemittanceData(
            sender.id, "bank", "IDR", on, reference, account_by_key(lw.ksp_id, "cash").id,
            amount_idr=D(amount)), key(), today=date(2022, 12, 31))


def test_the_instalment_due_is_paid_first_then_the_savings_share_then_cash(lw):
    loan, sender = _setup(lw)
    # Flat 12% on 12.000.000 over 12 months: 1.120.000 = principal 1.000.000 + interest 120.000,
    # the first due on 1 March 2022; sent on the 5th, 4 days late: 4 x 0,1% x 1.120.000 = 4.480.
    remittance = _remit(lw, sender, "5000000", date(2022, 3, 5), "TRF220305A")
    assert [(p["part"], p["amount"]) for p in remittances.split_parts(remittance)] == [
        ("instalment", D("1124480.00")), ("savings", D("500000.00")), ("cash", D("3375520.00"))]
    assert remittance.split_list[0]["loans"] == [loan.number]
    assert remittance.saved_amount == D("500000") and remittance.cash_paid == D("3375520")
    lines = entry_lines(remittance.entry_id)
    assert lines["cash"] == D("1624480")  # 5.000.000 in, 3.375.520 paid out
    assert lines["penalty_income"] == D("-4480")
    assert lines["loans_receivable"] == D("-1000000")
    assert lines["interest_income"] == D("-120000")
    assert lines["simpanan_sukarela"] == D("-500000")
    payment = db.session.execute(db.select(LoanPayment).where(LoanPayment.loan_id == loan.id)).scalar_one()
    assert (payment.source, payment.remittance_id, payment.entry_id) == ("remittance", remittance.id,
                                                                          remittance.entry_id)
    assert (payment.principal, payment.interest) == (D("1000000"), D("120000"))
    db.session.refresh(loan)
    assert loan.principal_outstanding == D("11000000")
    assert_books_clean()


def test_nothing_due_means_nothing_taken_for_the_loan(lw):
    loan, sender = _setup(lw)
    remittance = _remit(lw, sender, "2000000", date(2022, 2, 20), "TRF220220A")  # before the due date
    assert [p["part"] for p in remittances.split_parts(remittance)] == ["savings", "cash"]
    db.session.refresh(loan)
    assert loan.principal_outstanding == D("12000000")


def test_a_remittance_smaller_than_the_due_pays_part_of_it(lw):
    loan, sender = _setup(lw)
    remittance = _remit(lw, sender, "800000", date(2022, 3, 3), "TRF220303A")
    assert [(p["part"], p["amount"]) for p in remittances.split_parts(remittance)] == [
        ("instalment", D("800000.00"))]
    payment = db.session.execute(db.select(LoanPayment).where(LoanPayment.loan_id == loan.id)).scalar_one()
    # The late charge of 2 days (2.240) first, then interest, then principal.
    assert (payment.penalty, payment.interest, payment.principal) == (D("2240"), D("120000"), D("677760"))
    assert_books_clean()


def test_the_allocation_can_leave_loans_alone(lw):
    loan, sender = _setup(lw, pay_instalment_due=False)
    remittance = _remit(lw, sender, "5000000", date(2022, 3, 5), "TRF220305B")
    assert [p["part"] for p in remittances.split_parts(remittance)] == ["savings", "cash"]
    db.session.refresh(loan)
    assert loan.principal_outstanding == D("12000000")


def test_reversing_the_remittance_undoes_the_instalment_and_the_savings(lw):
    loan, sender = _setup(lw)
    before = savings.get_account(lw.ksp_id, lw.siti_ss).balance
    remittance = _remit(lw, sender, "5000000", date(2022, 3, 5), "TRF220305C")
    ledger.reverse_entry(lw.ksp_id, remittance.entry_id, "Transfer dobel dari bank", key(),
                         created_by=lw.user_id("manager"))
    db.session.refresh(loan)
    assert loan.principal_outstanding == D("12000000")
    payment = db.session.execute(db.select(LoanPayment).where(LoanPayment.loan_id == loan.id)).scalar_one()
    assert payment.reversed is True
    assert savings.get_account(lw.ksp_id, lw.siti_ss).balance == before
    assert_books_clean()
