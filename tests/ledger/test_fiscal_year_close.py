"""The fiscal year's closing entry: it sums only that year's lines, a period close may not pass
a year end whose closing is missing, check-ledger names such a year with the command that
repairs it, and the demo's way of closing leaves the dashboard and the chart in agreement."""
import html
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger import fiscal_year, reports
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import EXPENSE, INCOME, GLAccount, JournalEntry, LedgerPeriod
from coop_app.ledger.posting import Line, post_entry
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from coop_app.provisioning import create_cooperative
from tests.ledger.helpers import fund, voucher
from tests.support import in_english
from tests.support.books import account_id, balance, coop
from tests.support.web import english, text_of

D = Decimal
TODAY = date(2026, 11, 1)  # the demo's day: its books begin in November 2025


def two_years(coop_id):
    """November and December 2025 (income 500.000, expense 200.000), then 2026 (income
    300.000, expense 120.000), as the demo's books run."""
    fund(coop_id, "5000000", day=date(2025, 11, 1))
    voucher(coop_id, INCOME_VOUCHER, date(2025, 11, 20), "other_income", "500000", "in-2025")
    voucher(coop_id, EXPENSE_VOUCHER, date(2025, 12, 5), "office_expense", "200000", "out-2025")
    voucher(coop_id, INCOME_VOUCHER, date(2026, 2, 20), "other_income", "300000", "in-2026")
    voucher(coop_id, EXPENSE_VOUCHER, date(2026, 6, 5), "salary_expense", "120000", "out-2026")


def chart_result(coop_id, today):
    """Income less expense as the chart of accounts shows them (its balances on `today`)."""
    types = dict(db.session.execute(select(GLAccount.id, GLAccount.type).where(
        GLAccount.cooperative_id == coop_id)).all())
    balances = reports.balances_by_account(coop_id, today)
    income = -sum((v for a, v in balances.items() if types[a] == INCOME), D(0))
    expense = sum((v for a, v in balances.items() if types[a] == EXPENSE), D(0))
    return income - expense


def closing_lines(entry):
    return {ln.account_id: ln.amount for ln in entry.lines}


def legacy_close(coop_id, *period_ends):
    """Closed periods as the old close left them: past a year end, with no closing entry."""
    for period_end in period_ends:
        db.session.add(LedgerPeriod(cooperative_id=coop_id, period_end=period_end))
    db.session.flush()


def problems_of(coop_id):
    return check_ledger(coop_id)[1]


# -- (b) the closing entry sums only its own year ----------------------------------------------

def test_the_closing_entry_sums_only_the_lines_of_its_year(ctx, world, clock):
    clock.move_to(datetime(2027, 1, 15, 3, tzinfo=timezone.utc))  # 2027 has begun: its voucher is no future
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    voucher(ksp.id, INCOME_VOUCHER, date(2027, 1, 10), "bank_income", "45000", "in-2027")
    entry = fiscal_year.close_year(ksp, date(2026, 12, 31), today=TODAY.replace(year=2027))
    # 2026's income 300.000 and expense 120.000 only: 2025 (unclosed) and 2027 stay out.
    assert (entry.kind, entry.entry_date, entry.idempotency_key) == (
        "closing", date(2026, 12, 31), "closing:2026-12-31")
    assert closing_lines(entry) == {
        account_id(ksp.id, "other_income"): D("300000"),
        account_id(ksp.id, "salary_expense"): D("-120000"),
        account_id(ksp.id, "shu_undistributed"): D("-180000")}
    assert balance(ksp.id, "other_income") == D("-500000")  # 2025's, waiting for its own close
    assert balance(ksp.id, "bank_income") == D("-45000")


