"""Loan month-end: days past due, kolektibilitas, provisions and late charges of a small
book, against figures worked out by hand; one entry; a second run posts nothing."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine, LedgerPeriod
from coop_app.ledger.posting import ClosedPeriodError
from coop_app.loans import monthend, repayment
from coop_app.loans.models import Loan, LoanEvent, LoanMonthEndRun
from tests.concurrency import run_at_once
from tests.loans.factory import active_loan, add_member, fund
from tests.support.books import assert_books_clean, balance

D = Decimal
JUNE = date(2025, 6, 30)
JULY = date(2025, 7, 31)


def loan(loan_id):
    return db.session.get(Loan, loan_id)


def allowance_lines(entry_id):
    """{loan_id: signed amount} of an entry's lines on the allowance (credit negative)."""
    return dict(db.session.execute(
        select(JournalLine.loan_id, JournalLine.amount)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id, GLAccount.system_key == "loan_allowance")).all())


def expense_line(entry_id):
    return db.session.execute(
        select(func.sum(JournalLine.amount)).join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id, GLAccount.system_key == "provision_expense")).scalar()


def assert_allowance_is_the_provisions(coop_id):
    provisions = db.session.execute(select(func.coalesce(func.sum(Loan.provision), 0))
                                    .where(Loan.cooperative_id == coop_id)).scalar()
    assert -balance(coop_id, "loan_allowance") == provisions
    assert_books_clean()


@pytest.fixture
def book(ctx, world):
    """Five flat loans of Rp12.000.000 over 12 months at 12% (instalment 1.000.000 + 120.000,
    late charge 0,1% a day), each at another stage of arrears on 30 June 2025."""
    w = world
    fund(w.ksp_id, "100000000")
    teller, boss = w.user_id("treasurer"), w.user_id("manager")

    def make(number, name, disbursed, **options):
        member = add_member(w.ksp_id, number, name)
        return active_loan(w.ksp_id, member.id, "PUF", "12000000", 12, teller, boss, disbursed,
                           **options).id

    loans = dict(
        # first instalment due 5 July: nothing due yet
        lancar=make("2022.00001", "Siti Aminah", date(2025, 6, 5)),
        # due 20 May and 20 June, none paid: 41 days past due
        dpk=make("2022.00002", "Budi Santoso", date(2025, 4, 20)),
        # due 22 March, April, May, June: 100 days; Rp4.000.000 of collateral
        kl=make("2022.00003", "Wati Rahayu", date(2025, 2, 22), collateral_description="BPKB motor",
                collateral_value=D("4000000")),
        # due 31 January, 28 February, 31 March...: 150 days; Rp2.000.000 of collateral
        diragukan=make("2022.00004", "Joko Susilo", date(2024, 12, 31),
                       collateral_description="Sertifikat tanah", collateral_value=D("2000000")),
        # due 15 December 2024 onwards: 197 days
        macet=make("2022.00005", "Ani Lestari", date(2024, 11, 15)),
    )
    db.session.commit()
    return w, loans


def test_a_book_is_aged_classified_and_provisioned(book):
    w, ids = book
    run = monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    assert not run.replayed
    expected = {  # (days past due, class, provision, late charge)
        # general 0,5% of 12.000.000
        "lancar": (0, "lancar", D("60000"), D(0)),
        # 3% of 12.000.000; late: 1.120.000 x (30 + 10 days) x 0,1%
        "dpk": (41, "dpk", D("360000"), D("44800")),
        # 10% of (12.000.000 - 4.000.000); 1.120.000 x (30 x 3 + 8) x 0,1%
        "kl": (100, "kl", D("800000"), D("109760")),
        # 50% of (12.000.000 - 2.000.000); five instalments overdue all June (30 June is not yet)
        "diragukan": (150, "diragukan", D("5000000"), D("168000")),
        # 100%; 1.120.000 x (30 x 6 + 15) x 0,1%
        "macet": (197, "macet", D("12000000"), D("218400")),
    }
    for name, (days, klass, provision, charge) in expected.items():
        got = loan(ids[name])
        assert (got.days_past_due, got.quality, got.provision, got.penalty_due) == \
            (days, klass, provision, charge), name
    assert (run.period_end, run.loans, run.provision_before, run.provision_after, run.late_charges) == \
        (JUNE, 5, D(0), D("18220000"), D("540960"))

    entry = db.session.get(JournalEntry, run.entry_id)
    assert (entry.kind, entry.entry_date, entry.idempotency_key) == ("loan_month_end", JUNE, "loan-month-end:2025-06")
    assert entry.memo == "Penyisihan PPAP Juni 2025"
    assert allowance_lines(entry.id) == {ids[n]: -e[2] for n, e in expected.items()}
    assert expense_line(entry.id) == D("18220000")
    assert all(line.member_id for line in entry.lines if line.loan_id)
    assert_allowance_is_the_provisions(w.ksp_id)

    events = db.session.execute(select(LoanEvent.loan_id, LoanEvent.detail).where(
        LoanEvent.kind == "quality_changed")).all()
    assert {loan_id: detail["to"] for loan_id, detail in events} == {
        ids[n]: n for n in ("dpk", "kl", "diragukan", "macet")}
    assert all(detail["from"] == "lancar" for _id, detail in events)


