"""Reversing a loan's entries from the ledger: a repayment (the latest only, undone exactly)
and a disbursement (only before any repayment); the books stay clean."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.service import account_by_key, reverse_entry
from coop_app.loans import disbursement, queries
from coop_app.loans import repayment
from coop_app.loans.queries import events
from coop_app.savings import movements as savings
from tests.loans.factory import active_loan
from tests.support import key
from tests.support.books import assert_books_clean, balance

D = Decimal
DAY = date(2023, 1, 15)


def flat_loan(lw, **options):
    """12.000.000 at 12% flat over 12 months: 1.120.000 = 1.000.000 + 120.000."""
    return active_loan(lw.ksp_id, lw.siti, "PUF", "12000000", 12, lw.user_id("treasurer"),
                       lw.user_id("manager"), DAY, **options)


def repay(lw, loan, amount, on, **options):
    return repayment.repay_loan(lw.ksp_id, loan.id, D(amount), on, lw.user_id("treasurer"), **options)


def reverse(lw, entry_id, on=date(2023, 6, 1)):
    return reverse_entry(lw.ksp_id, entry_id, "Salah input", key(), created_by=lw.user_id("manager"),
                         reversal_date=on)


def refused(lw, entry_id, match):
    """The reversal is refused and, once the caller rolls back as every view does, nothing of
    it stays."""
    db.session.commit()
    with pytest.raises(DomainError, match=match):
        reverse(lw, entry_id)
    db.session.rollback()
    assert_books_clean()


def state(loan):
    return [(r.paid_principal, r.paid_interest, r.waived_interest, r.paid_on)
            for r in queries.installments(loan)]


def test_reversing_the_latest_repayment_undoes_its_allocation(lw):
    loan = flat_loan(lw)
    repay(lw, loan, "1120000", date(2023, 2, 15))
    before = state(loan)
    loan.penalty_due = D("30000")
    late = repay(lw, loan, "1700000", date(2023, 3, 20))
    # with 5 days late of instalment 2 (due 15 March) charged at payment: 5 x 1.120
    assert (late.penalty, late.late_charge) == (D("35600"), D("5600"))
    assert loan.principal_outstanding == D("9575600")
    reverse(lw, late.entry_id)
    assert late.reversed
    assert state(loan) == before
    assert [r.late_charged_through for r in queries.installments(loan)][:2] == [None, None]
    assert (loan.penalty_due, loan.principal_outstanding) == (D("30000"), D("11000000"))
    assert events(loan)[-1].kind == "reversed"
    assert balance(lw.ksp_id, "penalty_income") == 0
    assert_books_clean()
    # the payment may be taken again, from the reversed payment's date
    repay(lw, loan, "1150000", date(2023, 3, 20))
    assert_books_clean()


def test_only_the_latest_payment_is_reversed(lw):
    loan = flat_loan(lw)
    first = repay(lw, loan, "1120000", date(2023, 2, 15))
    repay(lw, loan, "1120000", date(2023, 3, 15))
    refused(lw, first.entry_id, "Only the latest payment of loan PUF-000001 can be reversed")
    assert not first.reversed


def test_reversing_a_payoff_reopens_the_loan_and_blocks_the_pledge_again(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw, pledged_account_id=lw.siti_ss, pledged_amount=D("2000000"))
    payoff = repayment.pay_off_loan(coop, loan.id, date(2023, 2, 1), lw.user_id("treasurer"))
    account = savings.get_account(coop, lw.siti_ss)
    assert (loan.status, account.pledged) == ("paid_off", 0)
    reverse(lw, payoff.entry_id)
    assert (loan.status, loan.closed_on, loan.principal_outstanding) == ("active", None, D("12000000"))
    assert account.pledged == D("2000000")
    assert all(r.paid_on is None for r in queries.installments(loan))
    assert_books_clean()


def test_payoff_not_reversed_when_the_pledged_savings_are_gone(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw, pledged_account_id=lw.siti_ss, pledged_amount=D("2000000"))
    payoff = repayment.pay_off_loan(coop, loan.id, date(2023, 2, 1), lw.user_id("treasurer"))
    savings.withdraw(coop, lw.siti_ss, D("4000000"), date(2023, 2, 2), account_by_key(coop, "cash").id,
                     key())
    refused(lw, payoff.entry_id, "Only Rp1.000.000 of savings account SS-000001 is free")
    assert loan.status == "paid_off"


def test_reversing_a_repayment_from_savings_puts_the_money_back(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw)
    payment = repay(lw, loan, "1120000", date(2023, 2, 15), source="savings", savings_account_id=lw.siti_ss)
    account = savings.get_account(coop, lw.siti_ss)
    assert account.balance == D("3880000")
    reverse(lw, payment.entry_id)
    assert account.balance == D("5000000") and loan.principal_outstanding == D("12000000")
    assert_books_clean()


def test_reversing_a_disbursement(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw, to="savings")
    entry_id = loan.disbursement_entry_id
    payment = repay(lw, loan, "1120000", date(2023, 2, 15))
    refused(lw, entry_id, "Loan PUF-000001 has repayments: reverse them before its disbursement")
    reverse(lw, payment.entry_id)
    reverse(lw, entry_id)
    assert (loan.status, loan.disbursed_on, loan.principal_outstanding) == ("approved", None, 0)
    assert queries.installments(loan) == []
    assert savings.get_account(coop, lw.siti_ss).balance == D("5000000")
    assert_books_clean()
    # paid out again, afresh
    disbursement.disburse_loan(coop, loan.id, lw.user_id("treasurer"), date(2023, 2, 1))
    assert loan.status == "active" and queries.installments(loan)[0].due_date == date(2023, 3, 1)
    assert_books_clean()


def test_disbursement_not_reversed_once_provisioned_or_money_spent(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw, to="savings")
    savings.withdraw(coop, lw.siti_ss, D("10000000"), date(2023, 1, 16), account_by_key(coop, "cash").id,
                     key())
    refused(lw, loan.disbursement_entry_id, "would overdraw savings account SS-000001")
    assert loan.status == "active"
    other = active_loan(coop, lw.budi, "PUF", "1000000", 3, lw.user_id("treasurer"),
                        lw.user_id("manager"), DAY)
    other.penalty_due = D("5000")
    other.status = "written_off"
    with pytest.raises(DomainError, match="provisioned, restructured or closed"):
        reverse(lw, other.disbursement_entry_id)
