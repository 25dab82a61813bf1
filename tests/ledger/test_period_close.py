"""Closing the books: a month closes only at its end, after it ended, in order and once, per
cooperative; the fiscal year closes its income and expense into undistributed SHU."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, LedgerPeriod
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from coop_app.provisioning import create_cooperative
from tests.ledger.helpers import fund, voucher, year_of_business
from tests.support import in_english
from tests.support.books import account_id, balance, coop, journal_counts

D = Decimal


# -- closing periods ----------------------------------------------------------------------

def test_a_period_closes_at_a_month_end_only(ctx, world):
    for day in (date(2025, 1, 30), date(2025, 2, 1), date(2024, 2, 28)):  # 2024 is a leap year
        with pytest.raises(DomainError) as caught:
            ledger.close_period(coop(world.ksp_id), day, today=date(2025, 6, 1))
        assert "end of a month" in in_english(caught.value)
    period = ledger.close_period(coop(world.ksp_id), date(2024, 2, 29), today=date(2025, 6, 1))
    assert period.period_end == date(2024, 2, 29)


def test_a_month_closes_only_after_it_ended(ctx, world):
    ksp = coop(world.ksp_id)
    for today in (date(2025, 1, 31), date(2025, 1, 15), date(2024, 12, 1)):
        with pytest.raises(DomainError) as caught:
            ledger.close_period(ksp, date(2025, 1, 31), today=today)
        assert "after it has ended" in in_english(caught.value)
    period = ledger.close_period(ksp, date(2025, 1, 31), today=date(2025, 2, 1),
                                 closed_by=world.user_id("manager"))
    db.session.commit()
    assert (period.cooperative_id, period.closed_by, period.closing_entry_id) == (
        ksp.id, world.user_id("manager"), None)
    assert period.closed_at is not None


def test_months_close_in_order(ctx, world):
    ksp = coop(world.ksp_id)
    today = date(2025, 6, 15)
    ledger.close_period(ksp, date(2025, 1, 31), today=today)
    with pytest.raises(DomainError) as caught:
        ledger.close_period(ksp, date(2025, 3, 31), today=today)
    assert "2025-02-28" in in_english(caught.value)
    ledger.close_period(ksp, date(2025, 2, 28), today=today)
    ledger.close_period(ksp, date(2025, 3, 31), today=today)
    assert ledger.next_period_to_close(ksp) == date(2025, 4, 30)
    assert [p.period_end for p in ledger.periods(ksp.id)] == [
        date(2025, 3, 31), date(2025, 2, 28), date(2025, 1, 31)]


@pytest.mark.parametrize("period_end", [date(2025, 1, 31), date(2025, 2, 28), date(2024, 11, 30)])
def test_a_closed_period_cannot_be_closed_again(ctx, world, period_end):
    ksp = coop(world.ksp_id)
    ledger.close_period(ksp, date(2025, 1, 31), today=date(2025, 6, 1))
    ledger.close_period(ksp, date(2025, 2, 28), today=date(2025, 6, 1))
    with pytest.raises(DomainError) as caught:
        ledger.close_period(ksp, period_end, today=date(2025, 6, 1))
    assert "already closed" in in_english(caught.value)
    assert db.session.execute(select(func.count()).select_from(LedgerPeriod)).scalar() == 2


def test_periods_are_per_cooperative(ctx, world):
    ledger.close_period(coop(world.ksp_id), date(2025, 3, 31), today=date(2025, 6, 1))
    # KSP-B has closed nothing: it may start with any ended month.
    ledger.close_period(coop(world.other_id), date(2025, 1, 31), today=date(2025, 6, 1))
    assert ledger.next_period_to_close(coop(world.other_id)) == date(2025, 2, 28)
    assert ledger.next_period_to_close(coop(world.bmt_id)) is None


# -- the fiscal year end: income and expense close into undistributed SHU --------------------

def test_year_end_closing_moves_income_and_expense_into_shu(ctx, world):
    ksp = coop(world.ksp_id)
    year_of_business(ksp.id)
    assert balance(ksp.id, "other_income") + balance(ksp.id, "bank_income") == D("-1000000")
    assert balance(ksp.id, "office_expense") + balance(ksp.id, "salary_expense") == D("400000")
    entries_before, lines_before = journal_counts()

    period = ledger.close_period(ksp, date(2025, 12, 31), closed_by=world.user_id("manager"),
                                 today=date(2026, 1, 3))
    db.session.commit()

    closing = db.session.get(JournalEntry, period.closing_entry_id)
    assert closing.kind == "closing" and closing.entry_date == date(2025, 12, 31)
    assert closing.created_by == world.user_id("manager")
    shu = account_id(ksp.id, "shu_undistributed")
    assert {ln.account_id: ln.amount for ln in closing.lines} == {
        account_id(ksp.id, "other_income"): D("700000"), account_id(ksp.id, "bank_income"): D("300000"),
        account_id(ksp.id, "office_expense"): D("-150000"), account_id(ksp.id, "salary_expense"): D("-250000"),
        shu: D("-600000")}
    assert journal_counts() == (entries_before + 1, lines_before + 5)
    # SHU is credited 600.000; every income and expense account is back to zero.
    assert ledger.account_balance(ksp.id, shu) == D("-600000")
    balances = reports.balances_by_account(ksp.id)
    types = dict(db.session.execute(select(GLAccount.id, GLAccount.type)).all())
    assert not [a for a, v in balances.items() if types[a] in ("income", "expense") and v]
    assert balance(ksp.id, "cash") == D("5600000")
    _, debit, credit = reports.trial_balance(ksp.id, date(2025, 12, 31))
    assert debit == credit == D("5600000")
    assert check_ledger(ksp.id)[1] == []


def test_a_deficit_year_debits_shu(ctx, world):
    bmt = coop(world.bmt_id)
    fund(bmt.id, "2000000")
    voucher(bmt.id, INCOME_VOUCHER, date(2025, 5, 1), "fee_income", "250000.50", "in")
    voucher(bmt.id, EXPENSE_VOUCHER, date(2025, 5, 2), "utility_expense", "400000", "out")
    period = ledger.close_period(bmt, date(2025, 12, 31), today=date(2026, 2, 1))
    closing = db.session.get(JournalEntry, period.closing_entry_id)
    shu_line = [ln for ln in closing.lines if ln.account_id == account_id(bmt.id, "shu_undistributed")]
    assert [ln.amount for ln in shu_line] == [D("149999.50")]  # a debit: the year lost money


def test_the_next_year_closes_only_its_own_income(ctx, world, clock):
    clock.move_to(datetime(2027, 1, 10, 3, tzinfo=timezone.utc))  # 2026 has ended: its closing entry is no future
    ksp = coop(world.ksp_id)
    year_of_business(ksp.id)
    ledger.close_period(ksp, date(2025, 12, 31), today=date(2027, 1, 10))
    voucher(ksp.id, INCOME_VOUCHER, date(2026, 2, 10), "other_income", "90000", "in-2026")
    today = date(2027, 1, 10)
    for month in range(1, 13):
        period = ledger.close_period(ksp, ledger.month_end(date(2026, month, 1)), today=today)
        assert (period.closing_entry_id is not None) == (month == 12)
    db.session.commit()
    closing = db.session.get(JournalEntry, period.closing_entry_id)
    assert sorted(ln.amount for ln in closing.lines) == [D("-90000"), D("90000")]
    assert balance(ksp.id, "shu_undistributed") == D("-690000")


def test_other_fiscal_years_close_at_their_own_end(ctx, world):
    july = create_cooperative("KSP-JULI", "ksp", name="KSP Tahun Buku Juli", village="Desa",
                              kecamatan="Kec", kabupaten="Kab", province="Prov",
                              founded_on=date(2020, 1, 1), fiscal_year_start_month=7)
    fund(july.id, "1000000", day=date(2025, 4, 1))
    voucher(july.id, INCOME_VOUCHER, date(2025, 4, 2), "other_income", "10000", "in")
    assert ledger.close_period(july, date(2025, 5, 31), today=date(2025, 8, 1)).closing_entry_id is None
    period = ledger.close_period(july, date(2025, 6, 30), today=date(2025, 8, 1))
    assert period.closing_entry_id is not None
    assert balance(july.id, "shu_undistributed") == D("-10000")


def test_a_year_without_income_or_expense_has_no_closing_entry(ctx, world):
    ksp = coop(world.ksp_id)
    fund(ksp.id, "1000")
    period = ledger.close_period(ksp, date(2025, 12, 31), today=date(2026, 1, 5))
    assert period.closing_entry_id is None
    assert journal_counts() == (1, 2)
