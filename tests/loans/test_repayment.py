"""Repayments: refusals with their messages, the two early repayment rules, paying from
savings, idempotent replays, and the instalment lines a remittance pays."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.cooperatives.models import Cooperative
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import ClosedPeriodError, IdempotencyConflict, Line, post_entry
from coop_app.ledger.service import account_by_key, close_period
from coop_app.loans import queries
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans import products, repayment
from coop_app.loans.models import LoanPayment
from tests.loans.factory import active_loan, pokok_account
from tests.support.books import assert_books_clean, entry_lines, loan_product

D = Decimal
DAY = date(2023, 1, 15)


def flat_loan(lw, amount="12000000", term=12, member=None, on=DAY, **options):
    """12.000.000 at 12% flat over 12 months: 1.120.000 = 1.000.000 + 120.000."""
    return active_loan(lw.ksp_id, member or lw.siti, "PUF", amount, term, lw.user_id("treasurer"),
                       lw.user_id("manager"), on, **options)


def repay(lw, loan, amount, on, **options):
    return repayment.repay_loan(lw.ksp_id, loan.id, D(amount), on, lw.user_id("treasurer"), **options)


def entries():
    return db.session.execute(db.select(db.func.count()).select_from(JournalEntry)).scalar()


def test_overpayment_is_refused_naming_the_maximum(lw):
    loan = flat_loan(lw)
    # all remaining interest (the product's rule): 12.000.000 + 12 x 120.000
    with pytest.raises(InvalidField, match="Rp13.440.001 is more than loan PUF-000001 owes: at most "
                                           "Rp13.440.000 pays it off on 2023-02-01"):
        repay(lw, loan, "13440001", date(2023, 2, 1))
    loan.penalty_due = D("5000")
    with pytest.raises(InvalidField, match="at most Rp13.445.000"):
        repay(lw, loan, "13445001", date(2023, 2, 1))
    payment = repay(lw, loan, "13445000", date(2023, 2, 1))
    assert payment.kind == "payoff" and loan.status == "paid_off"
    assert_books_clean()


def test_paid_off_and_undisbursed_loans_take_no_payment(lw):
    loan = flat_loan(lw)
    repayment.pay_off_loan(lw.ksp_id, loan.id, date(2023, 2, 1), lw.user_id("treasurer"))
    with pytest.raises(DomainError, match="Loan PUF-000001 is paid off: nothing is owed"):
        repay(lw, loan, "1000", date(2023, 2, 2))
    with pytest.raises(DomainError, match="is paid off"):
        repayment.pay_off_loan(lw.ksp_id, loan.id, date(2023, 2, 2), lw.user_id("treasurer"))
    applied = service.apply_loan(lw.ksp_id, ApplicationData(lw.siti, loan_product(lw.ksp_id, "PUF").id,
                                                            D("1000000"), 3, "x", DAY), lw.user_id("treasurer"))
    with pytest.raises(DomainError, match="has not been disbursed"):
        repay(lw, applied, "1000", DAY)
    active = flat_loan(lw)
    active.status = "written_off"
    with pytest.raises(DomainError, match="was written off: record money received as a recovery"):
        repay(lw, active, "1000", DAY)


def test_payment_dates(lw):
    loan = flat_loan(lw)
    with pytest.raises(InvalidField, match="before 2023-01-15"):
        repay(lw, loan, "1000", date(2023, 1, 14))
    with pytest.raises(InvalidField, match="future"):
        repay(lw, loan, "1000", date(2999, 1, 1))
    repay(lw, loan, "1120000", date(2023, 2, 20))
    with pytest.raises(InvalidField, match="before 2023-02-20 \\(the disbursement or the loan's last payment\\)"):
        repay(lw, loan, "1000", date(2023, 2, 19))
    with pytest.raises(DomainError, match="more than zero"):
        repay(lw, loan, "-5", date(2023, 2, 20))
    with pytest.raises(InvalidField, match="cash, to the bank or from the member's savings"):
        repay(lw, loan, "1000", date(2023, 2, 20), source="gold")


def test_closed_period_refuses_repayment(lw):
    loan = flat_loan(lw)
    close_period(db.session.get(Cooperative, lw.ksp_id), date(2023, 1, 31))
    with pytest.raises(ClosedPeriodError, match="closed up to 2023-01-31"):
        repay(lw, loan, "1120000", date(2023, 1, 20))
    repay(lw, loan, "1120000", date(2023, 2, 1))


def test_idempotent_replay(lw):
    loan = flat_loan(lw)
    first = repay(lw, loan, "1120000", date(2023, 2, 15), idempotency_key="kwitansi-7")
    count = entries()
    again = repay(lw, loan, "1120000", date(2023, 2, 15), idempotency_key="kwitansi-7")
    assert again.id == first.id and again.replayed and entries() == count
    assert loan.principal_outstanding == D("11000000")
    with pytest.raises(IdempotencyConflict, match="already used for a different entry"):
        repay(lw, loan, "5000", date(2023, 2, 15), idempotency_key="kwitansi-7")
    payoff = repayment.pay_off_loan(lw.ksp_id, loan.id, date(2023, 3, 1), lw.user_id("treasurer"),
                                    idempotency_key="lunas-1")
    same = repayment.pay_off_loan(lw.ksp_id, loan.id, date(2023, 3, 1), lw.user_id("treasurer"),
                                  idempotency_key="lunas-1")
    assert same.id == payoff.id and same.replayed


def test_both_early_repayment_rules(lw):
    """After instalment 1, on 1 March: all remaining interest (11 x 120.000), or only the
    current period's (instalment 2, due 15 March) with 10 x 120.000 waived."""
    loan = flat_loan(lw)
    repay(lw, loan, "1120000", date(2023, 2, 15))
    quote = repayment.payoff_quote(loan, date(2023, 3, 1))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("11000000"), D("1320000"), 0, D("12320000"))
    products.update_product(lw.ksp_id, loan.product_id, early_repayment_rule="current_period")
    quote = repayment.payoff_quote(loan, date(2023, 3, 1))
    assert (quote.principal, quote.interest, quote.waived_interest, quote.total) == \
        (D("11000000"), D("120000"), D("1200000"), D("11120000"))
    # on a due date, that instalment is the current one
    assert repayment.payoff_quote(loan, date(2023, 3, 15)).interest == D("120000")
    # an overdue instalment's interest is owed in full, plus the current one's
    assert repayment.payoff_quote(loan, date(2023, 3, 16)).interest == D("240000")
    payment = repayment.pay_off_loan(lw.ksp_id, loan.id, date(2023, 3, 1), lw.user_id("treasurer"))
    assert (payment.kind, payment.amount, payment.waived_interest) == ("payoff", D("11120000"), D("1200000"))
    assert entry_lines(payment.entry_id) == {"cash": D("11120000"), "interest_income": D("-120000"),
                                             "loans_receivable": D("-11000000")}
    assert_books_clean()


