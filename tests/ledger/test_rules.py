"""Ledger rules a manager meets: closing periods, year-end SHU, reversals, vouchers, the
chart of accounts, and the reports built on the lines."""
from datetime import date
from decimal import Decimal

import pytest
from flask import g
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.cooperatives.models import Cooperative
from coop_app.provisioning import create_cooperative
from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.registry import registry
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine, LedgerPeriod
from coop_app.ledger.posting import ClosedPeriodError, Line, PostingError, post_entry
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER

D = Decimal


def message(error):
    with force_locale("en"):
        return str(error)


def acc(coop_id, key):
    return ledger.account_by_key(coop_id, key).id


def coop(coop_id):
    return db.session.get(Cooperative, coop_id)


def counts():
    return (db.session.execute(select(func.count()).select_from(JournalEntry)).scalar(),
            db.session.execute(select(func.count()).select_from(JournalLine)).scalar())


def balance(coop_id, key, as_of=None):
    return ledger.account_balance(coop_id, acc(coop_id, key), as_of)


def fund(coop_id, amount, day=date(2025, 1, 2), key=None, cash="cash"):
    """A grant into cash: the usual first entry of a new cooperative."""
    return ledger.post_manual_entry(
        coop_id, day, "Hibah modal awal",
        [(acc(coop_id, cash), D(amount), None, None), (acc(coop_id, "grants"), None, D(amount), None)],
        key or f"fund-{day}-{amount}-{cash}")


def voucher(coop_id, direction, day, counter, amount, key, cash="cash"):
    return ledger.record_voucher(coop_id, direction, day, acc(coop_id, cash), acc(coop_id, counter),
                                 D(amount), "Uraian transaksi", key)


# -- closing periods ----------------------------------------------------------------------

def test_a_period_closes_at_a_month_end_only(ctx, world):
    for day in (date(2025, 1, 30), date(2025, 2, 1), date(2024, 2, 28)):  # 2024 is a leap year
        with pytest.raises(DomainError) as caught:
            ledger.close_period(coop(world.ksp_id), day, today=date(2025, 6, 1))
        assert "end of a month" in message(caught.value)
    period = ledger.close_period(coop(world.ksp_id), date(2024, 2, 29), today=date(2025, 6, 1))
    assert period.period_end == date(2024, 2, 29)


def test_a_month_closes_only_after_it_ended(ctx, world):
    ksp = coop(world.ksp_id)
    for today in (date(2025, 1, 31), date(2025, 1, 15), date(2024, 12, 1)):
        with pytest.raises(DomainError) as caught:
            ledger.close_period(ksp, date(2025, 1, 31), today=today)
        assert "after it has ended" in message(caught.value)
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
    assert "2025-02-28" in message(caught.value)
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
    assert "already closed" in message(caught.value)
    assert db.session.execute(select(func.count()).select_from(LedgerPeriod)).scalar() == 2


def test_periods_are_per_cooperative(ctx, world):
    ledger.close_period(coop(world.ksp_id), date(2025, 3, 31), today=date(2025, 6, 1))
    # KSP-B has closed nothing: it may start with any ended month.
    ledger.close_period(coop(world.other_id), date(2025, 1, 31), today=date(2025, 6, 1))
    assert ledger.next_period_to_close(coop(world.other_id)) == date(2025, 2, 28)
    assert ledger.next_period_to_close(coop(world.bmt_id)) is None


# -- the fiscal year end: income and expense close into undistributed SHU --------------------

def _year_of_business(coop_id):
    fund(coop_id, "5000000")
    voucher(coop_id, INCOME_VOUCHER, date(2025, 3, 5), "other_income", "700000", "in-1")
    voucher(coop_id, INCOME_VOUCHER, date(2025, 8, 5), "bank_income", "300000", "in-2", cash="cash")
    voucher(coop_id, EXPENSE_VOUCHER, date(2025, 4, 5), "office_expense", "150000", "out-1")
    voucher(coop_id, EXPENSE_VOUCHER, date(2025, 9, 5), "salary_expense", "250000", "out-2")