def test_running_a_month_twice_posts_nothing(book):
    w, ids = book
    first = monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    entries = db.session.execute(select(func.count()).select_from(JournalEntry)).scalar()
    again = monthend.run_loan_month_end(w.ksp_id, date(2025, 6, 15), w.user_id("manager2"))
    db.session.commit()
    assert again.replayed and again.id == first.id
    assert db.session.execute(select(func.count()).select_from(JournalEntry)).scalar() == entries
    assert loan(ids["macet"]).penalty_due == D("218400")  # charged once
    assert db.session.execute(select(func.count()).select_from(LoanEvent).where(
        LoanEvent.kind == "quality_changed")).scalar() == 4
    with force_locale("en"):
        assert str(monthend.summary(again)) == "The loan month-end for June 2025 was already run."


def test_the_next_month_posts_only_the_change(book):
    w, ids = book
    monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    run = monthend.run_loan_month_end(w.ksp_id, JULY, w.user_id("manager"))
    db.session.commit()
    # 31 July: lancar's 5 July instalment is 26 days late -> dpk, 3% = 360.000 (+300.000);
    # dpk 72 days, still dpk (no line); kl 131 days -> diragukan 50% of 8.000.000 (+3.200.000);
    # diragukan 181 days -> macet 100% of 10.000.000 (+5.000.000); macet unchanged
    assert allowance_lines(run.entry_id) == {
        ids["lancar"]: D("-300000"), ids["kl"]: D("-3200000"), ids["diragukan"]: D("-5000000")}
    assert expense_line(run.entry_id) == D("8500000")
    assert (run.provision_before, run.provision_after) == (D("18220000"), D("26720000"))
    # July late charges: lancar 1.120.000 x 26 days x 0,1% = 29.120 on top of nothing
    assert loan(ids["lancar"]).penalty_due == D("29120")
    # dpk: two instalments all July (31 days each) and one from 21 July (11 days), plus June's
    assert loan(ids["dpk"]).penalty_due == D("44800") + D("1120000") * (31 * 2 + 11) / 1000
    assert [loan(ids[n]).quality for n in ("lancar", "dpk", "kl", "diragukan", "macet")] == \
        ["dpk", "dpk", "diragukan", "macet", "macet"]
    assert_allowance_is_the_provisions(w.ksp_id)
    # July's charges, in days of 1.120.000 at 0,1%: lancar 26, dpk 73, kl 4 x 31 + 9,
    # diragukan 6 x 31 (31 July is not late yet), macet 7 x 31 + 16: 729.120 in all
    assert run.late_charges == D("1120") * (26 + 73 + 133 + 186 + 233) == D("729120")
    with force_locale("en"):
        assert str(monthend.summary(run)) == ("Loan month-end for July 2025: 5 loan(s), provisions "
                                              "Rp18,220,000 -> Rp26,720,000, late charges Rp729,120.")


def test_months_run_in_order_and_only_once_ended(book):
    w, _ids = book
    manager = w.user_id("manager")
    with force_locale("en"), pytest.raises(DomainError, match="has not ended yet"):
        monthend.run_loan_month_end(w.ksp_id, date.today(), manager)
    monthend.run_loan_month_end(w.ksp_id, JULY, manager)
    db.session.commit()
    with force_locale("en"), pytest.raises(DomainError, match="later month"):
        monthend.run_loan_month_end(w.ksp_id, JUNE, manager)


def test_a_closed_month_is_refused(book):
    w, _ids = book
    db.session.add(LedgerPeriod(cooperative_id=w.ksp_id, period_end=JUNE))
    db.session.flush()
    with pytest.raises(ClosedPeriodError):
        monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))


def test_an_empty_book_records_the_run_without_an_entry(ctx, world):
    run = monthend.run_loan_month_end(world.ksp_id, JUNE, world.user_id("manager"))
    db.session.commit()
    assert (run.loans, run.entry_id, run.provision_after) == (0, None, D(0))
    assert monthend.runs(world.ksp_id) == [run]
    # other cooperatives are untouched
    assert db.session.execute(select(func.count()).select_from(LoanMonthEndRun)).scalar() == 1