def test_advance_payment_goes_to_the_next_instalments(lw):
    loan = flat_loan(lw)
    payment = repay(lw, loan, "2500000", date(2023, 2, 1))
    assert [(a["n"], a["interest"], a["principal"]) for a in payment.allocation] == [
        (1, "120000.00", "1000000.00"), (2, "120000.00", "1000000.00"), (3, "120000.00", "140000.00")]
    rows = queries.installments(loan)
    assert [r.paid_on for r in rows[:3]] == [date(2023, 2, 1), date(2023, 2, 1), None]
    assert queries.next_due(loan, date(2023, 2, 1)).n == 3
    assert queries.arrears(loan, date(2023, 4, 20)).overdue_principal == D("860000")


def test_paying_from_savings_respects_the_free_balance(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw)
    with pytest.raises(InvalidField, match="Choose the savings account"):
        repay(lw, loan, "1000", date(2023, 2, 1), source="savings")
    # 5.000.000 less the 10.000 minimum balance
    with pytest.raises(InvalidField, match="Only Rp4.990.000 can be taken from savings account SS-000001"):
        repay(lw, loan, "4990001", date(2023, 2, 1), source="savings", savings_account_id=lw.siti_ss)
    with pytest.raises(NotFound, match="Savings account not found"):
        repay(lw, loan, "1000", date(2023, 2, 1), source="savings", savings_account_id=lw.aminah_wd)
    with pytest.raises(InvalidField, match="own open sukarela, wadiah or mudharabah"):
        repay(lw, loan, "1000", date(2023, 2, 1), source="savings", savings_account_id=pokok_account(lw.ksp_id, lw.siti, DAY))
    repay(lw, loan, "1120000", date(2023, 2, 1), source="savings", savings_account_id=lw.siti_ss)
    from coop_app.savings import movements as savings
    account = savings.get_account(coop, lw.siti_ss)
    assert account.balance == D("3880000")
    from coop_app.savings.models import SavingsTransaction
    line = db.session.execute(db.select(SavingsTransaction).where(
        SavingsTransaction.account_id == lw.siti_ss).order_by(SavingsTransaction.id.desc())).scalars().first()
    assert (line.kind, line.amount) == ("loan_repayment", D("-1120000"))
    assert_books_clean()