def test_year_end_closing_moves_income_and_expense_into_shu(ctx, world):
    ksp = coop(world.ksp_id)
    _year_of_business(ksp.id)
    assert balance(ksp.id, "other_income") + balance(ksp.id, "bank_income") == D("-1000000")
    assert balance(ksp.id, "office_expense") + balance(ksp.id, "salary_expense") == D("400000")
    entries_before, lines_before = counts()

    period = ledger.close_period(ksp, date(2025, 12, 31), closed_by=world.user_id("manager"),
                                 today=date(2026, 1, 3))
    db.session.commit()

    closing = db.session.get(JournalEntry, period.closing_entry_id)
    assert closing.kind == "closing" and closing.entry_date == date(2025, 12, 31)
    assert closing.created_by == world.user_id("manager")
    shu = acc(ksp.id, "shu_undistributed")
    assert {ln.account_id: ln.amount for ln in closing.lines} == {
        acc(ksp.id, "other_income"): D("700000"), acc(ksp.id, "bank_income"): D("300000"),
        acc(ksp.id, "office_expense"): D("-150000"), acc(ksp.id, "salary_expense"): D("-250000"),
        shu: D("-600000")}
    assert counts() == (entries_before + 1, lines_before + 5)
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
    shu_line = [ln for ln in closing.lines if ln.account_id == acc(bmt.id, "shu_undistributed")]
    assert [ln.amount for ln in shu_line] == [D("149999.50")]  # a debit: the year lost money


def test_the_next_year_closes_only_its_own_income(ctx, world):
    ksp = coop(world.ksp_id)
    _year_of_business(ksp.id)
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
    assert counts() == (1, 2)


# -- reversals -----------------------------------------------------------------------------

def test_reversal_posts_the_mirror_linked_to_the_original(ctx, world):
    ksp = world.ksp_id
    original = ledger.post_manual_entry(ksp, date(2025, 3, 1), "Salah catat", [
        (acc(ksp, "cash"), D("750000.25"), None, "tunai"),
        (acc(ksp, "bank"), D("250000"), None, None),
        (acc(ksp, "grants"), None, D("1000000.25"), None)], "orig")
    db.session.commit()
    manager = world.user_id("manager")
    reversal = ledger.reverse_entry(ksp, original.id, "  Salah akun  ", "rev-1", created_by=manager,
                                    reversal_date=date(2025, 3, 2))
    db.session.commit()
    assert reversal.replayed is False
    assert (reversal.kind, reversal.memo, reversal.reverses_id, reversal.created_by,
            reversal.entry_date) == ("reversal", "Salah akun", original.id, manager, date(2025, 3, 2))
    assert [(ln.account_id, ln.amount, ln.memo) for ln in reversal.lines] == [
        (ln.account_id, -ln.amount, ln.memo) for ln in original.lines]
    db.session.expire_all()
    assert db.session.get(JournalEntry, original.id).reversed_by.id == reversal.id
    for key in ("cash", "bank", "grants"):
        assert balance(ksp, key) == 0
    assert counts() == (2, 6)

    again = ledger.reverse_entry(ksp, original.id, "Salah akun", "rev-1", created_by=manager,
                                 reversal_date=date(2025, 3, 2))
    assert again.id == reversal.id and again.replayed is True
    assert counts() == (2, 6)


def test_an_entry_is_reversed_once(ctx, world):
    ksp = world.ksp_id
    original = fund(ksp, "1000")
    first = ledger.reverse_entry(ksp, original.id, "salah", "rev-a", reversal_date=date(2025, 1, 3))
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, original.id, "salah lagi", "rev-b", reversal_date=date(2025, 1, 3))
    assert f"#{first.id}" in message(caught.value)
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, first.id, "balik lagi", "rev-c", reversal_date=date(2025, 1, 4))
    assert "cannot itself be reversed" in message(caught.value)
    assert counts() == (2, 4)