def test_a_closed_year_has_nothing_more_to_close(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    first = ledger.close_period(ksp, date(2025, 12, 31), today=TODAY)
    assert closing_lines(db.session.get(JournalEntry, first.closing_entry_id)) == {
        account_id(ksp.id, "other_income"): D("500000"),
        account_id(ksp.id, "office_expense"): D("-200000"),
        account_id(ksp.id, "shu_undistributed"): D("-300000")}
    assert fiscal_year.closing_gap(ksp, date(2025, 12, 31)) == {}
    assert fiscal_year.close_year(ksp, date(2025, 12, 31), today=TODAY) is None


def test_only_an_ended_fiscal_year_closes(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    for year_end, today in ((date(2026, 12, 31), TODAY), (date(2026, 12, 31), date(2026, 12, 31)),
                            (date(2026, 11, 30), date(2027, 1, 5))):
        with pytest.raises(DomainError) as caught:
            fiscal_year.close_year(ksp, year_end, today=today)
        assert "has ended" in in_english(caught.value)


# -- (a) a close may not pass a year end whose closing is missing --------------------------------

def test_a_first_close_past_an_unclosed_year_end_is_refused_and_says_which_month_to_close(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    for period_end in (date(2026, 1, 31), date(2026, 5, 31)):
        with pytest.raises(DomainError) as caught:
            ledger.close_period(ksp, period_end, today=TODAY)
        message = in_english(caught.value)
        assert "Fiscal year 2025" in message and "close the period ending 2025-12-31 first" in message
    assert ledger.periods(ksp.id) == []

    ledger.close_period(ksp, date(2025, 12, 31), today=TODAY)
    for month in range(1, 6):
        period = ledger.close_period(ksp, ledger.month_end(date(2026, month, 1)), today=TODAY)
    assert period.period_end == date(2026, 5, 31)
    assert balance(ksp.id, "shu_undistributed") == D("-300000")
    assert problems_of(ksp.id) == []


def test_a_year_without_income_or_expense_needs_no_closing_entry(ctx, world):
    ksp = coop(world.ksp_id)
    fund(ksp.id, "1000000", day=date(2025, 3, 1))
    voucher(ksp.id, INCOME_VOUCHER, date(2026, 2, 1), "other_income", "10000", "in")
    assert ledger.close_period(ksp, date(2026, 3, 31), today=TODAY).closing_entry_id is None


def test_income_posted_after_a_year_was_closed_is_closed_by_a_correction_at_its_end(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    fiscal_year.close_year(ksp, date(2025, 12, 31), today=TODAY)  # the year's end still open
    voucher(ksp.id, INCOME_VOUCHER, date(2025, 12, 20), "bank_income", "7500", "late")
    with pytest.raises(DomainError) as caught:
        ledger.close_period(ksp, date(2026, 1, 31), today=TODAY)
    assert "close the period ending 2025-12-31 first" in in_english(caught.value)
    period = ledger.close_period(ksp, date(2025, 12, 31), today=TODAY)
    correction = db.session.get(JournalEntry, period.closing_entry_id)
    assert (correction.entry_date, correction.idempotency_key) == (
        date(2025, 12, 31), "closing:2025-12-31:correction:1")
    assert closing_lines(correction) == {account_id(ksp.id, "bank_income"): D("7500"),
                                         account_id(ksp.id, "shu_undistributed"): D("-7500")}
    assert balance(ksp.id, "shu_undistributed") == D("-307500")


def test_a_close_past_a_closed_year_with_a_missing_closing_is_refused_with_the_command(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    legacy_close(ksp.id, date(2026, 5, 31))
    with pytest.raises(DomainError) as caught:
        ledger.close_period(ksp, date(2026, 6, 30), today=TODAY)
    assert in_english(caught.value) == (
        "Fiscal year 2025 lies in a closed period but its closing entry is missing or wrong: "
        "post it first with `flask coop close-fiscal-year --cooperative KSP-A --year 2025`.")


# -- (c) check-ledger names the year and its repair; the repair ---------------------------------

def test_check_ledger_names_a_closed_year_without_its_closing_entry_and_the_command(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    legacy_close(ksp.id, date(2026, 5, 31), date(2026, 6, 30))
    assert problems_of(ksp.id) == [
        "fiscal year 2025-01-01 to 2025-12-31 of KSP-A lies in a closed period and its closing "
        "entry is missing; fix: flask coop close-fiscal-year --cooperative KSP-A --year 2025"]
    assert problems_of(world.bmt_id) == []
    assert len(problems_of(None)) == 1


def test_the_repair_posts_the_closing_on_the_first_open_day_and_the_books_agree(ctx, world, runner):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    legacy_close(ksp.id, date(2026, 5, 31), date(2026, 6, 30))
    # As the old close left it: the chart counts 2025 in 2026's result, the dashboard not.
    assert reports.dashboard_summary(ksp, today=TODAY)["surplus"] == D("180000")
    assert chart_result(ksp.id, TODAY) == D("480000")
    db.session.commit()

    result = runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "ksp-a", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "dated 2026-07-01" in result.output
    db.session.rollback()
    entry = db.session.execute(select(JournalEntry).where(
        JournalEntry.idempotency_key == "closing:2025-12-31")).scalar_one()
    assert (entry.kind, entry.entry_date) == ("closing", date(2026, 7, 1))
    assert "2025-01-01 s.d. 2025-12-31" in entry.memo and "ditutup sampai 2026-06-30" in entry.memo
    assert closing_lines(entry) == {
        account_id(ksp.id, "other_income"): D("500000"),
        account_id(ksp.id, "office_expense"): D("-200000"),
        account_id(ksp.id, "shu_undistributed"): D("-300000")}
    assert problems_of(ksp.id) == []
    assert reports.dashboard_summary(ksp, today=TODAY)["surplus"] == chart_result(ksp.id, TODAY) == D("180000")
    # 2025's result stays 2025's: its income statement leaves closing entries out.
    assert reports.dashboard_summary(ksp, today=date(2025, 12, 31))["surplus"] == D("300000")
    ledger.close_period(ksp, date(2026, 7, 31), today=TODAY)

    again = runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "KSP-A", "--year", "2025"])
    assert again.exit_code == 0 and "already closed" in again.output


def test_a_closing_entry_that_swept_in_an_earlier_year_is_reported_and_corrected(ctx, world, runner, clock):
    clock.move_to(datetime(2027, 1, 15, 3, tzinfo=timezone.utc))  # after 2026's year end, closed
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    # The old close at the end of 2026 summed every line up to that day, 2025's among them.
    shu = account_id(ksp.id, "shu_undistributed")
    post_entry(ksp.id, date(2026, 12, 31), "closing", "Tutup buku tahun buku 2026", [
        Line(account_id(ksp.id, "other_income"), D("800000")),
        Line(account_id(ksp.id, "office_expense"), D("-200000")),
        Line(account_id(ksp.id, "salary_expense"), D("-120000")), Line(shu, D("-480000"))],
        "closing:2026-12-31")
    legacy_close(ksp.id, date(2026, 5, 31), date(2026, 12, 31))
    command = "flask coop close-fiscal-year --cooperative KSP-A --year"
    assert problems_of(ksp.id) == [
        "fiscal year 2025-01-01 to 2025-12-31 of KSP-A lies in a closed period and its closing "
        f"entry is missing; fix: {command} 2025",
        "fiscal year 2026-01-01 to 2026-12-31 of KSP-A lies in a closed period and its closing "
        f"entry is wrong: it does not close that year's own income and expense; fix: {command} 2026"]
    db.session.commit()
    for year in ("2025", "2026"):
        result = runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "KSP-A", "--year", year])
        assert result.exit_code == 0, result.output
    db.session.rollback()
    assert problems_of(ksp.id) == []
    repair_2025, correction_2026 = db.session.execute(
        select(JournalEntry).where(JournalEntry.entry_date == date(2027, 1, 1))
        .order_by(JournalEntry.id)).scalars().all()
    assert correction_2026.idempotency_key == "closing:2026-12-31:correction:1"
    assert correction_2026.memo.startswith("Koreksi: Tutup buku tahun buku 2026")
    assert closing_lines(correction_2026) == {account_id(ksp.id, "other_income"): D("-500000"),
                                              account_id(ksp.id, "office_expense"): D("200000"),
                                              shu: D("300000")}
    # Together the two repairs move nothing: only which year each amount is closed under.
    assert {a: -v for a, v in closing_lines(repair_2025).items()} == closing_lines(correction_2026)
    assert balance(ksp.id, "shu_undistributed") == D("-480000")


def test_the_command_refuses_an_unknown_cooperative_and_a_year_not_ended(ctx, world, runner):
    assert runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "NOPE", "--year", "2025"]).exit_code == 2
    result = runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "KSP-A", "--year", "2999"])
    assert result.exit_code == 1 and "tahun buku" in result.output.lower()
    assert runner.invoke(args=["coop", "close-fiscal-year", "--cooperative", "KSP-A"]).exit_code == 2


