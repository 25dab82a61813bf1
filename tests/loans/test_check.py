"""check-ledger for loans: a loan row out of step with its journal lines or its schedule is
reported; a clean portfolio reports nothing."""
from datetime import date
from decimal import Decimal

from sqlalchemy import update

from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.ledger.posting import Line, post_entry
from coop_app.ledger.service import account_by_key
from coop_app.loans import repayment
from coop_app.loans.check import check_loans_subledger
from coop_app.loans.models import Loan, LoanInstallment
from tests.loans.factory import active_loan
from tests.support import key

D = Decimal
DAY = date(2023, 1, 15)


def loans(lw):
    """An active flat loan at KSP-A (after one instalment), and a murabahah paid off at BMT-C."""
    flat = active_loan(lw.ksp_id, lw.siti, "PUF", "12000000", 12, lw.user_id("treasurer"),
                       lw.user_id("manager"), DAY)
    repayment.repay_loan(lw.ksp_id, flat.id, D("1120000"), date(2023, 2, 15), lw.user_id("treasurer"))
    murabahah = active_loan(lw.bmt_id, lw.aminah, "MBA", "6000000", 6, lw.user_id("bmt.treasurer"),
                            lw.user_id("bmt.manager"), DAY, goods_description="Kulkas")
    repayment.pay_off_loan(lw.bmt_id, murabahah.id, date(2023, 3, 1), lw.user_id("bmt.treasurer"))
    db.session.commit()
    return flat, murabahah


def corrupt(model, row_id, **values):
    db.session.execute(update(model).where(model.id == row_id).values(**values))
    db.session.expire_all()


def test_a_clean_portfolio_has_no_problems(lw):
    loans(lw)
    assert check_loans_subledger() == []
    assert check_loans_subledger(lw.ksp_id) == []
    assert check_ledger()[1] == []


def test_outstanding_principal_out_of_step_with_the_lines(lw):
    flat, _ = loans(lw)
    corrupt(Loan, flat.id, principal_outstanding=D("11500000"))
    problems = check_loans_subledger()
    assert "loan PUF-000001 has principal outstanding 11500000.00 but its lines sum to 11000000.00" in problems
    assert "loan PUF-000001 has principal outstanding 11500000.00 but its schedule leaves " \
           "11000000.00 unpaid" in problems
    assert check_loans_subledger(lw.bmt_id) == []
    assert any("PUF-000001" in p for p in check_ledger()[1])


def test_paid_off_loan_with_something_outstanding(lw):
    _, murabahah = loans(lw)
    corrupt(Loan, murabahah.id, principal_outstanding=D("100"))
    assert check_loans_subledger(lw.bmt_id) == [
        "loan MBA-000001 has principal outstanding 100.00 but its lines sum to 0.00",
        "loan MBA-000001 is paid_off but still has 100.00 outstanding"]


def test_provision_out_of_step_with_the_allowance(lw):
    flat, _ = loans(lw)
    corrupt(Loan, flat.id, provision=D("55000"))
    assert check_loans_subledger(lw.ksp_id) == [
        "loan PUF-000001 has provision 55000.00 but its allowance lines sum to 0.00",
        f"the loan allowance of cooperative {lw.ksp_id} is 0.00 but the loans' provisions sum to 55000.00"]


def test_allowance_lines_without_the_provision(lw):
    flat, _ = loans(lw)
    post_entry(lw.ksp_id, date(2023, 1, 31), "loan_month_end", "PPAP", [
        Line(account_by_key(lw.ksp_id, "provision_expense").id, D("55000")),
        Line(account_by_key(lw.ksp_id, "loan_allowance").id, D("-55000"), loan_id=flat.id)], key())
    assert check_loans_subledger(lw.ksp_id) == [
        "loan PUF-000001 has provision 0.00 but its allowance lines sum to 55000.00",
        f"the loan allowance of cooperative {lw.ksp_id} is 55000.00 but the loans' provisions sum to 0.00"]


def test_schedule_out_of_step_with_the_loan(lw):
    flat, _ = loans(lw)
    second = db.session.execute(db.select(LoanInstallment.id).where(
        LoanInstallment.loan_id == flat.id, LoanInstallment.n == 2)).scalar_one()
    corrupt(LoanInstallment, second, paid_principal=D("400000"))
    assert check_loans_subledger() == [
        "loan PUF-000001 has principal outstanding 11000000.00 but its schedule leaves 10600000.00 unpaid"]


def test_lines_on_loan_accounts_must_name_their_loan(lw):
    loans(lw)
    post_entry(lw.ksp_id, DAY, "manual", "Salah posting", [
        Line(account_by_key(lw.ksp_id, "loans_receivable").id, D("1000")),
        Line(account_by_key(lw.ksp_id, "cash").id, D("-1000"))], key())
    assert check_loans_subledger() == ["1 lines on loan accounts name no loan"]