def test_a_closing_entry_cannot_be_reversed(ctx, world):
    ksp = coop(world.ksp_id)
    _year_of_business(ksp.id)
    period = ledger.close_period(ksp, date(2025, 12, 31), today=date(2026, 1, 3))
    before = counts()
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp.id, period.closing_entry_id, "coba", "rev-closing",
                             reversal_date=date(2026, 1, 2))
    assert "closing entry cannot be reversed" in message(caught.value)
    assert counts() == before


def test_a_reversal_is_not_dated_before_its_entry(ctx, world):
    original = fund(world.ksp_id, "1000", day=date(2025, 3, 10))
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev", reversal_date=date(2025, 3, 9))
    assert "before the entry" in message(caught.value)
    same_day = ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev",
                                    reversal_date=date(2025, 3, 10))
    assert same_day.entry_date == date(2025, 3, 10)


def test_a_reversal_is_not_dated_in_a_closed_period(ctx, world):
    original = fund(world.ksp_id, "1000", day=date(2025, 1, 10))
    ledger.close_period(coop(world.ksp_id), date(2025, 1, 31), today=date(2025, 3, 1))
    with pytest.raises(ClosedPeriodError):
        ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev", reversal_date=date(2025, 1, 20))
    # Corrected in the open period instead.
    reversal = ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev",
                                    reversal_date=date(2025, 2, 1))
    assert reversal.reverses_id == original.id


def test_a_reversal_needs_a_reason_and_an_entry_of_this_cooperative(ctx, world):
    original = fund(world.ksp_id, "1000")
    with pytest.raises(DomainError):
        ledger.reverse_entry(world.ksp_id, original.id, "   ", "rev")
    with pytest.raises(NotFound):
        ledger.reverse_entry(world.other_id, original.id, "salah", "rev")
    assert counts() == (1, 2)


def test_an_entry_with_sub_ledger_lines_is_reversed_by_its_module(ctx, world):
    # A kind no module registered a reversal handler for.
    ksp = world.ksp_id
    entry = post_entry(ksp, date(2025, 2, 1), "test_module_entry", "Setoran", [
        Line(acc(ksp, "cash"), D("10000")),
        Line(acc(ksp, "simpanan_sukarela"), D("-10000"), savings_account_id=5)], "dep")
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))
    assert "savings or loan" in message(caught.value)
    assert counts() == (1, 2)


def test_a_registered_handler_undoes_the_sub_ledger(ctx, world, monkeypatch):
    ksp = world.ksp_id
    calls = []
    monkeypatch.setitem(registry().reversal_handlers, "test_module_entry",
                        lambda original, reversal: calls.append((original.id, reversal.id)))
    entry = post_entry(ksp, date(2025, 2, 1), "test_module_entry", "Setoran", [
        Line(acc(ksp, "cash"), D("10000")),
        Line(acc(ksp, "simpanan_sukarela"), D("-10000"), savings_account_id=5)], "dep")
    reversal = ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))
    assert reversal.lines[1].savings_account_id == 5
    ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))  # a replay
    assert calls == [(entry.id, reversal.id)]


# -- vouchers ---------------------------------------------------------------------------------

def test_income_and_expense_vouchers_move_cash(ctx, world):
    ksp = world.ksp_id
    income = voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "350000", "in")
    expense = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 2), "office_expense", "125000.50", "out")
    db.session.commit()
    assert income.kind == "income_voucher" and expense.kind == "expense_voucher"
    assert income.memo == "Uraian transaksi"
    assert [(ln.account_id, ln.amount) for ln in expense.lines] == [
        (acc(ksp, "office_expense"), D("125000.50")), (acc(ksp, "cash"), D("-125000.50"))]
    assert balance(ksp, "cash") == D("224999.50")
    assert balance(ksp, "other_income") == D("-350000")


def test_an_expense_voucher_cannot_overdraw_cash(ctx, world):
    ksp = world.ksp_id
    fund(ksp, "100000")
    before = counts()
    with pytest.raises(DomainError) as caught:
        voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000.01", "out")
    assert "does not hold enough money" in message(caught.value)
    assert counts() == before
    # The bank is another account: its balance does not pay for cash.
    with pytest.raises(DomainError):
        voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "bank_charges", "1", "out-bank", cash="bank")
    spent = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000", "out")
    db.session.commit()
    assert balance(ksp, "cash") == 0
    # A retried submission of the voucher that emptied the cash is a replay, not a refusal.
    again = voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), "office_expense", "100000", "out")
    assert again.id == spent.id and again.replayed