def test_sharia_late_charge_is_tazir_on_penalty_due(ctx, world):
    """A murabahah with a fixed ta'zir of Rp25.000 per overdue instalment: it is tracked on
    penalty_due (paid later to the social fund), never posted as income at month-end."""
    w = world
    fund(w.bmt_id, "50000000")
    member = add_member(w.bmt_id, "2022.00001", "Aminah")
    # cost 6.000.000 over 6 months at a 10% margin: 300.000 margin, instalments 1.050.000,
    # due 10 April, May, June: 81 days past due on 30 June
    financing = active_loan(w.bmt_id, member.id, "MBA", None, 6, w.user_id("bmt.treasurer"),
                            w.user_id("bmt.manager"), date(2025, 3, 10), cost_price=D("6000000"),
                            goods_description="Mesin jahit")
    db.session.commit()
    run = monthend.run_loan_month_end(w.bmt_id, JUNE, w.user_id("bmt.manager"))
    db.session.commit()
    got = loan(financing.id)
    assert (got.days_past_due, got.quality, got.penalty_due) == (81, "dpk", D("75000"))
    # 3% of the 6.000.000 financed (the receivable net of deferred margin)
    assert got.provision == D("180000") and got.principal_outstanding == D("6000000")
    assert allowance_lines(run.entry_id) == {financing.id: D("-180000")}
    assert balance(w.bmt_id, "social_fund") == 0
    assert_allowance_is_the_provisions(w.bmt_id)


# -- with repayments -------------------------------------------------------------------------

def pay(w, loan_id, amount, on):
    return repayment.repay_loan(w.ksp_id, loan_id, D(amount), on, w.user_id("treasurer"))


def test_an_improving_loan_releases_provision(book):
    w, ids = book
    monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    # 15 July: the June late charge, 1-15 July of both overdue instalments (30 days x 1.120,
    # charged at payment), both instalments and July's in advance
    pay(w, ids["dpk"], D("44800") + 30 * D("1120") + 3 * D("1120000"), date(2025, 7, 15))
    db.session.commit()
    run = monthend.run_loan_month_end(w.ksp_id, JULY, w.user_id("manager"))
    db.session.commit()
    improved = loan(ids["dpk"])
    # nothing overdue: lancar, 0,5% of the 9.000.000 left = 45.000, down from 360.000
    assert (improved.days_past_due, improved.quality, improved.provision, improved.penalty_due) == \
        (0, "lancar", D("45000"), D(0))
    lines = allowance_lines(run.entry_id)
    assert lines[ids["dpk"]] == D("315000")  # a debit: the allowance released
    assert expense_line(run.entry_id) == D("8500000") - D("315000")
    event = db.session.execute(select(LoanEvent.detail).where(
        LoanEvent.loan_id == ids["dpk"], LoanEvent.kind == "quality_changed",
        LoanEvent.event_date == JULY)).scalar_one()
    assert event == {"from": "dpk", "to": "lancar", "days_past_due": 0}
    assert_allowance_is_the_provisions(w.ksp_id)


def test_a_loan_paid_off_has_its_provision_released(book):
    w, ids = book
    monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    repayment.pay_off_loan(w.ksp_id, ids["lancar"], date(2025, 7, 3), w.user_id("treasurer"))
    db.session.commit()
    run = monthend.run_loan_month_end(w.ksp_id, JULY, w.user_id("manager"))
    db.session.commit()
    assert allowance_lines(run.entry_id)[ids["lancar"]] == D("60000")
    assert loan(ids["lancar"]).provision == 0 and loan(ids["lancar"]).status == "paid_off"
    assert run.loans == 4
    assert_allowance_is_the_provisions(w.ksp_id)


def test_a_payment_after_the_month_end_does_not_change_that_month(book):
    """Run late (in July) for June: instalments settled on 2 July were still unpaid on 30 June;
    their days late up to 2 July were charged by the payment, so the run charges none again."""
    w, ids = book
    # 20 May + 43 days and 20 June + 12 days: 55 x 1.120
    payment = pay(w, ids["dpk"], D("61600") + 2 * D("1120000"), date(2025, 7, 2))
    assert (payment.late_charge, payment.penalty) == (D("61600"), D("61600"))
    db.session.commit()
    monthend.run_loan_month_end(w.ksp_id, JUNE, w.user_id("manager"))
    db.session.commit()
    got = loan(ids["dpk"])
    # the class follows 30 June; the provision the 10.000.000 left when it is run
    assert (got.days_past_due, got.quality, got.penalty_due, got.provision) == \
        (41, "dpk", D(0), D("300000"))
    assert_allowance_is_the_provisions(w.ksp_id)


def test_two_runs_at_once_post_once(book, app):
    """Two managers press the button together: the loans are held (FOR UPDATE on PostgreSQL,
    BEGIN IMMEDIATE on SQLite), so the second waits and then finds the first run."""
    w, _ids = book
    users = ("manager", "manager2")
    results = run_at_once(app, 2, lambda i: monthend.run_loan_month_end(
        w.ksp_id, JUNE, w.user_id(users[i])).replayed)
    assert [outcome for outcome, _ in results] == ["ok", "ok"]
    results = [replayed for _, replayed in results]
    assert sorted(results) == [False, True]
    assert db.session.execute(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == "loan_month_end")).scalar() == 1
    assert loan(_ids["macet"]).penalty_due == D("218400")
    assert_allowance_is_the_provisions(w.ksp_id)
