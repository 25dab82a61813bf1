"""The late charge counted by the day: a payment charges the days late up to its date that no
month-end charged, a month-end continues from where a payment stopped, a reversal gives the
days back, the payoff quote and the repay page show it, and a BMT's fixed ta'zir is charged
once per late instalment and goes to the social fund.

The KSP's PUF product charges 0,1% a day of the overdue amount; a flat loan of Rp12.000.000
over 12 months at 12% has instalments of Rp1.120.000, so each day late of one instalment
costs Rp1.120. The BMT's MBA product charges a fixed ta'zir of Rp25.000."""
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger.service import reverse_entry
from coop_app.loans import monthend, queries, repayment
from coop_app.loans.models import Loan
from tests.loans.factory import active_loan
from tests.loans.pages import BMT, KSP
from tests.support import key
from tests.support.books import assert_books_clean, balance, entry_lines
from tests.support.web import login_as

D = Decimal
DISBURSED = date(2025, 10, 10)  # instalments due on the 10th, from 10 November 2025
NOV, DEC, JAN = date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31)
PER_DAY = D("1120")  # 0,1% of one overdue instalment of Rp1.120.000


def flat_loan(lw):
    return active_loan(lw.ksp_id, lw.siti, "PUF", "12000000", 12, lw.user_id("treasurer"),
                       lw.user_id("manager"), DISBURSED)


def murabahah(lw):
    """Cost 6.000.000 over 6 months at a 10% margin: instalments 1.050.000 = 1.000.000 + 50.000."""
    return active_loan(lw.bmt_id, lw.aminah, "MBA", None, 6, lw.user_id("bmt.treasurer"),
                       lw.user_id("bmt.manager"), DISBURSED, cost_price=D("6000000"),
                       goods_description="Mesin jahit")


def repay(lw, loan, amount, on):
    coop = loan.cooperative_id
    user = lw.user_id("treasurer" if coop == lw.ksp_id else "bmt.treasurer")
    return repayment.repay_loan(coop, loan.id, D(amount), on, user)


def month_end(lw, coop_id, period_end):
    user = lw.user_id("manager" if coop_id == lw.ksp_id else "bmt.manager")
    return monthend.run_loan_month_end(coop_id, period_end, user)


def reverse(lw, entry_id, on):
    return reverse_entry(lw.ksp_id, entry_id, "Salah input", key(), created_by=lw.user_id("manager"),
                         reversal_date=on)


def charged_through(loan):
    return [row.late_charged_through for row in queries.installments(loan)[:3]]


def penalty_due(loan):
    return db.session.get(Loan, loan.id).penalty_due


def test_an_instalment_paid_15_days_late_within_its_month_is_charged_15_days(lw):
    loan = flat_loan(lw)
    due = repayment.amount_due(loan, date(2025, 11, 25))
    # due 10 November, paid 25 November: 15 days x 0,1% x 1.120.000 = 16.800
    assert (due.late_charge, due.penalty, due.total) == (D("16800"), D("16800"), D("1136800"))
    payment = repay(lw, loan, "1136800", date(2025, 11, 25))
    assert (payment.late_charge, payment.penalty, payment.interest, payment.principal) == \
        (D("16800"), D("16800"), D("120000"), D("1000000"))
    assert entry_lines(payment.entry_id) == {"cash": D("1136800"), "penalty_income": D("-16800"),
                                             "interest_income": D("-120000"),
                                             "loans_receivable": D("-1000000")}
    assert penalty_due(loan) == 0
    assert charged_through(loan) == [date(2025, 11, 25), None, None]
    # the month-end after it has nothing left to charge
    run = month_end(lw, lw.ksp_id, NOV)
    assert (run.late_charges, penalty_due(loan)) == (0, 0)
    assert_books_clean()