@pytest.mark.parametrize("direction, counter", [
    (EXPENSE_VOUCHER, "other_income"),
    (EXPENSE_VOUCHER, "prepaid"),
    (EXPENSE_VOUCHER, "simpanan_wajib"),
    (EXPENSE_VOUCHER, "loans_receivable"),
    (EXPENSE_VOUCHER, "admin_expenses"),  # a group
    (INCOME_VOUCHER, "office_expense"),
    (INCOME_VOUCHER, "simpanan_sukarela"),
    (INCOME_VOUCHER, "interest_receivable"),
    (INCOME_VOUCHER, "grants"),
])
def test_the_counter_account_of_a_voucher(ctx, world, direction, counter):
    ksp = world.ksp_id
    fund(ksp, "1000000")
    before = counts()
    with pytest.raises(DomainError) as caught:
        voucher(ksp, direction, date(2025, 2, 1), counter, "1000", "v")
    wanted = "expense" if direction == EXPENSE_VOUCHER else "income"
    assert f"Choose an {wanted} account" in message(caught.value)
    assert counts() == before


@pytest.mark.parametrize("cash", ["loans_receivable", "prepaid", "simpanan_wajib", "cash_and_bank"])
def test_a_voucher_pays_from_cash_or_bank_only(ctx, world, cash):
    with pytest.raises(DomainError) as caught:
        voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "1000", "v", cash=cash)
    assert "cash or bank" in message(caught.value)
    assert counts() == (0, 0)


@pytest.mark.parametrize("amount", [D("0"), D("-5000"), D("1000.005"), 1000.0, "abc",
                                    D("100000000000.01")])
def test_a_voucher_amount_must_be_sane(ctx, world, amount):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.record_voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), acc(ksp, "cash"),
                              acc(ksp, "other_income"), amount, "uraian", "v")
    assert counts() == (0, 0)


def test_a_voucher_needs_a_description(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.record_voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), acc(ksp, "cash"),
                              acc(ksp, "other_income"), D("1000"), "  ", "v")


def test_a_voucher_uses_accounts_of_its_own_cooperative(ctx, world):
    with pytest.raises(NotFound):
        ledger.record_voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), acc(world.other_id, "cash"),
                              acc(world.ksp_id, "other_income"), D("1000"), "uraian", "v")
    with pytest.raises(NotFound):
        ledger.record_voucher(world.ksp_id, INCOME_VOUCHER, date(2025, 2, 1), acc(world.ksp_id, "cash"),
                              acc(world.other_id, "other_income"), D("1000"), "uraian", "v")


# -- manual entries -----------------------------------------------------------------------------

def test_a_manual_entry_with_many_lines(ctx, world):
    ksp = world.ksp_id
    entry = ledger.post_manual_entry(ksp, date(2025, 2, 1), "Pembelian aset", [
        (acc(ksp, "fixed_assets"), D("3000000"), None, "Laptop"),
        (None, None, None, None),  # an empty form row is ignored
        (acc(ksp, "cash"), None, D("1000000"), None),
        (acc(ksp, "other_payable"), None, D("2000000"), "Utang ke toko"),
    ], "man", created_by=world.user_id("manager"))
    assert entry.kind == "manual" and len(entry.lines) == 3
    assert [ln.amount for ln in entry.lines] == [D("3000000"), D("-1000000"), D("-2000000")]


@pytest.mark.parametrize("key", ["simpanan_wajib", "simpanan_pokok", "loans_receivable",
                                 "simpanan_sukarela", "loan_allowance", "cash_and_bank"])
def test_a_manual_entry_cannot_touch_control_or_group_accounts(ctx, world, key):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "Koreksi", [
            (acc(ksp, "cash"), D("1000"), None, None), (acc(ksp, key), None, D("1000"), None)], "man")
    assert "open detail account" in message(caught.value)
    assert counts() == (0, 0)


