"""The full life of a loan of every method through the service and the ledger: application,
approval, disbursement, partial, late (with late charges), advance and early full repayment,
paid off; every entry's amounts against hand-computed figures, and check-ledger clean after
each step. Figures from the worked examples (L1-L3, M2)."""
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger.service import account_by_key
from coop_app.loans import disbursement, queries, terms
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans import products, repayment
from coop_app.loans.models import PAID_OFF, LoanPayment
from coop_app.loans.queries import events
from coop_app.savings import movements as savings
from tests.loans.factory import active_loan
from tests.support.books import assert_books_clean, balance, entry_lines, loan_product

D = Decimal
DAY = date(2023, 1, 15)


def pay(coop_id, loan, amount, on, user, **options):
    payment = repayment.repay_loan(coop_id, loan.id, D(amount), on, user, **options)
    assert_books_clean()
    return payment


def parts(payment):
    return payment.penalty, payment.interest, payment.principal


def test_flat_l1_life(lw):
    """L1: 90.000.000 at 12% flat for 36 months: 3.400.000 = 2.500.000 + 900.000 a month."""
    coop, treasurer, manager = lw.ksp_id, lw.user_id("treasurer"), lw.user_id("manager")
    loan = service.apply_loan(coop, ApplicationData(lw.siti, loan_product(coop, "PUF").id, D("90000000"), 36,
                                                    "Modal warung sembako", DAY, enterprise_id=lw.warung),
                              treasurer)
    assert loan.status == "applied" and loan.admin_fee == D("900000")
    preview = terms.preview_schedule(loan)
    assert {(i.principal, i.interest, i.total) for i in preview.installments} == \
        {(D("2500000"), D("900000"), D("3400000"))}
    service.approve_loan(coop, loan.id, manager, DAY, reason="Usaha berjalan baik")
    loan = disbursement.disburse_loan(coop, loan.id, treasurer, DAY)
    assert entry_lines(loan.disbursement_entry_id) == {
        "loans_receivable": D("90000000"), "fee_income": D("-900000"), "cash": D("-89100000")}
    assert loan.principal_outstanding == D("90000000")
    assert_books_clean()

    # instalment 1 on its due date
    first = pay(coop, loan, "3400000", date(2023, 2, 15), treasurer)
    assert entry_lines(first.entry_id) == {"cash": D("3400000"), "interest_income": D("-900000"),
                                           "loans_receivable": D("-2500000")}
    # partial: interest first, then principal
    partial = pay(coop, loan, "1000000", date(2023, 3, 15), treasurer)
    assert parts(partial) == (0, D("900000"), D("100000"))
    # late: the payment charges the days late (2.400.000 x 36 days of instalment 2 and
    # 3.400.000 x 5 days of instalment 3, at 0,1% a day: 103.400) and covers them, the rest of
    # instalment 2, instalment 3, and part of instalment 4's interest in advance
    arrears = queries.arrears(loan, date(2023, 4, 20))
    assert (arrears.days_past_due, arrears.overdue_installments) == (36, 2)
    assert (arrears.overdue_principal, arrears.overdue_interest) == (D("4900000"), D("900000"))
    late = pay(coop, loan, "6053400", date(2023, 4, 20), treasurer)
    assert parts(late) == (D("103400"), D("1050000"), D("4900000"))
    assert entry_lines(late.entry_id) == {"cash": D("6053400"), "penalty_income": D("-103400"),
                                          "interest_income": D("-1050000"),
                                          "loans_receivable": D("-4900000")}
    assert loan.penalty_due == 0 and loan.principal_outstanding == D("82500000")
    assert queries.arrears(loan, date(2023, 4, 20)).total_overdue == 0

    # early payoff, all remaining interest (the product's rule): 33 x 900.000 less 150.000 paid
    quote = repayment.payoff_quote(loan, date(2023, 5, 10))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("82500000"), D("29550000"), 0, D("112050000"))
    payoff = repayment.pay_off_loan(coop, loan.id, date(2023, 5, 10), treasurer)
    assert entry_lines(payoff.entry_id) == {"cash": D("112050000"), "interest_income": D("-29550000"),
                                            "loans_receivable": D("-82500000")}
    assert (loan.status, loan.closed_on, loan.principal_outstanding) == (PAID_OFF, date(2023, 5, 10), 0)
    assert balance(coop, "loans_receivable") == 0
    # all the L1 interest, 32.400.000, earned over the loan's life
    assert balance(coop, "interest_income") == D("-32400000")
    assert queries.next_due(loan, date(2023, 5, 10)) is None
    assert [e.kind for e in events(loan)] == [
        "applied", "approved", "disbursed", "repayment", "repayment", "repayment", "repayment",
        "paid_off"]
    assert_books_clean()