def test_a_loan_secured_by_savings_can_be_paid_off_from_them(lw):
    coop = lw.ksp_id
    loan = flat_loan(lw, amount="3000000", term=3, pledged_account_id=lw.siti_ss,
                     pledged_amount=D("4000000"))
    from coop_app.savings import movements as savings
    account = savings.get_account(coop, lw.siti_ss)
    assert account.pledged == D("4000000")
    # a part payment cannot touch the pledged 4.000.000
    with pytest.raises(InvalidField, match="Only Rp990.000"):
        repay(lw, loan, "1000000", date(2023, 2, 1), source="savings", savings_account_id=lw.siti_ss)
    # paying it off ends the pledge, so the whole balance (less the minimum) may be used
    repayment.pay_off_loan(coop, loan.id, date(2023, 2, 1), lw.user_id("treasurer"), source="savings",
                           savings_account_id=lw.siti_ss)
    # 5.000.000 less the payoff of 3.000.000 + 3 x 30.000
    assert (account.balance, account.pledged, loan.status) == (D("1910000"), 0, "paid_off")
    assert_books_clean()


def test_instalment_lines_for_a_remittance(lw):
    """A remittance of 3.000.000 pays what is due on Siti's two loans, oldest loan first."""
    coop = lw.ksp_id
    older = flat_loan(lw)
    newer = flat_loan(lw, on=date(2023, 2, 1))
    older.penalty_due = D("20000")
    on = date(2023, 3, 20)
    # due: older 20.000 + 2 x 1.120.000 and the days late up to 20 March (33 + 5) x 1.120;
    # newer 1 x 1.120.000 (due 1 March) and its 19 days late x 1.120
    lines, apply, amount = repayment.instalment_lines(coop, lw.siti, D("3000000"), on)
    assert amount == D("3000000")
    cash = account_by_key(coop, "cash").id
    entry = post_entry(coop, on, "remittance", "Remitansi", [Line(cash, amount, member_id=lw.siti)] + lines,
                       "remit-1")
    payments = apply(entry)
    assert [(p.loan_id, p.amount, p.source) for p in payments] == [
        (older.id, D("2302560"), "remittance"), (newer.id, D("697440"), "remittance")]
    assert (payments[0].late_charge, payments[1].late_charge) == (D("42560"), D("21280"))
    assert (payments[1].penalty, payments[1].interest, payments[1].principal) == \
        (D("21280"), D("120000"), D("556160"))
    assert entry_lines(entry.id) == {"cash": D("3000000"), "penalty_income": D("-83840"),
                                     "interest_income": D("-360000"), "loans_receivable": D("-2556160")}
    assert queries.arrears(older, on).total_overdue == 0
    assert_books_clean()
    # a replayed entry records nothing twice
    again = post_entry(coop, on, "remittance", "Remitansi", [Line(cash, amount, member_id=lw.siti)] + lines,
                       "remit-1")
    assert apply(again) == []
    # what is still due: the rest of the newer loan's instalment; nothing for a member without loans
    assert repayment.instalment_lines(coop, lw.siti, D("500000"), on)[2] == D("443840")
    assert repayment.instalment_lines(coop, lw.budi, D("500000"), on)[0] == []
    assert db.session.execute(db.select(db.func.count()).select_from(LoanPayment)).scalar() == 2