def test_sharia_control_accounts_are_refused_too(ctx, world):
    bmt = world.bmt_id
    for key in ("murabahah_receivable", "deferred_margin", "simpanan_wadiah", "simpanan_mudharabah"):
        with pytest.raises(DomainError):
            ledger.post_manual_entry(bmt, date(2025, 2, 1), "Koreksi", [
                (acc(bmt, key), D("1000"), None, None), (acc(bmt, "cash"), None, D("1000"), None)], key)
    assert counts() == (0, 0)


@pytest.mark.parametrize("rows, error", [
    ([("cash", D("1000"), D("1000")), ("grants", None, D("1000"))], DomainError),
    ([("cash", None, None), ("grants", None, D("1000"))], DomainError),
    ([("cash", D("1000"), None)], DomainError),
    ([("cash", D("1000"), None), ("grants", None, D("999"))], PostingError),
    ([("cash", D("-1000"), None), ("grants", D("1000"), None)], DomainError),
    ([("cash", D("10.001"), None), ("grants", None, D("10.001"))], DomainError),
])
def test_manual_entry_rows_are_checked(ctx, world, rows, error):
    ksp = world.ksp_id
    with pytest.raises(error):
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "Koreksi",
                                 [(acc(ksp, k), debit, credit, None) for k, debit, credit in rows], "man")
    assert counts() == (0, 0)


def test_a_manual_entry_needs_a_description(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "", [
            (acc(ksp, "cash"), D("1"), None, None), (acc(ksp, "grants"), None, D("1"), None)], "man")


# -- the chart of accounts ----------------------------------------------------------------------

def test_add_account_under_a_group_of_the_same_type(ctx, world):
    ksp = world.ksp_id
    group = ledger.account_by_key(ksp, "admin_expenses")
    account = ledger.add_account(ksp, " 5211 ", " Beban Keamanan ", "expense", group.id,
                                 name_en="Security")
    db.session.commit()
    assert (account.code, account.name, account.name_en, account.parent_id, account.is_group,
            account.active, account.system_key) == (
        "5211", "Beban Keamanan", "Security", group.id, False, True, None)
    assert account.id in {a.id for a in ledger.open_accounts(ksp, ["expense"])}
    voucher(ksp, INCOME_VOUCHER, date(2025, 2, 1), "other_income", "1000", "in")
    paid = ledger.record_voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 1), acc(ksp, "cash"), account.id,
                                 D("1000"), "Honor satpam", "out")
    assert paid.lines[0].account_id == account.id


def test_add_a_group_and_an_account_under_it(ctx, world):
    ksp = world.ksp_id
    parent = ledger.account_by_key(ksp, "expenses")
    group = ledger.add_account(ksp, "53", "Beban Non-Operasional", "expense", parent.id, is_group=True)
    child = ledger.add_account(ksp, "5301", "Beban Bunga Bank", "expense", group.id)
    assert child.parent_id == group.id and group.is_group
    with pytest.raises(PostingError):
        post_entry(ksp, date(2025, 1, 1), "manual", "", [Line(group.id, D("1")), Line(acc(ksp, "cash"), D("-1"))], "g")


@pytest.mark.parametrize("code", ["", "   ", "52 11", "-5211", "5/211", "x" * 21, "kode!"])
def test_add_account_refuses_a_bad_code(ctx, world, code):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, code, "Nama", "expense", acc(ksp, "admin_expenses"))
    assert "account code" in message(caught.value)


def test_add_account_refuses_a_used_code(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, "5201", "Gaji lagi", "expense", acc(ksp, "admin_expenses"))
    assert "5201 is already used" in message(caught.value)
    # Codes are unique per cooperative only.
    ledger.add_account(ksp, "5299", "Beban X", "expense", acc(ksp, "admin_expenses"))
    ledger.add_account(world.other_id, "5299", "Beban X", "expense", acc(world.other_id, "admin_expenses"))