def test_effective_l2_life_with_current_period_payoff(lw):
    """L2: 5.000.000 at 22% declining balance, 12 months; paid off in month 3 paying only the
    current period's interest."""
    coop, treasurer, manager = lw.ksp_id, lw.user_id("treasurer"), lw.user_id("manager")
    products.update_product(coop, loan_product(coop, "PUE").id, rate_bp=2200)
    loan = active_loan(coop, lw.budi, "PUE", "5000000", 12, treasurer, manager, DAY,
                       enterprise_id=lw.bengkel)
    assert entry_lines(loan.disbursement_entry_id) == {
        "loans_receivable": D("5000000"), "fee_income": D("-50000"), "cash": D("-4950000")}
    rows = queries.installments(loan)
    assert (rows[0].total, rows[0].interest, rows[0].principal) == (D("508333"), D("91667"), D("416666"))
    assert (rows[1].total, rows[1].interest) == (D("500694"), D("84028"))

    first = pay(coop, loan, "508333", date(2023, 2, 15), treasurer)
    assert parts(first) == (0, D("91667"), D("416666"))
    # instalment 2 paid 20 days late, charged at payment: 500.694 x 20 x 0,1% = 10.014
    late = pay(coop, loan, "510708", date(2023, 4, 4), treasurer)
    assert parts(late) == (D("10014"), D("84028"), D("416666"))
    assert entry_lines(late.entry_id)["penalty_income"] == D("-10014")

    # current-period rule: instalment 3 (due 15 April) is running: its interest is owed, the
    # interest of instalments 4-12 (68.750 + ... + 7.639 = 343.750) is waived
    quote = repayment.payoff_quote(loan, date(2023, 4, 5))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("4166668"), D("76389"), D("343750"), D("4243057"))
    payoff = pay(coop, loan, "4243057", date(2023, 4, 5), treasurer)
    assert payoff.kind == "payoff" and payoff.waived_interest == D("343750")
    assert entry_lines(payoff.entry_id) == {"cash": D("4243057"), "interest_income": D("-76389"),
                                            "loans_receivable": D("-4166668")}
    assert loan.status == PAID_OFF
    assert sum(r.waived_interest for r in queries.installments(loan)) == D("343750")
    assert_books_clean()