def test_a_fiscal_year_from_july_is_named_by_the_year_it_ends(ctx, world):
    july = create_cooperative("KSP-JULI", "ksp", name="KSP Tahun Buku Juli", village="Desa",
                              kecamatan="Kec", kabupaten="Kab", province="Prov",
                              founded_on=date(2020, 1, 1), fiscal_year_start_month=7)
    assert fiscal_year.year_end_named(july, 2025) == date(2025, 6, 30)
    assert fiscal_year.year_end_named(coop(world.ksp_id), 2025) == date(2025, 12, 31)
    fund(july.id, "1000000", day=date(2025, 4, 1))
    voucher(july.id, INCOME_VOUCHER, date(2025, 4, 2), "other_income", "10000", "in")
    voucher(july.id, INCOME_VOUCHER, date(2025, 7, 2), "other_income", "2500", "in-next")
    with pytest.raises(DomainError) as caught:
        ledger.close_period(july, date(2025, 7, 31), today=TODAY)
    assert "close the period ending 2025-06-30 first" in in_english(caught.value)
    entry = fiscal_year.close_year(july, date(2025, 6, 30), today=TODAY)
    assert closing_lines(entry)[account_id(july.id, "other_income")] == D("10000")


# -- (d) the demo's sequence: the dashboard and the chart agree on the year's result ------------