@pytest.mark.parametrize("parent_key, type_, text", [
    ("office_expense", "expense", "must be a group"),
    ("admin_expenses", "income", "type of its group"),
    ("current_assets", "liability", "type of its group"),
    ("admin_expenses", "bogus", "Unknown account type"),
])
def test_add_account_parent_rules(ctx, world, parent_key, type_, text):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.add_account(ksp, "9999", "Nama", type_, acc(ksp, parent_key))
    assert text in message(caught.value)


def test_add_account_needs_a_parent_of_this_cooperative_and_a_name(ctx, world):
    with pytest.raises(NotFound):
        ledger.add_account(world.ksp_id, "5211", "Nama", "expense", acc(world.other_id, "admin_expenses"))
    with pytest.raises(DomainError):
        ledger.add_account(world.ksp_id, "5211", "  ", "expense", acc(world.ksp_id, "admin_expenses"))
    with pytest.raises(DomainError):
        ledger.add_account(world.ksp_id, "5211", "n" * 201, "expense", acc(world.ksp_id, "admin_expenses"))


def test_set_account_active_needs_a_zero_balance(ctx, world):
    ksp = world.ksp_id
    prepaid = acc(ksp, "prepaid")
    ledger.post_manual_entry(ksp, date(2025, 2, 1), "Sewa dibayar di muka", [
        (prepaid, D("1200000"), None, None), (acc(ksp, "grants"), None, D("1200000"), None)], "p1")
    with pytest.raises(DomainError) as caught:
        ledger.set_account_active(ksp, prepaid, False)
    assert "zero balance" in message(caught.value)
    ledger.post_manual_entry(ksp, date(2025, 3, 1), "Beban sewa", [
        (acc(ksp, "other_expense"), D("1200000"), None, None), (prepaid, None, D("1200000"), None)], "p2")
    account = ledger.set_account_active(ksp, prepaid, False)
    assert account.active is False
    assert prepaid not in {a.id for a in ledger.open_accounts(ksp, ["asset"])}
    with pytest.raises(DomainError):
        ledger.post_manual_entry(ksp, date(2025, 3, 2), "x", [
            (prepaid, D("1"), None, None), (acc(ksp, "grants"), None, D("1"), None)], "p3")
    assert ledger.set_account_active(ksp, prepaid, True).active is True


@pytest.mark.parametrize("key", ["cash", "shu_undistributed", "simpanan_wajib", "loans_receivable"])
def test_system_accounts_stay_active(ctx, world, key):
    with pytest.raises(DomainError):
        ledger.set_account_active(world.ksp_id, acc(world.ksp_id, key), False)


# -- reports ---------------------------------------------------------------------------------

def test_trial_balance_totals_are_equal(ctx, world):
    ksp = world.ksp_id
    fund(ksp, "25000000", cash="bank")
    ledger.post_manual_entry(ksp, date(2025, 1, 3), "Tarik tunai", [
        (acc(ksp, "cash"), D("5000000"), None, None), (acc(ksp, "bank"), None, D("5000000"), None)], "t")
    voucher(ksp, INCOME_VOUCHER, date(2025, 1, 25), "other_income", "275000", "in")
    voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 3), "office_expense", "125500.50", "out")
    fund(world.other_id, "999")  # another cooperative's books stay out
    rows, debit, credit = reports.trial_balance(ksp, date(2025, 12, 31))
    assert debit == credit == D("25275000")
    assert {r.account.system_key: (r.debit, r.credit) for r in rows} == {
        "cash": (D("5149499.50"), D("0")), "bank": (D("20000000"), D("0")),
        "grants": (D("0"), D("25000000")), "other_income": (D("0"), D("275000")),
        "office_expense": (D("125500.50"), D("0"))}
    assert [r.account.code for r in rows] == sorted(r.account.code for r in rows)
    # As of January the expense is not there yet.
    rows, debit, credit = reports.trial_balance(ksp, date(2025, 1, 31))
    assert debit == credit == D("25275000")
    assert "office_expense" not in {r.account.system_key for r in rows}