def test_annuity_l3_life_advance_and_from_savings(lw):
    """L3: 10.000.000 at 12% annuity, 12 months: 888.488 a month. Two instalments paid in
    advance from savings, then paid off in cash under the current-period rule."""
    coop, treasurer, manager = lw.ksp_id, lw.user_id("treasurer"), lw.user_id("manager")
    savings.deposit(coop, lw.siti_ss, D("2000000"), date(2023, 1, 20), account_by_key(coop, "cash").id,
                    "topup-siti")
    loan = active_loan(coop, lw.siti, "PUA", "10000000", 12, treasurer, manager, DAY)
    assert queries.installments(loan)[0].total == D("888488")

    advance = pay(coop, loan, "1776976", date(2023, 2, 10), treasurer, source="savings",
                  savings_account_id=lw.siti_ss)
    assert parts(advance) == (0, D("192115"), D("1584861"))
    assert entry_lines(advance.entry_id) == {"simpanan_sukarela": D("1776976"),
                                             "interest_income": D("-192115"),
                                             "loans_receivable": D("-1584861")}
    assert savings.get_account(coop, lw.siti_ss).balance == D("5223024")
    assert queries.arrears(loan, date(2023, 3, 20)).days_past_due == 0
    assert queries.next_due(loan, date(2023, 3, 20)).n == 3

    quote = repayment.payoff_quote(loan, date(2023, 3, 20))
    assert (quote.principal, quote.interest, quote.total) == (D("8415139"), D("84151"), D("8499290"))
    payoff = repayment.pay_off_loan(coop, loan.id, date(2023, 3, 20), treasurer, source="bank")
    assert entry_lines(payoff.entry_id) == {"bank": D("8499290"), "interest_income": D("-84151"),
                                            "loans_receivable": D("-8415139")}
    assert loan.status == PAID_OFF
    assert_books_clean()


def test_murabahah_m2_life(lw):
    """M2: cost 100.000.000, down payment 10.000.000, financed 90.000.000, margin 18.000.000
    over 24 months: 4.500.000 = 750.000 margin + 3.750.000 principal; admin fee 1% = 900.000."""
    coop, treasurer, manager = lw.bmt_id, lw.user_id("bmt.treasurer"), lw.user_id("bmt.manager")
    loan = service.apply_loan(coop, ApplicationData(lw.aminah, loan_product(coop, "MBA").id, None, 24, "Mesin jahit",
                                                    DAY, cost_price=D("100000000"), down_payment=D("10000000"),
                                                    goods_description="Dua mesin jahit industri"), treasurer)
    assert (loan.amount, loan.margin, loan.admin_fee) == (D("90000000"), D("18000000"), D("900000"))
    service.approve_loan(coop, loan.id, manager, DAY)
    disbursement.disburse_loan(coop, loan.id, treasurer, DAY)
    # PSAK 102: the receivable at the sale price, the margin deferred
    assert entry_lines(loan.disbursement_entry_id) == {
        "murabahah_receivable": D("108000000"), "deferred_margin": D("-18000000"),
        "fee_income": D("-900000"), "cash": D("-89100000")}
    assert loan.principal_outstanding == D("90000000")
    assert_books_clean()

    first = pay(coop, loan, "4500000", date(2023, 2, 15), treasurer)
    assert parts(first) == (0, D("750000"), D("3750000"))
    assert entry_lines(first.entry_id) == {"cash": D("4500000"), "murabahah_receivable": D("-4500000"),
                                           "deferred_margin": D("750000"), "margin_income": D("-750000")}
    # late: the fixed ta'zir, charged at payment, goes to the social fund, never to income
    late = pay(coop, loan, "4525000", date(2023, 3, 25), treasurer)
    assert entry_lines(late.entry_id) == {"cash": D("4525000"), "social_fund": D("-25000"),
                                          "murabahah_receivable": D("-4500000"),
                                          "deferred_margin": D("750000"), "margin_income": D("-750000")}
    assert balance(coop, "social_fund") == D("-25000")

    # muqasah: paid off in month 3 under the current-period rule, the margin of instalments
    # 4-24 (21 x 750.000) is waived and cleared from the receivable unearned
    products.update_product(coop, loan_product(coop, "MBA").id, early_repayment_rule="current_period")
    quote = repayment.payoff_quote(loan, date(2023, 4, 1))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("82500000"), D("750000"), D("15750000"), D("83250000"))
    payoff = repayment.pay_off_loan(coop, loan.id, date(2023, 4, 1), treasurer)
    assert entry_lines(payoff.entry_id) == {
        "cash": D("83250000"), "murabahah_receivable": D("-99000000"),
        "deferred_margin": D("16500000"), "margin_income": D("-750000")}
    assert loan.status == PAID_OFF
    assert balance(coop, "murabahah_receivable") == 0 and balance(coop, "deferred_margin") == 0
    assert balance(coop, "margin_income") == D("-2250000")
    assert_books_clean()