def test_a_part_payment_pays_the_late_charge_first_and_leaves_it_due_no_more(lw):
    loan = flat_loan(lw)
    payment = repay(lw, loan, "1120000", date(2025, 11, 25))
    assert (payment.penalty, payment.interest, payment.principal) == (D("16800"), D("120000"), D("983200"))
    # the 16.800 of the instalment still unpaid is late from 26 November: 5 days at month-end
    run = month_end(lw, lw.ksp_id, NOV)
    assert run.late_charges == penalty_due(loan) == D("84")  # 16.800 x 5 x 0,1%


def test_month_end_and_payment_never_count_a_day_twice(lw):
    loan = flat_loan(lw)
    month_end(lw, lw.ksp_id, NOV)
    assert penalty_due(loan) == 20 * PER_DAY == D("22400")  # 11-30 November
    assert charged_through(loan) == [NOV, None, None]
    due = repayment.amount_due(loan, date(2025, 12, 12))
    # 12 more days of instalment 1 (1-12 December), 2 of instalment 2 (due 10 December);
    # never the 32 days since 10 November on top of the month-end's 20
    assert due.late_charge == (12 + 2) * PER_DAY == D("15680")
    assert due.penalty == D("22400") + D("15680")
    payment = repay(lw, loan, "1158080", date(2025, 12, 12))  # both charges and instalment 1
    assert (payment.penalty, payment.late_charge, payment.interest, payment.principal) == \
        (D("38080"), D("15680"), D("120000"), D("1000000"))
    assert entry_lines(payment.entry_id)["penalty_income"] == D("-38080")
    assert penalty_due(loan) == 0
    assert charged_through(loan) == [date(2025, 12, 12), date(2025, 12, 12), None]
    # the December month-end charges instalment 2 from 13 December: 19 days, not 21
    run = month_end(lw, lw.ksp_id, DEC)
    assert run.late_charges == penalty_due(loan) == 19 * PER_DAY == D("21280")
    assert charged_through(loan) == [date(2025, 12, 12), DEC, None]
    assert_books_clean()


def test_a_reversal_undoes_the_charge_and_gives_the_days_back(lw):
    loan = flat_loan(lw)
    month_end(lw, lw.ksp_id, NOV)
    payment = repay(lw, loan, "1158080", date(2025, 12, 12))
    reverse(lw, payment.entry_id, date(2025, 12, 15))
    db.session.refresh(payment)
    assert payment.reversed
    assert penalty_due(loan) == D("22400")  # the month-end's, as before the payment
    assert charged_through(loan) == [NOV, None, None]
    assert balance(lw.ksp_id, "penalty_income") == 0
    # paid again on the same day, the same days are charged again, once
    again = repay(lw, loan, "1158080", date(2025, 12, 12))
    assert (again.penalty, again.late_charge) == (D("38080"), D("15680"))
    assert_books_clean()


def test_a_reversal_after_a_later_month_end_keeps_the_days_that_month_end_charged_on(lw):
    loan = flat_loan(lw)
    month_end(lw, lw.ksp_id, NOV)
    payment = repay(lw, loan, "1158080", date(2025, 12, 12))
    month_end(lw, lw.ksp_id, DEC)  # instalment 2: 13-31 December, 21.280
    reverse(lw, payment.entry_id, date(2026, 1, 5))
    # instalment 1 is unpaid again and charged through 30 November; instalment 2 keeps its
    # 11-12 December (2.240) and the month-end's 13-31 December
    assert charged_through(loan) == [NOV, DEC, None]
    assert penalty_due(loan) == D("22400") + D("2240") + D("21280")
    # every day once: instalment 1 from 11 November, instalment 2 from 11 December, to 5 January
    due = repayment.amount_due(loan, date(2026, 1, 5))
    assert due.late_charge == (36 + 5) * PER_DAY
    assert due.penalty == (56 + 26) * PER_DAY == D("91840")
    assert_books_clean()