def test_general_ledger_pages_with_a_running_balance(ctx, world):
    ksp = world.ksp_id
    cash = acc(ksp, "cash")
    # Before the range: the opening balance is 1.000.000 - 200.000.
    fund(ksp, "1000000", day=date(2025, 1, 5))
    voucher(ksp, EXPENSE_VOUCHER, date(2025, 1, 20), "office_expense", "200000", "jan-out")
    movements = [  # (date, amount into cash), posted out of date order on purpose
        (date(2025, 2, 14), D("50000")), (date(2025, 2, 1), D("100000.50")),
        (date(2025, 2, 3), D("-30000")), (date(2025, 2, 3), D("25000")),
        (date(2025, 2, 10), D("-0.50")), (date(2025, 2, 20), D("400000")),
        (date(2025, 2, 27), D("-45000")),
    ]
    for n, (day, amount) in enumerate(movements):
        if amount > 0:
            voucher(ksp, INCOME_VOUCHER, day, "other_income", amount, f"in-{n}")
        else:
            voucher(ksp, EXPENSE_VOUCHER, day, "transport_expense", -amount, f"out-{n}")
    voucher(ksp, INCOME_VOUCHER, date(2025, 3, 1), "other_income", "7", "march")  # after the range
    db.session.commit()

    expected, running = [], D("800000")
    for day, amount in sorted(movements, key=lambda m: m[0]):  # stable: posting order within a day
        running += amount
        expected.append((day, amount if amount > 0 else None, -amount if amount < 0 else None, running))

    pages = []
    for page in (1, 2, 3):
        opening, rows, total, closing = reports.general_ledger(
            ksp, cash, date(2025, 2, 1), date(2025, 2, 28), page=page, per_page=3)
        assert (opening, total, closing) == (D("800000"), 7, D("1300000"))
        pages.append([(r["entry_date"], r["debit"], r["credit"], r["balance"]) for r in rows])
    assert [len(p) for p in pages] == [3, 3, 1]
    assert pages[0] + pages[1] + pages[2] == expected
    assert expected[-1][3] == D("1300000")
    assert reports.general_ledger(ksp, cash, date(2025, 2, 1), date(2025, 2, 28), page=4,
                                  per_page=3)[1] == []
    opening, rows, total, closing = reports.general_ledger(
        ksp, acc(ksp, "other_income"), date(2025, 2, 1), date(2025, 2, 28))
    assert (opening, total, closing) == (D("0"), 4, D("-575000.50"))
    assert rows[0]["memo"] == "Uraian transaksi" and rows[0]["kind"] == "income_voucher"


# -- audit ---------------------------------------------------------------------------------

def _account_audit(account_id):
    return db.session.execute(select(AuditLog).where(
        AuditLog.table_name == "gl_accounts", AuditLog.row_id == account_id)
        .order_by(AuditLog.id)).scalars().all()


def test_a_new_account_leaves_an_audit_row_with_its_actor(ctx, world):
    ksp = world.ksp_id
    g.actor_id = world.user_id("manager")
    account = ledger.add_account(ksp, "5211", "Beban Keamanan", "expense", acc(ksp, "admin_expenses"))
    ledger.set_account_active(ksp, account.id, False)
    db.session.commit()
    rows = _account_audit(account.id)
    # One row per change, however many apps this process has built.
    assert [(r.action, r.actor_id, r.cooperative_id) for r in rows] == [
        ("insert", world.user_id("manager"), ksp), ("update", world.user_id("manager"), ksp)]
    insert, update = rows
    assert insert.before is None and insert.at is not None
    assert insert.after["code"] == "5211" and insert.after["type"] == "expense"
    assert insert.after["name"] == "Beban Keamanan" and insert.after["active"] is True
    assert (update.before, update.after) == ({"active": True}, {"active": False})


def test_journal_rows_are_not_audited_but_carry_their_author(ctx, world):
    g.actor_id = world.user_id("manager")
    entry = fund(world.ksp_id, "1000")
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(AuditLog).where(
        AuditLog.table_name.in_(["journal_entries", "journal_lines"]))).scalar() == 0
    assert entry.posted_at is not None