def test_qardh_life(lw):
    """Qardh: principal only; no fee; a late charge (ta'zir) still goes to the social fund."""
    coop, treasurer, manager = lw.bmt_id, lw.user_id("bmt.treasurer"), lw.user_id("bmt.manager")
    loan = active_loan(coop, lw.aminah, "QH", "3000000", 6, treasurer, manager, DAY)
    assert entry_lines(loan.disbursement_entry_id) == {"qardh_receivable": D("3000000"),
                                                       "cash": D("-3000000")}
    assert {r.total for r in queries.installments(loan)} == {D("500000")}
    first = pay(coop, loan, "500000", date(2023, 2, 15), treasurer)
    assert entry_lines(first.entry_id) == {"cash": D("500000"), "qardh_receivable": D("-500000")}
    partial = pay(coop, loan, "200000", date(2023, 3, 15), treasurer)
    assert parts(partial) == (0, 0, D("200000"))
    loan.penalty_due = D("10000")
    late = pay(coop, loan, "310000", date(2023, 4, 10), treasurer)
    assert entry_lines(late.entry_id) == {"cash": D("310000"), "social_fund": D("-10000"),
                                          "qardh_receivable": D("-300000")}
    quote = repayment.payoff_quote(loan, date(2023, 4, 10))
    assert (quote.principal, quote.interest, quote.total) == (D("2000000"), 0, D("2000000"))
    pay(coop, loan, "2000000", date(2023, 4, 10), treasurer)
    assert loan.status == PAID_OFF and balance(coop, "qardh_receivable") == 0
    assert_books_clean()


def test_mudharabah_life_paid_out_to_wadiah(lw):
    """Mudharabah 12.000.000 for 12 months at an expected 18%: 1.180.000 = 180.000 projected
    profit share + 1.000.000; paid out to the member's wadiah savings less the 1% fee."""
    coop, treasurer, manager = lw.bmt_id, lw.user_id("bmt.treasurer"), lw.user_id("bmt.manager")
    loan = active_loan(coop, lw.aminah, "MDA", "12000000", 12, treasurer, manager, DAY, to="savings")
    assert entry_lines(loan.disbursement_entry_id) == {
        "mudharabah_financing": D("12000000"), "fee_income": D("-120000"),
        "simpanan_wadiah": D("-11880000")}
    assert savings.get_account(coop, lw.aminah_wd).balance == D("13880000")

    first = pay(coop, loan, "1180000", date(2023, 2, 15), treasurer, source="savings",
                savings_account_id=lw.aminah_wd)
    assert entry_lines(first.entry_id) == {"simpanan_wadiah": D("1180000"),
                                           "profit_share_income": D("-180000"),
                                           "mudharabah_financing": D("-1000000")}
    late = pay(coop, loan, "1205000", date(2023, 3, 30), treasurer)  # 25.000 ta'zir at payment
    assert parts(late) == (D("25000"), D("180000"), D("1000000"))
    assert entry_lines(late.entry_id)["social_fund"] == D("-25000")
    # the product's default rule is current period: instalment 3's share, 9 x 180.000 waived
    quote = repayment.payoff_quote(loan, date(2023, 4, 2))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("10000000"), D("180000"), D("1620000"), D("10180000"))
    repayment.pay_off_loan(coop, loan.id, date(2023, 4, 2), treasurer)
    assert loan.status == PAID_OFF and balance(coop, "mudharabah_financing") == 0
    assert db.session.execute(db.select(db.func.count()).select_from(LoanPayment)).scalar() == 3
    assert_books_clean()