def test_the_payoff_quote_is_what_the_payment_then_charges(lw):
    loan = flat_loan(lw)
    month_end(lw, lw.ksp_id, NOV)
    quote = repayment.payoff_quote(loan, date(2025, 12, 12))
    # all remaining interest (the product's rule) 12 x 120.000, the principal, late charges
    assert (quote.late_charge, quote.penalty, quote.interest, quote.principal, quote.total) == \
        (D("15680"), D("38080"), D("1440000"), D("12000000"), D("13478080"))
    later = repayment.payoff_quote(loan, date(2025, 12, 20))  # 20 + 10 days: 33.600
    assert (later.late_charge, later.total) == (D("33600"), D("13496000"))
    payment = repayment.pay_off_loan(lw.ksp_id, loan.id, date(2025, 12, 12), lw.user_id("treasurer"))
    assert (payment.amount, payment.penalty, payment.late_charge) == (quote.total, D("38080"), D("15680"))
    got = db.session.get(Loan, loan.id)
    assert (got.status, got.penalty_due, got.principal_outstanding) == ("paid_off", 0, 0)
    assert_books_clean()


def test_a_bmt_charges_fixed_tazir_once_per_late_instalment_to_the_social_fund(lw):
    financing = murabahah(lw)
    month_end(lw, lw.bmt_id, NOV)
    assert penalty_due(financing) == D("25000")  # instalment 1, late since 10 November
    due = repayment.amount_due(financing, date(2025, 12, 12))
    assert (due.late_charge, due.penalty) == (D("25000"), D("50000"))  # instalment 2 only
    payment = repay(lw, financing, "1100000", date(2025, 12, 12))  # ta'zir and instalment 1
    assert (payment.penalty, payment.interest, payment.principal) == (D("50000"), D("50000"), D("1000000"))
    assert entry_lines(payment.entry_id) == {
        "cash": D("1100000"), "social_fund": D("-50000"), "murabahah_receivable": D("-1050000"),
        "deferred_margin": D("50000"), "margin_income": D("-50000")}
    assert balance(lw.bmt_id, "social_fund") == D("-50000")  # a BMT has no late-charge income
    # instalment 2 stays late through December: no second ta'zir for it
    assert month_end(lw, lw.bmt_id, DEC).late_charges == 0
    # January: instalment 3 (due 10 January) is charged; instalment 2 is not again
    assert month_end(lw, lw.bmt_id, JAN).late_charges == D("25000")
    assert penalty_due(financing) == D("25000")
    assert_books_clean()


# -- the pages -------------------------------------------------------------------------------

def test_the_repay_page_shows_the_late_charge_of_the_date_chosen(app, client, lworld):
    """Budi's Rp3.000.000 over 6 months (instalments Rp530.000 from 16 April 2026), unpaid."""
    login_as(client, "treasurer")
    url = f"{KSP}/{lworld.loans['budi']}/repay"
    page = client.get(f"{url}?on=2026-04-30").get_data(as_text=True)
    # 14 days x 0,1% x 530.000
    assert 'id="late-charges">Rp7,420<' in page and "including Rp7,420 for the days late" in page
    assert 'value="2026-04-30"' in page
    page = client.get(f"{url}?on=2026-05-20").get_data(as_text=True)
    # instalment 1: 34 days, instalment 2 (due 16 May): 4 days
    assert 'id="late-charges">Rp20,140<' in page


def test_the_bmt_repay_page_says_tazir(app, client, lworld):
    """Aminah's murabahah, instalments from 16 April 2026, unpaid: on 20 May two are late."""
    login_as(client, "bmt.treasurer")
    page = client.get(f"{BMT}/{lworld.loans['bmt']}/repay?on=2026-05-20").get_data(as_text=True)
    assert "Ta&#39;zir (to the social fund)" in page or "Ta'zir (to the social fund)" in page
    assert 'id="late-charges">Rp50,000<' in page
    assert "Late charges" not in page
