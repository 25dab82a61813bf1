"""Application, decision, cancellation and disbursement: the rules and every refusal with its
message; pledged savings blocked at approval and released when the loan ends."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.cooperatives.models import Cooperative
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import ClosedPeriodError, IdempotencyConflict
from coop_app.ledger.service import account_by_key, close_period
from coop_app.loans import disbursement, queries, terms
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans import products, repayment
from coop_app.loans.models import Loan, LoanInstallment
from coop_app.members.models import Member
from coop_app.savings import movements as savings
from tests.loans.factory import active_loan, pokok_account
from tests.support.books import assert_books_clean, entry_lines, loan_product

D = Decimal
DAY = date(2023, 1, 15)


def apply(lw, amount="10000000", term=12, code="PUF", member=None, **options):
    return service.apply_loan(lw.ksp_id, ApplicationData(
        member or lw.siti, loan_product(lw.ksp_id, code).id, D(amount) if amount is not None else None,
        term, "Modal usaha", DAY, **options), lw.user_id("treasurer"))


def entries():
    return db.session.execute(db.select(db.func.count()).select_from(JournalEntry)).scalar()


def refused(exc, match, call, *args, **kwargs):
    with pytest.raises(exc, match=match):
        call(*args, **kwargs)


# -- application -----------------------------------------------------------------------------

def test_application_copies_the_product_terms(lw):
    loan = apply(lw, enterprise_id=lw.warung, collateral_description="BPKB motor",
                 collateral_value=D("8000000"))
    assert loan.number == "PUF-000001" and apply(lw).number == "PUF-000002"
    assert (loan.method, loan.rate_bp, loan.term, loan.frequency, loan.rounding) == \
        ("flat", 1200, 12, "monthly", 1)
    assert loan.admin_fee == D("100000") and loan.principal_outstanding == 0
    assert loan.collateral_value == D("8000000")
    products.update_product(lw.ksp_id, loan.product_id, rate_bp=1500)
    assert loan.rate_bp == 1200  # later product edits change nothing
    schedule = terms.preview_schedule(loan)
    assert schedule.installments[0].due_date == date(2023, 2, 15)
    assert schedule.total_interest == D("1200000")
    assert queries.member_loans(lw.ksp_id, lw.siti)[0].id != loan.id  # newest first
    assert not queries.has_outstanding_loan(lw.ksp_id, lw.siti)


def test_application_refusals(lw):
    refused(InvalidField, "lends from Rp500.000 to Rp100.000.000", apply, lw, amount="100000001")
    refused(InvalidField, "lends from", apply, lw, amount="499999")
    refused(InvalidField, "more than zero", apply, lw, amount="0")
    refused(InvalidField, "term of Pinjaman Usaha \\(Bunga Flat\\) is 1 to 36", apply, lw, term=37)
    refused(InvalidField, "repaid monthly", apply, lw, frequency="weekly")
    refused(InvalidField, "purpose", service.apply_loan, lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.ksp_id, "PUF").id, D("1000000"), 12, "  ", DAY), lw.user_id("treasurer"))
    refused(InvalidField, "Only murabahah", apply, lw, cost_price=D("1000000"))
    refused(InvalidField, "Describe the collateral", apply, lw, collateral_value=D("1"))
    refused(NotFound, "Loan product not found", service.apply_loan, lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.bmt_id, "MBA").id, D("1000000"), 12, "x", DAY), lw.user_id("treasurer"))
    refused(NotFound, "Member not found", apply, lw, member=lw.aminah)
    refused(InvalidField, "future", service.apply_loan, lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.ksp_id, "PUF").id, D("1000000"), 12, "x", date(2999, 1, 1)),
        lw.user_id("treasurer"))
    refused(InvalidField, "before the member joined", service.apply_loan, lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.ksp_id, "PUF").id, D("1000000"), 12, "x", date(2021, 1, 1)),
        lw.user_id("treasurer"))
    products.update_product(lw.ksp_id, loan_product(lw.ksp_id, "PUF").id, active=False)
    refused(InvalidField, "no longer offered", apply, lw)


def test_inactive_member_is_refused(lw):
    db.session.get(Member, lw.budi).status = "resigned"
    refused(DomainError, "only to active members", apply, lw, member=lw.budi)


def test_enterprise_must_be_the_members_own_and_active(lw):
    refused(InvalidField, "only an enterprise of this member", apply, lw, enterprise_id=lw.bengkel)
    from coop_app.enterprises.models import Enterprise
    db.session.get(Enterprise, lw.warung).active = False
    refused(InvalidField, "no longer active", apply, lw, enterprise_id=lw.warung)


def test_savings_multiple_limit(lw):
    products.update_product(lw.ksp_id, loan_product(lw.ksp_id, "PUF").id, max_savings_multiple=3)
    # Siti holds 5.000.000: at most 15.000.000
    assert apply(lw, amount="15000000").amount == D("15000000")
    refused(InvalidField, "With savings of Rp5.000.000 this member can borrow at most "
            "Rp15.000.000 \\(3 times their savings\\)", apply, lw, amount="15000001")
    refused(InvalidField, "at most Rp0", apply, lw, member=lw.budi)


def test_admin_fee_must_leave_something_to_pay_out(lw):
    products.update_product(lw.ksp_id, loan_product(lw.ksp_id, "PUF").id, admin_fee_fixed=D("600000"))
    refused(InvalidField, "more than the admin fee of Rp605.000", apply, lw, amount="500000")


def test_murabahah_terms(lw):
    coop, treasurer = lw.bmt_id, lw.user_id("bmt.treasurer")
    mba = loan_product(coop, "MBA").id

    def murabahah(**options):
        amount = options.pop("amount", None)
        return service.apply_loan(coop, ApplicationData(lw.aminah, mba, amount, 36, "Motor", DAY, **options),
                                  treasurer)
    # M1: 20.000.000 less 4.000.000 down, 10% a year on 16.000.000 for 3 years = 4.800.000
    loan = murabahah(cost_price=D("20000000"), down_payment=D("4000000"), goods_description="Motor")
    assert (loan.amount, loan.margin) == (D("16000000"), D("4800000"))
    assert terms.preview_schedule(loan).installments[0].total == D("577778")
    given = murabahah(amount=D("16000000"), margin=D("4000000"), goods_description="Motor")
    assert given.margin == D("4000000") and given.cost_price is None
    refused(InvalidField, "Describe the goods", murabahah, cost_price=D("20000000"))
    refused(InvalidField, "down payment must be less", murabahah, cost_price=D("2000000"),
            down_payment=D("2000000"), goods_description="Motor")
    refused(InvalidField, "cost price less the down payment: Rp16.000.000", murabahah,
            amount=D("15000000"), cost_price=D("20000000"), down_payment=D("4000000"),
            goods_description="Motor")


# -- decision --------------------------------------------------------------------------------

def test_maker_checker(lw):
    loan = apply(lw)
    refused(DomainError, "officer who entered the application cannot decide",
            service.approve_loan, lw.ksp_id, loan.id, lw.user_id("treasurer"), DAY)
    refused(DomainError, "cannot decide", service.reject_loan, lw.ksp_id, loan.id,
            lw.user_id("treasurer"), DAY, "no")
    service.approve_loan(lw.ksp_id, loan.id, lw.user_id("manager"), DAY, reason="ok")
    assert (loan.status, loan.decided_by, loan.decision_reason) == \
        ("approved", lw.user_id("manager"), "ok")
    refused(DomainError, "this loan is approved", service.approve_loan, lw.ksp_id, loan.id,
            lw.user_id("manager2"), DAY)
    assert queries.has_outstanding_loan(lw.ksp_id, lw.siti)


def test_reject_needs_a_reason(lw):
    loan = apply(lw)
    refused(InvalidField, "Give the reason", service.reject_loan, lw.ksp_id, loan.id,
            lw.user_id("manager"), DAY, " ")
    refused(InvalidField, "before the application", service.reject_loan, lw.ksp_id, loan.id,
            lw.user_id("manager"), date(2023, 1, 1), "x")
    service.reject_loan(lw.ksp_id, loan.id, lw.user_id("manager"), DAY, "Usaha belum berjalan")
    assert loan.status == "rejected" and loan.decision_reason == "Usaha belum berjalan"
    refused(DomainError, "Only an approved loan can be disbursed; this loan is rejected",
            disbursement.disburse_loan, lw.ksp_id, loan.id, lw.user_id("treasurer"), DAY)
    refused(DomainError, "not yet disbursed can be cancelled", service.cancel_loan, lw.ksp_id,
            loan.id, lw.user_id("treasurer"), DAY, "x")


def test_loans_of_another_cooperative_are_not_found(lw):
    loan = apply(lw)
    refused(NotFound, "Loan not found", service.approve_loan, lw.other_id, loan.id,
            lw.user_id("other.manager"), DAY)


# -- pledged savings -------------------------------------------------------------------------

def test_pledge_is_blocked_at_approval_and_released_when_paid_off(lw):
    coop = lw.ksp_id
    refused(InvalidField, "Only Rp5.000.000 of savings account SS-000001 is free to pledge",
            apply, lw, pledged_account_id=lw.siti_ss, pledged_amount=D("5000001"))
    refused(InvalidField, "Choose the savings account", apply, lw, pledged_amount=D("1"))
    refused(InvalidField, "open savings account of the member", apply, lw, member=lw.budi,
            pledged_account_id=lw.siti_ss, pledged_amount=D("1000"))
    loan = apply(lw, amount="3000000", term=3, pledged_account_id=lw.siti_ss,
                 pledged_amount=D("3000000"))
    account = savings.get_account(coop, lw.siti_ss)
    assert account.pledged == 0  # nothing blocked before approval
    service.approve_loan(coop, loan.id, lw.user_id("manager"), DAY)
    assert account.pledged == D("3000000")
    with pytest.raises(DomainError, match="pledged as loan collateral"):
        savings.withdraw(coop, lw.siti_ss, D("2500000"), date(2023, 1, 16),
                         account_by_key(coop, "cash").id, "w1")
    # a second pledge finds only the free part
    refused(InvalidField, "Only Rp2.000.000", apply, lw, pledged_account_id=lw.siti_ss,
            pledged_amount=D("2000001"))
    disbursement.disburse_loan(coop, loan.id, lw.user_id("treasurer"), DAY)
    repayment.pay_off_loan(coop, loan.id, date(2023, 2, 1), lw.user_id("treasurer"))
    assert loan.status == "paid_off" and account.pledged == 0


def test_pledge_checked_again_at_approval_and_released_on_cancel(lw):
    coop = lw.ksp_id
    loan = apply(lw, pledged_account_id=lw.siti_ss, pledged_amount=D("4000000"))
    savings.withdraw(coop, lw.siti_ss, D("2000000"), date(2023, 1, 15),
                     account_by_key(coop, "cash").id, "w2")
    refused(DomainError, "Only Rp3.000.000 of savings account SS-000001 is free to pledge now; "
            "the loan asks for Rp4.000.000", service.approve_loan, coop, loan.id,
            lw.user_id("manager"), DAY)
    other = apply(lw, pledged_account_id=lw.siti_ss, pledged_amount=D("2500000"))
    service.approve_loan(coop, other.id, lw.user_id("manager"), DAY)
    account = savings.get_account(coop, lw.siti_ss)
    assert account.pledged == D("2500000")
    refused(InvalidField, "Give the reason", service.cancel_loan, coop, other.id,
            lw.user_id("treasurer"), DAY, "")
    service.cancel_loan(coop, other.id, lw.user_id("treasurer"), DAY, "Anggota membatalkan")
    assert other.status == "cancelled" and account.pledged == 0
    service.cancel_loan(coop, loan.id, lw.user_id("treasurer"), DAY, "Tidak jadi")
    assert account.pledged == 0


# -- disbursement ----------------------------------------------------------------------------

def test_disbursement_rules(lw):
    coop, treasurer = lw.ksp_id, lw.user_id("treasurer")
    loan = apply(lw)
    refused(DomainError, "this loan is awaiting a decision", disbursement.disburse_loan, coop, loan.id,
            treasurer, DAY)
    service.approve_loan(coop, loan.id, lw.user_id("manager"), date(2023, 1, 16))
    refused(InvalidField, "before the approval \\(2023-01-16\\)", disbursement.disburse_loan, coop,
            loan.id, treasurer, DAY)
    refused(InvalidField, "cash, to the bank", disbursement.disburse_loan, coop, loan.id, treasurer,
            date(2023, 1, 16), to="gold")
    refused(InvalidField, "own open sukarela or wadiah", disbursement.disburse_loan, coop, loan.id,
            treasurer, date(2023, 1, 16), to="savings", savings_account_id=pokok_account(lw.ksp_id, lw.siti, DAY))
    before = entries()
    disbursement.disburse_loan(coop, loan.id, treasurer, date(2023, 1, 16), to="savings")
    assert entries() == before + 1
    assert entry_lines(loan.disbursement_entry_id)["simpanan_sukarela"] == D("-9900000")
    assert savings.get_account(coop, lw.siti_ss).balance == D("14900000")
    refused(DomainError, "already disbursed on 2023-01-16", disbursement.disburse_loan, coop, loan.id,
            treasurer, date(2023, 1, 16))
    assert entries() == before + 1
    rows = db.session.execute(db.select(LoanInstallment).where(LoanInstallment.loan_id == loan.id)).scalars().all()
    assert len(rows) == 12 and rows[0].due_date == date(2023, 2, 16)
    assert_books_clean()


def test_disbursement_needs_money_in_the_till(lw):
    coop = lw.ksp_id
    loan = apply(lw, amount="50000000", term=12)
    service.approve_loan(coop, loan.id, lw.user_id("manager"), DAY)
    refused(DomainError, "Bank does not hold the Rp49.500.000 this disbursement pays out",
            disbursement.disburse_loan, coop, loan.id, lw.user_id("treasurer"), DAY, to="bank")
    assert loan.status == "approved"


def test_disbursement_is_idempotent_with_a_key(lw):
    coop, treasurer = lw.ksp_id, lw.user_id("treasurer")
    loan = apply(lw)
    service.approve_loan(coop, loan.id, lw.user_id("manager"), DAY)
    first = disbursement.disburse_loan(coop, loan.id, treasurer, DAY, idempotency_key="form-1")
    before = entries()
    again = disbursement.disburse_loan(coop, loan.id, treasurer, DAY, idempotency_key="form-1")
    assert again.replayed and again.disbursement_entry_id == first.disbursement_entry_id
    assert entries() == before
    other = apply(lw)
    service.approve_loan(coop, other.id, lw.user_id("manager"), DAY)
    refused(IdempotencyConflict, "already used for a different entry", disbursement.disburse_loan,
            coop, other.id, treasurer, DAY, idempotency_key="form-1")


def test_closed_period_refuses_disbursement(lw):
    coop = lw.ksp_id
    loan = apply(lw)
    service.approve_loan(coop, loan.id, lw.user_id("manager"), DAY)
    close_period(db.session.get(Cooperative, coop), date(2023, 1, 31))
    refused(ClosedPeriodError, "The books are closed up to 2023-01-31; choose a later date",
            disbursement.disburse_loan, coop, loan.id, lw.user_id("treasurer"), DAY)
    assert loan.status == "approved"
    disbursement.disburse_loan(coop, loan.id, lw.user_id("treasurer"), date(2023, 2, 1))
    assert loan.disbursed_on == date(2023, 2, 1)


def test_disbursement_refused_when_member_left(lw):
    coop = lw.ksp_id
    loan = apply(lw, member=lw.budi)
    service.approve_loan(coop, loan.id, lw.user_id("manager"), DAY)
    db.session.get(Member, lw.budi).status = "resigned"
    refused(DomainError, "only to active members", disbursement.disburse_loan, coop, loan.id,
            lw.user_id("treasurer"), DAY)


# -- queries ---------------------------------------------------------------------------------

def test_arrears_and_next_due(lw):
    coop = lw.ksp_id
    loan = active_loan(coop, lw.siti, "PUF", "12000000", 12, lw.user_id("treasurer"),
                       lw.user_id("manager"), DAY)
    nothing = queries.arrears(loan, date(2023, 2, 15))  # due today is not yet overdue
    assert (nothing.days_past_due, nothing.total_overdue) == (0, 0)
    assert queries.next_due(loan, DAY).n == 1
    loan.penalty_due = D("12000")
    late = queries.arrears(loan, date(2023, 4, 1))
    assert (late.days_past_due, late.overdue_installments) == (45, 2)
    assert (late.overdue_principal, late.overdue_interest, late.penalty_due, late.total_overdue) == \
        (D("2000000"), D("240000"), D("12000"), D("2252000"))
    due = repayment.amount_due(loan, date(2023, 4, 15))
    # with the days late up to 15 April not charged yet: 1.120.000 x (59 + 31) x 0,1%
    assert (due.late_charge, due.penalty, due.interest, due.principal, due.total) == \
        (D("100800"), D("112800"), D("360000"), D("3000000"), D("3472800"))
    assert len(queries.installments(loan)) == 12
    assert db.session.get(Loan, loan.id).status == "active"