def test_after_the_demos_closes_the_dashboard_and_the_chart_agree_on_2026(ctx, world):
    ksp = coop(world.ksp_id)
    two_years(ksp.id)
    # The demo closes every month but the last two of its last six, May to August 2026;
    # its books begin in November 2025, so 2025's year end comes first.
    first_month = date(2026, 5, 1)
    assert fiscal_year.ended_years(ksp, first_month) == [date(2025, 12, 31)]
    for year_end in fiscal_year.ended_years(ksp, first_month):
        fiscal_year.close_year(ksp, year_end, today=TODAY)
    for month in range(5, 9):
        ledger.close_period(ksp, ledger.month_end(date(2026, month, 1)), today=TODAY)
    summary = reports.dashboard_summary(ksp, today=TODAY)
    assert (summary["income"], summary["expense"], summary["surplus"]) == (
        D("300000"), D("120000"), D("180000"))
    assert chart_result(ksp.id, TODAY) == summary["surplus"]
    assert balance(ksp.id, "shu_undistributed") == D("-300000")
    assert problems_of(None) == []


# -- the period page ----------------------------------------------------------------------------

def test_the_period_page_refuses_a_close_past_an_unclosed_year_with_the_command(app, client, auth, world):
    with app.app_context():
        fund(world.ksp_id, "1000000", day=date(2024, 3, 1))
        voucher(world.ksp_id, INCOME_VOUCHER, date(2024, 3, 2), "other_income", "25000", "in-2024")
        legacy_close(world.ksp_id, date(2025, 5, 31))
        db.session.commit()
    auth.login("manager")
    english(client)
    response = client.post("/c/KSP-A/ledger/periods/close", data={"period_end": "2025-06-30"})
    assert response.status_code == 422
    assert ("Fiscal year 2024 lies in a closed period but its closing entry is missing or wrong: "
            "post it first with `flask coop close-fiscal-year --cooperative KSP-A --year 2024`."
            in html.unescape(text_of(response)))
    with app.app_context():
        assert [p.period_end for p in ledger.periods(world.ksp_id)] == [date(2025, 5, 31)]
    page = html.unescape(text_of(client.get("/c/KSP-A/ledger/periods")))
    assert page.count("data-unclosed-year") == 1
    assert "--cooperative KSP-A --year 2024" in page
