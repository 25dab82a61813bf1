"""Restructuring, write-off against the allowance, and recoveries, through the ledger."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.loans import queries
from coop_app.loans import monthend, repayment, workout
from coop_app.loans.models import LoanEvent, LoanPayment
from tests.loans.factory import active_loan, add_member, fund
from tests.loans.test_monthend import JULY, JUNE, assert_allowance_is_the_provisions, book, loan  # noqa: F401
from tests.support import key
from tests.support.books import balance, entry_lines

D = Decimal
WRITE_OFF_DAY = date(2025, 7, 5)


def june_run(w):
    monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()


# -- write-off -------------------------------------------------------------------------------

def test_write_off_takes_the_allowance_then_expense(book):
    w, ids = book
    june_run(w)
    written = workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY,
                                     "Usaha bangkrut, anggota pindah")
    db.session.commit()
    event = db.session.execute(select(LoanEvent).where(
        LoanEvent.loan_id == written.id, LoanEvent.kind == "written_off")).scalar_one()
    # 12.000.000 off the books: 800.000 held for it, 11.200.000 more expense
    assert entry_lines(event.entry_id) == {"loan_allowance": D("800000"), "provision_expense": D("11200000"),
                                           "loans_receivable": D("-12000000")}
    got = loan(ids["kl"])
    assert (got.status, got.closed_on, got.written_off_amount, got.principal_outstanding, got.provision,
            got.penalty_due) == ("written_off", WRITE_OFF_DAY, D("12000000"), 0, 0, 0)
    assert event.detail["penalty_due"] == "109760.00" and event.note == "Usaha bangkrut, anggota pindah"
    assert_allowance_is_the_provisions(w.ksp_id)


def test_a_fully_provisioned_loan_costs_nothing_more(book):
    w, ids = book
    june_run(w)
    written = workout.write_off_loan(w.ksp_id, ids["macet"], w.user_id("manager"), WRITE_OFF_DAY, "Macet")
    db.session.commit()
    lines = entry_lines(db.session.execute(select(LoanEvent.entry_id).where(
        LoanEvent.loan_id == written.id, LoanEvent.kind == "written_off")).scalar_one())
    assert lines == {"loan_allowance": D("12000000"), "loans_receivable": D("-12000000")}
    # the next month-end leaves it alone
    run = monthend.run_loan_month_end(w.ksp_id, JULY, w.user_id("manager"))
    db.session.commit()
    assert ids["macet"] not in monthend_lines(run) and run.loans == 4
    assert_allowance_is_the_provisions(w.ksp_id)


def monthend_lines(run):
    return {line.loan_id for line in ledger.get_entry(run.cooperative_id, run.entry_id).lines}


def test_write_off_without_a_provision_is_all_expense(book):
    w, ids = book
    workout.write_off_loan(w.ksp_id, ids["dpk"], w.user_id("manager"), WRITE_OFF_DAY, "Meninggal dunia")
    db.session.commit()
    assert balance(w.ksp_id, "provision_expense") == D("12000000")
    assert_allowance_is_the_provisions(w.ksp_id)


def test_only_a_manager_writes_off_an_active_loan_with_a_reason(book):
    w, ids = book
    with force_locale("en"):
        with pytest.raises(DomainError, match="Only a manager"):
            workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("treasurer"), WRITE_OFF_DAY, "Macet")
        with pytest.raises(DomainError, match="Only a manager"):  # a manager of another cooperative
            workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("other.manager"), WRITE_OFF_DAY, "Macet")
        with pytest.raises(InvalidField, match="reason"):
            workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY, "  ")
        with pytest.raises(InvalidField, match="before the disbursement"):
            workout.write_off_loan(w.ksp_id, ids["lancar"], w.user_id("manager"), date(2025, 6, 1), "Macet")
        workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY, "Macet")
        with pytest.raises(DomainError, match="Only an active loan"):
            workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY, "Lagi")


# -- recovery --------------------------------------------------------------------------------

def test_recoveries_are_income_up_to_what_was_written_off(book):
    w, ids = book
    june_run(w)
    workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY, "Macet")
    db.session.commit()
    cash_before = balance(w.ksp_id, "cash")
    payment = workout.record_recovery(w.ksp_id, ids["kl"], D("1000000"), date(2025, 9, 1),
                                      w.user_id("treasurer"), idempotency_key="rec-1")
    db.session.commit()
    assert entry_lines(payment.entry_id) == {"cash": D("1000000"), "recovery_income": D("-1000000")}
    assert (payment.kind, payment.source, payment.amount) == ("recovery", "cash", D("1000000"))
    assert loan(ids["kl"]).recovered_amount == D("1000000")
    assert balance(w.ksp_id, "cash") == cash_before + D("1000000")
    # a retried submission records nothing new
    again = workout.record_recovery(w.ksp_id, ids["kl"], D("1000000"), date(2025, 9, 1),
                                    w.user_id("treasurer"), idempotency_key="rec-1")
    assert again.id == payment.id and again.replayed
    with force_locale("en"), pytest.raises(InvalidField, match="At most Rp11.000.000"):
        workout.record_recovery(w.ksp_id, ids["kl"], D("11000001"), date(2025, 9, 2), w.user_id("treasurer"))
    workout.record_recovery(w.ksp_id, ids["kl"], D("11000000"), date(2025, 9, 2), w.user_id("treasurer"),
                            source="bank")
    db.session.commit()
    assert loan(ids["kl"]).recovered_amount == D("12000000")
    assert_allowance_is_the_provisions(w.ksp_id)


def test_a_reversed_recovery_no_longer_counts(book):
    w, ids = book
    workout.write_off_loan(w.ksp_id, ids["kl"], w.user_id("manager"), WRITE_OFF_DAY, "Macet")
    payment = workout.record_recovery(w.ksp_id, ids["kl"], D("500000"), date(2025, 9, 1), w.user_id("treasurer"))
    db.session.commit()
    ledger.reverse_entry(w.ksp_id, payment.entry_id, "Salah input", key(), w.user_id("manager"),
                         reversal_date=date(2025, 9, 2))
    db.session.commit()
    assert loan(ids["kl"]).recovered_amount == 0
    assert db.session.get(LoanPayment, payment.id).reversed
    assert balance(w.ksp_id, "recovery_income") == 0
    assert_allowance_is_the_provisions(w.ksp_id)


def test_no_recovery_on_a_loan_not_written_off(book):
    w, ids = book
    with force_locale("en"), pytest.raises(DomainError, match="written-off"):
        workout.record_recovery(w.ksp_id, ids["kl"], D("500000"), date(2025, 9, 1), w.user_id("treasurer"))


# -- restructuring ---------------------------------------------------------------------------

def test_restructuring_keeps_the_history_and_reschedules_what_is_left(book):
    w, ids = book
    repayment.repay_loan(w.ksp_id, ids["dpk"], D("1120000"), date(2025, 5, 20), w.user_id("treasurer"))
    june_run(w)
    # 1 July: June's instalment (and its 120.000 interest) overdue; 11.000.000 left
    restructured = workout.restructure_loan(w.ksp_id, ids["dpk"], w.user_id("manager"), date(2025, 7, 1),
                                            term=22, rate_bp=900, reason="Gagal panen")
    db.session.commit()
    rows = queries.installments(restructured, include_superseded=True)
    old = [r for r in rows if r.version == 1]
    new = [r for r in rows if r.version == 2]
    assert len(old) == 12 and len(new) == 22
    assert [r.superseded for r in old] == [False] + [True] * 11  # the paid one stays current
    assert old[0].paid_on == date(2025, 5, 20)
    assert sum(r.principal for r in new) == D("11000000") == restructured.principal_outstanding
    assert not any(r.superseded for r in new)
    # flat 9% on 11.000.000: 82.500 a month; the first falls due a month after the restructuring
    assert (new[0].due_date, new[0].interest, new[-1].balance_after) == (date(2025, 8, 1), D("82500"), 0)
    assert (restructured.schedule_version, restructured.term, restructured.rate_bp) == (2, 22, 900)
    assert [r.id for r in queries.installments(restructured)] == [old[0].id] + [r.id for r in new]
    event = db.session.execute(select(LoanEvent).where(
        LoanEvent.loan_id == ids["dpk"], LoanEvent.kind == "restructured")).scalar_one()
    assert event.detail["old"] == {"version": 1, "term": 12, "rate_bp": 1200, "grace": 0}
    assert event.detail["interest_dropped"] == "120000.00" and event.note == "Gagal panen"
    # July: nothing due under the new schedule, but the class it had (dpk) is held, and with
    # it the provision: 3% of 11.000.000 (see test_restructured_hold.py for its release)
    assert (restructured.restructured_class, event.detail["class_held"]) == ("dpk", "dpk")
    run = monthend.run_loan_month_end(w.ksp_id, JULY, w.user_id("manager"))
    db.session.commit()
    got = loan(ids["dpk"])
    assert (got.days_past_due, got.quality, got.provision) == (0, "dpk", D("330000"))
    assert ids["dpk"] not in monthend_lines(run)
    assert_allowance_is_the_provisions(w.ksp_id)


def test_a_restructured_loan_can_be_restructured_again(book):
    w, ids = book
    workout.restructure_loan(w.ksp_id, ids["kl"], w.user_id("manager"), date(2025, 7, 1), 24, reason="Satu")
    again = workout.restructure_loan(w.ksp_id, ids["kl"], w.user_id("manager"), date(2025, 7, 2), 36,
                                     grace=3, reason="Dua")
    db.session.commit()
    current = queries.installments(again)
    assert {r.version for r in current} == {3} and len(current) == 36
    assert all(r.principal == 0 for r in current[:3])  # grace: interest only
    assert sum(r.principal for r in current) == D("12000000")


def test_restructuring_checks_its_input(book):
    w, ids = book
    with force_locale("en"):
        with pytest.raises(InvalidField, match="reason"):
            workout.restructure_loan(w.ksp_id, ids["kl"], w.user_id("manager"), date(2025, 7, 1), 24)
        with pytest.raises(InvalidField):
            workout.restructure_loan(w.ksp_id, ids["kl"], w.user_id("manager"), date(2025, 7, 1), 0,
                                     reason="x")
        with pytest.raises(InvalidField, match="future"):
            workout.restructure_loan(w.ksp_id, ids["kl"], w.user_id("manager"), date(2999, 1, 1), 12,
                                     reason="x")
    assert len(queries.installments(loan(ids["kl"]))) == 12


# -- sharia ----------------------------------------------------------------------------------

@pytest.fixture
def murabahah(ctx, world):
    """Cost 6.000.000 over 6 months at a 10% margin: 300.000 margin, instalments 1.050.000
    (1.000.000 + 50.000); the first paid."""
    w = world
    fund(w.bmt_id, "50000000")
    member = add_member(w.bmt_id, "2022.00001", "Aminah")
    financing = active_loan(w.bmt_id, member.id, "MBA", None, 6, w.user_id("bmt.treasurer"),
                            w.user_id("bmt.manager"), date(2025, 3, 10), cost_price=D("6000000"),
                            goods_description="Mesin jahit")
    repayment.repay_loan(w.bmt_id, financing.id, D("1050000"), date(2025, 4, 10), w.user_id("bmt.treasurer"))
    db.session.commit()
    return w, financing.id


def test_murabahah_write_off_clears_the_deferred_margin(murabahah):
    w, loan_id = murabahah
    monthend.run_loan_month_end(w.bmt_id, JUNE, w.user_id("bmt.manager"))
    written = workout.write_off_loan(w.bmt_id, loan_id, w.user_id("bmt.manager"), WRITE_OFF_DAY, "Macet")
    db.session.commit()
    entry_id = db.session.execute(select(LoanEvent.entry_id).where(
        LoanEvent.loan_id == loan_id, LoanEvent.kind == "written_off")).scalar_one()
    # receivable 5 x 1.050.000 at sale price, 250.000 margin still deferred: 5.000.000 net;
    # 81 days past due on 30 June (10 April paid, 10 May due): dpk 3% = 150.000 held
    assert entry_lines(entry_id) == {"murabahah_receivable": D("-5250000"), "deferred_margin": D("250000"),
                                     "loan_allowance": D("150000"), "provision_expense": D("4850000")}
    assert written.written_off_amount == D("5000000")
    assert balance(w.bmt_id, "murabahah_receivable") == 0 and balance(w.bmt_id, "deferred_margin") == 0
    assert balance(w.bmt_id, "social_fund") == 0
    assert_allowance_is_the_provisions(w.bmt_id)


def test_murabahah_restructuring_keeps_the_sale_price(murabahah):
    w, loan_id = murabahah
    with force_locale("en"), pytest.raises(InvalidField, match="sale price cannot change"):
        workout.restructure_loan(w.bmt_id, loan_id, w.user_id("bmt.manager"), date(2025, 7, 1), 10,
                                 rate_bp=500, reason="Usaha sepi")
    restructured = workout.restructure_loan(w.bmt_id, loan_id, w.user_id("bmt.manager"), date(2025, 7, 1),
                                            10, reason="Usaha sepi")
    db.session.commit()
    new = [r for r in queries.installments(restructured) if r.version == 2]
    # the 5.000.000 left and the 250.000 margin still deferred, over 10 months
    assert sum(r.principal for r in new) == D("5000000")
    assert sum(r.interest for r in new) == D("250000")
    assert new[0].total == D("525000")
    assert_allowance_is_the_provisions(w.bmt_id)
